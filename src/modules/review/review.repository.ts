import { sql, type Insertable, type Selectable } from 'kysely';
import { announceChange, APPLICATION_VIEWS_TOPIC, APPLICATIONS_TOPIC } from '../../platform/cache.ts';
import type { Database } from '../../platform/database.ts';
import type { Executor, Trx } from '../../platform/db.ts';
import type { DeniedPartiesTable } from './review.table.ts';

// Every query of the review module: the queue, the application view, claims, the checklist,
// decisions, denied-party lists and the dashboard's application figures. The services map the
// rows to domain types; nothing here leaves the module.

export type ApplicationRow = Selectable<Database['applications']>;
export type DeniedPartyRow = Selectable<DeniedPartiesTable>;
type Reviewable = 'submitted' | 'info_requested';

export async function queueRows(
  db: Executor,
  filter: {
    statuses: Reviewable[];
    country?: string | undefined;
    reviewerId?: string | null | undefined;
    newestFirst: boolean;
  },
) {
  let query = db
    .selectFrom('applications as a')
    .leftJoin('application_assignments as g', 'g.application_id', 'a.id')
    .leftJoin('users as r', 'r.id', 'g.reviewer_id')
    .select([
      'a.id',
      'a.reference',
      'a.legal_name',
      'a.country',
      'a.status',
      'a.submitted_at',
      'g.reviewer_id',
      'r.name as reviewer_name',
      // Counted when the submission was written (migration 2026_12_04_0900_review_queue).
      'a.review_flags as flags',
    ])
    // Literals, not parameters: a generic plan can then use the waiting applications' index
    // (applications_waiting), which covers exactly the default pair of statuses.
    .where(
      'a.status',
      'in',
      filter.statuses.map((s) => sql.lit(s)),
    );
  if (filter.country) query = query.where('a.country', '=', filter.country);
  // A reviewer id: theirs only; null: nobody's yet; undefined: everyone's.
  if (filter.reviewerId) query = query.where('g.reviewer_id', '=', filter.reviewerId);
  if (filter.reviewerId === null) query = query.where('g.reviewer_id', 'is', null);
  return query
    .orderBy('a.submitted_at', filter.newestFirst ? 'desc' : 'asc')
    .limit(500)
    .execute();
}

export async function applicationById(db: Executor, id: string): Promise<ApplicationRow | undefined> {
  return db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
}

// ---- Claiming and the checklist ----

export async function lockAssignment(trx: Trx, applicationId: string) {
  return trx
    .selectFrom('application_assignments')
    .select('reviewer_id')
    .where('application_id', '=', applicationId)
    .forUpdate()
    .executeTakeFirst();
}

export async function assignReviewer(db: Executor, applicationId: string, reviewerId: string, at: Date): Promise<void> {
  await db
    .insertInto('application_assignments')
    .values({ application_id: applicationId, reviewer_id: reviewerId, claimed_at: at })
    .onConflict((oc) => oc.column('application_id').doUpdateSet({ reviewer_id: reviewerId, claimed_at: at }))
    .execute();
  await announceChange(db, APPLICATIONS_TOPIC);
}

export async function tickItem(db: Executor, applicationId: string, item: string, userId: string): Promise<void> {
  await db
    .insertInto('review_checklist')
    .values({ application_id: applicationId, item, checked_by: userId })
    .onConflict((oc) => oc.columns(['application_id', 'item']).doNothing())
    .execute();
}

export async function untickItem(db: Executor, applicationId: string, item: string): Promise<void> {
  await db
    .deleteFrom('review_checklist')
    .where('application_id', '=', applicationId)
    .where('item', '=', item)
    .execute();
}

export async function checkedItems(db: Executor, applicationId: string): Promise<string[]> {
  return (
    await db.selectFrom('review_checklist').select('item').where('application_id', '=', applicationId).execute()
  ).map((c) => c.item);
}

// ---- The application view ----

export async function latestSubmissionWithAgreement(db: Executor, applicationId: string) {
  return db
    .selectFrom('application_submissions as s')
    .innerJoin('agreements as g', 'g.id', 's.agreement_id')
    .select(['s.findings', 's.answers', 's.agreement_id', 'g.version'])
    .where('s.application_id', '=', applicationId)
    .orderBy('s.sequence', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function consentsWithUser(db: Executor, applicationId: string) {
  return db
    .selectFrom('consents as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select([
      'c.kind',
      'c.accepted_at',
      'c.ip',
      'c.user_agent',
      'c.text_version',
      'c.text_hash',
      'c.language',
      'u.email',
    ])
    .where('c.application_id', '=', applicationId)
    .orderBy('c.accepted_at')
    .execute();
}

export async function claimsOfPartner(db: Executor, partnerId: string) {
  return db
    .selectFrom('account_claims as c')
    .innerJoin('distributors as d', 'd.id', 'c.distributor_id')
    .select(['d.legal_name', 'c.account_number', 'c.status', 'c.decided_at'])
    .where('c.partner_id', '=', partnerId)
    .orderBy('d.legal_name')
    .execute();
}

export async function decisionsOf(db: Executor, applicationId: string) {
  return db
    .selectFrom('application_decisions as d')
    .innerJoin('users as u', 'u.id', 'd.decided_by')
    .select(['d.decision', 'd.internal_reason', 'd.question', 'u.name', 'd.decided_at'])
    .where('d.application_id', '=', applicationId)
    .orderBy('d.decided_at')
    .execute();
}

export async function reviewerOf(db: Executor, applicationId: string) {
  return db
    .selectFrom('application_assignments as g')
    .innerJoin('users as u', 'u.id', 'g.reviewer_id')
    .select(['u.id', 'u.name'])
    .where('g.application_id', '=', applicationId)
    .executeTakeFirst();
}

/** The people working on the application, with what an email to them needs. */
export async function membersOf(db: Executor, applicationId: string) {
  return db
    .selectFrom('application_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.name', 'u.email', 'u.language', 'm.role'])
    .where('m.application_id', '=', applicationId)
    .execute();
}

export async function deniedParties(
  db: Executor,
): Promise<Pick<DeniedPartyRow, 'name' | 'normalised_name' | 'country' | 'source' | 'list_date'>[]> {
  return db
    .selectFrom('denied_parties')
    .select(['name', 'normalised_name', 'country', 'source', 'list_date'])
    .execute();
}

/** Adds list entries; ones already there (same name, country and source) are skipped. Answers how many were new. */
export async function insertDeniedParties(db: Executor, rows: Insertable<DeniedPartiesTable>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db
    .insertInto('denied_parties')
    .values(rows)
    .onConflict((oc) => oc.columns(['normalised_name', 'country', 'source']).doNothing())
    .returning('id')
    .execute();
  return inserted.length;
}

// ---- Decisions ----

/** REG-12: the conditional move out of `submitted`; undefined when another decision came first. */
export async function moveSubmitted(
  trx: Trx,
  applicationId: string,
  values: {
    status: 'approved' | 'declined' | 'info_requested';
    decided_at: Date | null;
    staff_question: string | null;
    now: Date;
  },
) {
  const { now, ...change } = values;
  const moved = await trx
    .updateTable('applications')
    .set((eb) => ({ ...change, version: eb('version', '+', 1), updated_at: now }))
    .where('id', '=', applicationId)
    .where('status', '=', 'submitted')
    .returning('id')
    .executeTakeFirst();
  if (moved) {
    await announceChange(trx, APPLICATIONS_TOPIC);
    await announceChange(trx, APPLICATION_VIEWS_TOPIC);
  }
  return moved;
}

export async function insertDecision(trx: Trx, row: Insertable<Database['application_decisions']>): Promise<string> {
  return (await trx.insertInto('application_decisions').values(row).returning('id').executeTakeFirstOrThrow()).id;
}

// ---- Dashboard ----

export async function countsByStatus(db: Executor): Promise<{ status: string; n: number }[]> {
  return db
    .selectFrom('applications')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
}

export async function medianDaysToDecision(db: Executor): Promise<number | null> {
  const result = await sql<{
    days: number | null;
  }>`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - submitted_at) / 86400) AS days
      FROM applications WHERE decided_at IS NOT NULL AND submitted_at IS NOT NULL`.execute(db);
  const days = result.rows[0]?.days;
  return days === null || days === undefined ? null : Number(days);
}
