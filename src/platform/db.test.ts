import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

const countOrgs = async (name: string) =>
  Number(
    (
      await t.db
        .selectFrom('organisations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('name', '=', name)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('database', () => {
  it('X-6: isolates a transaction from queries other requests make meanwhile', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const didInsert = new Promise<void>((resolve) => (inserted = resolve));
    const rolledBack = t.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('organisations').values({ kind: 'partner', name: 'Uncommitted Ltd' }).execute();
        inserted();
        await hold;
        throw new Error('roll back');
      })
      .catch((e: Error) => e.message);

    await didInsert;
    // Another request writes and reads while the transaction is open…
    const outside = t.db.insertInto('organisations').values({ kind: 'partner', name: 'Committed Ltd' }).execute();
    const seen = countOrgs('Uncommitted Ltd');
    release();
    expect(await rolledBack).toBe('roll back');
    await outside;
    // …and neither sees the uncommitted row nor loses its own write to the rollback.
    expect(await seen).toBe(0);
    expect(await countOrgs('Uncommitted Ltd')).toBe(0);
    expect(await countOrgs('Committed Ltd')).toBe(1);
  });

  it('X-6: accepts the same SQL on both engines', async () => {
    const { rows } = await sql<{ version: string }>`SELECT current_setting('server_version') AS version`.execute(t.db);
    expect(Number(rows[0]!.version.split('.')[0])).toBeGreaterThanOrEqual(15);
  });
});
