import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db.ts';
import type { AccountClaimsTable } from './distributors.table.ts';

// Account claims (REG-2) and what a distributor may see of the resellers that claim (REG-6).

export type ClaimRow = Selectable<AccountClaimsTable>;

/** What a claim records about the list's company name (REG-2, decision 018). */
export type NameMatchColumns = Pick<ClaimRow, 'listed_name' | 'name_match_score' | 'name_matched'>;

export async function insertClaim(
  db: Executor,
  row: {
    partner_id: string;
    distributor_id: string;
    account_number: string;
    status: 'pending' | 'confirmed';
    decision_source: 'list' | null;
    decided_at: Date | null;
  } & NameMatchColumns,
) {
  return db
    .insertInto('account_claims')
    .values(row)
    .onConflict((oc) => oc.columns(['partner_id', 'distributor_id', 'account_number']).doNothing())
    .returning(['id', 'status'])
    .executeTakeFirst();
}

export async function findClaim(db: Executor, id: string): Promise<ClaimRow | undefined> {
  return db.selectFrom('account_claims').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findClaimFor(
  db: Executor,
  partnerId: string,
  distributorId: string,
  accountNumber: string,
): Promise<ClaimRow | undefined> {
  return db
    .selectFrom('account_claims')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .where('distributor_id', '=', distributorId)
    .where('account_number', '=', accountNumber)
    .executeTakeFirst();
}

export async function listClaims(
  db: Executor,
  distributorId: string,
  status: 'pending' | 'confirmed' | 'rejected' | undefined,
  limit = 200,
) {
  let query = db
    .selectFrom('account_claims as c')
    .innerJoin('partners as p', 'p.organisation_id', 'c.partner_id')
    .leftJoin('distributor_accounts as a', (join) =>
      join.onRef('a.distributor_id', '=', 'c.distributor_id').onRef('a.account_number', '=', 'c.account_number'),
    )
    .select([
      'c.id',
      'c.account_number',
      'c.status',
      'c.created_at',
      'c.decided_at',
      'c.note',
      'c.listed_name as matched_name',
      'c.name_match_score',
      'c.name_matched',
      'p.organisation_id as partner_id',
      'p.legal_name',
      'p.country',
      'p.contact_name',
      'p.contact_email',
      'p.contact_phone',
      'a.reseller_name as listed_name',
    ])
    .where('c.distributor_id', '=', distributorId)
    .orderBy('c.created_at', 'asc')
    .limit(limit);
  if (status) query = query.where('c.status', '=', status);
  return query.execute();
}

/** Decides a pending claim; returns undefined when it was no longer pending (someone else decided). */
export async function decideClaim(
  db: Executor,
  id: string,
  decision: { status: 'confirmed' | 'rejected'; decided_by: string | null; note: string | null },
) {
  return db
    .updateTable('account_claims')
    .set({ ...decision, decided_at: new Date(), decision_source: 'distributor' })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning(['id', 'partner_id', 'account_number', 'status'])
    .executeTakeFirst();
}

/** REG-2: pending claims whose account is active on the distributor's list, with both company names. */
export async function pendingClaimsOnList(db: Executor, distributorId: string) {
  return db
    .selectFrom('account_claims as c')
    .innerJoin('distributor_accounts as a', (join) =>
      join.onRef('a.distributor_id', '=', 'c.distributor_id').onRef('a.account_number', '=', 'c.account_number'),
    )
    .innerJoin('partners as p', 'p.organisation_id', 'c.partner_id')
    .select([
      'c.id',
      'c.partner_id',
      'c.account_number',
      'p.legal_name as applicant_name',
      'a.reseller_name as listed_name',
    ])
    .where('c.distributor_id', '=', distributorId)
    .where('c.status', '=', 'pending')
    .where('a.active', '=', true)
    .orderBy('c.created_at')
    .execute();
}

/**
 * Records the list's name match on a claim that is still pending, confirming it (source `list`)
 * when the names matched; undefined when the claim was decided meanwhile.
 */
export async function recordListMatch(db: Executor, id: string, match: NameMatchColumns) {
  return db
    .updateTable('account_claims')
    .set(
      match.name_matched ? { ...match, status: 'confirmed', decision_source: 'list', decided_at: new Date() } : match,
    )
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning(['id', 'status'])
    .executeTakeFirst();
}

/** Claims of the distributor that its account list confirmed between two moments (an upload's start and end). */
export async function countListConfirmations(
  db: Executor,
  distributorId: string,
  from: Date,
  to: Date,
): Promise<number> {
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

export async function claimsOfPartnerAt(db: Executor, partnerId: string, distributorId: string) {
  return db
    .selectFrom('account_claims')
    .select(['id', 'account_number', 'status', 'decided_at'])
    .where('partner_id', '=', partnerId)
    .where('distributor_id', '=', distributorId)
    .orderBy('account_number')
    .execute();
}

// ---- A partner's own claims (Partner Self Service, REG-4) ----

export async function claimsOfPartner(db: Executor, partnerId: string) {
  return db
    .selectFrom('account_claims as c')
    .innerJoin('distributors as d', 'd.id', 'c.distributor_id')
    .select([
      'c.id',
      'c.distributor_id',
      'd.legal_name as distributor_name',
      'c.account_number',
      'c.status',
      'c.created_at',
      'c.decided_at',
    ])
    .where('c.partner_id', '=', partnerId)
    .orderBy('d.legal_name')
    .orderBy('c.account_number')
    .execute();
}

export async function deleteClaimOfPartner(db: Executor, partnerId: string, claimId: string) {
  return db
    .deleteFrom('account_claims')
    .where('id', '=', claimId)
    .where('partner_id', '=', partnerId)
    .returning(['id', 'distributor_id', 'account_number', 'status'])
    .executeTakeFirst();
}
