import { countryName } from '../../platform/countries.ts';

import {
  CsrfField,
  ErrorSummary,
  fieldId,
  SelectField,
  TextField,
  type FormErrors,
} from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';

import { EMAIL_MAX } from '../../platform/contact.rules.ts';

import { DISTRIBUTOR_COLUMNS, type Distributor, type ImportReport } from './distributors.service.ts';
import { countryList, countrySelectOptions, FileField } from '../../platform/views/page-helpers.tsx';

import { ProblemsTable } from '../../platform/views/problems-table.tsx';

function StatusBadge({ ctx, status }: { ctx: PageContext; status: 'active' | 'retired' }) {
  return <span class={`badge badge-${status}`}>{ctx.t(`staff_distributors.status_${status}`)}</span>;
}

function ImportReportSection({ ctx, report }: { ctx: PageContext; report: ImportReport }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="import-report-heading" class="report">
      <h2 id="import-report-heading">{t('staff_distributors.report_title')}</h2>
      <p role="status">
        {t('staff_distributors.report_summary', {
          created: report.created,
          updated: report.updated,
          unchanged: report.unchanged,
          rejected: report.rejected,
        })}
      </p>
      <dl class="counts">
        <div>
          <dt>{t('staff_distributors.report_created')}</dt>
          <dd>{report.created}</dd>
        </div>
        <div>
          <dt>{t('staff_distributors.report_updated')}</dt>
          <dd>{report.updated}</dd>
        </div>
        <div>
          <dt>{t('staff_distributors.report_unchanged')}</dt>
          <dd>{report.unchanged}</dd>
        </div>
        <div>
          <dt>{t('staff_distributors.report_rejected')}</dt>
          <dd>{report.rejected}</dd>
        </div>
      </dl>
      <ProblemsTable ctx={ctx} problems={report.problems} caption={t('upload.problems_caption')} />
    </section>
  );
}

export function ListPage({
  ctx,
  distributors,
  report,
  importErrors,
}: {
  ctx: PageContext;
  distributors: Distributor[];
  report?: ImportReport | undefined;
  importErrors: FormErrors;
}) {
  const { t, lang } = ctx;
  return (
    <Layout ctx={ctx} title={t('staff_distributors.title')}>
      <h1>{t('staff_distributors.title')}</h1>
      <ErrorSummary t={t} errors={importErrors} />
      {report && <ImportReportSection ctx={ctx} report={report} />}
      <p class="actions">
        <a href="/staff/distributors/new" role="button">
          {t('staff_distributors.new')}
        </a>
        <a href="/api/v1/staff/distributors.csv" role="button" class="secondary" download="distributors.csv">
          {t('staff_distributors.export')}
        </a>
      </p>
      {distributors.length === 0 ? (
        <p>{t('staff_distributors.empty')}</p>
      ) : (
        <DataTable
          caption={t('staff_distributors.table_caption')}
          hideCaption
          columns={[
            t('fields.code'),
            t('fields.legal_name'),
            t('fields.hq_country'),
            t('locator.countries_served'),
            t('fields.status'),
            <span class="visually-hidden">{t('staff_distributors.actions')}</span>,
          ]}
          rows={distributors}
          row={(d) => (
            <tr>
              <td>
                <code>{d.code}</code>
              </td>
              <td>{d.legalName}</td>
              <td>{countryName(d.hqCountry, lang)}</td>
              <td>{countryList(d.countriesServed, lang)}</td>
              <td>
                <StatusBadge ctx={ctx} status={d.status} />
              </td>
              <td>
                <a href={`/staff/distributors/${d.id}`}>
                  {t('staff_distributors.edit')}
                  <span class="visually-hidden">{`: ${d.legalName}`}</span>
                </a>
              </td>
            </tr>
          )}
        />
      )}
      <section aria-labelledby="import-heading">
        <h2 id="import-heading">{t('staff_distributors.import_title')}</h2>
        <p>{t('staff_distributors.import_intro')}</p>
        <p id="import-columns">
          {t('upload.columns')} <code>{DISTRIBUTOR_COLUMNS.join(',')}</code>
        </p>
        <form method="post" action="/staff/distributors/import" enctype="multipart/form-data" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <FileField ctx={ctx} error={importErrors.fields.file} describedBy="import-columns" />
          <button type="submit">{t('staff_distributors.import_submit')}</button>
        </form>
      </section>
    </Layout>
  );
}

export function DistributorForm({
  ctx,
  distributor,
  values,
  errors,
}: {
  ctx: PageContext;
  distributor?: Distributor | undefined;
  values: Record<string, string>;
  errors: FormErrors;
}) {
  const { t, lang } = ctx;
  const creating = !distributor;
  const title = creating
    ? t('staff_distributors.new_title')
    : t('staff_distributors.edit_title', { distributor: distributor.legalName });
  return (
    <Layout ctx={ctx} title={title}>
      <p>
        <a href="/staff/distributors">{t('staff_distributors.back')}</a>
      </p>
      <article class="narrow">
        <h1>{title}</h1>
        {distributor && (
          <p>
            {t('fields.code')}: <code>{distributor.code}</code> · {t('fields.status')}:{' '}
            <StatusBadge ctx={ctx} status={distributor.status} />
          </p>
        )}
        <ErrorSummary t={t} errors={errors} />
        {errors.general && distributor && (
          <p>
            <a href={`/staff/distributors/${distributor.id}`}>{t('staff_distributors.reload')}</a>
          </p>
        )}
        <form
          method="post"
          action={creating ? '/staff/distributors' : `/staff/distributors/${distributor.id}`}
          novalidate
        >
          <CsrfField token={ctx.csrfToken} />
          {!creating && <input type="hidden" name="version" value={values.version} />}
          {creating && (
            <TextField
              name="code"
              label={t('fields.code')}
              value={values.code}
              error={errors.fields.code}
              hint={t('staff_distributors.code_hint')}
              maxLength={40}
              autocomplete="off"
            />
          )}
          <TextField
            name="legal_name"
            label={t('fields.legal_name')}
            value={values.legal_name}
            error={errors.fields.legal_name}
            autocomplete="organization"
            maxLength={200}
          />
          <SelectField
            name="hq_country"
            label={t('fields.hq_country')}
            value={values.hq_country}
            error={errors.fields.hq_country}
            options={countrySelectOptions(lang, t('locator.choose_country'))}
          />
          <TextField
            name="territories"
            label={`${t('fields.territories')} ${t('form.optional')}`}
            value={values.territories}
            error={errors.fields.territories}
            hint={t('staff_distributors.territories_hint')}
            required={false}
            autocomplete="off"
          />
          <TextField
            name="website"
            type="url"
            label={`${t('fields.website')} ${t('form.optional')}`}
            value={values.website}
            error={errors.fields.website}
            hint={t('staff_distributors.website_hint')}
            required={false}
            autocomplete="url"
          />
          <TextField
            name="phone"
            type="tel"
            label={`${t('fields.phone')} ${t('form.optional')}`}
            value={values.phone}
            error={errors.fields.phone}
            required={false}
            autocomplete="tel"
            maxLength={40}
          />
          <TextField
            name="email"
            type="email"
            label={`${t('fields.email')} ${t('form.optional')}`}
            value={values.email}
            error={errors.fields.email}
            hint={t('staff_distributors.email_hint')}
            required={false}
            autocomplete="email"
            maxLength={EMAIL_MAX}
          />
          <div class="field">
            <label for={fieldId('accepts_new_resellers')}>
              <input
                id={fieldId('accepts_new_resellers')}
                type="checkbox"
                name="accepts_new_resellers"
                value="yes"
                checked={values.accepts_new_resellers === 'yes'}
              />
              {t('fields.accepts_new_resellers')}
            </label>
          </div>
          <button type="submit">{creating ? t('staff_distributors.create_submit') : t('form.save')}</button>
        </form>
        {distributor && (
          <section aria-labelledby="status-heading">
            <h2 id="status-heading">{t('staff_distributors.status_title')}</h2>
            <p>
              {distributor.status === 'active'
                ? t('staff_distributors.retire_intro')
                : t('staff_distributors.reactivate_intro')}
            </p>
            <form
              method="post"
              action={`/staff/distributors/${distributor.id}/${distributor.status === 'active' ? 'retire' : 'reactivate'}`}
            >
              <CsrfField token={ctx.csrfToken} />
              <input type="hidden" name="version" value={values.version} />
              <button type="submit" class={distributor.status === 'active' ? 'secondary' : undefined}>
                {distributor.status === 'active' ? t('staff_distributors.retire') : t('staff_distributors.reactivate')}
              </button>
            </form>
          </section>
        )}
      </article>
    </Layout>
  );
}
