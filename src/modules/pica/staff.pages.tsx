import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth.ts';
import { countryName } from '../../platform/countries.ts';
import { formatDate } from '../../platform/dates.ts';
import { AppError } from '../../platform/errors.ts';
import { formVersion, requestMeta } from '../../platform/request-meta.ts';
import {
  CsrfField,
  ErrorSummary,
  formErrors,
  noErrors,
  SelectField,
  TextField,
  type FormErrors,
} from '../../platform/views/components.tsx';
import { DateField } from '../../platform/views/date-field.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { FileField, pageCtx, pick } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { acceptFileUploads, uploadedFile } from '../../platform/upload-form.ts';
import {
  CONTRACT_COLUMNS,
  createContract,
  getContract,
  importContracts,
  listContracts,
  listContractTypes,
  listPartnersPica,
  saveContractType,
  setPartnerSettings,
  updateContract,
  type Contract,
  type ContractImportReport,
  type ContractType,
  type PartnerPica,
} from './contracts.service.ts';
import { TOOLS } from './pica.rules.ts';
import { StaffPage, staffActor } from './staff-views.tsx';
import { day, picaErrorText, picaFormErrors, StateBadge } from './views.tsx';

const NOTICES = { saved: 'pica.staff.saved', created: 'pica.staff.contracts.created' };
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

function PartnersPage({ ctx, partners, errors }: { ctx: PageContext; partners: PartnerPica[]; errors: FormErrors }) {
  const { t, lang } = ctx;
  return (
    <StaffPage ctx={ctx} current="partners" title={t('pica.staff.partners.title')}>
      <p>{t('pica.staff.partners.intro')}</p>
      <ErrorSummary t={t} errors={errors} />
      {partners.length === 0 ? (
        <p>{t('pica.staff.partners.none')}</p>
      ) : (
        <DataTable
          caption={t('pica.staff.partners.title')}
          hideCaption
          columns={[t('pica.fields.partner'), t('pica.staff.partners.standing'), t('pica.staff.partners.settings')]}
          rows={partners}
          row={(p) => (
            <tr>
              <td>
                {p.legalName}
                <br />
                <small>{countryName(p.country, lang)}</small>
              </td>
              <td>
                {p.gaps.length === 0 ? (
                  <StateBadge ctx={ctx} state="eligible" />
                ) : (
                  <ul>
                    {p.gaps.map((g) => (
                      <li>{t(`pica.gaps.${g}`)}</li>
                    ))}
                  </ul>
                )}
              </td>
              <td>
                <form method="post" action={`/staff/pica/partners/${p.partnerId}/settings`} class="stacked-form">
                  <CsrfField token={ctx.csrfToken} />
                  <label>
                    <input type="checkbox" name="own_brand_support" value="yes" checked={p.ownBrandSupport} />{' '}
                    {t('pica.fields.own_brand_support')}
                    <span class="visually-hidden">{` ${p.legalName}`}</span>
                  </label>
                  <label for={`agreement-${p.partnerId}`}>
                    {t('pica.fields.agreement_signed_on')}
                    <span class="visually-hidden">{` ${p.legalName}`}</span>
                  </label>
                  <input
                    id={`agreement-${p.partnerId}`}
                    type="date"
                    name="agreement_signed_on"
                    value={day(p.agreementSignedOn)}
                  />
                  <button type="submit" class="secondary">
                    {t('pica.staff.save')}
                    <span class="visually-hidden">{` ${p.legalName}`}</span>
                  </button>
                </form>
              </td>
            </tr>
          )}
        />
      )}
    </StaffPage>
  );
}

function TypesPage({
  ctx,
  types,
  errors,
  values,
}: {
  ctx: PageContext;
  types: ContractType[];
  errors: FormErrors;
  values: Record<string, string | string[]>;
}) {
  const { t } = ctx;
  const chosen = Array.isArray(values.entitlements)
    ? values.entitlements
    : values.entitlements
      ? [values.entitlements]
      : [];
  return (
    <StaffPage ctx={ctx} current="types" title={t('pica.staff.types.title')}>
      <p>{t('pica.staff.types.intro')}</p>
      {types.length > 0 && (
        <DataTable
          caption={t('pica.staff.types.title')}
          hideCaption
          columns={[
            t('pica.fields.code'),
            t('pica.fields.type_name'),
            t('pica.fields.qualifies_pica'),
            t('pica.fields.entitlements'),
          ]}
          rows={types}
          row={(ty) => (
            <tr>
              <td>
                <code>{ty.code}</code>
              </td>
              <td>{ty.name}</td>
              <td>{ty.qualifiesPica ? t('pica.yes') : t('pica.no')}</td>
              <td>{ty.entitlements.map((e) => t(`pica.tools.${e}`)).join(', ')}</td>
            </tr>
          )}
        />
      )}
      <h2>{t('pica.staff.types.form_title')}</h2>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action="/staff/pica/contract-types" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <TextField
          name="code"
          label={t('pica.fields.code')}
          value={values.code as string}
          error={errors.fields.code}
          hint={t('pica.staff.types.code_hint')}
          maxLength={20}
        />
        <TextField
          name="type_name"
          label={t('pica.fields.type_name')}
          value={values.type_name as string}
          error={errors.fields.type_name}
          maxLength={120}
        />
        <label>
          <input type="checkbox" name="qualifies_pica" value="yes" checked={values.qualifies_pica === 'yes'} />{' '}
          {t('pica.fields.qualifies_pica')}
        </label>
        <fieldset id="field-entitlements">
          <legend>{t('pica.fields.entitlements')}</legend>
          {TOOLS.map((tool) => (
            <label>
              <input type="checkbox" name="entitlements" value={tool} checked={chosen.includes(tool)} />{' '}
              {t(`pica.tools.${tool}`)}
            </label>
          ))}
        </fieldset>
        <button type="submit">{t('pica.staff.save')}</button>
      </form>
    </StaffPage>
  );
}

function ContractFields({
  ctx,
  values,
  errors,
  types,
  partners,
  numberEditable,
}: {
  ctx: PageContext;
  values: Record<string, string>;
  errors: FormErrors;
  types: ContractType[];
  partners: Map<string, string>;
  numberEditable: boolean;
}) {
  const { t } = ctx;
  return (
    <>
      {numberEditable && (
        <TextField
          name="number"
          label={t('pica.fields.number')}
          value={values.number}
          error={errors.fields.number}
          maxLength={40}
        />
      )}
      <SelectField
        name="partner_id"
        label={t('pica.fields.partner')}
        value={values.partner_id}
        error={errors.fields.partner_id}
        options={[
          { value: '', label: t('pica.choose') },
          ...[...partners].map(([id, name]) => ({ value: id, label: name })),
        ]}
      />
      <SelectField
        name="type"
        label={t('pica.fields.type')}
        value={values.type}
        error={errors.fields.type}
        options={[
          { value: '', label: t('pica.choose') },
          ...types.map((ty) => ({ value: ty.code, label: `${ty.code} — ${ty.name}` })),
        ]}
      />
      <TextField
        name="customer"
        label={t('pica.fields.customer')}
        value={values.customer}
        error={errors.fields.customer}
        required={false}
        maxLength={200}
      />
      <DateField
        name="starts_on"
        label={t('pica.fields.starts_on')}
        value={values.starts_on}
        error={errors.fields.starts_on}
      />
      <DateField name="ends_on" label={t('pica.fields.ends_on')} value={values.ends_on} error={errors.fields.ends_on} />
      <SelectField
        name="status"
        label={t('pica.fields.status')}
        value={values.status ?? 'active'}
        error={errors.fields.status}
        options={(['active', 'suspended', 'revoked'] as const).map((s) => ({ value: s, label: t(`pica.states.${s}`) }))}
      />
    </>
  );
}

function ContractsPage({
  ctx,
  contracts,
  types,
  partners,
  errors,
  values,
  report,
}: {
  ctx: PageContext;
  contracts: Contract[];
  types: ContractType[];
  partners: Map<string, string>;
  errors: FormErrors;
  values: Record<string, string>;
  report?: ContractImportReport | undefined;
}) {
  const { t, lang } = ctx;
  return (
    <StaffPage ctx={ctx} current="contracts" title={t('pica.staff.contracts.title')}>
      <p>{t('pica.staff.contracts.intro')}</p>
      {report && (
        <section aria-labelledby="import-report" role="status">
          <h2 id="import-report">{t('pica.staff.contracts.report_title')}</h2>
          <p>
            {t('pica.staff.contracts.report', {
              read: report.rowsRead,
              created: report.created,
              updated: report.updated,
              rejected: report.rejected,
            })}
          </p>
          {report.problems.length > 0 && (
            <ul>
              {report.problems.slice(0, 50).map((p) => (
                <li>
                  {`${t('pica.staff.contracts.line', { line: p.line })} ${p.field}: `}
                  <span lang="en">{p.message}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      <ErrorSummary t={t} errors={errors} />
      <DataTable
        caption={t('pica.staff.contracts.title')}
        hideCaption
        columns={[
          t('pica.fields.number'),
          t('pica.fields.partner'),
          t('pica.fields.type'),
          t('pica.fields.customer'),
          t('pica.fields.ends_on'),
          t('pica.fields.status'),
        ]}
        rows={contracts}
        row={(c) => (
          <tr>
            <td>
              <a href={`/staff/pica/contracts/${c.id}`}>{c.number}</a>
            </td>
            <td>{partners.get(c.partnerId) ?? c.partnerId}</td>
            <td>{c.typeCode}</td>
            <td>{c.customerName ?? '—'}</td>
            <td>{formatDate(c.endsOn, lang)}</td>
            <td>
              <StateBadge
                ctx={ctx}
                state={c.inForce ? 'in_force' : c.status === 'active' ? 'not_in_force' : c.status}
              />
            </td>
          </tr>
        )}
      />
      <section aria-labelledby="new-contract">
        <h2 id="new-contract">{t('pica.staff.contracts.new_title')}</h2>
        <form method="post" action="/staff/pica/contracts" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <ContractFields ctx={ctx} values={values} errors={errors} types={types} partners={partners} numberEditable />
          <button type="submit">{t('pica.staff.contracts.create')}</button>
        </form>
      </section>
      <section aria-labelledby="import-contracts">
        <h2 id="import-contracts">{t('pica.staff.contracts.import_title')}</h2>
        <p id="contract-columns">
          {t('pica.staff.contracts.columns')} <code>{CONTRACT_COLUMNS.join(',')}</code>
        </p>
        <form method="post" action="/staff/pica/contracts/import" enctype="multipart/form-data" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <FileField ctx={ctx} error={errors.fields.file} describedBy="contract-columns" />
          <button type="submit">{t('pica.staff.contracts.import')}</button>
        </form>
        <p>
          <small>{t('pica.staff.contracts.cli_hint')}</small> <code>partner-portal import contracts FILE.csv</code>
        </p>
      </section>
    </StaffPage>
  );
}

function ContractPage({
  ctx,
  contract,
  types,
  partners,
  values,
  errors,
}: {
  ctx: PageContext;
  contract: Contract;
  types: ContractType[];
  partners: Map<string, string>;
  values: Record<string, string>;
  errors: FormErrors;
}) {
  const { t } = ctx;
  return (
    <StaffPage ctx={ctx} current="contracts" title={t('pica.staff.contracts.edit_title', { number: contract.number })}>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action={`/staff/pica/contracts/${contract.id}`} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="version" value={String(contract.version)} />
        <ContractFields
          ctx={ctx}
          values={values}
          errors={errors}
          types={types}
          partners={partners}
          numberEditable={false}
        />
        <button type="submit">{t('pica.staff.save')}</button>
      </form>
    </StaffPage>
  );
}

/** PICA-1, PICA-3: programme staff's pages for partners' PICA settings, contract types and support contracts. */
export async function picaStaffPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;
  await acceptFileUploads(app, { maxBytes: MAX_IMPORT_BYTES });

  const staff = staffActor;
  const partnerNames = async (actor: Actor) =>
    new Map((await listPartnersPica(appCtx(), actor)).map((p) => [p.partnerId, p.legalName]));

  app.get('/staff/pica', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    return sendPage(
      reply,
      <PartnersPage
        ctx={pageCtx(req, reply, { notices: NOTICES })}
        partners={await listPartnersPica(appCtx(), actor)}
        errors={noErrors}
      />,
    );
  });

  app.post<{ Params: { id: string } }>('/staff/pica/partners/:id/settings', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const values = pick(req.body, 'own_brand_support', 'agreement_signed_on');
    try {
      await setPartnerSettings(
        appCtx(),
        actor,
        req.params.id,
        { ownBrandSupport: values.own_brand_support === 'yes', agreementSignedOn: values.agreement_signed_on || null },
        requestMeta(req),
      );
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: '/staff/pica' });
      return sendPage(
        reply,
        <PartnersPage
          ctx={ctx}
          partners={await listPartnersPica(appCtx(), actor)}
          errors={picaFormErrors(ctx, error)}
        />,
        422,
      );
    }
    return reply.redirect('/staff/pica?notice=saved', 303);
  });

  const typesPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FormErrors,
    values: Record<string, string | string[]>,
    status = 200,
  ) =>
    sendPage(
      reply,
      <TypesPage
        ctx={pageCtx(req, reply, { notices: NOTICES, path: '/staff/pica/contract-types' })}
        types={await listContractTypes(appCtx())}
        errors={errors}
        values={values}
      />,
      status,
    );

  app.get('/staff/pica/contract-types', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    return typesPage(req, reply, noErrors, {});
  });

  app.post('/staff/pica/contract-types', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const body = req.body as Record<string, unknown>;
    const entitlements = ([] as unknown[])
      .concat(body.entitlements ?? [])
      .filter((e): e is string => typeof e === 'string');
    const values: Record<string, string | string[]> & { code?: string; type_name?: string; qualifies_pica?: string } = {
      ...pick(body, 'code', 'type_name', 'qualifies_pica'),
      entitlements,
    };
    try {
      await saveContractType(
        appCtx(),
        actor,
        { code: values.code!, name: values.type_name!, qualifiesPica: values.qualifies_pica === 'yes', entitlements },
        requestMeta(req),
      );
    } catch (error) {
      return typesPage(req, reply, picaFormErrors(pageCtx(req, reply), error), values, 422);
    }
    return reply.redirect('/staff/pica/contract-types?notice=saved', 303);
  });

  const contractsPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    errors: FormErrors,
    values: Record<string, string>,
    status = 200,
    report?: ContractImportReport,
  ) =>
    sendPage(
      reply,
      <ContractsPage
        ctx={pageCtx(req, reply, { notices: NOTICES, path: '/staff/pica/contracts' })}
        contracts={await listContracts(appCtx(), actor)}
        types={await listContractTypes(appCtx())}
        partners={await partnerNames(actor)}
        errors={errors}
        values={values}
        report={report}
      />,
      status,
    );

  app.get('/staff/pica/contracts', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    return contractsPage(req, reply, actor, noErrors, {});
  });

  const CONTRACT_FIELDS = ['number', 'partner_id', 'type', 'customer', 'starts_on', 'ends_on', 'status'];
  app.post('/staff/pica/contracts', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const v = pick(req.body, ...CONTRACT_FIELDS);
    try {
      await createContract(
        appCtx(),
        actor,
        {
          number: v.number!,
          partnerId: v.partner_id!.trim(),
          typeCode: v.type!,
          customerName: v.customer,
          startsOn: v.starts_on!,
          endsOn: v.ends_on!,
          status: v.status as Contract['status'],
        },
        requestMeta(req),
      );
    } catch (error) {
      return contractsPage(req, reply, actor, picaFormErrors(pageCtx(req, reply), error), v, 422);
    }
    return reply.redirect('/staff/pica/contracts?notice=created', 303);
  });

  app.post('/staff/pica/contracts/import', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const file = uploadedFile(req, 'file');
    if (!file || file.size === 0)
      return contractsPage(
        req,
        reply,
        actor,
        formErrors(req.t, [{ field: 'file', rule: file ? 'file_empty' : 'file_required' }]),
        {},
        422,
      );
    if (file.tooLarge)
      return contractsPage(
        req,
        reply,
        actor,
        formErrors(req.t, [{ field: 'file', rule: 'file_too_large', params: { max: MAX_IMPORT_BYTES / 1024 / 1024 } }]),
        {},
        413,
      );
    try {
      const report = await importContracts(appCtx(), actor, createReadStream(file.path), requestMeta(req));
      return await contractsPage(req, reply, actor, noErrors, {}, 200, report);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 403) throw error;
      return contractsPage(
        req,
        reply,
        actor,
        { general: picaErrorText(pageCtx(req, reply), error), fields: {} },
        {},
        error.status,
      );
    }
  });

  const contractValues = (c: Contract): Record<string, string> => ({
    partner_id: c.partnerId,
    type: c.typeCode,
    customer: c.customerName ?? '',
    starts_on: day(c.startsOn),
    ends_on: day(c.endsOn),
    status: c.status,
  });

  app.get<{ Params: { id: string } }>('/staff/pica/contracts/:id', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const contract = await getContract(appCtx(), actor, req.params.id);
    return sendPage(
      reply,
      <ContractPage
        ctx={pageCtx(req, reply)}
        contract={contract}
        types={await listContractTypes(appCtx())}
        partners={await partnerNames(actor)}
        values={contractValues(contract)}
        errors={noErrors}
      />,
    );
  });

  app.post<{ Params: { id: string } }>('/staff/pica/contracts/:id', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const contract = await getContract(appCtx(), actor, req.params.id);
    const v = pick(req.body, ...CONTRACT_FIELDS, 'version');
    try {
      await updateContract(
        appCtx(),
        actor,
        contract.id,
        {
          number: contract.number,
          partnerId: v.partner_id!.trim(),
          typeCode: v.type!,
          customerName: v.customer,
          startsOn: v.starts_on!,
          endsOn: v.ends_on!,
          status: v.status as Contract['status'],
        },
        formVersion(v.version),
        requestMeta(req),
      );
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: `/staff/pica/contracts/${contract.id}` });
      return sendPage(
        reply,
        <ContractPage
          ctx={ctx}
          contract={contract}
          types={await listContractTypes(appCtx())}
          partners={await partnerNames(actor)}
          values={v}
          errors={picaFormErrors(ctx, error)}
        />,
        error instanceof AppError ? error.status : 500,
      );
    }
    return reply.redirect('/staff/pica/contracts?notice=saved', 303);
  });
}
