import { isUuid } from '../../platform/ids.ts';
import { sql, type Insertable, type RawBuilder, type Selectable, type Updateable } from 'kysely';
import { announceChange, SETTINGS_TOPIC } from '../../platform/cache.ts';
import type { Executor, Trx } from '../../platform/db.ts';
import type { TrainingAssignmentsTable } from './partners.table.ts';
import type {
  CompletionStatus,
  KeyPersonnelTable,
  TrainingCompletionsTable,
  TrainingCoursesTable,
  TrainingSettingsTable,
} from './training.table.ts';

// Every query of the REG-10 training programme. Rows stay in the module: training.service.ts
// maps them to domain types.

export type SettingsRow = Selectable<TrainingSettingsTable>;
export type CourseRow = Selectable<TrainingCoursesTable>;
export type KeyPersonRow = Selectable<KeyPersonnelTable>;
export type AssignmentRow = Selectable<TrainingAssignmentsTable>;
export type CompletionRow = Omit<Selectable<TrainingCompletionsTable>, 'certificate'> & { has_certificate: boolean };

// ---- Settings and courses ----

export async function settings(db: Executor): Promise<SettingsRow> {
  return db.selectFrom('training_settings').selectAll().executeTakeFirstOrThrow();
}

export async function updateSettings(
  db: Executor,
  version: number,
  values: { grace_days: number; flag_after_days: number; restrict_non_compliant: boolean },
  now: Date,
): Promise<SettingsRow | undefined> {
  const row = await db
    .updateTable('training_settings')
    .set((eb) => ({ ...values, version: eb('version', '+', 1), updated_at: now }))
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
  if (row) await announceChange(db, SETTINGS_TOPIC);
  return row;
}

export async function courses(db: Executor, activeOnly: boolean): Promise<CourseRow[]> {
  let query = db.selectFrom('training_courses').selectAll().orderBy('provider', 'desc').orderBy('name');
  if (activeOnly) query = query.where('active', '=', true);
  return query.execute();
}

/** Any text may come in as an id (a form field): what is not a UUID names no course. */
export async function courseById(db: Executor, id: string): Promise<CourseRow | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('training_courses').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertCourse(db: Executor, row: Insertable<TrainingCoursesTable>): Promise<CourseRow> {
  return db.insertInto('training_courses').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateCourse(
  db: Executor,
  id: string,
  values: Updateable<TrainingCoursesTable>,
): Promise<CourseRow | undefined> {
  return db.updateTable('training_courses').set(values).where('id', '=', id).returningAll().executeTakeFirst();
}

// ---- Key personnel and assignments ----

export async function keyPersonnel(db: Executor, partnerId: string, includeRemoved: boolean): Promise<KeyPersonRow[]> {
  let query = db.selectFrom('key_personnel').selectAll().where('partner_id', '=', partnerId).orderBy('name');
  if (!includeRemoved) query = query.where('removed_at', 'is', null);
  return query.execute();
}

export async function keyPersonById(db: Executor, id: string): Promise<KeyPersonRow | undefined> {
  return db.selectFrom('key_personnel').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A user who holds a role in the partner (a colleague), by id. */
export async function colleague(
  db: Executor,
  partnerId: string,
  userId: string,
): Promise<{ id: string; name: string; email: string } | undefined> {
  return db
    .selectFrom('users as u')
    .select(['u.id', 'u.name', 'u.email'])
    .where('u.id', '=', userId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_roles as r')
          .select('r.user_id')
          .whereRef('r.user_id', '=', 'u.id')
          .where('r.organisation_id', '=', partnerId),
      ),
    )
    .executeTakeFirst();
}

export async function insertKeyPerson(db: Executor, row: Insertable<KeyPersonnelTable>): Promise<KeyPersonRow> {
  return db.insertInto('key_personnel').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateKeyPerson(
  db: Executor,
  id: string,
  version: number,
  values: { name: string; email: string; role: string | null; user_id: string | null },
): Promise<KeyPersonRow | undefined> {
  return db
    .updateTable('key_personnel')
    .set((eb) => ({ ...values, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .where('removed_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function removeKeyPerson(
  db: Executor,
  id: string,
  version: number,
  at: Date,
): Promise<KeyPersonRow | undefined> {
  return db
    .updateTable('key_personnel')
    .set((eb) => ({ removed_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .where('removed_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Inserts an assignment; with `previous_id`, only once per previous assignment (recertification). */
export async function insertAssignment(
  db: Executor,
  row: Insertable<TrainingAssignmentsTable>,
): Promise<AssignmentRow | undefined> {
  return db
    .insertInto('training_assignments')
    .values(row)
    .onConflict((oc) => oc.column('previous_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function endAssignmentsOf(db: Executor, keyPersonId: string, at: Date): Promise<void> {
  await db
    .updateTable('training_assignments')
    .set({ ended_at: at })
    .where('key_person_id', '=', keyPersonId)
    .where('ended_at', 'is', null)
    .execute();
}

export async function updateAssignmentPerson(
  db: Executor,
  keyPersonId: string,
  values: { person_name: string; person_email: string; person_role: string | null },
): Promise<void> {
  await db
    .updateTable('training_assignments')
    .set(values)
    .where('key_person_id', '=', keyPersonId)
    .where('ended_at', 'is', null)
    .where('completed_at', 'is', null)
    .execute();
}

export async function assignmentById(db: Executor, id: string): Promise<AssignmentRow | undefined> {
  return db.selectFrom('training_assignments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockAssignment(trx: Trx, id: string): Promise<AssignmentRow | undefined> {
  return trx.selectFrom('training_assignments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function setAssignmentCompleted(db: Executor, id: string, completedAt: Date | null): Promise<void> {
  await db.updateTable('training_assignments').set({ completed_at: completedAt }).where('id', '=', id).execute();
}

export async function assignmentsOf(db: Executor, keyPersonIds: readonly string[]): Promise<AssignmentRow[]> {
  if (keyPersonIds.length === 0) return [];
  return db
    .selectFrom('training_assignments')
    .selectAll()
    .where('key_person_id', 'in', keyPersonIds)
    .orderBy('due_at', 'desc')
    .execute();
}

// ---- Overview: each current key person with their current assignment and its latest record ----

export interface OverviewRow {
  key_person_id: string;
  partner_id: string;
  legal_name: string;
  country: string;
  user_id: string | null;
  name: string;
  email: string;
  role: string | null;
  added_at: Date;
  version: number;
  assignment_id: string | null;
  due_at: Date | null;
  completion_id: string | null;
  completion_status: CompletionStatus | null;
  completed_at: Date | null;
  course_name: string | null;
  review_reason: string | null;
}

/** The overview's SELECT; `where` narrows it (a partner, a country). */
function overviewSelect(where: RawBuilder<unknown>) {
  return sql<OverviewRow>`
      SELECT k.id AS key_person_id, k.partner_id, p.legal_name, p.country, k.user_id, k.name, k.email, k.role, k.added_at, k.version,
             a.id AS assignment_id, a.due_at, c.id AS completion_id, c.status AS completion_status, c.completed_at,
             c.course_name, c.review_reason
      FROM key_personnel k
      JOIN partners p ON p.organisation_id = k.partner_id
      LEFT JOIN LATERAL (SELECT * FROM training_assignments t WHERE t.key_person_id = k.id AND t.ended_at IS NULL
                         ORDER BY t.due_at DESC LIMIT 1) a ON true
      LEFT JOIN LATERAL (SELECT * FROM training_completions tc WHERE tc.assignment_id = a.id
                         ORDER BY tc.recorded_at DESC LIMIT 1) c ON true
      WHERE k.removed_at IS NULL AND p.status = 'registered' ${where}`;
}

export async function overview(
  db: Executor,
  filter: { partnerId?: string | undefined; country?: string | undefined },
): Promise<OverviewRow[]> {
  const result = await sql<OverviewRow>`${overviewSelect(sql`
        ${filter.partnerId ? sql`AND k.partner_id = ${filter.partnerId}` : sql``}
        ${filter.country ? sql`AND p.country = ${filter.country}` : sql``}`)}
      ORDER BY p.legal_name, k.name`.execute(db);
  return result.rows;
}

/**
 * One partner's overview rows as a JSON array in the overview's order, for a query that reads
 * them with other things in one round trip (the Partner Self Service home, #15). Its timestamps
 * arrive as text: overviewRowFromJson makes them dates again.
 */
export function overviewOfPartnerAsJson(partnerId: string) {
  return sql<OverviewJsonRow[]>`(SELECT coalesce(json_agg(o ORDER BY o.legal_name, o.name), '[]'::json)
      FROM (${overviewSelect(sql`AND k.partner_id = ${partnerId}`)}) o)`;
}

export type OverviewJsonRow = Omit<OverviewRow, 'added_at' | 'due_at' | 'completed_at'> & {
  added_at: string;
  due_at: string | null;
  completed_at: string | null;
};

export function overviewRowFromJson(r: OverviewJsonRow): OverviewRow {
  return {
    ...r,
    added_at: new Date(r.added_at),
    due_at: r.due_at === null ? null : new Date(r.due_at),
    completed_at: r.completed_at === null ? null : new Date(r.completed_at),
  };
}

// ---- Completions ----

const completionColumns = [
  'c.id',
  'c.assignment_id',
  'c.course_id',
  'c.course_name',
  'c.provider',
  'c.completed_at',
  'c.certificate_number',
  'c.certificate_type',
  'c.certificate_name',
  'c.status',
  'c.review_reason',
  'c.reviewed_by',
  'c.reviewed_at',
  'c.source',
  'c.external_system',
  'c.external_id',
  'c.recorded_by',
  'c.recorded_at',
  'c.version',
] as const;

export async function insertCompletion(
  db: Executor,
  row: Insertable<TrainingCompletionsTable>,
): Promise<string | undefined> {
  const inserted = await db
    .insertInto('training_completions')
    .values(row)
    .onConflict((oc) => oc.columns(['external_system', 'external_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id;
}

export async function completionByExternalId(
  db: Executor,
  system: string,
  externalId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('training_completions')
    .select('id')
    .where('external_system', '=', system)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row?.id;
}

export type CompletionWithPartner = CompletionRow & {
  partner_id: string;
  person_name: string;
  person_email: string;
  legal_name: string;
};

function completionsQuery(db: Executor) {
  return db
    .selectFrom('training_completions as c')
    .innerJoin('training_assignments as a', 'a.id', 'c.assignment_id')
    .innerJoin('partners as p', 'p.organisation_id', 'a.partner_id')
    .select([...completionColumns, 'a.partner_id', 'a.person_name', 'a.person_email', 'p.legal_name'])
    .select(sql<boolean>`c.certificate IS NOT NULL`.as('has_certificate'));
}

export async function completionById(db: Executor, id: string): Promise<CompletionWithPartner | undefined> {
  return completionsQuery(db).where('c.id', '=', id).executeTakeFirst();
}

export async function completionsOfAssignments(
  db: Executor,
  assignmentIds: readonly string[],
): Promise<CompletionWithPartner[]> {
  if (assignmentIds.length === 0) return [];
  return completionsQuery(db).where('c.assignment_id', 'in', assignmentIds).orderBy('c.recorded_at', 'desc').execute();
}

export async function completionsAwaitingVerification(db: Executor, limit = 500): Promise<CompletionWithPartner[]> {
  return completionsQuery(db).where('c.status', '=', 'submitted').orderBy('c.recorded_at').limit(limit).execute();
}

export async function certificateOf(db: Executor, id: string) {
  return db
    .selectFrom('training_completions as c')
    .innerJoin('training_assignments as a', 'a.id', 'c.assignment_id')
    .select(['c.certificate', 'c.certificate_type', 'c.certificate_name', 'a.partner_id'])
    .where('c.id', '=', id)
    .executeTakeFirst();
}

/** Verifies or rejects evidence still awaiting it; the loser of a race gets nothing back. */
export async function reviewCompletion(
  db: Executor,
  id: string,
  version: number,
  values: { status: 'verified' | 'rejected'; review_reason: string | null; reviewed_by: string; reviewed_at: Date },
) {
  return db
    .updateTable('training_completions')
    .set((eb) => ({ ...values, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'submitted')
    .returning(['id', 'assignment_id', 'status'])
    .executeTakeFirst();
}

/** The latest completion that still counts (not rejected) of an assignment. */
export async function latestValidCompletion(db: Executor, assignmentId: string) {
  return db
    .selectFrom('training_completions')
    .select(['id', 'completed_at', 'course_id'])
    .where('assignment_id', '=', assignmentId)
    .where('status', '!=', 'rejected')
    .orderBy('recorded_at', 'desc')
    .executeTakeFirst();
}

/** Open assignments of current key personnel with this email, across partners (learning systems know only the email). */
export async function openAssignmentsByEmail(
  db: Executor,
  email: string,
): Promise<{ id: string; partner_id: string }[]> {
  return db
    .selectFrom('training_assignments as t')
    .innerJoin('key_personnel as k', 'k.id', 't.key_person_id')
    .select(['t.id', 't.partner_id'])
    .where(sql<boolean>`lower(k.email) = lower(${email.trim()})`)
    .where('k.removed_at', 'is', null)
    .where('t.ended_at', 'is', null)
    .where('t.completed_at', 'is', null)
    .execute();
}

/** The partner's users (anyone holding a role in it): the colleagues a partner admin may designate. */
export async function colleagues(
  db: Executor,
  partnerId: string,
): Promise<{ id: string; name: string; email: string }[]> {
  return db
    .selectFrom('users as u')
    .select(['u.id', 'u.name', 'u.email'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_roles as r')
          .select('r.user_id')
          .whereRef('r.user_id', '=', 'u.id')
          .where('r.organisation_id', '=', partnerId),
      ),
    )
    .orderBy('u.name')
    .execute();
}
