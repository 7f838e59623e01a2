import { sql } from 'kysely';
import { queryPrepared, type Executor } from './db.ts';

export interface Hit {
  /** Hits in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends. */
  ttlMs: number;
}

/**
 * Counts one hit for `key` and answers the count in its window, in one statement (one round
 * trip): a new key, or one whose window has ended, starts a window of `windowMs` at 1; any other
 * hit adds 1. Concurrent hits on the same key queue on its row lock, so every process sharing
 * the database counts each of them once. The clock is the database's, the one all processes share.
 */
export async function recordHit(db: Executor, key: string, windowMs: number): Promise<Hit> {
  const [row] = await queryPrepared(
    db,
    'rate_limit_hit',
    sql<{ count: number; ttl_ms: number }>`
      INSERT INTO rate_limit_hits AS h (key, count, expires_at)
      VALUES (${key}, 1, now() + ${windowMs}::integer * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN h.expires_at <= now() THEN 1 ELSE h.count + 1 END,
        expires_at = CASE WHEN h.expires_at <= now() THEN excluded.expires_at ELSE h.expires_at END
      RETURNING count, ceil(extract(epoch FROM expires_at - now()) * 1000)::integer AS ttl_ms`,
  );
  return { count: row!.count, ttlMs: row!.ttl_ms };
}

/**
 * Deletes up to `limit` rows whose window has ended; answers how many. A key hit again later
 * simply starts a new row.
 */
export async function deleteEndedWindows(db: Executor, limit: number): Promise<number> {
  const result = await sql`
    DELETE FROM rate_limit_hits
    WHERE key IN (SELECT key FROM rate_limit_hits WHERE expires_at <= now() LIMIT ${limit})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
