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
}

/** One statement, no lock: the row's trigger queues it for the chainer (decision 068). */
export async function insertRow(trx: Executor, row: NewAuditRow): Promise<void> {
  await trx.insertInto('audit_log').values(row).execute();
}

export async function anyUnchained(db: Executor): Promise<boolean> {
  const row = await db.selectFrom('audit_unchained').select('audit_id').limit(1).executeTakeFirst();
  return row !== undefined;
}

// One chainer at a time extends the chain, across every process sharing the database: the lock
// is held until the chainer's transaction ends.
export async function lockChain(trx: Executor): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(7245001)`.execute(trx);
}

export async function chainTip(trx: Executor): Promise<{ position: number; hash: string } | undefined> {
  return trx
    .selectFrom('audit_chain')
    .select(['position', 'hash'])
    .orderBy('position', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Takes up to `limit` queued rows, lowest id first, out of the queue and returns their facts.
 * Only committed rows are visible, so a row whose transaction commits later is taken by a later
 * pass. A queued row that is somehow linked already is dropped from the queue, not linked twice.
 */
export async function takeUnchained(trx: Executor, limit: number) {
  return trx
    .with('taken', (db) =>
      db
        .deleteFrom('audit_unchained')
        .where('audit_id', 'in', (eb) =>
          eb.selectFrom('audit_unchained').select('audit_id').orderBy('audit_id').limit(limit),
        )
        .returning('audit_id'),
    )
    .selectFrom('audit_log as a')
    .innerJoin('taken', 'taken.audit_id', 'a.id')
    .selectAll('a')
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('audit_chain as c').select('c.audit_id').whereRef('c.audit_id', '=', 'a.id'))),
    )
    .orderBy('a.id')
    .execute();
}

export async function appendLinks(
  trx: Executor,
  links: { position: number; audit_id: number; prev_hash: string; hash: string }[],
) {
  if (links.length > 0) await trx.insertInto('audit_chain').values(links).execute();
}

/** The links after `afterPosition`, in chain order, each with the facts of its row. */
export async function linksAfter(db: Executor, afterPosition: number, limit: number) {
  return db
    .selectFrom('audit_chain as c')
    .innerJoin('audit_log as a', 'a.id', 'c.audit_id')
    .selectAll('a')
    .select(['c.position', 'c.prev_hash', 'c.hash'])
    .where('c.position', '>', afterPosition)
    .orderBy('c.position')
    .limit(limit)
    .execute();
}

/**
 * The lowest id of an audit row that is neither linked nor queued: a link or a queue entry
 * was removed behind the application's back. One statement, so one snapshot: the chainer moves a
 * row from the queue to the chain in one transaction, and every committed row is in one of them.
 */
export async function firstUnaccounted(db: Executor): Promise<number | undefined> {
  const row = await db
    .selectFrom('audit_log as a')
    .select('a.id')
    .where((eb) =>
      eb.and([
        eb.not(eb.exists(eb.selectFrom('audit_chain as c').select('c.audit_id').whereRef('c.audit_id', '=', 'a.id'))),
        eb.not(
          eb.exists(eb.selectFrom('audit_unchained as q').select('q.audit_id').whereRef('q.audit_id', '=', 'a.id')),
        ),
      ]),
    )
    .orderBy('a.id')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
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

/** Linked rows only, each with its hash, newest first. */
export async function findRows(db: Executor, filter: AuditFilter, limit = 100) {
  let query = db
    .selectFrom('audit_log as a')
    .innerJoin('audit_chain as c', 'c.audit_id', 'a.id')
    .selectAll('a')
    .select('c.hash')
    .orderBy('a.id', 'desc')
    .limit(limit);
  if (filter.subjectType) query = query.where('a.subject_type', '=', filter.subjectType);
  if (filter.subjectId) query = query.where('a.subject_id', '=', filter.subjectId);
  if (filter.organisationId) query = query.where('a.organisation_id', '=', filter.organisationId);
  if (filter.actorUserId) query = query.where('a.actor_user_id', '=', filter.actorUserId);
  if (filter.action) query = query.where('a.action', '=', filter.action);
  if (filter.from) query = query.where('a.occurred_at', '>=', filter.from);
  if (filter.to) query = query.where('a.occurred_at', '<', filter.to);
  return query.execute();
}
