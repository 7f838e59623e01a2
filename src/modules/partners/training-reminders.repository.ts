import { sql } from 'kysely';

import type { Executor, Trx } from '../../platform/db.ts';

import type { ReminderThreshold } from './training.table.ts';

// REG-10: the training reminders' and recertification jobs' queries (training-jobs.service.ts).

/**
 * Open assignments of current key personnel of registered partners due by `horizon`, less those
 * that already had their last (overdue) reminder: what is left is bounded by the horizon.
 */
export async function reminderCandidates(db: Executor, horizon: Date): Promise<{ id: string; due_at: Date }[]> {
  return db
    .selectFrom('training_assignments as t')
    .innerJoin('partners as p', 'p.organisation_id', 't.partner_id')
    .select(['t.id', 't.due_at'])
    .where('t.completed_at', 'is', null)
    .where('t.ended_at', 'is', null)
    .where('p.status', '=', 'registered')
    .where('t.due_at', '<=', horizon)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('training_reminders as r')
            .select('r.assignment_id')
            .whereRef('r.assignment_id', '=', 't.id')
            .where('r.threshold', '=', 'overdue'),
        ),
      ),
    )
    .orderBy('t.due_at')
    .execute();
}

export async function sentReminders(db: Executor, assignmentIds: readonly string[]): Promise<Set<string>> {
  if (assignmentIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('training_reminders')
    .select(['assignment_id', 'threshold'])
    .where('assignment_id', 'in', assignmentIds)
    .execute();
  return new Set(rows.map((r) => `${r.assignment_id}:${r.threshold}`));
}

/** Claims the (assignment, threshold) reminder; false when another run already did. */
export async function claimReminder(
  trx: Trx,
  assignmentId: string,
  threshold: ReminderThreshold,
  at: Date,
): Promise<boolean> {
  const row = await trx
    .insertInto('training_reminders')
    .values({ assignment_id: assignmentId, threshold, sent_at: at })
    .onConflict((oc) => oc.columns(['assignment_id', 'threshold']).doNothing())
    .returning('assignment_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** What a reminder email needs, read in the claiming transaction. */
export async function reminderFacts(trx: Trx, id: string) {
  return (
    trx
      .selectFrom('training_assignments as t')
      .innerJoin('partners as p', 'p.organisation_id', 't.partner_id')
      // the person's own language when they have an account, else English.
      .leftJoin('users as u', (join) => join.on(sql`lower(u.email)`, '=', sql`lower(t.person_email)`))
      .select([
        't.id',
        't.partner_id',
        't.person_name',
        't.person_email',
        't.due_at',
        't.completed_at',
        't.ended_at',
        'p.legal_name',
        'u.language',
      ])
      .where('t.id', '=', id)
      .executeTakeFirst()
  );
}

export async function partnerAdmins(
  db: Executor,
  partnerId: string,
): Promise<{ email: string; name: string; language: string }[]> {
  return db
    .selectFrom('users as u')
    .innerJoin('user_roles as r', 'r.user_id', 'u.id')
    .select(['u.email', 'u.name', 'u.language'])
    .distinct()
    .where('r.organisation_id', '=', partnerId)
    .where('r.role', '=', 'partner_admin')
    .execute();
}

/** Completed current assignments with no next period yet (one per current key person at most), with the validity of the completion's course. */
export async function recertificationCandidates(db: Executor) {
  const result = await sql<{
    id: string;
    partner_id: string;
    key_person_id: string;
    person_name: string;
    person_email: string;
    person_role: string | null;
    completed_at: Date;
    validity_months: number;
  }>`
      SELECT t.id, t.partner_id, t.key_person_id, t.person_name, t.person_email, t.person_role, c.completed_at,
             coalesce(co.validity_months, 12) AS validity_months
      FROM training_assignments t
      JOIN key_personnel k ON k.id = t.key_person_id AND k.removed_at IS NULL
      JOIN LATERAL (SELECT * FROM training_completions tc WHERE tc.assignment_id = t.id AND tc.status <> 'rejected'
                    ORDER BY tc.recorded_at DESC LIMIT 1) c ON true
      LEFT JOIN training_courses co ON co.id = c.course_id
      WHERE t.completed_at IS NOT NULL AND t.ended_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM training_assignments n WHERE n.previous_id = t.id)`.execute(db);
  return result.rows;
}
