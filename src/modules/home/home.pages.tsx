import type { FastifyInstance } from 'fastify';
import { can, type Actor } from '../../platform/auth.ts';
import type { Permission } from '../../platform/roles.rules.ts';
import { Layout } from '../../platform/views/layout.tsx';
import { pageContext, type PageContext } from '../../platform/views/page-context.ts';
import { sendPage } from '../../platform/views/render.ts';

// The front door (REG-13's entry point): what the programme asks of a reseller, in the words of
// seed 000, and the ways in. A signed-in person sees the places their roles open.

/** The eligibility requirements of seed 000, in its order. */
const REQUIREMENTS = [
  'user_id',
  'distributor',
  'release',
  'address',
  'email',
  'added_value',
  'training',
  'agreement',
] as const;

interface Destination {
  key: string;
  href: string;
  /** Shown when the actor holds this permission anywhere; undefined: every signed-in person. */
  permission?: Permission;
}

const DESTINATIONS: Destination[] = [
  { key: 'application', href: '/apply' },
  { key: 'partner', href: '/partner', permission: 'partner:read' },
  { key: 'pica', href: '/pica', permission: 'pica:sponsor' },
  { key: 'access', href: '/pica/access', permission: 'entitlements:self' },
  { key: 'distributor', href: '/distributor', permission: 'distributor:read' },
  { key: 'staff', href: '/staff', permission: 'applications:review' },
  { key: 'account', href: '/account' },
];

export function destinationsFor(actor: Actor): Destination[] {
  return DESTINATIONS.filter((d) => d.permission === undefined || can(actor, d.permission));
}

function NextSteps({ ctx, actor }: { ctx: PageContext; actor: Actor }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="next-title">
      <h2 id="next-title">{t('home.next_title')}</h2>
      <ul class="destinations">
        {destinationsFor(actor).map((d) => (
          <li>
            <a href={d.href}>{t(`home.next_${d.key}`)}</a>
            <br />
            <small>{t(`home.next_${d.key}_hint`)}</small>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Requirements({ ctx }: { ctx: PageContext }) {
  const { t, vendor } = ctx;
  return (
    <section aria-labelledby="requirements-title">
      <h2 id="requirements-title">{t('home.requirements_title')}</h2>
      <p>{t('home.requirements_intro', { vendor })}</p>
      <ol>
        {REQUIREMENTS.map((r) => (
          <li>{t(`home.req_${r}`, { vendor })}</li>
        ))}
      </ol>
      <p>
        <strong>{t('home.no_guarantee', { vendor })}</strong>
      </p>
    </section>
  );
}

function WaysIn({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="ways-in-title">
      <h2 id="ways-in-title">{t('home.ways_in')}</h2>
      <div class="grid">
        <article>
          <p>
            <a href="/apply" role="button">
              {t('home.begin_application')}
            </a>
          </p>
          <p>
            <small>{t('home.begin_hint')}</small>
          </p>
        </article>
        <article>
          <p>
            <a href="/partners">{t('home.find_partner')}</a>
          </p>
          <p>
            <small>{t('home.find_partner_hint')}</small>
          </p>
        </article>
        <article>
          <p>
            <a href="/distributors">{t('home.find_distributor')}</a>
          </p>
          <p>
            <small>{t('home.find_distributor_hint')}</small>
          </p>
        </article>
      </div>
    </section>
  );
}

export async function homePages(app: FastifyInstance): Promise<void> {
  // Browsers ask for /favicon.ico whatever the page links to; answer with the real icon.
  app.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) =>
    reply.redirect('/assets/favicon.svg', 301),
  );

  app.get('/', async (req, reply) => {
    const ctx = pageContext(req, reply);
    const { t, actor } = ctx;
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t('app.name')}>
        <h1>{t('home.title', { vendor: ctx.vendor })}</h1>
        <p>{t('home.intro')}</p>
        {actor && <p>{t('home.welcome_back', { name: actor.name })}</p>}
        {actor && <NextSteps ctx={ctx} actor={actor} />}
        <WaysIn ctx={ctx} />
        <Requirements ctx={ctx} />
      </Layout>,
    );
  });
}
