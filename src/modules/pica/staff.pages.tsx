import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, type Actor } from '../../platform/auth.ts';
import { countryName } from '../../platform/countries.ts';
import { formatDate } from '../../platform/dates.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import { requestMeta } from '../../platform/request-meta.ts';
import { CsrfField, ErrorSummary, formErrors, noErrors, SelectField, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { DateField } from '../../platform/views/date-field.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { DateTime, FileField, pageCtx, pick, signedIn, TextArea } from '../../platform/views/page-helpers.tsx';
import { sendPage } from '../../platform/views/render.ts';
import { acceptFileUploads, uploadedFile } from '../../platform/upload-form.ts';
import { decideAdminRequest, getAdminRequest, listAdminRequests, type StaffAdminRequest } from './administrators.service.ts';
import { CONTRACT_COLUMNS, createContract, getContract, importContracts, listContracts, listContractTypes, listPartnersPica, saveContractType, setPartnerSettings, updateContract, type Contract, type ContractImportReport, type ContractType, type PartnerPica } from './contracts.service.ts';
import { TOOLS } from './pica.rules.ts';
import { day, PicaPage, picaErrorText, picaFormErrors, StateBadge } from './views.tsx';

const NOTICES = { saved: 'pica.staff.saved', decided: 'pica.staff.requests.decided', created: 'pica.staff.contracts.created' };
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
type Section = 'partners' | 'types' | 'contracts' | 'requests';

function StaffNav({ ctx, current }: { ctx: PageContext; current: Section }) {
  const { t } = ctx;
  const items: [Section, string, string][] = [['requests', '/staff/pica/requests', t('pica.staff.nav.requests')]];
  if (can(ctx.actor, 'contracts:manage')) items.unshift(['partners', '/staff/pica', t('pica.staff.nav.partners')], ['types', '/staff/pica/contract-types', t('pica.staff.nav.types')], ['contracts', '/staff/pica/contracts', t('pica.staff.nav.contracts')]);
  return (
    <nav aria-label={t('pica.staff.nav.label')} class="subnav">
      <ul>
        {items.map(([section, href, label]) => (
          <li>
            <a href={href} aria-current={section === current ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function StaffPage({ ctx, current, title, children }: { ctx: PageContext; current: Section; title: string; children: preact.ComponentChildren }) {
  return (
    <PicaPage ctx={ctx} title={title} eyebrow={ctx.t('pica.staff.eyebrow')}>
      <StaffNav ctx={ctx} current={current} />
      {children}
    </PicaPage>
  );
}

function PartnersPage({ ctx, partners, errors }: { ctx: PageContext; partners: PartnerPica[]; errors: FormErrors }) {
  const { t, lang } = ctx;
  return (
    <StaffPage ctx={ctx} current="partners" title={t('pica.staff.partners.title')}>
      <p>{t('pica.staff.partners.intro')}</p>
      <ErrorSummary t={t} errors={errors} />
      {partners.length === 0 ? (
        <p>{t('pica.staff.partners.none')}</p>
      ) : (
        <div class="overflow-auto">
          <table class="striped">
            <caption class="visually-hidden">{t('pica.staff.partners.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('pica.fields.partner')}</th>
                <th scope="col">{t('pica.staff.partners.standing')}</th>
                <th scope="col">{t('pica.staff.partners.settings')}</th>
              </tr>
            </thead>
            <tbody>
              {partners.map((p) => (
                <tr>
                  <td>
                    {p.legalName}
                    <br />
                    <small>{countryName(p.country, lang)}</small>
                  </td>
                  <td>{p.gaps.length === 0 ? <StateBadge ctx={ctx} state="eligible" /> : <ul>{p.gaps.map((g) => <li>{t(`pica.gaps.${g}`)}</li>)}</ul>}</td>
                  <td>
                    <form method="post" action={`/staff/pica/partners/${p.partnerId}/settings`} class="stacked-form">
                      <CsrfField token={ctx.csrfToken} />
                      <label>
                        <input type="checkbox" name="own_brand_support" value="yes" checked={p.ownBrandSupport} /> {t('pica.fields.own_brand_support')}
                        <span class="visually-hidden">{` ${p.legalName}`}</span>
                      </label>
                      <label for={`agreement-${p.partnerId}`}>
                        {t('pica.fields.agreement_signed_on')}
                        <span class="visually-hidden">{` ${p.legalName}`}</span>
                      </label>
                      <input id={`agreement-${p.partnerId}`} type="date" name="agreement_signed_on" value={day(p.agreementSignedOn)} />
                      <button type="submit" class="secondary">
                        {t('pica.staff.save')}
                        <span class="visually-hidden">{` ${p.legalName}`}</span>
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </StaffPage>
  );
}

function TypesPage({ ctx, types, errors, values }: { ctx: PageContext; types: ContractType[]; errors: FormErrors; values: Record<string, string | string[]> }) {
  const { t } = ctx;
  const chosen = Array.isArray(values.entitlements) ? values.entitlements : values.entitlements ? [values.entitlements] : [];
  return (
    <StaffPage ctx={ctx} current="types" title={t('pica.staff.types.title')}>
      <p>{t('pica.staff.types.intro')}</p>
      {types.length > 0 && (
        <div class="overflow-auto">
          <table class="striped">
            <caption class="visually-hidden">{t('pica.staff.types.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('pica.fields.code')}</th>
                <th scope="col">{t('pica.fields.type_name')}</th>
                <th scope="col">{t('pica.fields.qualifies_pica')}</th>
                <th scope="col">{t('pica.fields.entitlements')}</th>
              </tr>
            </thead>
            <tbody>
              {types.map((ty) => (
                <tr>
                  <td>
                    <code>{ty.code}</code>
                  </td>
                  <td>{ty.name}</td>
                  <td>{ty.qualifiesPica ? t('pica.yes') : t('pica.no')}</td>
                  <td>{ty.entitlements.map((e) => t(`pica.tools.${e}`)).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t('pica.staff.types.form_title')}</h2>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action="/staff/pica/contract-types" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <TextField name="code" label={t('pica.fields.code')} value={values.code as string} error={errors.fields.code} hint={t('pica.staff.types.code_hint')} maxLength={20} />
        <TextField name="type_name" label={t('pica.fields.type_name')} value={values.type_name as string} error={errors.fields.type_name} maxLength={120} />
        <label>
          <input type="checkbox" name="qualifies_pica" value="yes" checked={values.qualifies_pica === 'yes'} /> {t('pica.fields.qualifies_pica')}
        </label>
        <fieldset id="field-entitlements">
          <legend>{t('pica.fields.entitlements')}</legend>
          {TOOLS.map((tool) => (
            <label>
              <input type="checkbox" name="entitlements" value={tool} checked={chosen.includes(tool)} /> {t(`pica.tools.${tool}`)}
            </label>
          ))}
        </fieldset>
        <button type="submit">{t('pica.staff.save')}</button>
      </form>
    </StaffPage>
  );
}

function ContractFields({ ctx, values, errors, types, partners, numberEditable }: { ctx: PageContext; values: Record<string, string>; errors: FormErrors; types: ContractType[]; partners: Map<string, string>; numberEditable: boolean }) {
  const { t } = ctx;
  return (
    <>
      {numberEditable && <TextField name="number" label={t('pica.fields.number')} value={values.number} error={errors.fields.number} maxLength={40} />}
      <SelectField name="partner_id" label={t('pica.fields.partner')} value={values.partner_id} error={errors.fields.partner_id} options={[{ value: '', label: t('pica.choose') }, ...[...partners].map(([id, name]) => ({ value: id, label: name }))]} />
      <SelectField name="type" label={t('pica.fields.type')} value={values.type} error={errors.fields.type} options={[{ value: '', label: t('pica.choose') }, ...types.map((ty) => ({ value: ty.code, label: `${ty.code} — ${ty.name}` }))]} />
      <TextField name="customer" label={t('pica.fields.customer')} value={values.customer} error={errors.fields.customer} required={false} maxLength={200} />
      <DateField name="starts_on" label={t('pica.fields.starts_on')} value={values.starts_on} error={errors.fields.starts_on} />
      <DateField name="ends_on" label={t('pica.fields.ends_on')} value={values.ends_on} error={errors.fields.ends_on} />
      <SelectField name="status" label={t('pica.fields.status')} value={values.status ?? 'active'} error={errors.fields.status} options={(['active', 'suspended', 'revoked'] as const).map((s) => ({ value: s, label: t(`pica.states.${s}`) }))} />
    </>
  );
}

function ContractsPage({ ctx, contracts, types, partners, errors, values, report }: { ctx: PageContext; contracts: Contract[]; types: ContractType[]; partners: Map<string, string>; errors: FormErrors; values: Record<string, string>; report?: ContractImportReport | undefined }) {
  const { t, lang } = ctx;
  return (
    <StaffPage ctx={ctx} current="contracts" title={t('pica.staff.contracts.title')}>
      <p>{t('pica.staff.contracts.intro')}</p>
      {report && (
        <section aria-labelledby="import-report" role="status">
          <h2 id="import-report">{t('pica.staff.contracts.report_title')}</h2>
          <p>{t('pica.staff.contracts.report', { read: report.rowsRead, created: report.created, updated: report.updated, rejected: report.rejected })}</p>
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
      <div class="overflow-auto">
        <table class="striped">
          <caption class="visually-hidden">{t('pica.staff.contracts.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('pica.fields.number')}</th>
              <th scope="col">{t('pica.fields.partner')}</th>
              <th scope="col">{t('pica.fields.type')}</th>
              <th scope="col">{t('pica.fields.customer')}</th>
              <th scope="col">{t('pica.fields.ends_on')}</th>
              <th scope="col">{t('pica.fields.status')}</th>
            </tr>
          </thead>
          <tbody>
            {contracts.map((c) => (
              <tr>
                <td>
                  <a href={`/staff/pica/contracts/${c.id}`}>{c.number}</a>
                </td>
                <td>{partners.get(c.partnerId) ?? c.partnerId}</td>
                <td>{c.typeCode}</td>
                <td>{c.customerName ?? '—'}</td>
                <td>{formatDate(c.endsOn, lang)}</td>
                <td>
                  <StateBadge ctx={ctx} state={c.inForce ? 'in_force' : c.status === 'active' ? 'not_in_force' : c.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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

function ContractPage({ ctx, contract, types, partners, values, errors }: { ctx: PageContext; contract: Contract; types: ContractType[]; partners: Map<string, string>; values: Record<string, string>; errors: FormErrors }) {
  const { t } = ctx;
  return (
    <StaffPage ctx={ctx} current="contracts" title={t('pica.staff.contracts.edit_title', { number: contract.number })}>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action={`/staff/pica/contracts/${contract.id}`} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="version" value={String(contract.version)} />
        <ContractFields ctx={ctx} values={values} errors={errors} types={types} partners={partners} numberEditable={false} />
        <button type="submit">{t('pica.staff.save')}</button>
      </form>
    </StaffPage>
  );
}

function RequestsPage({ ctx, requests }: { ctx: PageContext; requests: StaffAdminRequest[] }) {
  const { t, lang } = ctx;
  return (
    <StaffPage ctx={ctx} current="requests" title={t('pica.staff.requests.title')}>
      <p>{t('pica.staff.requests.intro')}</p>
      {requests.length === 0 ? (
        <p>{t('pica.staff.requests.none')}</p>
      ) : (
        <div class="overflow-auto">
          <table class="striped">
            <caption class="visually-hidden">{t('pica.staff.requests.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('pica.fields.applicant')}</th>
                <th scope="col">{t('pica.fields.partner')}</th>
                <th scope="col">{t('pica.fields.submitted')}</th>
                <th scope="col">{t('pica.fields.status')}</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r) => (
                <tr>
                  <td>
                    <a href={`/staff/pica/requests/${r.id}`}>{r.userName}</a>
                    <br />
                    <small>{r.userEmail}</small>
                  </td>
                  <td>{r.partnerName}</td>
                  <td>
                    <DateTime date={r.createdAt} lang={lang} />
                  </td>
                  <td>
                    <StateBadge ctx={ctx} state={r.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </StaffPage>
  );
}

function RequestPage({ ctx, request, errors }: { ctx: PageContext; request: StaffAdminRequest; errors: FormErrors }) {
  const { t, lang } = ctx;
  return (
    <StaffPage ctx={ctx} current="requests" title={t('pica.staff.requests.one_title', { name: request.userName })}>
      <dl>
        <dt>{t('pica.fields.partner')}</dt>
        <dd>{request.partnerName}</dd>
        <dt>{t('pica.fields.email')}</dt>
        <dd>{request.userEmail}</dd>
        <dt>{t('pica.fields.job_title')}</dt>
        <dd>{request.jobTitle}</dd>
        <dt>{t('pica.fields.contract_numbers')}</dt>
        <dd>{request.contractNumbers.join(', ')}</dd>
        <dt>{t('pica.fields.submitted')}</dt>
        <dd>
          <DateTime date={request.createdAt} lang={lang} />
        </dd>
        <dt>{t('pica.staff.partners.standing')}</dt>
        <dd>{request.gaps.length === 0 ? t('pica.states.eligible') : request.gaps.map((g) => t(`pica.gaps.${g}`)).join(' ')}</dd>
        <dt>{t('pica.fields.status')}</dt>
        <dd>
          <StateBadge ctx={ctx} state={request.status} />
        </dd>
        {request.internalReason && (
          <>
            <dt>{t('pica.fields.internal_reason')}</dt>
            <dd>{request.internalReason}</dd>
          </>
        )}
      </dl>
      {request.status === 'pending' && (
        <section aria-labelledby="decide">
          <h2 id="decide">{t('pica.staff.requests.decide_title')}</h2>
          <ErrorSummary t={t} errors={errors} />
          <form method="post" action={`/staff/pica/requests/${request.id}/decision`} novalidate>
            <CsrfField token={ctx.csrfToken} />
            <TextArea name="internal_reason" label={t('pica.fields.internal_reason')} error={errors.fields.internal_reason} hint={t('pica.staff.requests.reason_hint')} required={false} maxLength={2000} rows={3} />
            <div class="decision">
              <button type="submit" name="decision" value="approve">
                {t('pica.staff.requests.approve')}
              </button>
              <button type="submit" name="decision" value="decline" class="secondary outline">
                {t('pica.staff.requests.decline')}
              </button>
            </div>
          </form>
        </section>
      )}
    </StaffPage>
  );
}

/** PICA-1, PICA-4: programme staff's PICA pages under /staff/pica. */
export async function picaStaffPages(app: FastifyInstance): Promise<void> {
  const appCtx = () => app.appContext;
  await acceptFileUploads(app, { maxBytes: MAX_IMPORT_BYTES });

  const staff = (req: FastifyRequest, reply: FastifyReply, permission: 'contracts:manage' | 'pica-admins:decide' = 'contracts:manage'): Actor | undefined => {
    const actor = signedIn(req, reply, req.method === 'GET' ? req.url : '/staff/pica');
    if (actor && !can(actor, permission)) throw forbidden();
    return actor;
  };
  const partnerNames = async (actor: Actor) => new Map((await listPartnersPica(appCtx(), actor)).map((p) => [p.partnerId, p.legalName]));

  app.get('/staff/pica', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    return sendPage(reply, <PartnersPage ctx={pageCtx(req, reply, { notices: NOTICES })} partners={await listPartnersPica(appCtx(), actor)} errors={noErrors} />);
  });

  app.post<{ Params: { id: string } }>('/staff/pica/partners/:id/settings', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const values = pick(req.body, 'own_brand_support', 'agreement_signed_on');
    try {
      await setPartnerSettings(appCtx(), actor, req.params.id, { ownBrandSupport: values.own_brand_support === 'yes', agreementSignedOn: values.agreement_signed_on || null }, requestMeta(req));
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: '/staff/pica' });
      return sendPage(reply, <PartnersPage ctx={ctx} partners={await listPartnersPica(appCtx(), actor)} errors={picaFormErrors(ctx, error)} />, 422);
    }
    return reply.redirect('/staff/pica?notice=saved', 303);
  });

  const typesPage = async (req: FastifyRequest, reply: FastifyReply, errors: FormErrors, values: Record<string, string | string[]>, status = 200) =>
    sendPage(reply, <TypesPage ctx={pageCtx(req, reply, { notices: NOTICES, path: '/staff/pica/contract-types' })} types={await listContractTypes(appCtx())} errors={errors} values={values} />, status);

  app.get('/staff/pica/contract-types', async (req, reply) => {
    if (!staff(req, reply)) return reply;
    return typesPage(req, reply, noErrors, {});
  });

  app.post('/staff/pica/contract-types', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const body = req.body as Record<string, unknown>;
    const entitlements = ([] as unknown[]).concat(body.entitlements ?? []).filter((e): e is string => typeof e === 'string');
    const values: Record<string, string | string[]> & { code?: string; type_name?: string; qualifies_pica?: string } = { ...pick(body, 'code', 'type_name', 'qualifies_pica'), entitlements };
    try {
      await saveContractType(appCtx(), actor, { code: values.code!, name: values.type_name!, qualifiesPica: values.qualifies_pica === 'yes', entitlements }, requestMeta(req));
    } catch (error) {
      return typesPage(req, reply, picaFormErrors(pageCtx(req, reply), error), values, 422);
    }
    return reply.redirect('/staff/pica/contract-types?notice=saved', 303);
  });

  const contractsPage = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, errors: FormErrors, values: Record<string, string>, status = 200, report?: ContractImportReport) =>
    sendPage(
      reply,
      <ContractsPage ctx={pageCtx(req, reply, { notices: NOTICES, path: '/staff/pica/contracts' })} contracts={await listContracts(appCtx(), actor)} types={await listContractTypes(appCtx())} partners={await partnerNames(actor)} errors={errors} values={values} report={report} />,
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
      await createContract(appCtx(), actor, { number: v.number!, partnerId: v.partner_id!.trim(), typeCode: v.type!, customerName: v.customer, startsOn: v.starts_on!, endsOn: v.ends_on!, status: v.status as Contract['status'] }, requestMeta(req));
    } catch (error) {
      return contractsPage(req, reply, actor, picaFormErrors(pageCtx(req, reply), error), v, 422);
    }
    return reply.redirect('/staff/pica/contracts?notice=created', 303);
  });

  app.post('/staff/pica/contracts/import', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const file = uploadedFile(req, 'file');
    if (!file || file.size === 0) return contractsPage(req, reply, actor, formErrors(req.t, [{ field: 'file', rule: file ? 'file_empty' : 'file_required' }]), {}, 422);
    if (file.tooLarge) return contractsPage(req, reply, actor, formErrors(req.t, [{ field: 'file', rule: 'file_too_large', params: { max: MAX_IMPORT_BYTES / 1024 / 1024 } }]), {}, 413);
    try {
      const report = await importContracts(appCtx(), actor, createReadStream(file.path), requestMeta(req));
      return await contractsPage(req, reply, actor, noErrors, {}, 200, report);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 403) throw error;
      return contractsPage(req, reply, actor, { general: picaErrorText(pageCtx(req, reply), error), fields: {} }, {}, error.status);
    }
  });

  const contractValues = (c: Contract): Record<string, string> => ({ partner_id: c.partnerId, type: c.typeCode, customer: c.customerName ?? '', starts_on: day(c.startsOn), ends_on: day(c.endsOn), status: c.status });

  app.get<{ Params: { id: string } }>('/staff/pica/contracts/:id', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const contract = await getContract(appCtx(), actor, req.params.id);
    return sendPage(reply, <ContractPage ctx={pageCtx(req, reply)} contract={contract} types={await listContractTypes(appCtx())} partners={await partnerNames(actor)} values={contractValues(contract)} errors={noErrors} />);
  });

  app.post<{ Params: { id: string } }>('/staff/pica/contracts/:id', async (req, reply) => {
    const actor = staff(req, reply);
    if (!actor) return reply;
    const contract = await getContract(appCtx(), actor, req.params.id);
    const v = pick(req.body, ...CONTRACT_FIELDS, 'version');
    try {
      await updateContract(appCtx(), actor, contract.id, { number: contract.number, partnerId: v.partner_id!.trim(), typeCode: v.type!, customerName: v.customer, startsOn: v.starts_on!, endsOn: v.ends_on!, status: v.status as Contract['status'] }, Number(v.version), requestMeta(req));
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: `/staff/pica/contracts/${contract.id}` });
      return sendPage(reply, <ContractPage ctx={ctx} contract={contract} types={await listContractTypes(appCtx())} partners={await partnerNames(actor)} values={v} errors={picaFormErrors(ctx, error)} />, error instanceof AppError ? error.status : 500);
    }
    return reply.redirect('/staff/pica/contracts?notice=saved', 303);
  });

  app.get('/staff/pica/requests', async (req, reply) => {
    const actor = staff(req, reply, 'pica-admins:decide');
    if (!actor) return reply;
    return sendPage(reply, <RequestsPage ctx={pageCtx(req, reply, { notices: NOTICES })} requests={await listAdminRequests(appCtx(), actor)} />);
  });

  app.get<{ Params: { id: string } }>('/staff/pica/requests/:id', async (req, reply) => {
    const actor = staff(req, reply, 'pica-admins:decide');
    if (!actor) return reply;
    return sendPage(reply, <RequestPage ctx={pageCtx(req, reply, { notices: NOTICES })} request={await getAdminRequest(appCtx(), actor, req.params.id)} errors={noErrors} />);
  });

  app.post<{ Params: { id: string } }>('/staff/pica/requests/:id/decision', async (req, reply) => {
    const actor = staff(req, reply, 'pica-admins:decide');
    if (!actor) return reply;
    const v = pick(req.body, 'decision', 'internal_reason');
    try {
      await decideAdminRequest(appCtx(), actor, req.params.id, { decision: v.decision === 'approve' ? 'approve' : 'decline', internalReason: v.internal_reason }, requestMeta(req));
    } catch (error) {
      const ctx = pageCtx(req, reply, { path: `/staff/pica/requests/${req.params.id}` });
      return sendPage(reply, <RequestPage ctx={ctx} request={await getAdminRequest(appCtx(), actor, req.params.id)} errors={picaFormErrors(ctx, error)} />, 422);
    }
    return reply.redirect(`/staff/pica/requests/${req.params.id}?notice=decided`, 303);
  });
}
