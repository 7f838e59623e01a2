import { sql } from 'kysely';
import type { Db } from '../../../src/platform/db.ts';

/**
 * Counts the rows every committed statement writes, per table, so a test can tell whether a
 * request wrote anything. Row triggers on every table (listed from information_schema, so a new
 * table is covered) add one to a counter in the same transaction: a rolled-back write leaves no
 * count, a committed one always does, and reading the counters is one small query — cheaper and
 * more exact than fingerprinting every table before and after each request. Test databases only.
 */
export interface WriteCounter {
  /** The total number of rows written so far. */
  total(): Promise<number>;
  /** Table → rows written, for a failure message. */
  byTable(): Promise<Map<string, number>>;
}

export async function countWrites(
  db: Db,
  options: {
    /** Tables a refused request may write by design: throttle and rate-limit counters. */
    skipTables: string[];
    /** audit_log actions a refused request may write by design: audited failures. */
    allowedAuditActions: string[];
  },
): Promise<WriteCounter> {
  const tables = (
    await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(db)
  ).rows
    .map((r) => r.table_name)
    .filter((t) => !options.skipTables.includes(t) && !t.startsWith('kysely_'));
  await sql`CREATE TABLE fuzz_writes (table_name text PRIMARY KEY, n bigint NOT NULL)`.execute(db);
  await sql`
    CREATE FUNCTION fuzz_count_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO fuzz_writes VALUES (TG_TABLE_NAME, 1)
        ON CONFLICT (table_name) DO UPDATE SET n = fuzz_writes.n + 1;
      RETURN NULL;
    END $$`.execute(db);
  const allowed = options.allowedAuditActions.map((a) => `'${a.replaceAll("'", "''")}'`).join(', ');
  for (const table of tables) {
    const when =
      table === 'audit_log' && allowed
        ? `AFTER INSERT ON audit_log FOR EACH ROW WHEN (NEW.action NOT IN (${allowed}))`
        : `AFTER INSERT OR UPDATE OR DELETE ON "${table}" FOR EACH ROW`;
    await sql.raw(`CREATE TRIGGER fuzz_count_write ${when} EXECUTE FUNCTION fuzz_count_write()`).execute(db);
  }
  return {
    async total() {
      const row = (await sql<{ n: string | number | null }>`SELECT sum(n) AS n FROM fuzz_writes`.execute(db)).rows[0];
      return Number(row?.n ?? 0);
    },
    async byTable() {
      const rows = (
        await sql<{ table_name: string; n: string | number }>`SELECT table_name, n FROM fuzz_writes`.execute(db)
      ).rows;
      return new Map(rows.map((r) => [r.table_name, Number(r.n)]));
    },
  };
}
