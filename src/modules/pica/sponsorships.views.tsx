// The screens of the PICA administrator's tool (sponsorships, keys, sponsored users); the routes
// that answer with them are in sponsorships.pages.tsx.
import { countryName } from '../../platform/countries.ts';
import { formatDate } from '../../platform/dates.ts';
import { CsrfField, ErrorSummary, SelectField, TextField, type FormErrors } from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { SubNav, type SubNavItem } from '../../platform/views/sub-nav.tsx';
import { countrySelectOptions, DateTime } from '../../platform/views/page-helpers.tsx';
import { type Contract } from './contracts.service.ts';
import { type Access, type SponsoredCustomer } from './entitlements.service.ts';
import { DEFAULT_VALID_DAYS, MAX_VALID_DAYS } from './pica.rules.ts';
import { type IssuedSponsorship, type Sponsorship } from './sponsorships.service.ts';
import { PicaPage, StateBadge } from './views.tsx';

export type Section = 'sponsorships' | 'sponsor' | 'users';

export function AdminNav({ ctx, current }: { ctx: PageContext; current: Section }) {
  const { t } = ctx;
  const items: SubNavItem<Section>[] = [
    ['sponsorships', '/pica/admin', t('pica.admin.nav.sponsorships')],
    ['sponsor', '/pica/admin/sponsor', t('pica.admin.nav.sponsor')],
    ['users', '/pica/admin/users', t('pica.admin.nav.users')],
  ];
  return <SubNav label={t('pica.admin.nav.label')} items={items} current={current} />;
}

export function AdminPage({
  ctx,
  current,
  title,
  children,
}: {
  ctx: PageContext;
  current: Section;
  title: string;
  children: preact.ComponentChildren;
}) {
  return (
    <PicaPage ctx={ctx} title={title} eyebrow={ctx.t('pica.admin.eyebrow')}>
      <AdminNav ctx={ctx} current={current} />
      {children}
    </PicaPage>
  );
}

export function SponsorshipsPage({ ctx, sponsorships }: { ctx: PageContext; sponsorships: Sponsorship[] }) {
  const { t, lang } = ctx;
  return (
    <AdminPage ctx={ctx} current="sponsorships" title={t('pica.admin.title')}>
      <p>{t('pica.admin.intro')}</p>
      {sponsorships.length === 0 ? (
        <p>{t('pica.admin.none')}</p>
      ) : (
        <DataTable
          caption={t('pica.admin.title')}
          hideCaption
          columns={[
            t('pica.fields.registration_number'),
            t('pica.fields.customer_name'),
            t('pica.fields.contract_number'),
            t('pica.fields.expires_at'),
            t('pica.fields.uses'),
            t('pica.fields.status'),
          ]}
          rows={sponsorships}
          row={(s) => (
            <tr>
              <td>
                <a href={`/pica/admin/sponsorships/${s.id}`}>
                  <code>{s.registrationNumber}</code>
                </a>
              </td>
              <td>{s.customer.name}</td>
              <td>{s.contract.number}</td>
              <td>
                <DateTime date={s.expiresAt} lang={lang} />
              </td>
              <td>{s.maxUses === null ? String(s.uses) : `${s.uses} / ${s.maxUses}`}</td>
              <td>
                <StateBadge ctx={ctx} state={s.state} />
              </td>
            </tr>
          )}
        />
      )}
    </AdminPage>
  );
}

export function SponsorForm({
  ctx,
  contracts,
  values,
  errors,
}: {
  ctx: PageContext;
  contracts: Contract[];
  values: Record<string, string>;
  errors: FormErrors;
}) {
  const { t, lang } = ctx;
  return (
    <AdminPage ctx={ctx} current="sponsor" title={t('pica.admin.sponsor.title')}>
      <p>{t('pica.admin.sponsor.intro')}</p>
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action="/pica/admin/sponsor" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <TextField
          name="customer_name"
          label={t('pica.fields.customer_name')}
          value={values.customer_name}
          error={errors.fields.customer_name}
          maxLength={200}
          autocomplete="off"
        />
        <SelectField
          name="country"
          label={t('pica.fields.country')}
          value={values.country}
          error={errors.fields.country}
          options={countrySelectOptions(lang, t('pica.choose'))}
        />
        <TextField
          name="email_domains"
          label={t('pica.fields.email_domains')}
          value={values.email_domains}
          error={errors.fields.email_domains}
          hint={t('pica.admin.sponsor.domains_hint')}
          maxLength={1000}
          autocomplete="off"
        />
        <SelectField
          name="contract_number"
          label={t('pica.fields.contract_number')}
          value={values.contract_number}
          error={errors.fields.contract_number}
          options={[
            { value: '', label: t('pica.choose') },
            ...contracts
              .filter((c) => c.inForce)
              .map((c) => ({
                value: c.number,
                label: `${c.number}${c.customerName ? ` — ${c.customerName}` : ''} (${formatDate(c.endsOn, lang)})`,
              })),
          ]}
        />
        <TextField
          name="purchase_reference"
          label={t('pica.fields.purchase_reference')}
          value={values.purchase_reference}
          error={errors.fields.purchase_reference}
          hint={t('pica.admin.sponsor.reference_hint')}
          maxLength={100}
          autocomplete="off"
        />
        <div class="field" id="field-attest_purchase">
          <label>
            <input
              type="checkbox"
              name="attest_purchase"
              value="yes"
              checked={values.attest_purchase === 'yes'}
              aria-invalid={errors.fields.attest_purchase ? 'true' : undefined}
            />{' '}
            {t('pica.fields.attest_purchase', { vendor: ctx.vendor })}
          </label>
          {errors.fields.attest_purchase && <small class="field-error">{errors.fields.attest_purchase}</small>}
        </div>
        <TextField
          name="valid_days"
          type="number"
          label={t('pica.fields.valid_days')}
          value={values.valid_days ?? String(DEFAULT_VALID_DAYS)}
          error={errors.fields.valid_days}
          hint={t('pica.admin.sponsor.days_hint', { max: MAX_VALID_DAYS })}
          required={false}
        />
        <TextField
          name="max_uses"
          type="number"
          label={t('pica.fields.max_uses')}
          value={values.max_uses}
          error={errors.fields.max_uses}
          hint={t('pica.admin.sponsor.uses_hint')}
          required={false}
        />
        <button type="submit">{t('pica.admin.sponsor.submit')}</button>
      </form>
    </AdminPage>
  );
}

/** PICA-5: the number and key, shown once; copy (pica-key.js) and print are enhancements. */
export function KeyPage({ ctx, issued }: { ctx: PageContext; issued: IssuedSponsorship }) {
  const { t, lang } = ctx;
  const s = issued.sponsorship;
  return (
    <AdminPage ctx={ctx} current="sponsorships" title={t('pica.admin.key.title', { customer: s.customer.name })}>
      <section class="new-secret pica-key" aria-labelledby="key-heading">
        <h2 id="key-heading">{t('pica.admin.key.heading')}</h2>
        <p role="alert">
          <strong>{t('pica.admin.key.once')}</strong>
        </p>
        <dl>
          <dt>{t('pica.fields.registration_number')}</dt>
          <dd>
            <output id="registration-number" class="secret-value">
              {s.registrationNumber}
            </output>{' '}
            <button type="button" class="secondary outline" data-copy="registration-number" hidden>
              {t('pica.admin.key.copy_number')}
            </button>
          </dd>
          <dt>{t('pica.fields.verification_key')}</dt>
          <dd>
            <output id="verification-key" class="secret-value" data-verification-key>
              {issued.verificationKey}
            </output>{' '}
            <button type="button" class="secondary outline" data-copy="verification-key" hidden>
              {t('pica.admin.key.copy_key')}
            </button>
          </dd>
          <dt>{t('pica.fields.expires_at')}</dt>
          <dd>
            <DateTime date={s.expiresAt} lang={lang} />
            {issued.expiryCapped && <small>{` ${t('pica.admin.key.capped')}`}</small>}
          </dd>
        </dl>
        <p data-copied role="status" aria-live="polite"></p>
        <p>{t('pica.admin.key.give', { customer: s.customer.name })}</p>
        <button type="button" data-print hidden>
          {t('pica.admin.key.print')}
        </button>
      </section>
      <p>
        <a href={`/pica/admin/sponsorships/${s.id}`}>{t('pica.admin.key.back')}</a>
      </p>
      <script type="module" src="/assets/pica-key.js"></script>
    </AdminPage>
  );
}

export function SponsorshipPage({ ctx, s, errors }: { ctx: PageContext; s: Sponsorship; errors: FormErrors }) {
  const { t, lang } = ctx;
  return (
    <AdminPage ctx={ctx} current="sponsorships" title={t('pica.admin.one.title', { customer: s.customer.name })}>
      <ErrorSummary t={t} errors={errors} />
      <dl>
        <dt>{t('pica.fields.registration_number')}</dt>
        <dd>
          <code>{s.registrationNumber}</code>
        </dd>
        <dt>{t('pica.fields.status')}</dt>
        <dd>
          <StateBadge ctx={ctx} state={s.state} />
        </dd>
        <dt>{t('pica.fields.customer_name')}</dt>
        <dd>{`${s.customer.name} (${countryName(s.customer.country, lang)})`}</dd>
        <dt>{t('pica.fields.email_domains')}</dt>
        <dd>{s.customer.emailDomains.join(', ')}</dd>
        <dt>{t('pica.fields.contract_number')}</dt>
        <dd>{`${s.contract.number} (${formatDate(s.contract.endsOn, lang)})`}</dd>
        <dt>{t('pica.fields.purchase_reference')}</dt>
        <dd>{s.purchaseReference}</dd>
        <dt>{t('pica.fields.key_issued_at')}</dt>
        <dd>
          <DateTime date={s.keyIssuedAt} lang={lang} />
        </dd>
        <dt>{t('pica.fields.expires_at')}</dt>
        <dd>
          <DateTime date={s.expiresAt} lang={lang} />
        </dd>
        <dt>{t('pica.fields.uses')}</dt>
        <dd>{s.maxUses === null ? String(s.uses) : `${s.uses} / ${s.maxUses}`}</dd>
      </dl>
      <h2>{t('pica.admin.one.ledger')}</h2>
      {s.registrations.length === 0 ? (
        <p>{t('pica.admin.one.no_uses')}</p>
      ) : (
        <ul>
          {s.registrations.map((r) => (
            <li>
              {`${r.name} <${r.email}> · `}
              <DateTime date={r.at} lang={lang} />
              {r.employmentAttested && <StateBadge ctx={ctx} state="attested" />}
            </li>
          ))}
        </ul>
      )}
      {s.state !== 'revoked' && (
        <div class="decision">
          <form method="post" action={`/pica/admin/sponsorships/${s.id}/key`} class="inline-form">
            <CsrfField token={ctx.csrfToken} />
            <button type="submit">{t('pica.admin.one.reissue')}</button>
          </form>
          <form method="post" action={`/pica/admin/sponsorships/${s.id}/revoke`} class="inline-form">
            <CsrfField token={ctx.csrfToken} />
            <button type="submit" class="secondary outline">
              {t('pica.admin.one.revoke')}
            </button>
          </form>
        </div>
      )}
    </AdminPage>
  );
}

export function UsersPage({
  ctx,
  users,
  customers,
}: {
  ctx: PageContext;
  users: Access[];
  customers: SponsoredCustomer[];
}) {
  const { t, lang } = ctx;
  const pending = users.flatMap((u) =>
    u.requests.filter((r) => r.status === 'pending').map((r) => ({ ...r, access: u })),
  );
  return (
    <AdminPage ctx={ctx} current="users" title={t('pica.admin.users.title')}>
      <p>{t('pica.admin.users.intro')}</p>
      {users.length === 0 ? (
        <p>{t('pica.admin.users.none')}</p>
      ) : (
        <DataTable
          caption={t('pica.admin.users.title')}
          hideCaption
          columns={[
            t('pica.fields.user'),
            t('pica.fields.customer_name'),
            t('pica.fields.tools'),
            t('pica.fields.changed_at'),
            t('pica.fields.status'),
          ]}
          rows={users}
          row={(u) => (
            <tr>
              <td>
                {u.userName}
                <br />
                <small>{u.userEmail}</small>
                {u.employmentAttested && (
                  <>
                    <br />
                    <StateBadge ctx={ctx} state="attested" />
                  </>
                )}
              </td>
              <td>{u.customerName}</td>
              <td>
                {u.tools
                  .map((x) => `${t(`pica.tools.${x.tool}`)}: ${x.enabled ? t('pica.on') : t('pica.off')}`)
                  .join(', ')}
              </td>
              <td>
                <DateTime date={u.changedAt} lang={lang} />
              </td>
              <td>
                <StateBadge ctx={ctx} state={u.status} />
                {u.status === 'active' && (
                  <form method="post" action={`/pica/admin/access/${u.id}/revoke`} class="inline-form">
                    <CsrfField token={ctx.csrfToken} />
                    <button type="submit" class="secondary outline">
                      {t('pica.admin.users.revoke')}
                      <span class="visually-hidden">{` ${u.userName}`}</span>
                    </button>
                  </form>
                )}
              </td>
            </tr>
          )}
        />
      )}
      {pending.length > 0 && (
        <section aria-labelledby="tool-requests">
          <h2 id="tool-requests">{t('pica.admin.users.requests_title')}</h2>
          <ul>
            {pending.map((r) => (
              <li>
                {t('pica.admin.users.request_line', { name: r.access.userName, tool: t(`pica.tools.${r.tool}`) })}{' '}
                {(['grant', 'decline'] as const).map((d) => (
                  <form method="post" action={`/pica/admin/tool-requests/${r.id}/decision`} class="inline-form">
                    <CsrfField token={ctx.csrfToken} />
                    <input type="hidden" name="decision" value={d} />
                    <button type="submit" class={d === 'decline' ? 'secondary outline' : undefined}>
                      {t(`pica.admin.users.${d}`)}
                      <span class="visually-hidden">{` ${r.access.userName} ${t(`pica.tools.${r.tool}`)}`}</span>
                    </button>
                  </form>
                ))}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="customers">
        <h2 id="customers">{t('pica.admin.users.customers_title')}</h2>
        <p>{t('pica.admin.users.customers_intro')}</p>
        <ul>
          {customers.map((c) => (
            <li>
              {`${c.name} — ${t('pica.admin.users.reconfirm_by', { date: formatDate(c.reconfirmBy, lang) })} `}
              <form method="post" action={`/pica/admin/customers/${c.id}/reconfirm`} class="inline-form">
                <CsrfField token={ctx.csrfToken} />
                <button type="submit" class="secondary">
                  {t('pica.admin.users.reconfirm')}
                  <span class="visually-hidden">{` ${c.name}`}</span>
                </button>
              </form>
              <form method="post" action={`/pica/admin/customers/${c.id}/revoke`} class="inline-form">
                <CsrfField token={ctx.csrfToken} />
                <button type="submit" class="secondary outline">
                  {t('pica.admin.users.revoke_all')}
                  <span class="visually-hidden">{` ${c.name}`}</span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      </section>
    </AdminPage>
  );
}
