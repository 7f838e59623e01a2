import type { Executor } from '../../platform/db.ts';
import type { Role } from '../../platform/roles.rules.ts';

export async function findHolders(db: Executor, role: Role, organisationId: string) {
  return db
    .selectFrom('user_roles as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['u.id', 'u.email', 'u.name', 'u.language'])
    .where('r.role', '=', role)
    .where('r.organisation_id', '=', organisationId)
    .orderBy('r.granted_at')
    .execute();
}

export async function deleteGrant(db: Executor, grant: { userId: string; role: Role; organisationId: string }) {
  await db
    .deleteFrom('user_roles')
    .where('user_id', '=', grant.userId)
    .where('role', '=', grant.role)
    .where('organisation_id', '=', grant.organisationId)
    .execute();
}
