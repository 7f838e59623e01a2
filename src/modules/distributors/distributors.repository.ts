import { isUuid } from '../../platform/ids.ts';
import { sql } from 'kysely';
import { queryPrepared, type Executor } from '../../platform/db.ts';
import type { UploadProblem } from './distributors.table.ts';

export interface DistributorRow {
  id: string;
  organisation_id: string;
  code: string;
  legal_name: string;
  hq_country: string;
  website: string | null;
  phone: string | null;
  email: string | null;
  accepts_new_resellers: boolean;
  status: 'active' | 'retired';
  version: number;
  territories: string[];
}

// Territories come back aggregated, sorted, as one array per distributor.
const withTerritories = (db: Executor) =>
  db
    .selectFrom('distributors as d')
    .select([
      'd.id',
      'd.organisation_id',
      'd.code',
      'd.legal_name',
      'd.hq_country',
      'd.website',
      'd.phone',
      'd.email',
      'd.accepts_new_resellers',
      'd.status',
      'd.version',
      sql<string[]>`coalesce((SELECT array_agg(t.country ORDER BY t.country) FROM distributor_territories t WHERE t.distributor_id = d.id), '{}')`.as('territories'),
    ]);

export async function findById(db: Executor, id: string): Promise<DistributorRow | undefined> {
  // Not a uuid: no such distributor (and no cast error from PostgreSQL).
  if (!isUuid(id)) return undefined;
  return withTerritories(db).where('d.id', '=', id).executeTakeFirst();
}

export async function findByCode(db: Executor, code: string): Promise<DistributorRow | undefined> {
  return withTerritories(db).where('d.code', '=', code).executeTakeFirst();
}

export async function findByOrganisations(db: Executor, organisationIds: string[]): Promise<DistributorRow[]> {
  if (organisationIds.length === 0) return [];
  return withTerritories(db).where('d.organisation_id', 'in', organisationIds).orderBy('d.legal_name').execute();
}

export async function listAll(db: Executor): Promise<DistributorRow[]> {
  return withTerritories(db).orderBy('d.legal_name').execute();
}

/** REG-5: active distributors located in or authorised for the country. */
export async function listServing(db: Executor, country: string): Promise<DistributorRow[]> {
  return withTerritories(db)
    .where('d.status', '=', 'active')
    .where((eb) => eb.or([eb('d.hq_country', '=', country), eb.exists(eb.selectFrom('distributor_territories as t').select('t.country').whereRef('t.distributor_id', '=', 'd.id').where('t.country', '=', country))]))
    .orderBy('d.legal_name')
    .execute();
}

export async function insert(db: Executor, row: { organisation_id: string; code: string; legal_name: string; hq_country: string; website: string | null; phone: string | null; email: string | null; accepts_new_resellers: boolean }) {
  return db.insertInto('distributors').values(row).returning(['id']).executeTakeFirstOrThrow();
}

/** Conditional on the version read: a concurrent edit makes this return undefined (409). */
export async function update(
  db: Executor,
  id: string,
  expectedVersion: number,
  changes: Partial<{ legal_name: string; hq_country: string; website: string | null; phone: string | null; email: string | null; accepts_new_resellers: boolean; status: 'active' | 'retired' }>,
) {
  return db
    .updateTable('distributors')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returning(['id', 'version'])
    .executeTakeFirst();
}

export async function replaceTerritories(db: Executor, distributorId: string, countries: string[]): Promise<void> {
  await db.deleteFrom('distributor_territories').where('distributor_id', '=', distributorId).execute();
  if (countries.length > 0) await db.insertInto('distributor_territories').values(countries.map((country) => ({ distributor_id: distributorId, country }))).execute();
}

// ---- Customer account lists ----

export async function insertUpload(db: Executor, row: { distributor_id: string; filename: string; uploaded_by: string | null }) {
  return db.insertInto('account_uploads').values(row).returning(['id']).executeTakeFirstOrThrow();
}

export async function recordUploadProgress(db: Executor, id: string, progress: { rows_read: number; rows_written: number; rows_rejected: number; duplicates: number }) {
  await db.updateTable('account_uploads').set(progress).where('id', '=', id).execute();
}

export async function finishUpload(
  db: Executor,
  id: string,
  result: { status: 'done' | 'failed'; rows_read: number; rows_written: number; rows_rejected: number; duplicates: number; problems: UploadProblem[]; failure: string | null },
) {
  await db
    .updateTable('account_uploads')
    .set({ ...result, problems: JSON.stringify(result.problems), finished_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function findUpload(db: Executor, id: string) {
  return db.selectFrom('account_uploads').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listUploads(db: Executor, distributorId: string, limit = 10) {
  return db.selectFrom('account_uploads').selectAll().where('distributor_id', '=', distributorId).orderBy('created_at', 'desc').limit(limit).execute();
}

export interface AccountListRow {
  account_number: string;
  reseller_name: string | null;
  country: string | null;
  active: boolean;
}

/** Writes one batch of list rows; a re-upload updates rows instead of duplicating them. */
export async function upsertAccounts(db: Executor, distributorId: string, uploadId: string, rows: AccountListRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('distributor_accounts')
    .values(rows.map((r) => ({ ...r, distributor_id: distributorId, upload_id: uploadId })))
    .onConflict((oc) =>
      oc.columns(['distributor_id', 'account_number']).doUpdateSet((eb) => ({
        reseller_name: eb.ref('excluded.reseller_name'),
        country: eb.ref('excluded.country'),
        active: eb.ref('excluded.active'),
        upload_id: eb.ref('excluded.upload_id'),
        updated_at: new Date(),
      })),
    )
    .execute();
}

export async function findListed(db: Executor, distributorId: string, accountNumber: string) {
  return db.selectFrom('distributor_accounts').select(['active', 'reseller_name']).where('distributor_id', '=', distributorId).where('account_number', '=', accountNumber).executeTakeFirst();
}

// ---- Account claims ----

export async function insertClaim(db: Executor, row: { partner_id: string; distributor_id: string; account_number: string; status: 'pending' | 'confirmed'; decision_source: 'list' | null; decided_at: Date | null }) {
  return db
    .insertInto('account_claims')
    .values(row)
    .onConflict((oc) => oc.columns(['partner_id', 'distributor_id', 'account_number']).doNothing())
    .returning(['id', 'status'])
    .executeTakeFirst();
}

export async function findClaim(db: Executor, id: string) {
  return db.selectFrom('account_claims').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findClaimFor(db: Executor, partnerId: string, distributorId: string, accountNumber: string) {
  return db.selectFrom('account_claims').selectAll().where('partner_id', '=', partnerId).where('distributor_id', '=', distributorId).where('account_number', '=', accountNumber).executeTakeFirst();
}

export async function listClaims(db: Executor, distributorId: string, status: 'pending' | 'confirmed' | 'rejected' | undefined, limit = 200) {
  let query = db
    .selectFrom('account_claims as c')
    .innerJoin('partners as p', 'p.organisation_id', 'c.partner_id')
    .leftJoin('distributor_accounts as a', (join) => join.onRef('a.distributor_id', '=', 'c.distributor_id').onRef('a.account_number', '=', 'c.account_number'))
    .select(['c.id', 'c.account_number', 'c.status', 'c.created_at', 'c.decided_at', 'c.note', 'p.organisation_id as partner_id', 'p.legal_name', 'p.country', 'p.contact_name', 'p.contact_email', 'p.contact_phone', 'a.reseller_name as listed_name'])
    .where('c.distributor_id', '=', distributorId)
    .orderBy('c.created_at', 'asc')
    .limit(limit);
  if (status) query = query.where('c.status', '=', status);
  return query.execute();
}

/** Decides a pending claim; returns undefined when it was no longer pending (someone else decided). */
export async function decideClaim(db: Executor, id: string, decision: { status: 'confirmed' | 'rejected'; decided_by: string | null; note: string | null }) {
  return db
    .updateTable('account_claims')
    .set({ ...decision, decided_at: new Date(), decision_source: 'distributor' })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning(['id', 'partner_id', 'account_number', 'status'])
    .executeTakeFirst();
}

/** REG-2: pending claims that the distributor's list now proves are confirmed. */
export async function confirmClaimsOnList(db: Executor, distributorId: string) {
  return db
    .updateTable('account_claims as c')
    .set({ status: 'confirmed', decision_source: 'list', decided_at: new Date() })
    .where('c.distributor_id', '=', distributorId)
    .where('c.status', '=', 'pending')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('distributor_accounts as a')
          .select('a.account_number')
          .where('a.distributor_id', '=', distributorId)
          .whereRef('a.account_number', '=', 'c.account_number')
          .where('a.active', '=', true),
      ),
    )
    .returning(['c.id', 'c.partner_id', 'c.account_number'])
    .execute();
}

/** Claims of the distributor that its account list confirmed between two moments (an upload's start and end). */
export async function countListConfirmations(db: Executor, distributorId: string, from: Date, to: Date): Promise<number> {
  const row = await db
    .selectFrom('account_claims')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('distributor_id', '=', distributorId)
    .where('decision_source', '=', 'list')
    .where('decided_at', '>=', from)
    .where('decided_at', '<=', to)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * REG-4: the facts for one account at one distributor, in one round trip: the claim (a
 * confirmed one first, when several resellers claim the same number), its partner, the list entry.
 * A prepared statement: planning this query costs several times what running it does.
 */
export async function eligibilityFacts(db: Executor, distributorId: string, accountNumber: string) {
  const rows = await queryPrepared(db, 'pp_eligibility_facts', sql<{
    claim_status: 'pending' | 'confirmed' | 'rejected' | null;
    partner_id: string | null;
    legal_name: string | null;
    country: string | null;
    partner_status: 'applicant' | 'registered' | 'suspended' | 'terminated' | null;
    distributor_info_reviewed_at: Date | null;
    renewal_due_at: Date | null;
    maintenance_months: number | null;
    listed_active: boolean | null;
  }>`
    SELECT c.status AS claim_status, p.organisation_id AS partner_id, p.legal_name, p.country, p.status AS partner_status,
           p.distributor_info_reviewed_at, p.renewal_due_at, a.active AS listed_active,
           (SELECT s.maintenance_months FROM partner_settings s) AS maintenance_months
    FROM (SELECT ${distributorId}::uuid AS distributor_id, ${accountNumber}::text AS account_number) q
    LEFT JOIN LATERAL (
      SELECT * FROM account_claims c
      WHERE c.distributor_id = q.distributor_id AND c.account_number = q.account_number
      ORDER BY (c.status = 'confirmed') DESC, (c.status = 'pending') DESC, c.created_at
      LIMIT 1
    ) c ON true
    LEFT JOIN partners p ON p.organisation_id = c.partner_id
    LEFT JOIN distributor_accounts a ON a.distributor_id = q.distributor_id AND a.account_number = q.account_number`);
  return rows[0]!;
}

// ---- On-boarding and released information ----

/** REG-3: partners that designated this distributor for on-boarding and training. */
export async function onboardingQueue(db: Executor, distributorId: string, limit = 200) {
  return db
    .selectFrom('partners')
    .select(['organisation_id', 'legal_name', 'country', 'status', 'registered_at', 'contact_name', 'contact_email', 'contact_phone', 'created_at'])
    .where('initial_distributor_id', '=', distributorId)
    .where('status', '=', 'registered')
    .orderBy('registered_at', 'desc')
    .limit(limit)
    .execute();
}

/** REG-6: whether the partner named this distributor (a claim there, or the initial distributor). */
export async function partnerNamedDistributor(db: Executor, partnerId: string, distributorId: string): Promise<boolean> {
  const row = await db
    .selectFrom('partners as p')
    .select('p.organisation_id')
    .where('p.organisation_id', '=', partnerId)
    .where((eb) =>
      eb.or([
        eb('p.initial_distributor_id', '=', distributorId),
        eb.exists(eb.selectFrom('account_claims as c').select('c.id').whereRef('c.partner_id', '=', 'p.organisation_id').where('c.distributor_id', '=', distributorId)),
      ]),
    )
    .executeTakeFirst();
  return !!row;
}

export async function findPartner(db: Executor, partnerId: string) {
  return db.selectFrom('partners').selectAll().where('organisation_id', '=', partnerId).executeTakeFirst();
}

export async function claimsOfPartnerAt(db: Executor, partnerId: string, distributorId: string) {
  return db.selectFrom('account_claims').select(['id', 'account_number', 'status', 'decided_at']).where('partner_id', '=', partnerId).where('distributor_id', '=', distributorId).orderBy('account_number').execute();
}

// ---- Distributor users ----

export async function usersOf(db: Executor, organisationId: string) {
  return db
    .selectFrom('user_roles as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['u.id', 'u.name', 'u.email', 'r.role'])
    .where('r.organisation_id', '=', organisationId)
    .orderBy('u.name')
    .execute();
}

/** Uploads left "processing" by a process that stopped; they will never finish. */
export async function failInterruptedUploads(db: Executor, startedBefore: Date): Promise<number> {
  const rows = await db
    .updateTable('account_uploads')
    .set({ status: 'failed', failure: 'The upload was interrupted by a restart; rows written before it are kept. Upload the file again to finish.', finished_at: new Date() })
    .where('status', '=', 'processing')
    .where('created_at', '<', startedBefore)
    .returning('id')
    .execute();
  return rows.length;
}

// ---- A partner's own claims (Partner Self Service, REG-4) ----

export async function claimsOfPartner(db: Executor, partnerId: string) {
  return db
    .selectFrom('account_claims as c')
    .innerJoin('distributors as d', 'd.id', 'c.distributor_id')
    .select(['c.id', 'c.distributor_id', 'd.legal_name as distributor_name', 'c.account_number', 'c.status', 'c.created_at', 'c.decided_at'])
    .where('c.partner_id', '=', partnerId)
    .orderBy('d.legal_name')
    .orderBy('c.account_number')
    .execute();
}

export async function deleteClaimOfPartner(db: Executor, partnerId: string, claimId: string) {
  return db.deleteFrom('account_claims').where('id', '=', claimId).where('partner_id', '=', partnerId).returning(['id', 'distributor_id', 'account_number', 'status']).executeTakeFirst();
}
