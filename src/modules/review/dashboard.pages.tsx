import type { FastifyInstance } from 'fastify';
import { countryName } from '../../platform/countries.ts';
import type { PageContext } from '../../platform/views/page-context.ts';
import { sendPage } from '../../platform/views/render.ts';
import { pageCtx } from '../../platform/views/page-helpers.tsx';
import { BarChart, ChartTable, type Bar } from './charts.tsx';
import { TableRegion } from '../../platform/views/data-table.tsx';
import { ConsolePage, staffMember } from './console.tsx';
import { dashboard, type Dashboard } from './dashboard.service.ts';
import { FlagRatesSection } from './flags.view.tsx';

/** Partners by country shows the largest countries in the chart; the table lists every one. */
const CHART_COUNTRIES = 15;

function ChartSection({
  ctx,
  id,
  title,
  intro,
  bars,
  tableBars,
  headers,
}: {
  ctx: PageContext;
  id: string;
  title: string;
  intro?: string;
  bars: Bar[];
  tableBars?: Bar[];
  headers: [string, string];
}) {
  return (
    <section aria-labelledby={`${id}-heading`} class="chart-section">
      <h2 id={`${id}-heading`}>{title}</h2>
      {intro && <p>{intro}</p>}
      <BarChart ctx={ctx} title={title} bars={bars} />
      <ChartTable
        ctx={ctx}
        caption={ctx.t('staff.dashboard.table_caption', { title })}
        headers={headers}
        bars={tableBars ?? bars}
      />
    </section>
  );
}

function DashboardPage({ ctx, data }: { ctx: PageContext; data: Dashboard }) {
  const { t, lang } = ctx;
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const { funnel, training } = data;
  const funnelBars: Bar[] = [
    { label: t('staff.status.draft'), value: funnel.drafts, tone: 'grey' },
    { label: t('staff.status.submitted'), value: funnel.submitted, tone: 'blue' },
    { label: t('staff.status.info_requested'), value: funnel.infoRequested, tone: 'purple' },
    { label: t('staff.status.approved'), value: funnel.approved, tone: 'green' },
    { label: t('staff.status.declined'), value: funnel.declined, tone: 'red' },
  ];
  const countryBars: Bar[] = data.partnersByCountry.map((c) => ({
    label: countryName(c.country, lang),
    value: c.partners,
    tone: 'blue',
  }));
  const other = Math.max(0, training.assigned - training.completed - training.dueWithin30Days - training.overdue);
  const trainingBars: Bar[] = [
    { label: t('staff.dashboard.training_completed'), value: training.completed, tone: 'green' },
    { label: t('staff.dashboard.training_due_soon'), value: training.dueWithin30Days, tone: 'amber' },
    { label: t('staff.dashboard.training_overdue'), value: training.overdue, tone: 'red' },
    { label: t('staff.dashboard.training_other'), value: other, tone: 'grey' },
  ];
  return (
    <ConsolePage ctx={ctx} title={t('staff.dashboard.title')} section="dashboard">
      <h1>{t('staff.dashboard.title')}</h1>
      <p>
        <a href="/staff/applications" role="button">
          {t('staff.dashboard.open_queue', { count: funnel.submitted })}
        </a>
      </p>

      <ChartSection
        ctx={ctx}
        id="funnel"
        title={t('staff.dashboard.funnel_title')}
        bars={funnelBars}
        headers={[t('fields.status'), t('staff.dashboard.applications')]}
      />
      <dl class="facts">
        <dt>{t('staff.dashboard.median_days')}</dt>
        <dd>
          {funnel.medianDaysToDecision === null
            ? t('staff.dashboard.no_decisions')
            : t('staff.dashboard.days', {
                count: funnel.medianDaysToDecision,
                formatted: number.format(funnel.medianDaysToDecision),
              })}
        </dd>
      </dl>

      {countryBars.length === 0 ? (
        <section aria-labelledby="countries-heading">
          <h2 id="countries-heading">{t('staff.dashboard.countries_title')}</h2>
          <p>{t('staff.dashboard.no_partners')}</p>
        </section>
      ) : (
        <ChartSection
          ctx={ctx}
          id="countries"
          title={t('staff.dashboard.countries_title')}
          intro={
            countryBars.length > CHART_COUNTRIES
              ? t('staff.dashboard.countries_top', { count: CHART_COUNTRIES })
              : undefined
          }
          bars={countryBars.slice(0, CHART_COUNTRIES)}
          tableBars={countryBars}
          headers={[t('fields.country'), t('staff.dashboard.partners')]}
        />
      )}

      <ChartSection
        ctx={ctx}
        id="training"
        title={t('staff.dashboard.training_title')}
        intro={t('staff.dashboard.training_intro', { count: training.assigned })}
        bars={trainingBars}
        headers={[t('fields.status'), t('staff.dashboard.people')]}
      />
      <p>
        {t('training.dashboard.summary', data.trainingPartners)}{' '}
        <a href="/staff/training">{t('training.dashboard.link')}</a>
      </p>

      <FlagRatesSection ctx={ctx} kinds={data.flagKinds} />

      <section aria-labelledby="restricted-heading">
        <h2 id="restricted-heading">{t('staff.dashboard.restricted_title')}</h2>
        <p>{t('staff.dashboard.restricted_intro')}</p>
        {data.purchaseRestricted.length === 0 ? (
          <p>{t('staff.dashboard.no_restricted')}</p>
        ) : (
          // Named apart from its section (which the heading names): two landmarks with one name confuse (axe landmark-unique).
          <TableRegion label={t('staff.dashboard.table_caption', { title: t('staff.dashboard.restricted_title') })}>
            <table class="striped">
              <caption>{t('staff.dashboard.restricted_caption', { count: data.purchaseRestricted.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('fields.legal_name')}</th>
                  <th scope="col">{t('fields.country')}</th>
                  <th scope="col">{t('staff.dashboard.reasons')}</th>
                </tr>
              </thead>
              <tbody>
                {data.purchaseRestricted.map((p) => (
                  <tr>
                    <td>{p.legalName}</td>
                    <td>{countryName(p.country, lang)}</td>
                    <td>
                      <ul class="plain">
                        {p.reasons.map((r) => (
                          <li>{t(`staff.dashboard.reason.${r}`, { defaultValue: r })}</li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
    </ConsolePage>
  );
}

/** The staff console's home: programme health at a glance (issue 5 dashboards). */
export async function dashboardPages(app: FastifyInstance): Promise<void> {
  app.get('/staff', async (req, reply) => {
    const actor = staffMember(req, reply);
    if (!actor) return reply;
    const data = await dashboard(app.appContext, actor);
    return sendPage(reply, <DashboardPage ctx={pageCtx(req, reply)} data={data} />);
  });
}
