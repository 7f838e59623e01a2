import { sql, type Selectable } from 'kysely';
import { announceChange, DISTRIBUTORS_TOPIC } from '../../platform/cache.ts';
import { queryPrepared, type Executor } from '../../platform/db.ts';
import { isUuid } from '../../platform/ids.ts';
import type { DistributorsTable } from './distributors.table.ts';

/** A directory row with its territories; stays inside the module (services map it to `Distributor`). */
export type DistributorRow = Omit<Selectable<DistributorsTable>, 'created_at' | 'updated_at'> & {
  territories: string[];
};

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
      sql<
        string[]
      >`coalesce((SELECT array_agg(t.country ORDER BY t.country) FROM distributor_territories t WHERE t.distributor_id = d.id), '{}')`.as(
        'territories',
      ),
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
    .where((eb) =>
      eb.or([
        eb('d.hq_country', '=', country),
        eb.exists(
          eb
            .selectFrom('distributor_territories as t')
            .select('t.country')
            .whereRef('t.distributor_id', '=', 'd.id')
            .where('t.country', '=', country),
        ),
      ]),
    )
    .orderBy('d.legal_name')
    .execute();
}

export async function insert(
  db: Executor,
  row: {
    organisation_id: string;
    code: string;
    legal_name: string;
    hq_country: string;
    website: string | null;
    phone: string | null;
    email: string | null;
    accepts_new_resellers: boolean;
  },
) {
  const inserted = await db.insertInto('distributors').values(row).returning(['id']).executeTakeFirstOrThrow();
  await announceChange(db, DISTRIBUTORS_TOPIC);
  return inserted;
}

/** Conditional on the version read: a concurrent edit makes this return undefined (409). */
export async function update(
  db: Executor,
  id: string,
  expectedVersion: number,
  changes: Partial<{
    legal_name: string;
    hq_country: string;
    website: string | null;
    phone: string | null;
    email: string | null;
    accepts_new_resellers: boolean;
    status: 'active' | 'retired';
  }>,
) {
  const updated = await db
    .updateTable('distributors')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returning(['id', 'version'])
    .executeTakeFirst();
  if (updated) await announceChange(db, DISTRIBUTORS_TOPIC);
  return updated;
}

export async function replaceTerritories(db: Executor, distributorId: string, countries: string[]): Promise<void> {
  await db.deleteFrom('distributor_territories').where('distributor_id', '=', distributorId).execute();
  if (countries.length > 0)
    await db
      .insertInto('distributor_territories')
      .values(countries.map((country) => ({ distributor_id: distributorId, country })))
      .execute();
  await announceChange(db, DISTRIBUTORS_TOPIC);
}

/**
 * REG-4: the facts for one account at one distributor, in one round trip: the claim (a
 * confirmed one first, when several resellers claim the same number), its partner, the list
 * entry, and whether staff restrict partners flagged for training (REG-10; only then is the
 * partner's training read, in a second query).
 * A prepared statement: planning this query costs several times what running it does.
 */
export async function eligibilityFacts(db: Executor, distributorId: string, accountNumber: string) {
  const rows = await queryPrepared(
    db,
    'pp_eligibility_facts',
    sql<{
      claim_status: 'pending' | 'confirmed' | 'rejected' | null;
      partner_id: string | null;
      legal_name: string | null;
      country: string | null;
      partner_status: 'applicant' | 'registered' | 'suspended' | 'terminated' | null;
      distributor_info_reviewed_at: Date | null;
      renewal_due_at: Date | null;
      maintenance_months: number | null;
      listed_active: boolean | null;
      training_restricts: boolean | null;
    }>`
    SELECT c.status AS claim_status, p.organisation_id AS partner_id, p.legal_name, p.country, p.status AS partner_status,
           p.distributor_info_reviewed_at, p.renewal_due_at, a.active AS listed_active,
           (SELECT s.maintenance_months FROM partner_settings s) AS maintenance_months,
           (SELECT t.restrict_non_compliant FROM training_settings t) AS training_restricts
    FROM (SELECT ${distributorId}::uuid AS distributor_id, ${accountNumber}::text AS account_number) q
    LEFT JOIN LATERAL (
      SELECT * FROM account_claims c
      WHERE c.distributor_id = q.distributor_id AND c.account_number = q.account_number
      ORDER BY (c.status = 'confirmed') DESC, (c.status = 'pending') DESC, c.created_at
      LIMIT 1
    ) c ON true
    LEFT JOIN partners p ON p.organisation_id = c.partner_id
    LEFT JOIN distributor_accounts a ON a.distributor_id = q.distributor_id AND a.account_number = q.account_number`,
  );
  return rows[0]!;
}

// ---- On-boarding and released information ----

/** REG-3: partners that designated this distributor for on-boarding and training. */
export async function onboardingQueue(db: Executor, distributorId: string, limit = 200) {
  return db
    .selectFrom('partners')
    .select([
      'organisation_id',
      'legal_name',
      'country',
      'status',
      'registered_at',
      'contact_name',
      'contact_email',
      'contact_phone',
      'created_at',
    ])
    .where('initial_distributor_id', '=', distributorId)
    .where('status', '=', 'registered')
    .orderBy('registered_at', 'desc')
    .limit(limit)
    .execute();
}

/** REG-6: whether the partner named this distributor (a claim there, or the initial distributor). */
export async function partnerNamedDistributor(
  db: Executor,
  partnerId: string,
  distributorId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('partners as p')
    .select('p.organisation_id')
    .where('p.organisation_id', '=', partnerId)
    .where((eb) =>
      eb.or([
        eb('p.initial_distributor_id', '=', distributorId),
        eb.exists(
          eb
            .selectFrom('account_claims as c')
            .select('c.id')
            .whereRef('c.partner_id', '=', 'p.organisation_id')
            .where('c.distributor_id', '=', distributorId),
        ),
      ]),
    )
    .executeTakeFirst();
  return !!row;
}

export async function findPartner(db: Executor, partnerId: string) {
  return db.selectFrom('partners').selectAll().where('organisation_id', '=', partnerId).executeTakeFirst();
}
