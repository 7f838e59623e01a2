import type { FastifyInstance } from 'fastify';
import { notFound } from '../../platform/errors.ts';
import { DataTable } from '../../platform/views/data-table.tsx';
import { signedIn } from '../../platform/views/page-helpers.tsx';
import { colleaguePages } from './colleagues.pages.tsx';
import { accountPages } from './distributor-accounts.pages.tsx';
import { locationPages } from './locations.pages.tsx';
import { renewalPages } from './renewal.pages.tsx';
import { partnerOverview, partnerOfUser, type Overview, type Task } from './self-service.service.ts';
import { Day, partnerPageCtx, SelfServicePage, sendPage } from './self-service.view.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';

// Issue #12 item 2: the registered partner's home in Partner Self Service.

const TASK_LINKS: Record<Task, string> = {
  claims_pending: '/accounts',
  claims_rejected: '/accounts',
  review_due: '/accounts',
  // Training has its own pages for the person's partner (training.pages.tsx).
  training_due: '/partner/training',
  training_overdue: '/partner/training',
  renewal_due: '/renewal',
  lapsed: '/renewal',
  locations_flagged: '/locations',
  no_listed_location: '/locations',
};

function HomeView({ ctx, o }: { ctx: PageContext; o: Overview }) {
  const { t } = ctx;
  const { partner, standing } = o;
  return (
    <SelfServicePage ctx={ctx} partner={partner} section="home" title={t('partner.home.title')}>
      <section aria-labelledby="status-title">
        <h2 id="status-title">{t('partner.home.status')}</h2>
        <dl class="facts">
          <dt>{t('partner.home.registered_since')}</dt>
          <dd>
            <Day ctx={ctx} date={partner.registeredAt} />
          </dd>
          <dt>{t('partner.home.term_ends')}</dt>
          <dd>
            <Day ctx={ctx} date={standing.termEndsAt} />{' '}
            {standing.renewal !== 'not_due' && <strong>{t(`partner.renewal.state_${standing.renewal}`)}</strong>}
          </dd>
          <dt>{t('partner.home.review_due')}</dt>
          <dd>
            <Day ctx={ctx} date={standing.reviewDueAt} />
          </dd>
        </dl>
      </section>
      <section aria-labelledby="eligibility-title">
        <h2 id="eligibility-title">{t('partner.home.eligibility')}</h2>
        {standing.restricted ? (
          <div role="status">
            <p>
              <strong>{t('partner.home.restricted')}</strong>
            </p>
            <ul>
              {standing.reasons.map((r) => (
                <li>{t(`partner.reasons.${r}`)}</li>
              ))}
            </ul>
          </div>
        ) : (
          <p role="status">
            {t('partner.home.not_restricted')}
            {standing.restrictionStartsAt && (
              <>
                {' '}
                {t('partner.home.restriction_ahead')} <Day ctx={ctx} date={standing.restrictionStartsAt} />
              </>
            )}
          </p>
        )}
        {o.eligibility.length > 0 && (
          <DataTable
            caption={t('partner.home.eligibility_caption')}
            columns={[
              t('partner.accounts.distributor'),
              t('fields.account_number'),
              t('partner.home.eligible'),
              t('partner.home.reasons'),
            ]}
            rows={o.eligibility}
            row={(e) => (
              <tr>
                <td>{e.claim.distributorName}</td>
                <td>
                  <code>{e.claim.accountNumber}</code>
                </td>
                <td>{e.eligible ? t('partner.home.yes') : t('partner.home.no')}</td>
                <td>
                  {e.reasons
                    .map((r) => t(`partner.eligibility_reasons.${r.code}`, { defaultValue: r.message }))
                    .join(' ')}
                </td>
              </tr>
            )}
          />
        )}
      </section>
      <section aria-labelledby="tasks-title">
        <h2 id="tasks-title">{t('partner.home.tasks')}</h2>
        {o.tasks.length === 0 ? (
          <p>{t('partner.home.no_tasks')}</p>
        ) : (
          <ul>
            {o.tasks.map((task) => (
              <li>
                {TASK_LINKS[task] ? (
                  <a
                    href={
                      TASK_LINKS[task].startsWith('/partner/')
                        ? TASK_LINKS[task]
                        : `/partner/${partner.id}${TASK_LINKS[task]}`
                    }
                  >
                    {t(`partner.tasks.${task}`)}
                  </a>
                ) : (
                  t(`partner.tasks.${task}`)
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </SelfServicePage>
  );
}

export async function selfServicePages(app: FastifyInstance): Promise<void> {
  const ctx = () => app.appContext;

  app.get('/partner', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const partner = await partnerOfUser(ctx().db, actor.userId);
    if (!partner || partner.status === 'applicant') throw notFound('Partner');
    return reply.redirect(`/partner/${partner.id}`, 303);
  });

  app.get<{ Params: { partnerId: string } }>('/partner/:partnerId', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const o = await partnerOverview(ctx(), req.actor, req.params.partnerId);
    return sendPage(reply, <HomeView ctx={partnerPageCtx(req, reply)} o={o} />);
  });

  await colleaguePages(app);
  await accountPages(app);
  await locationPages(app);
  await renewalPages(app);
}
