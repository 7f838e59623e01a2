import { sql } from 'kysely';
import { announceChange, APPLICATION_VIEWS_TOPIC, APPLICATIONS_TOPIC } from '../../platform/cache.ts';
import { queryPrepared, type Executor } from '../../platform/db.ts';
import { isRole, type Role } from '../../platform/roles.rules.ts';
import type { ThrottleState } from './accounts.rules.ts';

export async function findUserByEmail(db: Executor, email: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function findUserById(db: Executor, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUser(
  db: Executor,
  user: { email: string; name: string; password_hash: string; language: string; email_verified_at?: Date | null },
) {
  return db.insertInto('users').values(user).returning(['id', 'email', 'name', 'language']).executeTakeFirstOrThrow();
}

/** The longest-standing user holding a role (the CLI's default operator). */
export async function firstUserWithRole(db: Executor, role: Role) {
  return db
    .selectFrom('user_roles as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['u.id', 'u.email'])
    .where('r.role', '=', role)
    .orderBy('r.granted_at')
    .orderBy('u.email')
    .limit(1)
    .executeTakeFirst();
}

export async function updateUser(
  db: Executor,
  id: string,
  changes: { name?: string; language?: string; password_hash?: string; email_verified_at?: Date },
) {
  await db
    .updateTable('users')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
  // The staff queue shows reviewers by name (review module's cached rows); an application's
  // people see each other by name (registration module's cached views).
  if (changes.name !== undefined) {
    await announceChange(db, APPLICATIONS_TOPIC);
    await announceChange(db, APPLICATION_VIEWS_TOPIC);
  }
}

export async function grantsOf(db: Executor, userId: string) {
  return db
    .selectFrom('user_roles')
    .select(['role', 'organisation_id'])
    .where('user_id', '=', userId)
    .orderBy('role')
    .execute();
}

export async function insertGrant(
  db: Executor,
  grant: { user_id: string; role: Role; organisation_id: string | null; granted_by: string | null },
) {
  await db
    .insertInto('user_roles')
    .values(grant)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

// ---- Role grants within one organisation, for the modules that manage their own people ----

export interface RoleHolder {
  userId: string;
  name: string;
  email: string;
  role: Role;
}

/** Every grant in an organisation with its holder, by holder's name (one entry per grant). */
export async function listRoleHolders(db: Executor, organisationId: string): Promise<RoleHolder[]> {
  const rows = await db
    .selectFrom('user_roles as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['u.id', 'u.name', 'u.email', 'r.role'])
    .where('r.organisation_id', '=', organisationId)
    .orderBy('u.name')
    .execute();
  return rows.flatMap((r) => (isRole(r.role) ? [{ userId: r.id, name: r.name, email: r.email, role: r.role }] : []));
}

/** Gives a role in an organisation; granting it again changes nothing. */
export async function grantRole(
  db: Executor,
  grant: { userId: string; role: Role; organisationId: string; grantedBy: string | null },
): Promise<void> {
  await insertGrant(db, {
    user_id: grant.userId,
    role: grant.role,
    organisation_id: grant.organisationId,
    granted_by: grant.grantedBy,
  });
}

/** Takes away a person's roles among `roles` in an organisation; returns the roles removed. */
export async function revokeRoles(
  db: Executor,
  userId: string,
  organisationId: string,
  roles: readonly Role[],
): Promise<Role[]> {
  if (roles.length === 0) return [];
  const removed = await db
    .deleteFrom('user_roles')
    .where('user_id', '=', userId)
    .where('organisation_id', '=', organisationId)
    .where('role', 'in', [...roles])
    .returning('role')
    .execute();
  return removed.map((r) => r.role).filter(isRole);
}

/** How many people hold a role in an organisation. */
export async function countRoleHolders(db: Executor, organisationId: string, role: Role): Promise<number> {
  const row = await db
    .selectFrom('user_roles')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('role', '=', role)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A person whose address is confirmed, found by email (any case), or undefined. */
export async function findConfirmedUser(
  db: Executor,
  email: string,
): Promise<{ id: string; name: string; email: string } | undefined> {
  const user = await findUserByEmail(db, email);
  return user?.email_verified_at ? { id: user.id, name: user.name, email: user.email } : undefined;
}

export async function insertSession(
  db: Executor,
  session: { id_hash: string; user_id: string; expires_at: Date; ip: string | null; user_agent: string | null },
) {
  await db.insertInto('sessions').values(session).execute();
}

/** The session's user, when the session exists and has not expired. */
export async function findSessionUser(db: Executor, idHash: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'users.id',
      'users.email',
      'users.name',
      'users.language',
      'users.email_verified_at',
      'sessions.expires_at',
    ])
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.expires_at', '>', new Date())
    .executeTakeFirst();
}

/**
 * The session's user and all their role grants in one round trip, as a named prepared statement
 * on a server: every signed-in request asks it first (#15). Grants come ordered by role, as
 * grantsOf returns them.
 */
export async function findSessionActor(db: Executor, idHash: string, now: Date) {
  const [row] = await queryPrepared(
    db,
    'accounts_session_actor',
    sql<{
      id: string;
      email: string;
      name: string;
      language: string;
      email_verified_at: Date | null;
      grants: { role: string; organisation_id: string | null }[];
    }>`SELECT u.id, u.email, u.name, u.language, u.email_verified_at,
         coalesce((SELECT json_agg(json_build_object('role', r.role, 'organisation_id', r.organisation_id) ORDER BY r.role)
                   FROM user_roles r WHERE r.user_id = u.id), '[]'::json) AS grants
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id_hash = ${idHash} AND s.expires_at > ${now}`,
  );
  return row;
}

export async function deleteSession(db: Executor, idHash: string) {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteSessionsOf(db: Executor, userId: string) {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function insertEmailToken(
  db: Executor,
  token: { token_hash: string; user_id: string; purpose: 'verify_email' | 'reset_password'; expires_at: Date },
) {
  await db.insertInto('email_tokens').values(token).execute();
}

/**
 * Uses a token once: the conditional update is the guard, so two clicks on the same link
 * cannot both succeed.
 */
export async function consumeEmailToken(db: Executor, tokenHash: string, purpose: 'verify_email' | 'reset_password') {
  return db
    .updateTable('email_tokens')
    .set({ used_at: new Date() })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning(['user_id'])
    .executeTakeFirst();
}

export async function findUsableEmailToken(
  db: Executor,
  tokenHash: string,
  purpose: 'verify_email' | 'reset_password',
) {
  return db
    .selectFrom('email_tokens')
    .select(['user_id'])
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
}

/** A new link replaces the older ones of the same purpose. */
export async function retireEmailTokens(db: Executor, userId: string, purpose: 'verify_email' | 'reset_password') {
  await db
    .updateTable('email_tokens')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

export async function findThrottle(
  db: Executor,
  key: string,
  { forUpdate = false } = {},
): Promise<ThrottleState | undefined> {
  let query = db.selectFrom('sign_in_throttle').selectAll().where('key', '=', key);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && { failures: row.failures, windowStartedAt: row.window_started_at, blockedUntil: row.blocked_until };
}

/** Makes sure the key's row exists, so that concurrent failures can lock it and count one by one. */
export async function ensureThrottleRow(db: Executor, key: string, now: Date) {
  await db
    .insertInto('sign_in_throttle')
    .values({ key, failures: 0, window_started_at: now, blocked_until: null })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

export async function saveThrottle(db: Executor, key: string, state: ThrottleState) {
  const row = { failures: state.failures, window_started_at: state.windowStartedAt, blocked_until: state.blockedUntil };
  await db
    .insertInto('sign_in_throttle')
    .values({ key, ...row })
    .onConflict((oc) => oc.column('key').doUpdateSet(row))
    .execute();
}

export async function clearThrottle(db: Executor, key: string) {
  await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
}

export async function insertOrganisation(
  db: Executor,
  org: { kind: 'vendor' | 'partner' | 'distributor' | 'customer'; name: string },
) {
  return db.insertInto('organisations').values(org).returning(['id', 'name']).executeTakeFirstOrThrow();
}

export async function findOrganisationByKind(db: Executor, kind: 'vendor') {
  return db
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where('kind', '=', kind)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
}

/** The vendor's own organisation (owner of staff API keys), created on first use. */
export async function ensureVendorOrganisation(db: Executor, name: string): Promise<string> {
  const existing = await findOrganisationByKind(db, 'vendor');
  if (existing) return existing.id;
  return (await insertOrganisation(db, { kind: 'vendor', name })).id;
}

export async function findOrganisationKind(db: Executor, organisationId: string) {
  return (await db.selectFrom('organisations').select('kind').where('id', '=', organisationId).executeTakeFirst())
    ?.kind;
}

export async function insertApiKey(
  db: Executor,
  key: { organisation_id: string; name: string; prefix: string; key_hash: string; created_by: string },
) {
  return db
    .insertInto('api_keys')
    .values(key)
    .returning(['id', 'name', 'prefix', 'created_at', 'revoked_at'])
    .executeTakeFirstOrThrow();
}

export async function apiKeysOf(db: Executor, organisationId: string) {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.created_by')
    .select(['k.id', 'k.name', 'k.prefix', 'k.created_at', 'k.revoked_at', 'u.email'])
    .where('k.organisation_id', '=', organisationId)
    .orderBy('k.created_at', 'desc')
    .execute();
}

/** Revokes an active key of the organisation; undefined when there is none to revoke. */
export async function revokeApiKey(db: Executor, organisationId: string, keyId: string) {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', keyId)
    .where('organisation_id', '=', organisationId)
    .where('revoked_at', 'is', null)
    .returning(['id', 'prefix'])
    .executeTakeFirst();
}

/** An active key by the hash of its secret, with its organisation's kind. */
export async function findActiveApiKey(db: Executor, keyHash: string) {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('organisations as o', 'o.id', 'k.organisation_id')
    .select(['k.id', 'k.organisation_id', 'k.prefix', 'k.name', 'k.created_by', 'o.kind'])
    .where('k.key_hash', '=', keyHash)
    .where('k.revoked_at', 'is', null)
    .executeTakeFirst();
}

/** The people holding a role in one organisation, with their roles there (Partner Self Service colleagues). */
export async function membersOfOrganisation(db: Executor, organisationId: string) {
  return db
    .selectFrom('user_roles as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['u.id', 'u.name', 'u.email', 'u.language', (eb) => eb.fn.agg<Role[]>('array_agg', ['r.role']).as('roles')])
    .where('r.organisation_id', '=', organisationId)
    .groupBy(['u.id', 'u.name', 'u.email', 'u.language'])
    .orderBy('u.name')
    .execute();
}

/** Removes grants of a user in one organisation: the given roles, or all of them. Answers how many went. */
export async function deleteGrants(
  db: Executor,
  userId: string,
  organisationId: string,
  roles?: readonly Role[],
): Promise<number> {
  let query = db.deleteFrom('user_roles').where('user_id', '=', userId).where('organisation_id', '=', organisationId);
  if (roles) query = query.where('role', 'in', [...roles]);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
