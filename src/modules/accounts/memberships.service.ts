import type { Executor, Trx } from '../../platform/db.ts';
import { isLanguage, type Language } from '../../platform/i18n.ts';
import type { Role } from '../../platform/roles.rules.ts';
import * as repo from './accounts.repository.ts';
import * as memberships from './memberships.repository.ts';
import { afterFailure, blockedMinutes, checkSignUp, normaliseEmail, type ThrottlePolicy } from './accounts.rules.ts';

// Narrow account facts other modules need (PICA today): who holds which role where, accounts
// created from another module's flow, and the shared failure throttle.
export { checkSignUp, normaliseEmail };

export interface Person {
  id: string;
  email: string;
  name: string;
  language: Language;
}

const toPerson = (u: { id: string; email: string; name: string; language: string }): Person => ({
  id: u.id,
  email: u.email,
  name: u.name,
  language: isLanguage(u.language) ? u.language : 'en',
});

export async function findPerson(db: Executor, userId: string): Promise<Person | undefined> {
  const user = await repo.findUserById(db, userId);
  return user ? toPerson(user) : undefined;
}

export async function findPersonByEmail(db: Executor, email: string): Promise<Person | undefined> {
  const user = await repo.findUserByEmail(db, normaliseEmail(email));
  return user ? toPerson(user) : undefined;
}

/** The people holding a role at an organisation. */
export async function holdersOf(db: Executor, role: Role, organisationId: string): Promise<Person[]> {
  return (await memberships.findHolders(db, role, organisationId)).map(toPerson);
}

/** An account whose address was proven by a link another module sent (PICA-6 confirmation). */
export async function createVerifiedAccount(
  trx: Trx,
  input: { email: string; name: string; passwordHash: string; language: string },
): Promise<Person> {
  const user = await repo.insertUser(trx, {
    email: input.email,
    name: input.name,
    password_hash: input.passwordHash,
    language: input.language,
    email_verified_at: new Date(),
  });
  return toPerson({ ...user, id: user.id });
}

export async function grantRole(
  trx: Trx,
  grant: { userId: string; role: Role; organisationId: string | null; grantedBy: string | null },
): Promise<void> {
  await repo.insertGrant(trx, {
    user_id: grant.userId,
    role: grant.role,
    organisation_id: grant.organisationId,
    granted_by: grant.grantedBy,
  });
}

export async function revokeRole(
  trx: Trx,
  grant: { userId: string; role: Role; organisationId: string },
): Promise<void> {
  await memberships.deleteGrant(trx, grant);
}

/** Minutes a throttle key stays blocked (0 when it may try). Same table and rules as sign-in. */
export async function throttleMinutes(db: Executor, key: string, now = new Date()): Promise<number> {
  return blockedMinutes(await repo.findThrottle(db, key), now);
}

/** Counts one failure for each key under a row lock, so failures in several processes all count. */
export async function countFailures(
  trx: Trx,
  keys: readonly (readonly [string, ThrottlePolicy])[],
  now = new Date(),
): Promise<void> {
  for (const [key, policy] of keys) {
    await repo.ensureThrottleRow(trx, key, now);
    const state = await repo.findThrottle(trx, key, { forUpdate: true });
    await repo.saveThrottle(trx, key, afterFailure(state && state.failures > 0 ? state : undefined, policy, now));
  }
}

export async function clearFailures(trx: Trx, key: string): Promise<void> {
  await repo.clearThrottle(trx, key);
}
