import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db.ts';
import type { PartnerLocationsTable, PartnersTable } from './partners.table.ts';
import { overviewOfPartnerAsJson, type OverviewJsonRow } from './training.repository.ts';

// Every query on partners, training_assignments and partner_locations (and the home's one read of
// the partner's claims, #15). Rows stay in this module:
// partners.service.ts maps them to the domain types that index.ts exports.

export type PartnerRow = Selectable<PartnersTable>;
export type PartnerLocationRow = Selectable<PartnerLocationsTable>;
type ApplicantFields = Pick<
  Insertable<PartnersTable>,
  'legal_name' | 'country' | 'initial_distributor_id' | 'contact_name' | 'contact_email' | 'contact_phone'
>;

export async function insertPartner(db: Executor, row: Insertable<PartnersTable>): Promise<void> {
  await db.insertInto('partners').values(row).execute();
}

export async function updateApplicantFields(
  db: Executor,
  partnerId: string,
  row: ApplicantFields,
  now: Date,
): Promise<void> {
  await db
    .updateTable('partners')
    .set((eb) => ({ ...row, version: eb('version', '+', 1), updated_at: now }))
    .where('organisation_id', '=', partnerId)
    .execute();
}

export async function markRegistered(
  db: Executor,
  partnerId: string,
  values: { agreement_id: string; agreement_effective_at: Date; renewal_due_at: Date; now: Date },
): Promise<void> {
  const { now, ...agreement } = values;
  await db
    .updateTable('partners')
    .set((eb) => ({
      status: 'registered',
      registered_at: now,
      ...agreement,
      distributor_info_reviewed_at: now,
      version: eb('version', '+', 1),
      updated_at: now,
    }))
    .where('organisation_id', '=', partnerId)
    .execute();
}

export async function insertLocations(db: Executor, rows: Insertable<PartnerLocationsTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('partner_locations').values(rows).execute();
}

export async function partnerById(db: Executor, partnerId: string): Promise<PartnerRow | undefined> {
  return db.selectFrom('partners').selectAll().where('organisation_id', '=', partnerId).executeTakeFirst();
}

/** A partner's account claim as its home reads it (timestamps as JSON text). */
export interface HomeClaimRow {
  id: string;
  distributor_id: string;
  distributor_name: string;
  account_number: string;
  status: 'pending' | 'confirmed' | 'rejected';
  created_at: string;
  decided_at: string | null;
}

/**
 * Everything the Partner Self Service home reads, in one round trip (#15, decision 064): the
 * partner; whether each location is listed and what the rule found; its account claims (as the
 * distributors module's claimsOfPartner lists them, by distributor name and account); and its
 * key personnel's training (the overview's rows for this partner).
 */
export async function partnerHome(
  db: Executor,
  partnerId: string,
): Promise<
  | (PartnerRow & {
      locations: Pick<PartnerLocationRow, 'listed' | 'findings'>[];
      claims: HomeClaimRow[];
      training: OverviewJsonRow[];
    })
  | undefined
> {
  return db
    .selectFrom('partners as p')
    .selectAll('p')
    .select([
      sql<Pick<PartnerLocationRow, 'listed' | 'findings'>[]>`(
        SELECT coalesce(json_agg(json_build_object('listed', l.listed, 'findings', l.findings)), '[]'::json)
        FROM partner_locations l WHERE l.partner_id = p.organisation_id)`.as('locations'),
      sql<HomeClaimRow[]>`(
        SELECT coalesce(json_agg(json_build_object('id', c.id, 'distributor_id', c.distributor_id,
          'distributor_name', d.legal_name, 'account_number', c.account_number, 'status', c.status,
          'created_at', c.created_at, 'decided_at', c.decided_at) ORDER BY d.legal_name, c.account_number), '[]'::json)
        FROM account_claims c JOIN distributors d ON d.id = c.distributor_id
        WHERE c.partner_id = p.organisation_id)`.as('claims'),
      overviewOfPartnerAsJson(partnerId).as('training'),
    ])
    .where('p.organisation_id', '=', partnerId)
    .executeTakeFirst();
}

/** The partner organisations a user holds a role in (user_roles.organisation_id is the partner's id). */
export async function partnersOfUser(db: Executor, userId: string): Promise<PartnerRow[]> {
  return db
    .selectFrom('partners as p')
    .selectAll('p')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_roles as r')
          .select('r.user_id')
          .whereRef('r.organisation_id', '=', 'p.organisation_id')
          .where('r.user_id', '=', userId),
      ),
    )
    .orderBy('p.legal_name')
    .execute();
}

export async function locationsOfPartner(db: Executor, partnerId: string): Promise<PartnerLocationRow[]> {
  return db
    .selectFrom('partner_locations')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .orderBy('created_at')
    .execute();
}

// ---- Programme figures (staff dashboard) ----

export async function registeredCountByCountry(db: Executor): Promise<{ country: string; n: number }[]> {
  return db
    .selectFrom('partners')
    .select(['country', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'registered')
    .groupBy('country')
    .orderBy('n', 'desc')
    .orderBy('country')
    .execute();
}

export async function trainingCounts(db: Executor, now: Date, soon: Date) {
  const result = await sql<{ assigned: number; completed: number; due_soon: number; overdue: number }>`
      SELECT count(*)::int AS assigned,
             count(*) FILTER (WHERE completed_at IS NOT NULL)::int AS completed,
             count(*) FILTER (WHERE completed_at IS NULL AND due_at >= ${now} AND due_at < ${soon})::int AS due_soon,
             count(*) FILTER (WHERE completed_at IS NULL AND due_at < ${now})::int AS overdue
      FROM training_assignments t
      -- REG-10: current assignments only (not ended, not followed by a recertification).
      WHERE t.ended_at IS NULL AND NOT EXISTS (SELECT 1 FROM training_assignments n WHERE n.previous_id = t.id)`.execute(
    db,
  );
  return result.rows[0]!;
}

/** REG-4 facts per registered partner: whether it has a confirmed account, and whether its review is overdue. */
export async function purchaseFacts(db: Executor, reviewMonths: number, now: Date) {
  const result = await sql<{
    organisation_id: string;
    legal_name: string;
    country: string;
    no_confirmed: boolean;
    review_overdue: boolean;
  }>`
      -- pp_add_months: the review's due date as addMonths counts it, in UTC (decision 070).
      SELECT p.organisation_id, p.legal_name, p.country,
             NOT EXISTS (SELECT 1 FROM account_claims c WHERE c.partner_id = p.organisation_id AND c.status = 'confirmed') AS no_confirmed,
             (p.distributor_info_reviewed_at IS NULL OR pp_add_months(p.distributor_info_reviewed_at, ${reviewMonths}::integer) <= ${now}) AS review_overdue
      FROM partners p WHERE p.status = 'registered'`.execute(db);
  return result.rows;
}

export async function partnersByStatus(db: Executor, status: PartnerRow['status']): Promise<PartnerRow[]> {
  return db.selectFrom('partners').selectAll().where('status', '=', status).orderBy('created_at').execute();
}
