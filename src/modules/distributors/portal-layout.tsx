import type { ComponentChildren } from 'preact';
import { can } from '../../platform/auth.ts';
import { DateTime } from '../../platform/views/page-helpers.tsx';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { SubNav, type SubNavItem } from '../../platform/views/sub-nav.tsx';
import type { Upload } from './account-lists.service.ts';
import type { Distributor } from './distributors.service.ts';

// The frame every screen of the distributor portal shares: its sub-navigation and heading,
// and the two screens that only lead elsewhere (choosing a distributor, the overview).

export type Section = 'overview' | 'claims' | 'onboarding' | 'account-lists' | 'api-keys' | 'users';

function PortalNav({ ctx, d, current }: { ctx: PageContext; d: Distributor; current: Section }) {
  const { t } = ctx;
  const items: SubNavItem<Section>[] = [
    ['overview', `/distributor/${d.id}`, t('portal.nav.overview')],
    ['claims', `/distributor/${d.id}/claims`, t('portal.nav.claims')],
    ['onboarding', `/distributor/${d.id}/onboarding`, t('portal.nav.onboarding')],
    ['account-lists', `/distributor/${d.id}/account-lists`, t('portal.nav.account_lists')],
  ];
  if (can(ctx.actor, 'distributor:manage', d.organisationId))
    items.push(['api-keys', `/distributor/${d.id}/api-keys`, t('portal.nav.api_keys')]);
  if (can(ctx.actor, 'distributor:manage', d.organisationId) || can(ctx.actor, 'distributors:manage'))
    items.push(['users', `/distributor/${d.id}/users`, t('portal.nav.users')]);
  return <SubNav label={t('portal.nav.label')} items={items} current={current} />;
}

export function PortalPage({
  ctx,
  d,
  current,
  title,
  children,
}: {
  ctx: PageContext;
  d: Distributor;
  current: Section;
  title: string;
  children: ComponentChildren;
}) {
  return (
    <Layout ctx={ctx} title={`${title} · ${d.legalName}`}>
      <p class="eyebrow">{d.legalName}</p>
      <h1>{title}</h1>
      <PortalNav ctx={ctx} d={d} current={current} />
      {children}
    </Layout>
  );
}

/** For a person who works for several distributors. */
export function ChooseDistributorPage({ ctx, distributors }: { ctx: PageContext; distributors: Distributor[] }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('portal.choose_title')}>
      <h1>{t('portal.choose_title')}</h1>
      <ul>
        {distributors.map((d) => (
          <li>
            <a href={`/distributor/${d.id}`}>{d.legalName}</a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export function OverviewPage({
  ctx,
  d,
  pending,
  onboarding,
  listSize,
  latest,
}: {
  ctx: PageContext;
  d: Distributor;
  pending: number;
  onboarding: number;
  listSize: number;
  latest: Upload | undefined;
}) {
  const { t, lang } = ctx;
  const number = new Intl.NumberFormat(lang);
  return (
    <PortalPage ctx={ctx} d={d} current="overview" title={t('portal.overview.title')}>
      <div class="grid overview">
        <article>
          <h2>{t('portal.nav.claims')}</h2>
          <p>{t('portal.overview.pending', { count: pending })}</p>
          <a href={`/distributor/${d.id}/claims`}>{t('portal.overview.open_claims')}</a>
        </article>
        <article>
          <h2>{t('portal.nav.onboarding')}</h2>
          <p>{t('portal.overview.onboarding', { count: onboarding })}</p>
          <a href={`/distributor/${d.id}/onboarding`}>{t('portal.overview.open_onboarding')}</a>
        </article>
        <article>
          <h2>{t('portal.nav.account_lists')}</h2>
          <p>{t('portal.overview.accounts', { count: listSize, formatted: number.format(listSize) })}</p>
          {latest && (
            <p>
              {t('portal.overview.latest_upload')} <DateTime date={latest.createdAt} lang={lang} /> (
              {t(`upload.status_${latest.status}`)})
            </p>
          )}
          <a href={`/distributor/${d.id}/account-lists`}>{t('portal.overview.open_lists')}</a>
        </article>
      </div>
    </PortalPage>
  );
}
