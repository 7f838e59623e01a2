import { sql } from 'kysely';
import type { Executor } from '../../platform/db.ts';

export interface NewMessage {
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  language: string;
  template: string;
  sender?: string | null;
}

export async function insertMessage(trx: Executor, message: NewMessage): Promise<number> {
  const { id } = await trx.insertInto('outbox').values(message).returning('id').executeTakeFirstOrThrow();
  return id;
}

/**
 * Claims up to `limit` due messages for one worker. SKIP LOCKED lets several processes drain
 * the same outbox without taking the same message; the lease lets another worker retry a
 * message whose worker died mid-delivery.
 */
export async function claimDue(db: Executor, limit: number, leaseMs: number) {
  const result = await sql<{
    id: number;
    recipient: string;
    subject: string;
    text_body: string;
    html_body: string;
    attempts: number;
    sender: string | null;
  }>`
    UPDATE outbox SET locked_until = now() + make_interval(secs => ${leaseMs / 1000}), attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM outbox
      WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
      ORDER BY id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, recipient, subject, text_body, html_body, attempts, sender`.execute(db);
  return result.rows;
}

/** Marks a message delivered; `bodies`, when given, replace the stored ones (redacted links). */
export async function markSent(
  db: Executor,
  id: number,
  transport: string,
  bodies?: { text_body: string; html_body: string },
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'sent', sent_at: new Date(), locked_until: null, last_error: null, transport, ...bodies })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

export async function markAttemptFailed(
  db: Executor,
  id: number,
  error: string,
  next: { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' },
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: next.status,
      last_error: error.slice(0, 2000),
      locked_until: null,
      ...(next.status === 'pending' ? { next_attempt_at: next.nextAttemptAt } : {}),
    })
    .where('id', '=', id)
    // A worker whose lease ran out must not undo another worker's delivery.
    .where('status', '=', 'pending')
    .execute();
}

export async function listMessages(db: Executor, limit: number) {
  return db
    .selectFrom('outbox')
    .select(['id', 'recipient', 'subject', 'status', 'created_at', 'sent_at', 'language', 'template'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function findMessage(db: Executor, id: number) {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function messagesTo(db: Executor, recipient: string) {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where(sql`lower(recipient)`, '=', recipient.toLowerCase())
    .orderBy('id')
    .execute();
}
