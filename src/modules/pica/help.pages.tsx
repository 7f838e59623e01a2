import type { FastifyInstance } from 'fastify';
import { pageCtx } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { PicaPage } from './views.tsx';

const QUESTIONS = [
  'what',
  'who_admin',
  'eligibility',
  'key_lost',
  'key_wrong',
  'locked',
  'domain',
  'existing_account',
  'tools',
  'contract_end',
  'yearly',
];
const ADMIN_STEPS = ['open', 'register', 'numbers', 'approval', 'sponsor', 'give', 'revoke', 'users', 'reconfirm'];
const END_USER_STEPS = ['register', 'information', 'additional', 'number_key', 'details', 'email', 'tools'];

/** PICA-9: questions and answers and the two user guides, in every language. */
export async function picaHelpPages(app: FastifyInstance): Promise<void> {
  app.get('/pica/help', async (req, reply) => {
    const ctx = pageCtx(req, reply);
    const { t } = ctx;
    return sendPage(
      reply,
      <PicaPage ctx={ctx} title={t('pica.help.title')}>
        <p>{t('pica.help.intro', { help: ctx.help })}</p>
        {QUESTIONS.map((q) => (
          <section aria-labelledby={`q-${q}`}>
            <h2 id={`q-${q}`}>{t(`pica.help.q.${q}`, { vendor: ctx.vendor })}</h2>
            <p>{t(`pica.help.a.${q}`, { vendor: ctx.vendor, help: ctx.help })}</p>
          </section>
        ))}
      </PicaPage>,
    );
  });

  for (const [path, key, steps] of [
    ['/pica/guide/administrators', 'admin', ADMIN_STEPS],
    ['/pica/guide/end-users', 'end_user', END_USER_STEPS],
  ] as const) {
    app.get(path, async (req, reply) => {
      const ctx = pageCtx(req, reply);
      const { t } = ctx;
      return sendPage(
        reply,
        <PicaPage ctx={ctx} title={t(`pica.guide.${key}_title`)}>
          <p>{t(`pica.guide.${key}_intro`, { vendor: ctx.vendor })}</p>
          <ol>
            {steps.map((step) => (
              <li>{t(`pica.guide.${key}.${step}`, { vendor: ctx.vendor, help: ctx.help })}</li>
            ))}
          </ol>
        </PicaPage>,
      );
    });
  }
}
