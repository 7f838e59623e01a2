import { countryName } from '../../platform/countries.ts';
import { DataTable } from '../../platform/views/data-table.tsx';
import { DateTime } from '../../platform/views/page-helpers.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import type { OnboardingEntry } from './claims.service.ts';
import type { Distributor } from './distributors.service.ts';
import { PortalPage } from './portal-layout.tsx';

/** REG-3: the registered partners that designated this distributor for on-boarding and training. */
export function OnboardingPage({ ctx, d, queue }: { ctx: PageContext; d: Distributor; queue: OnboardingEntry[] }) {
  const { t, lang } = ctx;
  return (
    <PortalPage ctx={ctx} d={d} current="onboarding" title={t('portal.onboarding.title')}>
      <p>{t('portal.onboarding.intro', { vendor: ctx.vendor })}</p>
      {queue.length === 0 ? (
        <p>{t('portal.onboarding.empty')}</p>
      ) : (
        <DataTable
          caption={t('portal.onboarding.title')}
          hideCaption
          columns={[
            t('portal.claims.reseller'),
            t('fields.country'),
            t('portal.onboarding.registered_at'),
            t('portal.reseller.contact'),
            t('fields.email'),
            t('fields.phone'),
          ]}
          rows={queue}
          row={(p) => (
            <tr>
              <td>
                <a href={`/distributor/${d.id}/resellers/${p.partnerId}`}>{p.legalName}</a>
              </td>
              <td>{countryName(p.country, lang)}</td>
              <td>
                <DateTime date={p.registeredAt} lang={lang} />
              </td>
              <td>{p.contactName ?? '—'}</td>
              <td>{p.contactEmail ? <a href={`mailto:${p.contactEmail}`}>{p.contactEmail}</a> : '—'}</td>
              <td>{p.contactPhone ?? '—'}</td>
            </tr>
          )}
        />
      )}
    </PortalPage>
  );
}
