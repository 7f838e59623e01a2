import { sql } from 'kysely';
import type { Executor } from '../../platform/db.ts';

export interface NewAuditRow {
  occurred_at: Date;
  actor_user_id: string | null;
  actor_label: string;
  action: string;
  subject_type: string;
  subject_id: string;
  organisation_id: string | null;
  ip: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

// One writer at a time extends the chain, across every process sharing the database: the
// lock is held until the surrounding transaction ends.
export async function lockChain(trx: Executor): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(7245001)`.execute(trx);
}

export async function lastHash(trx: Executor): Promise<string | undefined> {
  const row = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.hash;
}

export async function insertRow(trx: Executor, row: NewAuditRow): Promise<number> {
  const { id } = await trx.insertInto('audit_log').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function rowsAfter(db: Executor, afterId: number, limit: number) {
  return db.selectFrom('audit_log').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
}

export interface AuditFilter {
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  organisationId?: string | undefined;
  actorUserId?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export async function findRows(db: Executor, filter: AuditFilter, limit = 100) {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit);
  if (filter.subjectType) query = query.where('subject_type', '=', filter.subjectType);
  if (filter.subjectId) query = query.where('subject_id', '=', filter.subjectId);
  if (filter.organisationId) query = query.where('organisation_id', '=', filter.organisationId);
  if (filter.actorUserId) query = query.where('actor_user_id', '=', filter.actorUserId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.from) query = query.where('occurred_at', '>=', filter.from);
  if (filter.to) query = query.where('occurred_at', '<', filter.to);
  return query.execute();
}
