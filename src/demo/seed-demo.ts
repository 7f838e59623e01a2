import type { Config } from '../config.ts';
import type { Db } from '../platform/db.ts';
import { hashPassword } from '../platform/passwords.ts';
import { findUserByEmail, insertGrant, insertOrganisation, insertUser } from '../modules/accounts/index.ts';
import { recordAudit, SYSTEM_ACTOR } from '../modules/audit/index.ts';

/** The password of every demo account; printed in the README. Demo data is never loaded in production. */
export const DEMO_PASSWORD = 'demo-password-2026';

export const DEMO_ACCOUNTS = [
  { email: 'admin@northwind.example', name: 'Ada Admin', role: 'staff_admin' as const },
  { email: 'reviewer@northwind.example', name: 'Rui Reviewer', role: 'staff_reviewer' as const },
  { email: 'applicant@contoso-systems.example', name: 'Carla Applicant', role: null },
];

/**
 * Loads the demo programme into an empty database: the fictional vendor and its staff. Does
 * nothing when the database already has accounts, so restarts never duplicate or overwrite.
 */
export async function seedDemo({ db, config }: { db: Db; config: Config }): Promise<{ accounts: number } | undefined> {
  if (config.isProduction) return undefined;
  if (await findUserByEmail(db, DEMO_ACCOUNTS[0]!.email)) return undefined;
  const existing = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (Number(existing.n) > 0) return undefined;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.transaction().execute(async (trx) => {
    const vendor = await insertOrganisation(trx, { kind: 'vendor', name: config.vendorName });
    for (const account of DEMO_ACCOUNTS) {
      const user = await insertUser(trx, { email: account.email, name: account.name, password_hash: passwordHash, language: 'en', email_verified_at: new Date() });
      if (account.role) await insertGrant(trx, { user_id: user.id, role: account.role, organisation_id: null, granted_by: null });
      await recordAudit(trx, { actor: SYSTEM_ACTOR, action: 'demo.account_created', subject: { type: 'user', id: user.id }, organisationId: account.role ? vendor.id : null, data: { role: account.role } });
    }
  });
  return { accounts: DEMO_ACCOUNTS.length };
}
