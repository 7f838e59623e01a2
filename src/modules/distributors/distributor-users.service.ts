import { auditActor, can, requirePermission, type Actor } from '../../platform/auth.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { conflict, notFound, validationFailed } from '../../platform/errors.ts';
import { findAccountByEmail, insertGrant } from '../accounts/index.ts';
import { checkEmail } from '../accounts/accounts.rules.ts';
import { recordAudit } from '../audit/index.ts';
import { requireDistributorAccess } from './access.ts';
import * as repo from './distributors.repository.ts';

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
  return requireDistributorAccess(ctx, requirePermission(actor, 'distributor:read'), distributorId, 'distributor:manage');
}

export async function listDistributorUsers(ctx: AppContext, actor: Actor | null, distributorId: string): Promise<DistributorUser[]> {
  const distributor = await requireUserManager(ctx, actor, distributorId);
  const rows = await repo.usersOf(ctx.db, distributor.organisation_id);
  const byUser = new Map<string, DistributorUser>();
  for (const row of rows) {
    const user = byUser.get(row.id) ?? { id: row.id, name: row.name, email: row.email, roles: [] };
    if ((DISTRIBUTOR_ROLES as readonly string[]).includes(row.role)) user.roles.push(row.role as DistributorRole);
    byUser.set(row.id, user);
  }
  return [...byUser.values()];
}

/**
 * Gives an existing account a role at the distributor. The person signs up first (and confirms
 * the address), so the role goes to someone who controls that mailbox.
 */
export async function addDistributorUser(ctx: AppContext, actor: Actor | null, distributorId: string, email: string, role: string, meta: RequestMeta): Promise<void> {
  const distributor = await requireUserManager(ctx, actor, distributorId);
  const problems = checkEmail(email ?? '', 'email');
  if (!(DISTRIBUTOR_ROLES as readonly string[]).includes(role)) problems.push({ field: 'role', rule: 'distributor_role' });
  if (problems.length > 0) throw validationFailed(problems);
  const user = await findAccountByEmail(ctx.db, email.trim());
  if (!user || !user.emailVerified) throw validationFailed([{ field: 'email', rule: 'account_required' }]);
  await ctx.db.transaction().execute(async (trx) => {
    await insertGrant(trx, { user_id: user.id, role: role as DistributorRole, organisation_id: distributor.organisation_id, granted_by: actor!.userId });
    await recordAudit(trx, { actor: auditActor(actor), action: 'distributor.user_added', subject: { type: 'user', id: user.id }, organisationId: distributor.organisation_id, ip: meta.ip, data: { role, email: user.email } });
  });
}

/** Removes a person's roles at the distributor; the last administrator cannot be removed. */
export async function removeDistributorUser(ctx: AppContext, actor: Actor | null, distributorId: string, userId: string, meta: RequestMeta): Promise<void> {
  const distributor = await requireUserManager(ctx, actor, distributorId);
  await ctx.db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom('user_roles').where('user_id', '=', userId).where('organisation_id', '=', distributor.organisation_id).where('role', 'in', [...DISTRIBUTOR_ROLES]).returning('role').execute();
    if (removed.length === 0) throw notFound('User of this distributor');
    const admins = await trx.selectFrom('user_roles').select('user_id').where('organisation_id', '=', distributor.organisation_id).where('role', '=', 'distributor_admin').execute();
    if (admins.length === 0) throw conflict('last_admin', 'A distributor keeps at least one administrator: add another before removing this one.');
    await recordAudit(trx, { actor: auditActor(actor), action: 'distributor.user_removed', subject: { type: 'user', id: userId }, organisationId: distributor.organisation_id, ip: meta.ip, data: { roles: removed.map((r) => r.role) } });
  });
}
