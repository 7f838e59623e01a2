import { countryName } from '../../platform/countries.ts';
import { CsrfField, ErrorSummary } from '../../platform/views/components.tsx';
import { DataTable } from '../../platform/views/data-table.tsx';
import { DateTime } from '../../platform/views/page-helpers.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import type { Claim, ReleasedReseller } from './claims.service.ts';
import type { Distributor } from './distributors.service.ts';
import { PortalPage } from './portal-layout.tsx';

/** The repository returns at most this many claims per status; the page says so when it is reached. */
export const CLAIMS_SHOWN = 200;

function ClaimStatus({ ctx, status }: { ctx: PageContext; status: Claim['status'] }) {
  return <span class={`badge badge-${status}`}>{ctx.t(`portal.claims.status_${status}`)}</span>;
}

/**
 * REG-2: the company the distributor's list names for the account, beside the reseller's own
 * name, and whether the two matched when the claim was checked against the list.
 */
function ListedAs({ ctx, claim }: { ctx: PageContext; claim: Claim }) {
  const { t } = ctx;
  const match = claim.nameMatch;
  const listed = claim.listedName ?? match?.listedName ?? null;
  return (
    <>
      {listed ?? t('portal.claims.not_listed')}
      {match && !match.matched && (
        <>
          <br />
          <small class="name-differs">
            {match.listedName
              ? t('claim_match.name_differs', { score: Math.round((match.score ?? 0) * 100) })
              : t('claim_match.name_unnamed')}
          </small>
        </>
      )}
    </>
  );
}

function DecisionButtons({ ctx, d, claim }: { ctx: PageContext; d: Distributor; claim: Claim }) {
  const { t } = ctx;
  return (
    <div class="decision">
      {(['confirm', 'reject'] as const).map((decision) => (
        <form method="post" action={`/distributor/${d.id}/claims/${claim.id}/decision`} class="inline-form">
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="decision" value={decision} />
          <button type="submit" class={decision === 'reject' ? 'secondary outline' : undefined}>
            {t(`portal.claims.${decision}`)}
            <span class="visually-hidden">{` ${t('portal.claims.account_of', { account: claim.accountNumber, reseller: claim.reseller.legalName })}`}</span>
          </button>
        </form>
      ))}
    </div>
  );
}

function ClaimsTable({
  ctx,
  d,
  claims,
  caption,
  decide,
}: {
  ctx: PageContext;
  d: Distributor;
  claims: Claim[];
  caption: string;
  decide: boolean;
}) {
  const { t, lang } = ctx;
  return (
    <DataTable
      caption={caption}
      columns={[
        t('portal.claims.reseller'),
        t('fields.country'),
        t('fields.account_number'),
        t('portal.claims.listed_as'),
        decide ? t('portal.claims.claimed_at') : t('portal.claims.decided_at'),
        decide ? t('portal.claims.decision') : t('fields.status'),
      ]}
      rows={claims}
      row={(c) => (
        <tr>
          <td>
            <a href={`/distributor/${d.id}/resellers/${c.reseller.id}`}>{c.reseller.legalName}</a>
          </td>
          <td>{countryName(c.reseller.country, lang)}</td>
          <td>
            <code>{c.accountNumber}</code>
          </td>
          <td>
            <ListedAs ctx={ctx} claim={c} />
          </td>
          <td>
            <DateTime date={decide ? c.createdAt : c.decidedAt} lang={lang} />
          </td>
          <td>
            {decide ? <DecisionButtons ctx={ctx} d={d} claim={c} /> : <ClaimStatus ctx={ctx} status={c.status} />}
          </td>
        </tr>
      )}
    />
  );
}

export function ClaimsPage({
  ctx,
  d,
  pending,
  decided,
  error,
}: {
  ctx: PageContext;
  d: Distributor;
  pending: Claim[];
  decided: Claim[];
  error?: string | undefined;
}) {
  const { t } = ctx;
  return (
    <PortalPage ctx={ctx} d={d} current="claims" title={t('portal.claims.title')}>
      <p>{t('portal.claims.intro')}</p>
      <ErrorSummary t={t} errors={{ general: error, fields: {} }} />
      <section aria-labelledby="pending-heading">
        <h2 id="pending-heading">{t('portal.claims.pending_title', { count: pending.length })}</h2>
        {pending.length === 0 ? (
          <p>{t('portal.claims.none_pending')}</p>
        ) : (
          <ClaimsTable ctx={ctx} d={d} claims={pending} caption={t('portal.claims.pending_caption')} decide />
        )}
        {pending.length >= CLAIMS_SHOWN && <p>{t('portal.claims.more', { count: CLAIMS_SHOWN })}</p>}
      </section>
      <section aria-labelledby="decided-heading">
        <h2 id="decided-heading">{t('portal.claims.decided_title')}</h2>
        {decided.length === 0 ? (
          <p>{t('portal.claims.none_decided')}</p>
        ) : (
          <ClaimsTable ctx={ctx} d={d} claims={decided} caption={t('portal.claims.decided_caption')} decide={false} />
        )}
      </section>
    </PortalPage>
  );
}

/** REG-6: what the distributor may see of a reseller that named it. */
export function ResellerPage({ ctx, d, info }: { ctx: PageContext; d: Distributor; info: ReleasedReseller }) {
  const { t, lang } = ctx;
  return (
    <PortalPage ctx={ctx} d={d} current="claims" title={info.legalName}>
      <p>{t('portal.reseller.intro')}</p>
      <dl class="facts">
        <dt>{t('fields.country')}</dt>
        <dd>{countryName(info.country, lang)}</dd>
        <dt>{t('fields.status')}</dt>
        <dd>{t(`portal.reseller.status_${info.status}`)}</dd>
        <dt>{t('portal.reseller.contact')}</dt>
        <dd>{info.contactName ?? '—'}</dd>
        <dt>{t('fields.email')}</dt>
        <dd>{info.contactEmail ? <a href={`mailto:${info.contactEmail}`}>{info.contactEmail}</a> : '—'}</dd>
        <dt>{t('fields.phone')}</dt>
        <dd>{info.contactPhone ?? '—'}</dd>
      </dl>
      <h2>{t('portal.reseller.accounts_title')}</h2>
      {info.accounts.length === 0 ? (
        <p>{t('portal.reseller.no_accounts')}</p>
      ) : (
        <DataTable
          caption={t('portal.reseller.accounts_title')}
          hideCaption
          columns={[t('fields.account_number'), t('fields.status')]}
          rows={info.accounts}
          row={(a) => (
            <tr>
              <td>
                <code>{a.accountNumber}</code>
              </td>
              <td>
                <ClaimStatus ctx={ctx} status={a.status} />
              </td>
            </tr>
          )}
        />
      )}
    </PortalPage>
  );
}
