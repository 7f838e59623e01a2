import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { announceChange, SETTINGS_TOPIC } from '../../platform/cache.ts';
import type { Executor, Trx } from '../../platform/db.ts';
import type { PartnerInvitationsTable, PartnerLocationsTable, PartnerRole } from './partners.table.ts';

// Partner Self Service queries (issue #12): settings, invitations, locations, reviews, renewals
// and the once-only notices. Rows stay in the module; the services map them.

export type InvitationRow = Selectable<PartnerInvitationsTable>;
export type LocationRow = Selectable<PartnerLocationsTable>;

// ---- Settings (REG-4) ----

export async function settings(db: Executor) {
  return db.selectFrom('partner_settings').select(['maintenance_months', 'updated_at']).executeTakeFirst();
}

export async function updateSettings(
  db: Executor,
  maintenanceMonths: number,
  userId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('partner_settings')
    .set({ maintenance_months: maintenanceMonths, updated_by: userId, updated_at: now })
    .execute();
  await announceChange(db, SETTINGS_TOPIC);
}

// ---- The partner row ----

/** Serialises changes to one partner's people, locations and renewal (the guards count inside it). */
export async function lockPartner(trx: Trx, partnerId: string) {
  return trx
    .selectFrom('partners')
    .select(['organisation_id', 'renewal_due_at', 'status'])
    .where('organisation_id', '=', partnerId)
    .forUpdate()
    .executeTakeFirst();
}

export async function markDistributorInfoReviewed(db: Executor, partnerId: string, now: Date): Promise<void> {
  await db
    .updateTable('partners')
    .set((eb) => ({ distributor_info_reviewed_at: now, version: eb('version', '+', 1), updated_at: now }))
    .where('organisation_id', '=', partnerId)
    .execute();
}

/** Extends the term, on condition that nobody renewed it meanwhile; undefined for the loser. */
export async function renewTerm(db: Executor, partnerId: string, expectedEnd: Date, newEnd: Date, now: Date) {
  return db
    .updateTable('partners')
    .set((eb) => ({ renewal_due_at: newEnd, last_renewed_at: now, version: eb('version', '+', 1), updated_at: now }))
    .where('organisation_id', '=', partnerId)
    .where('renewal_due_at', '=', expectedEnd)
    .returning(['organisation_id'])
    .executeTakeFirst();
}

export async function isListablePartner(db: Executor, partnerId: string): Promise<boolean> {
  return !!(await db
    .selectFrom('listable_partners')
    .select('partner_id')
    .where('partner_id', '=', partnerId)
    .executeTakeFirst());
}

/**
 * Registered partners whose review or term end falls within the horizon: candidates for a
 * notice, one page in id order, after the partner `after` (the last of the previous page).
 */
export async function noticeCandidates(
  db: Executor,
  maintenanceMonths: number,
  horizon: Date,
  now: Date,
  page: { after: string | undefined; limit: number },
): Promise<string[]> {
  const rows = await db
    .selectFrom('partners')
    .select('organisation_id')
    .where('status', '=', 'registered')
    .$if(page.after !== undefined, (qb) => qb.where('organisation_id', '>', page.after!))
    .where((eb) =>
      eb.or([
        eb.and([eb('renewal_due_at', '<=', horizon), eb('renewal_due_at', '>', now)]),
        // The review's due date as addMonths counts it, whatever the session's TimeZone (decision 070).
        eb(sql<Date>`pp_add_months(distributor_info_reviewed_at, ${maintenanceMonths}::integer)`, '<=', horizon),
      ]),
    )
    .orderBy('organisation_id')
    .limit(page.limit)
    .execute();
  return rows.map((r) => r.organisation_id);
}

/** Claims one notice; false when another run (in any process) already claimed it. */
export async function claimNotice(
  trx: Trx,
  notice: { partner_id: string; kind: string; threshold: number; period: string },
): Promise<boolean> {
  const row = await trx
    .insertInto('partner_notices')
    .values(notice)
    .onConflict((oc) => oc.doNothing())
    .returning('partner_id')
    .executeTakeFirst();
  return !!row;
}

/** Issue #12 item 6, staff view: partners due, renewed in the last year, or lapsed. */
export async function renewalsOverview(db: Executor, dueBefore: Date, renewedSince: Date) {
  return db
    .selectFrom('partners')
    .select(['organisation_id', 'legal_name', 'country', 'renewal_due_at', 'last_renewed_at'])
    .where('status', '=', 'registered')
    .where((eb) => eb.or([eb('renewal_due_at', '<=', dueBefore), eb('last_renewed_at', '>=', renewedSince)]))
    .orderBy('renewal_due_at')
    .limit(500)
    .execute();
}

// ---- Invitations (issue #12 item 3) ----

export async function insertInvitation(db: Executor, row: Insertable<PartnerInvitationsTable>): Promise<string> {
  return (await db.insertInto('partner_invitations').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function invitationsOf(db: Executor, partnerId: string) {
  return db
    .selectFrom('partner_invitations as i')
    .innerJoin('users as u', 'u.id', 'i.invited_by')
    .select([
      'i.id',
      'i.email',
      'i.role',
      'i.created_at',
      'i.expires_at',
      'i.accepted_at',
      'i.revoked_at',
      'u.name as inviter_name',
    ])
    .where('i.partner_id', '=', partnerId)
    .orderBy('i.created_at', 'desc')
    .limit(200)
    .execute();
}

/** A still-open invitation of this address at this partner (an expired one does not count). */
export async function openInvitationFor(db: Executor, partnerId: string, email: string, now: Date) {
  return db
    .selectFrom('partner_invitations')
    .select('id')
    .where('partner_id', '=', partnerId)
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

export async function invitationByHash(db: Executor, tokenHash: string, now: Date) {
  return db
    .selectFrom('partner_invitations as i')
    .innerJoin('partners as p', 'p.organisation_id', 'i.partner_id')
    .innerJoin('users as u', 'u.id', 'i.invited_by')
    .select(['i.id', 'i.partner_id', 'i.email', 'i.role', 'p.legal_name', 'u.name as inviter_name'])
    .where('i.token_hash', '=', tokenHash)
    .where('i.accepted_at', 'is', null)
    .where('i.revoked_at', 'is', null)
    .where('i.expires_at', '>', now)
    .executeTakeFirst();
}

/** Accepts once: of two clicks, one gets the row. */
export async function acceptInvitation(db: Executor, id: string, userId: string, now: Date) {
  return db
    .updateTable('partner_invitations')
    .set({ accepted_at: now, accepted_by: userId })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['id', 'partner_id', 'email', 'role'])
    .executeTakeFirst();
}

export async function revokeInvitation(db: Executor, partnerId: string, id: string, now: Date) {
  return db
    .updateTable('partner_invitations')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('partner_id', '=', partnerId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning(['id', 'email'])
    .executeTakeFirst();
}

/** A resend issues a new token and a new 7-day term for an invitation not accepted or revoked. */
export async function renewInvitation(db: Executor, partnerId: string, id: string, tokenHash: string, expiresAt: Date) {
  return db
    .updateTable('partner_invitations')
    .set({ token_hash: tokenHash, expires_at: expiresAt })
    .where('id', '=', id)
    .where('partner_id', '=', partnerId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning(['id', 'email', 'role'])
    .executeTakeFirst();
}

export type { PartnerRole };

// ---- Locations (REG-7, REG-14) ----

export async function locationOf(db: Executor, partnerId: string, id: string) {
  return db
    .selectFrom('partner_locations')
    .selectAll()
    .where('id', '=', id)
    .where('partner_id', '=', partnerId)
    .executeTakeFirst();
}

export async function locationsOf(db: Executor, partnerId: string) {
  return db
    .selectFrom('partner_locations')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function insertLocation(db: Executor, row: Insertable<PartnerLocationsTable>): Promise<string> {
  return (await db.insertInto('partner_locations').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateLocation(
  db: Executor,
  partnerId: string,
  id: string,
  changes: Updateable<PartnerLocationsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('partner_locations')
    .set(changes)
    .where('id', '=', id)
    .where('partner_id', '=', partnerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteLocation(db: Executor, partnerId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('partner_locations')
    .where('id', '=', id)
    .where('partner_id', '=', partnerId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** REG-7, staff view: locations whose findings ask for a review, newest change first. */
export async function flaggedLocations(db: Executor, limit = 200) {
  return db
    .selectFrom('partner_locations as l')
    .innerJoin('partners as p', 'p.organisation_id', 'l.partner_id')
    .select([
      'l.id',
      'l.partner_id',
      'p.legal_name',
      'l.lines',
      'l.city',
      'l.postcode',
      'l.country',
      'l.type',
      'l.listed',
      'l.findings',
      'l.updated_at',
    ])
    .where(sql<boolean>`jsonb_path_exists(l.findings, '$[*] ? (@.outcome == "review" || @.outcome == "fail")')`)
    .orderBy('l.updated_at', 'desc')
    .limit(limit)
    .execute();
}

/** Issue #12 item 6: the partner accepted a newer agreement version at its renewal. */
export async function acceptAgreementVersion(db: Executor, partnerId: string, agreementId: string): Promise<void> {
  await db
    .updateTable('partners')
    .set({ agreement_id: agreementId })
    .where('organisation_id', '=', partnerId)
    .execute();
}
