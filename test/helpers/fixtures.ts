import type { Executor } from '../../src/platform/db.ts';
import { announceChange, DISTRIBUTORS_TOPIC } from '../../src/platform/cache.ts';
import { randomBytes } from 'node:crypto';
import type { Actor } from '../../src/platform/auth.ts';
import type { AppContext } from '../../src/platform/context.ts';
import type { Role } from '../../src/platform/roles.rules.ts';
import { hashSecret, newSecret } from '../../src/platform/tokens.ts';
import { createApiKey } from '../../src/modules/accounts/index.ts';
import { publishAgreement } from '../../src/modules/registration/index.ts';

const unique = () => randomBytes(4).toString('hex');
const meta = { ip: '127.0.0.1', userAgent: 'test' };

/** A verified user with roles, and the Actor that services receive for them. */
export async function createUser(
  ctx: AppContext,
  roles: { role: Role; organisationId: string | null }[] = [],
  email = `user-${unique()}@example.test`,
): Promise<Actor> {
  const user = await ctx.db
    .insertInto('users')
    .values({
      email,
      name: `User ${email.split('@')[0]}`,
      password_hash: 'not-a-real-hash',
      language: 'en',
      email_verified_at: new Date(),
    })
    .returning(['id', 'email', 'name'])
    .executeTakeFirstOrThrow();
  for (const r of roles)
    await ctx.db
      .insertInto('user_roles')
      .values({ user_id: user.id, role: r.role, organisation_id: r.organisationId, granted_by: null })
      .execute();
  return { userId: user.id, email: user.email, name: user.name, language: 'en', emailVerified: true, grants: roles };
}

export const createStaffAdmin = (ctx: AppContext) => createUser(ctx, [{ role: 'staff_admin', organisationId: null }]);

/** A session cookie value for the user, for app.inject({ cookies: { pp_session } }). */
export async function sessionFor(ctx: AppContext, actor: Actor): Promise<string> {
  const { secret, hash } = newSecret();
  await ctx.db
    .insertInto('sessions')
    .values({
      id_hash: hash,
      user_id: actor.userId,
      expires_at: new Date(Date.now() + 3_600_000),
      ip: null,
      user_agent: null,
    })
    .execute();
  return secret;
}

export interface DistributorFixture {
  id: string;
  organisationId: string;
  code: string;
  legalName: string;
  /** A distributor administrator of it. */
  admin: Actor;
  /** An API key secret of it. */
  apiKey: string;
}

export async function createDistributor(
  ctx: AppContext,
  options: {
    hqCountry: string;
    territories?: string[];
    legalName?: string;
    email?: string | null;
    status?: 'active' | 'retired';
  },
): Promise<DistributorFixture> {
  const code = `D-${unique().toUpperCase()}`;
  const legalName = options.legalName ?? `Distributor ${code}`;
  const organisation = await ctx.db
    .insertInto('organisations')
    .values({ kind: 'distributor', name: legalName })
    .returning('id')
    .executeTakeFirstOrThrow();
  const distributor = await ctx.db
    .insertInto('distributors')
    .values({
      organisation_id: organisation.id,
      code,
      legal_name: legalName,
      hq_country: options.hqCountry,
      website: 'https://distributor.example',
      phone: '+44 20 7946 0000',
      email: options.email === undefined ? `sales-${unique()}@distributor.example` : options.email,
      accepts_new_resellers: true,
      status: options.status ?? 'active',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (options.territories?.length)
    await ctx.db
      .insertInto('distributor_territories')
      .values(options.territories.map((country) => ({ distributor_id: distributor.id, country })))
      .execute();
  // Written here without the repository, so announced here as its writes are (decision 064).
  await announceChange(ctx.db, DISTRIBUTORS_TOPIC);
  const admin = await createUser(ctx, [{ role: 'distributor_admin', organisationId: organisation.id }]);
  const key = await createApiKey(ctx, admin, organisation.id, 'test key', meta);
  return { id: distributor.id, organisationId: organisation.id, code, legalName, admin, apiKey: key.secret };
}

export interface PartnerFixture {
  id: string;
  legalName: string;
  country: string;
}

export async function createPartner(
  ctx: AppContext,
  options: {
    country: string;
    status?: 'applicant' | 'registered' | 'suspended';
    initialDistributorId?: string;
    reviewedAt?: Date | null;
    legalName?: string;
  },
): Promise<PartnerFixture> {
  const legalName = options.legalName ?? `Reseller ${unique()} Ltd`;
  const organisation = await ctx.db
    .insertInto('organisations')
    .values({ kind: 'partner', name: legalName })
    .returning('id')
    .executeTakeFirstOrThrow();
  await ctx.db
    .insertInto('partners')
    .values({
      organisation_id: organisation.id,
      legal_name: legalName,
      country: options.country,
      status: options.status ?? 'registered',
      registered_at: options.status === 'applicant' ? null : new Date(),
      initial_distributor_id: options.initialDistributorId ?? null,
      distributor_info_reviewed_at: options.reviewedAt === undefined ? new Date() : options.reviewedAt,
      contact_name: 'Pat Contact',
      contact_email: `pat-${unique()}@reseller.example`,
      contact_phone: '+33 1 23 45 67 89',
    })
    .execute();
  return { id: organisation.id, legalName, country: options.country };
}

/** A claim written straight to the table, for tests that need one in a given state. */
export async function insertClaim(
  ctx: { db: Executor },
  partnerId: string,
  distributorId: string,
  accountNumber: string,
  status: 'pending' | 'confirmed' | 'rejected' = 'pending',
): Promise<string> {
  const row = await ctx.db
    .insertInto('account_claims')
    .values({
      partner_id: partnerId,
      distributor_id: distributorId,
      account_number: accountNumber,
      status,
      decided_at: status === 'pending' ? null : new Date(),
      decision_source: status === 'pending' ? null : 'distributor',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });
export { hashSecret, meta as testMeta };

/** REG-11: the agreement version 2026.1 in force since 2026-01-01 (English only), published by `staff`; applicants sign it. */
export async function publishTestAgreement(ctx: AppContext, staff: Actor): Promise<void> {
  await publishAgreement(
    ctx,
    staff,
    {
      version: '2026.1',
      governingLanguage: 'en',
      texts: { en: { title: 'Indirect Channel Partner Agreement', body: 'The terms.' } },
      effectiveAt: new Date('2026-01-01'),
    },
    meta,
  );
}
