import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Actor } from '../../platform/auth.ts';
import { forbidden } from '../../platform/errors.ts';
import type { PageContext } from '../../platform/views/page-context.ts';
import { SubNav, type SubNavItem } from '../../platform/views/sub-nav.tsx';
import { signedIn } from '../../platform/views/page-helpers.tsx';
import { PicaPage } from './views.tsx';

// The frame of programme staff's PICA pages (/staff/pica/…), with its own small navigation.
export type Section = 'partners' | 'types' | 'contracts' | 'requests';

function StaffNav({ ctx, current }: { ctx: PageContext; current: Section }) {
  const { t } = ctx;
  const items: SubNavItem<Section>[] = [['requests', '/staff/pica/requests', t('pica.staff.nav.requests')]];
  if (can(ctx.actor, 'contracts:manage'))
    items.unshift(
      ['partners', '/staff/pica', t('pica.staff.nav.partners')],
      ['types', '/staff/pica/contract-types', t('pica.staff.nav.types')],
      ['contracts', '/staff/pica/contracts', t('pica.staff.nav.contracts')],
    );
  return <SubNav label={t('pica.staff.nav.label')} items={items} current={current} />;
}

export function StaffPage({
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
    <PicaPage ctx={ctx} title={title} eyebrow={ctx.t('pica.staff.eyebrow')}>
      <StaffNav ctx={ctx} current={current} />
      {children}
    </PicaPage>
  );
}

/** The signed-in programme staff member with the permission, or a redirect to sign in (403 otherwise). */
export function staffActor(
  req: FastifyRequest,
  reply: FastifyReply,
  permission: 'contracts:manage' | 'pica-admins:decide' = 'contracts:manage',
): Actor | undefined {
  const actor = signedIn(req, reply, req.method === 'GET' ? req.url : '/staff/pica');
  if (actor && !can(actor, permission)) throw forbidden();
  return actor;
}
