// The screens of programme staff's PICA pages (partners' settings, contract types, support
// contracts); the routes that answer with them are in staff.pages.tsx.
import { countryName } from '../../platform/countries.ts';
import { formatDate } from '../../platform/dates.ts';
import { CsrfField, ErrorSummary, SelectField, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { DateField } from '../../platform/views/date-field.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { FileField } from '../../platform/views/page-helpers.tsx';
import {
  CONTRACT_COLUMNS,
  type Contract,
  type ContractImportReport,
  type ContractType,
  type PartnerPica,
} from './contracts.service.ts';
import { TOOLS } from './pica.rules.ts';
import { StaffPage } from './staff-views.tsx';
import { day, StateBadge } from './views.tsx';

export function PartnersPage({
  ctx,
  partners,
  errors,
}: {
  ctx: PageContext;
  partners: PartnerPica[];
  errors: FormErrors;
}) {
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

export function TypesPage({
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

export function ContractFields({
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

export function ContractsPage({
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

export function ContractPage({
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
