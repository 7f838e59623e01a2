import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requirePermission, type Actor } from '../../platform/auth.ts';
import { countryName } from '../../platform/countries.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { formVersion, requestMeta } from '../../platform/request-meta.ts';
import {
  CsrfField,
  ErrorSummary,
  fieldId,
  formErrors,
  noErrors,
  SelectField,
  TextField,
  type FormErrors,
} from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { sendPage } from '../../platform/views/render.ts';
import { EMAIL_MAX } from '../../platform/contact.rules.ts';
import type { DistributorInput } from './distributors.rules.ts';
import {
  createDistributor,
  DISTRIBUTOR_COLUMNS,
  getDistributor,
  importDistributors,
  listDistributors,
  setDistributorStatus,
  updateDistributor,
  type Distributor,
  type ImportReport,
} from './distributors.service.ts';
import {
  asFormErrors,
  countryList,
  countrySelectOptions,
  errorText,
  FileField,
  pageCtx,
  pick,
  signedIn,
} from '../../platform/views/page-helpers.tsx';
import { isUuid } from '../../platform/ids.ts';
import { ProblemsTable } from '../../platform/views/problems-table.tsx';
import { acceptFileUploads, uploadedFile } from '../../platform/upload-form.ts';

const NOTICES = {
  created: 'staff_distributors.created',
  saved: 'staff_distributors.saved',
  retired: 'staff_distributors.retired',
  reactivated: 'staff_distributors.reactivated',
};
const FORM_FIELDS = [
  'code',
  'legal_name',
  'hq_country',
  'territories',
  'website',
  'phone',
  'email',
  'accepts_new_resellers',
  'version',
];
/** The directory import holds at most 100,000 rows; 20 MiB is ample for that. */
const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

type Values = Record<string, string>;

function valuesOf(d: Distributor): Values {
  return {
    code: d.code,
    legal_name: d.legalName,
    hq_country: d.hqCountry,
    territories: d.territories.join(' '),
    website: d.website ?? '',
    phone: d.phone ?? '',
    email: d.email ?? '',
    accepts_new_resellers: d.acceptsNewResellers ? 'yes' : '',
    version: String(d.version),
  };
}

/** What the form sent, as the service's input. Territories are codes separated by spaces, commas or semicolons. */
function inputOf(values: Values): DistributorInput {
  return {
    code: values.code ?? '',
    legalName: values.legal_name ?? '',
    hqCountry: values.hq_country ?? '',
    territories: (values.territories ?? '').split(/[;,\s]+/).filter(Boolean),
    website: values.website ?? '',
    phone: values.phone ?? '',
    email: values.email ?? '',
    acceptsNewResellers: values.accepts_new_resellers === 'yes',
  };
}

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

function ListPage({
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

function DistributorForm({
  ctx,
  distributor,
  values,
  errors,
}: {
  ctx: PageContext;
  distributor?: Distributor | undefined;
  values: Values;
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

/** Programme staff: the directory of authorised distributors, with CSV import and export. */
export async function staffDistributorPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;
  await acceptFileUploads(app, { maxBytes: MAX_IMPORT_BYTES });

  /** The staff member, or undefined after redirecting an anonymous visitor to sign in; others get 403. */
  const staff = (req: FastifyRequest, reply: FastifyReply, returnTo?: string): Actor | undefined => {
    const actor = signedIn(req, reply, returnTo);
    return actor && requirePermission(actor, 'distributors:manage');
  };

  const distributorOf = async (id: string) => {
    if (!isUuid(id)) throw notFound('Distributor');
    return getDistributor(appCtx(), id);
  };

  const listPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    report: ImportReport | undefined,
    importErrors: FormErrors,
    status = 200,
  ) =>
    sendPage(
      reply,
      <ListPage
        ctx={pageCtx(req, reply, { notices: NOTICES, path: '/staff/distributors' })}
        distributors={await listDistributors(appCtx())}
        report={report}
        importErrors={importErrors}
      />,
      status,
    );

  app.get('/staff/distributors', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    return listPage(req, reply, undefined, noErrors);
  });

  app.post('/staff/distributors/import', async (req, reply) => {
    const actor = staff(req, reply, '/staff/distributors');
    if (!actor) return reply;
    const file = uploadedFile(req, 'file');
    if (!file || file.size === 0)
      return listPage(
        req,
        reply,
        undefined,
        formErrors(req.t, [{ field: 'file', rule: file ? 'file_empty' : 'file_required' }]),
        422,
      );
    if (file.tooLarge)
      return listPage(
        req,
        reply,
        undefined,
        formErrors(req.t, [{ field: 'file', rule: 'file_too_large', params: { max: MAX_IMPORT_BYTES / 1024 / 1024 } }]),
        413,
      );
    try {
      const report = await importDistributors(appCtx(), actor, createReadStream(file.path), requestMeta(req));
      return await listPage(req, reply, report, noErrors);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 403) throw error;
      const ctx = pageCtx(req, reply);
      return listPage(
        req,
        reply,
        undefined,
        { general: errorText(ctx, error, { columns: DISTRIBUTOR_COLUMNS.join(', ') }), fields: {} },
        error.status,
      );
    }
  });

  app.get('/staff/distributors/new', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    return sendPage(
      reply,
      <DistributorForm ctx={pageCtx(req, reply)} values={{ accepts_new_resellers: 'yes' }} errors={noErrors} />,
    );
  });

  app.post('/staff/distributors', async (req, reply) => {
    const actor = staff(req, reply, '/staff/distributors/new');
    if (!actor) return reply;
    const values = pick(req.body, ...FORM_FIELDS);
    try {
      const created = await createDistributor(appCtx(), actor, inputOf(values), requestMeta(req));
      return reply.redirect(`/staff/distributors/${created.id}?notice=created`, 303);
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: '/staff/distributors/new' });
      return sendPage(reply, <DistributorForm ctx={ctx} values={values} errors={asFormErrors(ctx, error)} />, 422);
    }
  });

  app.get<{ Params: { id: string } }>('/staff/distributors/:id', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    const distributor = await distributorOf(req.params.id);
    return sendPage(
      reply,
      <DistributorForm
        ctx={pageCtx(req, reply, { notices: NOTICES })}
        distributor={distributor}
        values={valuesOf(distributor)}
        errors={noErrors}
      />,
    );
  });

  app.post<{ Params: { id: string } }>('/staff/distributors/:id', async (req, reply) => {
    const actor = staff(req, reply, `/staff/distributors/${req.params.id}`);
    if (!actor) return reply;
    const distributor = await distributorOf(req.params.id);
    const values = pick(req.body, ...FORM_FIELDS);
    try {
      await updateDistributor(
        appCtx(),
        actor,
        distributor.id,
        inputOf(values),
        formVersion(values.version),
        requestMeta(req),
      );
      return reply.redirect(`/staff/distributors/${distributor.id}?notice=saved`, 303);
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: `/staff/distributors/${distributor.id}` });
      const errors = asFormErrors(ctx, error);
      return sendPage(
        reply,
        <DistributorForm
          ctx={ctx}
          distributor={distributor}
          values={{ ...values, code: distributor.code }}
          errors={errors}
        />,
        error instanceof AppError && error.status === 409 ? 409 : 422,
      );
    }
  });

  for (const [action, status] of [
    ['retire', 'retired'],
    ['reactivate', 'active'],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/staff/distributors/:id/${action}`, async (req, reply) => {
      const actor = staff(req, reply, `/staff/distributors/${req.params.id}`);
      if (!actor) return reply;
      const distributor = await distributorOf(req.params.id);
      try {
        await setDistributorStatus(
          appCtx(),
          actor,
          distributor.id,
          status,
          formVersion(pick(req.body, 'version').version),
          requestMeta(req),
        );
        return reply.redirect(
          `/staff/distributors/${distributor.id}?notice=${status === 'retired' ? 'retired' : 'reactivated'}`,
          303,
        );
      } catch (error) {
        const ctx = pageCtx(req, reply, { path: `/staff/distributors/${distributor.id}` });
        return sendPage(
          reply,
          <DistributorForm
            ctx={ctx}
            distributor={distributor}
            values={valuesOf(distributor)}
            errors={asFormErrors(ctx, error)}
          />,
          error instanceof AppError && error.status === 409 ? 409 : 422,
        );
      }
    });
  }
}
