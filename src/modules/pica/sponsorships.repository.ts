import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db.ts';
import type { PicaCustomersTable, PicaSponsorshipsTable } from './pica.table.ts';

export type CustomerRow = Selectable<PicaCustomersTable>;
export type SponsorshipRow = Selectable<PicaSponsorshipsTable> & {
  customer_name: string;
  customer_country: string;
  email_domains: string[];
  customer_organisation_id: string;
  contract_number: string;
  contract_ends_on: Date;
};

export async function insertCustomer(
  db: Executor,
  row: {
    partner_id: string;
    organisation_id: string;
    name: string;
    country: string;
    email_domains: string[];
    created_by: string;
  },
) {
  return db.insertInto('pica_customers').values(row).returning('id').executeTakeFirstOrThrow();
}

export async function findCustomer(db: Executor, id: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('pica_customers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listCustomers(db: Executor, partnerId: string): Promise<CustomerRow[]> {
  return db.selectFrom('pica_customers').selectAll().where('partner_id', '=', partnerId).orderBy('name').execute();
}

export async function markCustomerConfirmed(db: Executor, id: string, at: Date) {
  await db.updateTable('pica_customers').set({ last_confirmed_at: at }).where('id', '=', id).execute();
}

const sponsorshipColumns = (db: Executor) =>
  db
    .selectFrom('pica_sponsorships as s')
    .innerJoin('pica_customers as cu', 'cu.id', 's.customer_id')
    .innerJoin('pica_contracts as c', 'c.id', 's.contract_id')
    .selectAll('s')
    .select([
      'cu.name as customer_name',
      'cu.country as customer_country',
      'cu.email_domains',
      'cu.organisation_id as customer_organisation_id',
      'c.number as contract_number',
      'c.ends_on as contract_ends_on',
    ]);

export async function insertSponsorship(
  db: Executor,
  row: {
    partner_id: string;
    customer_id: string;
    contract_id: string;
    registration_number: string;
    key_hash: string;
    purchase_reference: string;
    expires_at: Date;
    max_uses: number | null;
    created_by: string;
  },
) {
  return db.insertInto('pica_sponsorships').values(row).returning('id').executeTakeFirstOrThrow();
}

export async function findSponsorship(db: Executor, id: string): Promise<SponsorshipRow | undefined> {
  return sponsorshipColumns(db).where('s.id', '=', id).executeTakeFirst();
}

export async function findSponsorshipByNumber(
  db: Executor,
  registrationNumber: string,
): Promise<SponsorshipRow | undefined> {
  return sponsorshipColumns(db).where('s.registration_number', '=', registrationNumber).executeTakeFirst();
}

export type UseRow = Awaited<ReturnType<typeof usesOf>>[number];

/**
 * The PICA administrator's list with each sponsorship's ledger, in one round trip (issue #15,
 * decision 064): its newest 500 sponsorships, each with the rows usesOf would answer for it.
 */
export async function listSponsorshipsWithUses(
  db: Executor,
  partnerId: string,
): Promise<(SponsorshipRow & { uses_list: UseRow[] })[]> {
  const rows = await sponsorshipColumns(db)
    .select(
      sql<(Omit<UseRow, 'confirmed_at'> & { confirmed_at: string | null })[]>`(
        SELECT coalesce(json_agg(json_build_object('sponsorship_id', r.sponsorship_id, 'name', r.name,
          'email', r.email, 'confirmed_at', r.confirmed_at, 'employment_attested', r.employment_attested)
          ORDER BY r.confirmed_at), '[]'::json)
        FROM pica_registrations r WHERE r.sponsorship_id = s.id AND r.status = 'confirmed')`.as('uses_list'),
    )
    .where('s.partner_id', '=', partnerId)
    .orderBy('s.created_at', 'desc')
    .limit(500)
    .execute();
  // JSON carries timestamps as text; the ledger's rows are Dates like usesOf's.
  return rows.map((r) => ({
    ...r,
    uses_list: r.uses_list.map((u) => ({
      ...u,
      confirmed_at: u.confirmed_at === null ? null : new Date(u.confirmed_at),
    })),
  })) as (SponsorshipRow & { uses_list: UseRow[] })[];
}

/** PICA-5: a new key replaces the old one at once; a revoked sponsorship takes none. */
export async function replaceKey(db: Executor, id: string, keyHash: string, expiresAt: Date) {
  return db
    .updateTable('pica_sponsorships')
    .set({ key_hash: keyHash, key_issued_at: new Date(), expires_at: expiresAt })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
}

export async function revoke(db: Executor, id: string) {
  return db
    .updateTable('pica_sponsorships')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
}

/** Takes one use of a sponsorship if it still admits one (not revoked, not expired, under its limit). */
export async function takeUse(db: Executor, id: string, now: Date) {
  return db
    .updateTable('pica_sponsorships')
    .set({ uses: sql`uses + 1` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .returning('id')
    .executeTakeFirst();
}

/** Who registered with a sponsorship, and when (its ledger). */
export async function usesOf(db: Executor, sponsorshipIds: readonly string[]) {
  if (sponsorshipIds.length === 0) return [];
  return db
    .selectFrom('pica_registrations')
    .select(['sponsorship_id', 'name', 'email', 'confirmed_at', 'employment_attested'])
    .where('sponsorship_id', 'in', sponsorshipIds)
    .where('status', '=', 'confirmed')
    .orderBy('confirmed_at')
    .execute();
}
