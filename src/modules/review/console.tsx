import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { can, requirePermission, type Actor } from '../../platform/auth.ts';
import type { Permission } from '../../platform/roles.rules.ts';
import { Layout } from '../../platform/views/layout.tsx';
import type { PageContext } from '../../platform/views/page-context.ts';
import { signedIn } from '../../platform/views/page-helpers.tsx';

// What every page of the programme staff's console shares: who may see it, its navigation,
// and a few small pieces of markup.

/**
 * The staff member, or undefined after redirecting an anonymous visitor to sign in. Anyone
 * else gets the friendly 403 page (the error handler renders the thrown AppError).
 */
export function staffMember(
  req: FastifyRequest,
  reply: FastifyReply,
  permission: Permission = 'applications:review',
  returnTo?: string,
): Actor | undefined {
  const actor = signedIn(req, reply, returnTo);
  return actor && requirePermission(actor, permission);
}

type Section = 'dashboard' | 'applications' | 'agreements' | 'flags' | 'screening' | 'audit';

const SECTIONS: { section: Section; href: string; permission: Permission }[] = [
  { section: 'dashboard', href: '/staff', permission: 'applications:review' },
  { section: 'applications', href: '/staff/applications', permission: 'applications:review' },
  { section: 'agreements', href: '/staff/agreements', permission: 'applications:review' },
  { section: 'flags', href: '/staff/flags', permission: 'applications:review' },
  { section: 'screening', href: '/staff/screening', permission: 'staff:manage' },
  { section: 'audit', href: '/staff/audit', permission: 'audit:read' },
];

/** A console page: the main layout with the console's own navigation above the content. */
export function ConsolePage({
  ctx,
  title,
  section,
  children,
}: {
  ctx: PageContext;
  title: string;
  section: Section;
  children: ComponentChildren;
}) {
  const { t, actor } = ctx;
  return (
    <Layout ctx={ctx} title={title}>
      <nav class="subnav" aria-label={t('staff.nav.label')}>
        <ul>
          {SECTIONS.filter((s) => can(actor, s.permission)).map((s) => (
            <li>
              <a href={s.href} aria-current={s.section === section ? 'page' : undefined}>
                {t(`staff.nav.${s.section}`)}
              </a>
            </li>
          ))}
          <li>
            <a href="/staff/training">{t('training.nav')}</a>
          </li>
          {can(actor, 'distributors:manage') && (
            <li>
              <a href="/staff/distributors">{t('layout.staff_distributors')}</a>
            </li>
          )}
          {can(actor, 'applications:review') && (
            <li>
              <a href="/staff/renewals">{t('partner.staff.nav')}</a>
            </li>
          )}
        </ul>
      </nav>
      {children}
    </Layout>
  );
}
