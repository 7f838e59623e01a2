import { auditActor, can, requirePermission, type Actor } from '../../platform/auth.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { conflict, notFound, validationFailed } from '../../platform/errors.ts';
import { countRoleHolders, findConfirmedUser, grantRole, listRoleHolders, revokeRoles } from '../accounts/index.ts';
import { checkEmail } from '../../platform/contact.rules.ts';
import { isUuid } from '../../platform/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { requireDistributorAccess } from './access.ts';

export type DistributorRole = 'distributor_user' | 'distributor_admin';
export const DISTRIBUTOR_ROLES: readonly DistributorRole[] = ['distributor_user', 'distributor_admin'];

export interface DistributorUser {
  id: string;
  name: string;
  email: string;
  roles: DistributorRole[];
}

/** A distributor's administrators manage its users; so do programme staff who manage distributors. */
async function requireUserManager(ctx: AppContext, actor: Actor | null, distributorId: string) {
  if (can(actor, 'distributors:manage')) return requireDistributorAccess(ctx, actor, distributorId, 'distributor:read');
  return requireDistributorAccess(
    ctx,
    requirePermission(actor, 'distributor:read'),
    distributorId,
    'distributor:manage',
  );
}

export async function listDistributorUsers(
  ctx: AppContext,
  actor: Actor | null,
  distributorId: string,
): Promise<DistributorUser[]> {
  const distributor = await requireUserManager(ctx, actor, distributorId);
  const holders = await listRoleHolders(ctx.db, distributor.organisationId);
  const byUser = new Map<string, DistributorUser>();
  for (const holder of holders) {
    const user = byUser.get(holder.userId) ?? { id: holder.userId, name: holder.name, email: holder.email, roles: [] };
    if ((DISTRIBUTOR_ROLES as readonly string[]).includes(holder.role)) user.roles.push(holder.role as DistributorRole);
    byUser.set(holder.userId, user);
  }
  return [...byUser.values()];
}

/**
 * Gives an existing account a role at the distributor. The person signs up first (and confirms
 * the address), so the role goes to someone who controls that mailbox.
 */
export async function addDistributorUser(
  ctx: AppContext,
  actor: Actor | null,
  distributorId: string,
  email: string,
  role: string,
  meta: RequestMeta,
): Promise<void> {
  const distributor = await requireUserManager(ctx, actor, distributorId);
  const problems = checkEmail(email ?? '', 'email');
  if (!(DISTRIBUTOR_ROLES as readonly string[]).includes(role))
    problems.push({ field: 'role', rule: 'distributor_role' });
  if (problems.length > 0) throw validationFailed(problems);
  const user = await findConfirmedUser(ctx.db, email.trim());
  if (!user) throw validationFailed([{ field: 'email', rule: 'account_required' }]);
  await ctx.db.transaction().execute(async (trx) => {
    await grantRole(trx, {
      userId: user.id,
      role: role as DistributorRole,
      organisationId: distributor.organisationId,
      grantedBy: actor!.userId,
    });
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'distributor.user_added',
      subject: { type: 'user', id: user.id },
      organisationId: distributor.organisationId,
      ip: meta.ip,
      data: { role, email: user.email },
    });
  });
}

/** Removes a person's roles at the distributor; the last administrator cannot be removed. */
export async function removeDistributorUser(
  ctx: AppContext,
  actor: Actor | null,
  distributorId: string,
  userId: string,
  meta: RequestMeta,
): Promise<void> {
  const distributor = await requireUserManager(ctx, actor, distributorId);
  await ctx.db.transaction().execute(async (trx) => {
    const removed = isUuid(userId) ? await revokeRoles(trx, userId, distributor.organisationId, DISTRIBUTOR_ROLES) : [];
    if (removed.length === 0) throw notFound('User of this distributor');
    if ((await countRoleHolders(trx, distributor.organisationId, 'distributor_admin')) === 0)
      throw conflict(
        'last_admin',
        'A distributor keeps at least one administrator: add another before removing this one.',
      );
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'distributor.user_removed',
      subject: { type: 'user', id: userId },
      organisationId: distributor.organisationId,
      ip: meta.ip,
      data: { roles: removed },
    });
  });
}
