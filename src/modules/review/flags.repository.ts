import { sql } from 'kysely';
import type { Executor, Trx } from '../../platform/db.ts';
import type { FindingKey, Verdict } from './flags.rules.ts';

// REG-7, REG-8 (#11): reviewers' verdicts on flags and the figures of the dashboard's flag table.

export async function verdictsOf(db: Executor, applicationId: string) {
  return db
    .selectFrom('finding_feedback as f')
    .innerJoin('users as u', 'u.id', 'f.reviewer_id')
    .select(['f.rule', 'f.code', 'f.field', 'f.verdict', 'f.note', 'f.at', 'u.name as reviewer_name'])
    .where('f.application_id', '=', applicationId)
    .execute();
}

export async function lockVerdict(trx: Trx, applicationId: string, key: FindingKey) {
  return trx
    .selectFrom('finding_feedback')
    .select(['verdict', 'note'])
    .where('application_id', '=', applicationId)
    .where('rule', '=', key.rule)
    .where('code', '=', key.code)
    .where('field', '=', key.field)
    .forUpdate()
    .executeTakeFirst();
}

export async function upsertVerdict(
  db: Executor,
  row: { applicationId: string; key: FindingKey; verdict: Verdict; reviewerId: string; note: string | null; at: Date },
): Promise<void> {
  const values = { verdict: row.verdict, reviewer_id: row.reviewerId, note: row.note, at: row.at };
  await db
    .insertInto('finding_feedback')
    .values({ application_id: row.applicationId, ...row.key, ...values })
    .onConflict((oc) => oc.columns(['application_id', 'rule', 'code', 'field']).doUpdateSet(values))
    .execute();
}

/** Review findings of every application's latest submission, by code. */
export async function flagCountsByCode(db: Executor): Promise<{ code: string; n: number }[]> {
  const result = await sql<{ code: string; n: number }>`SELECT f->>'code' AS code, count(*)::int AS n
      FROM application_submissions s, jsonb_array_elements(s.findings) f
      WHERE f->>'outcome' = 'review'
        AND s.sequence = (SELECT max(sequence) FROM application_submissions WHERE application_id = s.application_id)
      GROUP BY 1`.execute(db);
  return result.rows;
}

export async function verdictCountsByCode(db: Executor): Promise<{ code: string; verdict: string; n: number }[]> {
  return db
    .selectFrom('finding_feedback')
    .select(['code', 'verdict', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['code', 'verdict'])
    .execute();
}
