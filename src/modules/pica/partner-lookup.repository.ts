import type { Executor } from '../../platform/db.ts';

// Reads partners until the partners module's index offers it: the lead swaps these few
// read-only lookups for that index once it lands.

export async function findPartnerRow(db: Executor, partnerId: string) {
  return db
    .selectFrom('partners')
    .select(['organisation_id', 'legal_name', 'country', 'status'])
    .where('organisation_id', '=', partnerId)
    .executeTakeFirst();
}

export async function findPartnerRows(db: Executor, partnerIds: readonly string[]) {
  if (partnerIds.length === 0) return [];
  return db
    .selectFrom('partners')
    .select(['organisation_id', 'legal_name', 'country', 'status'])
    .where('organisation_id', 'in', partnerIds)
    .execute();
}

export async function listPartnerRows(db: Executor, status?: 'registered') {
  let query = db
    .selectFrom('partners')
    .select(['organisation_id', 'legal_name', 'country', 'status'])
    .orderBy('legal_name');
  if (status) query = query.where('status', '=', status);
  return query.execute();
}

export async function findPartnerByName(db: Executor, legalName: string) {
  return db
    .selectFrom('partners')
    .select(['organisation_id', 'legal_name', 'country', 'status'])
    .where('legal_name', '=', legalName)
    .executeTakeFirst();
}
