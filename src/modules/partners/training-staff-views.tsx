import { can } from '../../platform/auth.ts';
import { countryName } from '../../platform/countries.ts';

import {
  CsrfField,
  ErrorSummary,
  noErrors,
  SelectField,
  TextField,
  type FormErrors,
} from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { countrySelectOptions } from '../../platform/views/page-helpers.tsx';

import { type Course, type TrainingSettings } from './training-admin.service.ts';
import { PROVIDERS } from './training.rules.ts';
import { COMPLIANCE, PERSON_STATUSES } from './training.schemas.ts';
import { type PartnerTrainingSummary, type StaffTrainingFilter } from './training.service.ts';
import { type CompletionRecord } from './training-completions.service.ts';
import { Day, StatusBadge } from './training.view.tsx';

/** The status filters of the staff overview: compliance states, flagged, and key-person states. */
export const STATUS_FILTERS = [...COMPLIANCE, 'flagged', ...PERSON_STATUSES] as const;

function Queue({
  ctx,
  records,
  errors,
}: {
  ctx: PageContext;
  records: CompletionRecord[];
  errors: Record<string, FormErrors>;
}) {
  const { t } = ctx;
  return (
    <section aria-labelledby="verify-title">
      <h2 id="verify-title">{t('training.staff.verify_title', { count: records.length })}</h2>
      {records.length === 0 && <p>{t('training.staff.verify_empty')}</p>}
      {records.map((r) => (
        <article id={`completion-${r.id}`}>
          <h3>{t('training.staff.record_heading', { name: r.person.name, company: r.legalName })}</h3>
          <ErrorSummary t={t} errors={errors[r.id] ?? noErrors} />
          <p>
            {r.courseName} ({t(`training.provider.${r.provider}`)}) — <Day ctx={ctx} date={r.completedAt} />
            {r.certificateNumber && <> — {t('training.staff.certificate_number', { number: r.certificateNumber })}</>}
          </p>
          <p>
            {r.certificate ? (
              <a href={`/api/v1/training/completions/${r.id}/certificate`}>
                {t('training.staff.download_certificate', { name: r.person.name })}
              </a>
            ) : (
              t('training.staff.no_certificate')
            )}
          </p>
          <div class="grid">
            <form method="post" action={`/staff/training/completions/${r.id}/review`}>
              <CsrfField token={ctx.csrfToken} />
              <input type="hidden" name="version" value={String(r.version)} />
              <input type="hidden" name="decision" value="verify" />
              <button type="submit">{t('training.staff.verify', { name: r.person.name })}</button>
            </form>
            <form method="post" action={`/staff/training/completions/${r.id}/review`} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <input type="hidden" name="version" value={String(r.version)} />
              <input type="hidden" name="decision" value="reject" />
              <label for={`field-reason-${r.id}`}>{t('training.staff.reason_label')}</label>
              <textarea
                id={`field-reason-${r.id}`}
                name="reason"
                rows={3}
                maxLength={1000}
                aria-describedby={`field-reason-${r.id}-hint`}
                aria-invalid={errors[r.id]?.fields.reason ? 'true' : undefined}
              />
              <small id={`field-reason-${r.id}-hint`}>{t('training.staff.reason_hint')}</small>
              <button type="submit" class="secondary">
                {t('training.staff.reject', { name: r.person.name })}
              </button>
            </form>
          </div>
        </article>
      ))}
    </section>
  );
}

export function OverviewPage(props: {
  ctx: PageContext;
  partners: PartnerTrainingSummary[];
  options: { id: string; legalName: string }[];
  filter: StaffTrainingFilter;
  queue: CompletionRecord[];
  queueErrors: Record<string, FormErrors>;
}) {
  const { ctx, partners, options, filter, queue, queueErrors } = props;
  const { t, lang } = ctx;
  const query = new URLSearchParams(
    Object.entries({
      country: filter.country ?? '',
      partnerId: filter.partnerId ?? '',
      status: filter.status ?? '',
    }).filter(([, v]) => v),
  ).toString();
  const people = partners.flatMap((p) => p.people.map((person) => ({ p, person })));
  return (
    <Layout ctx={ctx} title={t('training.staff.title')}>
      <h1>{t('training.staff.title')}</h1>
      <p>
        <a href="/staff">{t('training.staff.back_dashboard')}</a>
        {can(ctx.actor, 'staff:manage') && (
          <>
            {' '}
            · <a href="/staff/training/settings">{t('training.staff.settings_link')}</a>
          </>
        )}
      </p>
      <form method="get" action="/staff/training" role="search" aria-label={t('training.staff.filter_label')}>
        <div class="grid">
          <SelectField
            name="country"
            label={t('fields.country')}
            value={filter.country}
            options={countrySelectOptions(lang, t('training.staff.any'))}
          />
          <SelectField
            name="status"
            label={t('fields.status')}
            value={filter.status}
            options={[
              { value: '', label: t('training.staff.any') },
              ...STATUS_FILTERS.map((s) => ({ value: s, label: t(`training.status.${s}`) })),
            ]}
          />
        </div>
        <SelectField
          name="partner"
          label={t('training.staff.partner')}
          value={filter.partnerId}
          options={[
            { value: '', label: t('training.staff.any') },
            ...options.map((o) => ({ value: o.id, label: o.legalName })),
          ]}
        />
        <button type="submit">{t('training.staff.filter')}</button>
        <a
          href={`/api/v1/staff/training.csv${query ? `?${query}` : ''}`}
          role="button"
          class="secondary"
          download="training.csv"
        >
          {t('training.staff.export')}
        </a>
      </form>
      <h2>{t('training.staff.partners_title', { count: partners.length })}</h2>
      <DataTable
        caption={t('training.staff.partners_caption')}
        columns={[
          t('training.staff.partner'),
          t('fields.country'),
          t('training.compliance_label'),
          t('training.staff.non_compliant_since'),
          t('training.staff.people'),
        ]}
        rows={partners}
        row={(p: PartnerTrainingSummary) => (
          <tr>
            <td>
              <a href={`/staff/training?partner=${p.partnerId}`}>{p.legalName}</a>
            </td>
            <td>{countryName(p.country, lang)}</td>
            <td>
              <StatusBadge ctx={ctx} status={p.compliance} />
              {p.flagged && (
                <>
                  {' '}
                  <strong>{t('training.status.flagged')}</strong>
                </>
              )}
            </td>
            <td>
              <Day ctx={ctx} date={p.nonCompliantSince} />
            </td>
            <td>{p.people.length}</td>
          </tr>
        )}
      />
      <h2>{t('training.people_title')}</h2>
      <DataTable
        caption={t('training.staff.people_caption')}
        columns={[
          t('training.staff.partner'),
          t('fields.name'),
          t('fields.role'),
          t('training.due'),
          t('fields.status'),
          t('training.latest'),
        ]}
        rows={people}
        row={({ p, person }: { p: PartnerTrainingSummary; person: PartnerTrainingSummary['people'][number] }) => (
          <tr>
            <td>{p.legalName}</td>
            <td>
              {person.name}
              <br />
              <small>{person.email}</small>
            </td>
            <td>{person.role ?? '—'}</td>
            <td>
              <Day ctx={ctx} date={person.dueAt} />
            </td>
            <td>
              <StatusBadge ctx={ctx} status={person.status} />
            </td>
            <td>
              {person.latest ? (
                <>
                  {person.latest.courseName} (<Day ctx={ctx} date={person.latest.completedAt} />)
                </>
              ) : (
                '—'
              )}
            </td>
          </tr>
        )}
      />
      <Queue ctx={ctx} records={queue} errors={queueErrors} />
    </Layout>
  );
}

export function SettingsPage({
  ctx,
  settings,
  courses,
  values,
  errors,
  courseValues,
  courseErrors,
}: {
  ctx: PageContext;
  settings: TrainingSettings;
  courses: Course[];
  values: Record<string, string>;
  errors: FormErrors;
  courseValues: Record<string, string>;
  courseErrors: FormErrors;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('training.staff.settings_title')}>
      <h1>{t('training.staff.settings_title')}</h1>
      <p>
        <a href="/staff/training">{t('training.staff.back_overview')}</a>
      </p>
      <section aria-labelledby="settings-form">
        <h2 id="settings-form">{t('training.staff.settings_form')}</h2>
        <ErrorSummary t={t} errors={errors} />
        <form method="post" action="/staff/training/settings" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="version" value={String(settings.version)} />
          <TextField
            name="grace_days"
            type="number"
            label={t('fields.grace_days')}
            value={values.grace_days ?? String(settings.graceDays)}
            error={errors.fields.grace_days}
            hint={t('training.staff.grace_hint')}
          />
          <TextField
            name="flag_after_days"
            type="number"
            label={t('fields.flag_after_days')}
            value={values.flag_after_days ?? String(settings.flagAfterDays)}
            error={errors.fields.flag_after_days}
            hint={t('training.staff.flag_hint')}
          />
          <label>
            <input
              type="checkbox"
              name="restrict_non_compliant"
              value="yes"
              checked={
                values.restrict_non_compliant ? values.restrict_non_compliant === 'yes' : settings.restrictNonCompliant
              }
            />
            {t('training.staff.restrict_label')}
          </label>
          <button type="submit">{t('training.staff.save_settings')}</button>
        </form>
      </section>
      <section aria-labelledby="courses-title">
        <h2 id="courses-title">{t('training.staff.courses_title')}</h2>
        <DataTable
          caption={t('training.staff.courses_caption')}
          columns={[
            t('fields.name'),
            t('fields.provider'),
            t('fields.languages'),
            t('fields.validity_months'),
            t('fields.link'),
            t('fields.status'),
          ]}
          rows={courses}
          row={(c: Course) => (
            <tr>
              <td>{c.name}</td>
              <td>{t(`training.provider.${c.provider}`)}</td>
              <td>{c.languages.join(', ') || '—'}</td>
              <td>{c.validityMonths}</td>
              <td>{c.link ? <a href={c.link}>{c.link}</a> : '—'}</td>
              <td>
                <form method="post" action={`/staff/training/courses/${c.id}/${c.active ? 'deactivate' : 'activate'}`}>
                  <CsrfField token={ctx.csrfToken} />
                  <button type="submit" class="secondary outline">
                    {t(c.active ? 'training.staff.deactivate' : 'training.staff.activate', { name: c.name })}
                  </button>
                </form>
              </td>
            </tr>
          )}
        />
        <h3>{t('training.staff.add_course')}</h3>
        <ErrorSummary t={t} errors={courseErrors} />
        <form method="post" action="/staff/training/courses" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <TextField
            name="name"
            label={t('fields.name')}
            value={courseValues.name}
            error={courseErrors.fields.name}
            maxLength={200}
          />
          <SelectField
            name="provider"
            label={t('fields.provider')}
            value={courseValues.provider}
            error={courseErrors.fields.provider}
            options={PROVIDERS.map((p) => ({ value: p, label: t(`training.provider.${p}`) }))}
          />
          <TextField
            name="languages"
            label={t('fields.languages')}
            value={courseValues.languages}
            error={courseErrors.fields.languages}
            hint={t('training.staff.languages_hint')}
            required={false}
          />
          <TextField
            name="link"
            type="url"
            label={t('fields.link')}
            value={courseValues.link}
            error={courseErrors.fields.link}
            required={false}
          />
          <TextField
            name="validity_months"
            type="number"
            label={t('fields.validity_months')}
            value={courseValues.validity_months ?? '12'}
            error={courseErrors.fields.validity_months}
          />
          <button type="submit">{t('training.staff.add_course')}</button>
        </form>
      </section>
    </Layout>
  );
}
