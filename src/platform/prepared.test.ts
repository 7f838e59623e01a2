import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { createDb, type Db, type Executor } from './db.ts';

// Decision 071: what the server holds prepared is only visible on a PostgreSQL server.
const server = !!process.env.TEST_DATABASE_URL;

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

/** A pool of one connection, so that every query below meets the statements of the ones before. */
async function withOneConnection<T>(preparedStatements: number, use: (db: Db) => Promise<T>): Promise<T> {
  const db = createDb({ url: t.url!, poolSize: 1, preparedStatements });
  try {
    return await use(db);
  } finally {
    await db.destroy();
  }
}

/**
 * The statements this connection holds prepared that createDb named (not queryPrepared's). This
 * query is one of them, and the statement it pushed out is closed only when it is done: a bound
 * of N shows at most N + 1 here.
 */
const preparedOn = async (db: Db) =>
  (
    await sql<{
      statement: string;
    }>`SELECT statement FROM pg_prepared_statements WHERE name LIKE 'pp\\_%' ORDER BY prepare_time`.execute(db)
  ).rows.map((r) => r.statement);

const ids = (n: number) =>
  Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

describe('named prepared statements (decision 071)', () => {
  it.skipIf(!server)('#15: prepares a query once per connection and answers the same as unnamed', async () => {
    const query = (name: string) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM organisations WHERE name = ${name}`;
    await t.db.insertInto('organisations').values({ kind: 'partner', name: 'Prepared Ltd' }).execute();
    const named = await withOneConnection(200, async (db) => {
      const answers = [];
      for (const name of ['Prepared Ltd', 'Nobody Ltd', 'Prepared Ltd'])
        answers.push((await query(name).execute(db)).rows[0]!.n);
      const texts = await preparedOn(db);
      return { answers, prepared: texts.filter((s) => s.includes('FROM organisations WHERE name')).length };
    });
    const unnamed = await withOneConnection(0, async (db) => ({
      answers: [(await query('Prepared Ltd').execute(db)).rows[0]!.n],
      prepared: (await preparedOn(db)).length,
    }));
    expect(named).toEqual({ answers: [1, 0, 1], prepared: 1 });
    // DATABASE_PREPARED_STATEMENTS=0 (a pooler in transaction mode): nothing is left on the server.
    expect(unnamed).toEqual({ answers: [1], prepared: 0 });
  });

  it.skipIf(!server)(
    '#15: a text of several statements runs as before (unnamed), one with parameters is named',
    async () => {
      const prepared = await withOneConnection(200, async (db) => {
        await sql.raw('CREATE TEMP TABLE several (n int); INSERT INTO several VALUES (1), (2)').execute(db);
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM several WHERE n > ${0}`.execute(db);
        expect(rows).toEqual([{ n: 2 }]);
        return preparedOn(db);
      });
      expect(prepared.some((s) => s.includes('CREATE TEMP TABLE'))).toBe(false);
      expect(prepared.some((s) => s.includes('FROM several'))).toBe(true);
    },
  );

  it.skipIf(!server)('#15: keeps at most the bound per connection, the least recently used closed first', async () => {
    const texts = await withOneConnection(3, async (db) => {
      const hot = () => sql`SELECT 1 AS hot`.execute(db);
      await hot();
      // IN lists of ten lengths: ten texts, where the bound is three.
      for (let n = 1; n <= 10; n += 1) {
        await db.selectFrom('organisations').select('id').where('id', 'in', ids(n)).execute();
        await hot();
      }
      return preparedOn(db);
    });
    expect(texts.length).toBeLessThanOrEqual(3 + 1);
    // The statement used all along stayed; the oldest IN lists were closed.
    expect(texts).toContain('SELECT 1 AS hot');
    expect(texts.some((s) => s.includes('$10)'))).toBe(true);
    expect(texts.some((s) => s.includes('in ($1)'))).toBe(false);
  });

  it.skipIf(!server)(
    '#15: a table that gained a column under a prepared SELECT * is read again, not an error',
    async () => {
      await sql`CREATE TABLE prepared_probe (a int)`.execute(t.db);
      await sql`INSERT INTO prepared_probe VALUES (1)`.execute(t.db);
      const rows = await withOneConnection(200, async (db) => {
        const read = () =>
          db
            .selectFrom('prepared_probe' as never)
            .selectAll()
            .execute();
        const before = await read();
        await sql`ALTER TABLE prepared_probe ADD COLUMN b int DEFAULT 2`.execute(db);
        return { before, after: await read() };
      });
      expect(rows).toEqual({ before: [{ a: 1 }], after: [{ a: 1, b: 2 }] });
    },
  );

  it.skipIf(!server)(
    '#15: a transaction keeps its meaning: rolled back with named statements, evictions after it',
    async () => {
      const names = await withOneConnection(2, async (db) => {
        const insert = (executor: Executor, name: string) =>
          executor.insertInto('organisations').values({ kind: 'partner', name }).execute();
        await insert(db, 'Before Rollback Ltd');
        // The same text inside a transaction that fails: a statement evicted in it (the bound is two)
        // cannot be closed in an aborted transaction, and is closed after it.
        const failed = await db
          .transaction()
          .execute(async (trx) => {
            await insert(trx, 'Rolled Back Ltd');
            await sql`SELECT 1 AS first_other`.execute(trx);
            await sql`SELECT 1 / 0 AS broken`.execute(trx);
          })
          .catch((error: Error) => error.message);
        expect(failed).toMatch(/division by zero/);
        const rows = await db
          .selectFrom('organisations')
          .select('name')
          .where('name', 'in', ['Before Rollback Ltd', 'Rolled Back Ltd'])
          .execute();
        expect((await preparedOn(db)).length).toBeLessThanOrEqual(2 + 1);
        return rows.map((r) => r.name);
      });
      expect(names).toEqual(['Before Rollback Ltd']);
    },
  );
});
