import type { FastifyInstance } from 'fastify';
import { Layout } from '../../platform/views/layout.tsx';
import { pageContext } from '../../platform/views/page-context.ts';
import { sendPage } from '../../platform/views/render.ts';

export async function homePages(app: FastifyInstance): Promise<void> {
  app.get('/', async (req, reply) => {
    const ctx = pageContext(req, reply);
    const { t } = ctx;
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t('app.name')}>
        <h1>{t('home.title', { vendor: ctx.vendor })}</h1>
        <p>{t('home.intro')}</p>
        {ctx.actor ? (
          <p>{t('home.welcome_back', { name: ctx.actor.name })}</p>
        ) : (
          <p>
            <a href="/sign-up" role="button">
              {t('home.get_started')}
            </a>
          </p>
        )}
      </Layout>,
    );
  });
}
