import type { FastifyInstance } from 'fastify';
import type { FieldViolation } from '../../platform/errors.ts';
import { ErrorSummary, formErrors, noErrors, TextField, type FormErrors } from '../../platform/views/components.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { sendPage } from '../../platform/views/render.ts';
import { listAudit, verifyAuditChainAs, type AuditRecord } from '../audit/index.ts';
import { DateTime, pageCtx, pick } from '../../platform/views/page-helpers.tsx';
import { isUuid } from '../../platform/ids.ts';
import { auditSearchDay } from '../audit/audit.rules.ts';
import { TableRegion } from '../../platform/views/data-table.tsx';
import { DateField } from '../../platform/views/date-field.tsx';
import { ConsolePage, staffMember } from './console.tsx';

// X-4: the audit log for programme staff: filters, the newest entries, a CSV export of the same
// filter (the API's /api/v1/staff/audit.csv) and the verdict of the hash chain.

const SHOWN = 200;
const DAY_MS = 86_400_000;

type Values = Record<'organisation_id' | 'actor_user_id' | 'action' | 'from' | 'to', string>;
type Verdict = Awaited<ReturnType<typeof verifyAuditChainAs>>;

interface Filter {
  organisationId?: string | undefined;
  actorUserId?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  /** Exclusive: the day after the last day asked for. */
  to?: Date | undefined;
}

/** The form's values as the service's filter, or the fields that are not readable. */
function readFilter(values: Values): { filter: Filter; problems: FieldViolation[] } {
  const problems: FieldViolation[] = [];
  const filter: Filter = {};
  for (const [field, key] of [
    ['organisation_id', 'organisationId'],
    ['actor_user_id', 'actorUserId'],
  ] as const) {
    const value = values[field].trim();
    if (!value) continue;
    if (isUuid(value)) filter[key] = value.toLowerCase();
    else problems.push({ field, rule: 'uuid' });
  }
  const action = values.action.trim();
  if (action.length > 100) problems.push({ field: 'action', rule: 'too_long', params: { max: 100 } });
  else if (action) filter.action = action;
  for (const field of ['from', 'to'] as const) {
    const value = values[field].trim();
    if (!value) continue;
    const day = auditSearchDay(value);
    if (!day) problems.push({ field, rule: 'date_format' });
    else filter[field] = field === 'to' ? new Date(day.getTime() + DAY_MS) : day;
  }
  return { filter, problems };
}

/** The export link: the same filter in the API's parameter names. */
function exportHref(filter: Filter): string {
  const params = new URLSearchParams();
  if (filter.organisationId) params.set('organisationId', filter.organisationId);
  if (filter.actorUserId) params.set('actorUserId', filter.actorUserId);
  if (filter.action) params.set('action', filter.action);
  if (filter.from) params.set('from', filter.from.toISOString().slice(0, 10));
  if (filter.to) params.set('to', filter.to.toISOString().slice(0, 10));
  const query = params.toString();
  return `/api/v1/staff/audit.csv${query ? `?${query}` : ''}`;
}

function ChainVerdict({ ctx, verdict }: { ctx: PageContext; verdict: Verdict }) {
  const { t, lang } = ctx;
  const number = new Intl.NumberFormat(lang);
  return (
    <section aria-labelledby="chain-heading">
      <h2 id="chain-heading">{t('staff.audit.chain_title')}</h2>
      {verdict.ok ? (
        <p role="status" class="chain-ok">
          {t('staff.audit.chain_intact', { count: verdict.checked, formatted: number.format(verdict.checked) })}
        </p>
      ) : (
        <p role="alert" class="chain-broken">
          {t('staff.audit.chain_broken', {
            row: verdict.brokenAtId ?? '?',
            reason: t(`staff.audit.reason_${verdict.reason ?? 'unknown'}`, { defaultValue: verdict.reason ?? '' }),
          })}
        </p>
      )}
    </section>
  );
}

function AuditPage({
  ctx,
  values,
  errors,
  entries,
  filter,
  verdict,
}: {
  ctx: PageContext;
  values: Values;
  errors: FormErrors;
  entries: AuditRecord[] | undefined;
  filter: Filter;
  verdict: Verdict;
}) {
  const { t, lang } = ctx;
  return (
    <ConsolePage ctx={ctx} title={t('staff.audit.title')} section="audit">
      <h1>{t('staff.audit.title')}</h1>
      <p>{t('staff.audit.intro')}</p>
      <ChainVerdict ctx={ctx} verdict={verdict} />
      <ErrorSummary t={t} errors={errors} />
      <form method="get" action="/staff/audit" class="filters" aria-label={t('staff.audit.filters')} novalidate>
        <div class="grid">
          <TextField
            name="organisation_id"
            label={t('fields.organisation_id')}
            value={values.organisation_id}
            error={errors.fields.organisation_id}
            required={false}
            autocomplete="off"
            maxLength={36}
          />
          <TextField
            name="actor_user_id"
            label={t('fields.actor_user_id')}
            value={values.actor_user_id}
            error={errors.fields.actor_user_id}
            required={false}
            autocomplete="off"
            maxLength={36}
          />
          <TextField
            name="action"
            label={t('fields.action')}
            value={values.action}
            error={errors.fields.action}
            hint={t('staff.audit.action_hint')}
            required={false}
            autocomplete="off"
            maxLength={100}
          />
        </div>
        <div class="grid">
          <DateField
            name="from"
            label={t('fields.from')}
            value={values.from}
            error={errors.fields.from}
            required={false}
          />
          <DateField name="to" label={t('fields.to')} value={values.to} error={errors.fields.to} required={false} />
        </div>
        <div class="actions">
          <button type="submit">{t('staff.audit.apply_filters')}</button>
          {entries && (
            <a href={exportHref(filter)} role="button" class="secondary" download="audit.csv">
              {t('staff.audit.export')}
            </a>
          )}
        </div>
      </form>
      {entries &&
        (entries.length === 0 ? (
          <p role="status">{t('staff.audit.empty')}</p>
        ) : (
          <TableRegion label={t('staff.audit.title')}>
            <table class="striped audit-log">
              <caption>
                {entries.length === SHOWN
                  ? t('staff.audit.caption_limited', { count: SHOWN })
                  : t('staff.audit.caption', { count: entries.length })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('staff.audit.when')}</th>
                  <th scope="col">{t('staff.audit.actor')}</th>
                  <th scope="col">{t('fields.action')}</th>
                  <th scope="col">{t('staff.audit.subject')}</th>
                  <th scope="col">{t('fields.organisation_id')}</th>
                  <th scope="col">{t('staff.review.ip')}</th>
                  <th scope="col">{t('staff.audit.data')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr>
                    <td>
                      <DateTime date={e.occurredAt} lang={lang} />
                    </td>
                    <td>{e.actor}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>
                      {e.subjectType} <code class="hash">{e.subjectId}</code>
                    </td>
                    <td>{e.organisationId ? <code class="hash">{e.organisationId}</code> : '—'}</td>
                    <td>{e.ip ?? '—'}</td>
                    <td>
                      <code class="audit-data">{JSON.stringify(e.data)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        ))}
    </ConsolePage>
  );
}

export async function auditPages(app: FastifyInstance): Promise<void> {
  app.get('/staff/audit', async (req, reply) => {
    const actor = staffMember(req, reply, 'audit:read');
    if (!actor) return reply;
    const values = pick(req.query, 'organisation_id', 'actor_user_id', 'action', 'from', 'to') as Values;
    const { filter, problems } = readFilter(values);
    const [entries, verdict] = await Promise.all([
      problems.length > 0 ? undefined : listAudit(app.appContext, actor, filter, SHOWN),
      verifyAuditChainAs(app.appContext, actor),
    ]);
    const errors = problems.length > 0 ? formErrors(req.t, problems) : noErrors;
    return sendPage(
      reply,
      <AuditPage
        ctx={pageCtx(req, reply)}
        values={values}
        errors={errors}
        entries={entries}
        filter={filter}
        verdict={verdict}
      />,
      problems.length > 0 ? 422 : 200,
    );
  });
}
