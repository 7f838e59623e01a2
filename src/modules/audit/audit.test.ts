import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import type { AppContext } from '../../platform/context.ts';
import { createDb } from '../../platform/db.ts';
import { chainPendingAudit, exportAuditCsv, recordAudit, verifyAuditChain, SYSTEM_ACTOR } from './audit.service.ts';
import { canonicalJson, chainHash, GENESIS_HASH, neutraliseCsvCell } from './audit.rules.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

const entry = (n: number) => ({
  actor: SYSTEM_ACTOR,
  action: 'test.event',
  subject: { type: 'thing', id: String(n) },
  data: { n, nested: { b: 2, a: 1 } },
});

describe('X-4 audit log', () => {
  it('X-4: serialises facts canonically, whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    const facts = {
      occurredAt: new Date(0),
      actorUserId: null,
      actorLabel: 'x',
      action: 'a',
      subjectType: 's',
      subjectId: '1',
      organisationId: null,
      ip: null,
      data: { a: 1, b: 2 },
    };
    expect(chainHash(GENESIS_HASH, facts)).toBe(chainHash(GENESIS_HASH, { ...facts, data: { b: 2, a: 1 } }));
    expect(chainHash(GENESIS_HASH, facts)).not.toBe(chainHash(GENESIS_HASH, { ...facts, data: { a: 1, b: 3 } }));
  });

  it('X-4: links each row to the previous one and verifies the whole chain', async () => {
    for (let n = 1; n <= 5; n++) await t.db.transaction().execute((trx) => recordAudit(trx, entry(n)));
    expect(await chainPendingAudit(t.db)).toBe(5);
    const links = await t.db
      .selectFrom('audit_chain')
      .select(['audit_id', 'prev_hash', 'hash'])
      .orderBy('position')
      .execute();
    const ids = await t.db.selectFrom('audit_log').select('id').orderBy('id').execute();
    expect(links.map((l) => l.audit_id)).toEqual(ids.map((r) => r.id));
    expect(links[0]!.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < links.length; i++) expect(links[i]!.prev_hash).toBe(links[i - 1]!.hash);
    expect(await verifyAuditChain(t.db, 2)).toEqual({ ok: true, checked: links.length });
  });

  it('X-4: keeps a valid chain when many transactions append at once', async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => t.db.transaction().execute((trx) => recordAudit(trx, entry(100 + i)))),
    );
    const verdict = await verifyAuditChain(t.db);
    expect(verdict.ok).toBe(true);
  });

  it('X-4: the database refuses to update or delete an audit row or a link of the chain (append-only)', async () => {
    await expect(sql`UPDATE audit_log SET action = 'forged'`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
    await chainPendingAudit(t.db);
    await expect(sql`UPDATE audit_chain SET hash = 'forged'`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_chain`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_chain CASCADE`.execute(t.db)).rejects.toThrow(/append-only/);
  });

  it('X-4: an audit row rolls back with the change it records', async () => {
    const before = await t.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await expect(
      t.db.transaction().execute(async (trx) => {
        await recordAudit(trx, entry(999));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const after = await t.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('X-4: reports the first broken link when a row is tampered with', async () => {
    const target = await t.db
      .selectFrom('audit_log')
      .select('id')
      .orderBy('id')
      .offset(2)
      .limit(1)
      .executeTakeFirstOrThrow();
    // Someone with database access bypasses the trigger and edits history.
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(t.db);
    await sql`UPDATE audit_log SET data = '{"n": 42}'::jsonb WHERE id = ${target.id}`.execute(t.db);
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`.execute(t.db);
    const verdict = await verifyAuditChain(t.db, 2);
    expect(verdict).toMatchObject({ ok: false, brokenAtId: target.id, reason: 'hash_mismatch', checked: 2 });
  });
});

describe('#15 audit chain built after commit', () => {
  let c: TestDatabase;
  beforeAll(async () => {
    c = await createTestDatabase();
  });
  afterAll(() => c.destroy());
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const positions = async () =>
    new Map(
      (
        await c.db
          .selectFrom('audit_chain as l')
          .innerJoin('audit_log as a', 'a.id', 'l.audit_id')
          .select(['l.position', 'a.subject_id'])
          .execute()
      ).map((r) => [r.subject_id, r.position]),
    );

  it('#15: concurrent transactions appending audit rows leave a chain that verifies, every row linked once, each after every transaction that committed before it was written', async () => {
    // Each transaction appends two rows with a pause between them (other transactions interleave
    // on PostgreSQL), then commits; commits are one at a time so their order is known. Rows are
    // linked all along, as the servers' chainers do.
    const commits: { subjects: string[]; at: number }[] = [];
    const written = new Map<string, number>();
    let clock = 0;
    let committing = Promise.resolve();
    let running = true;
    // Two chainers, as two server processes on one database run, each with its own connections
    // (on PostgreSQL), so that they link between the commits rather than after them.
    const chainerDbs = [1, 2].map(() => (c.url ? createDb({ url: c.url, poolSize: 1 }) : c.db));
    const chainers = chainerDbs.map(async (db) => {
      while (running) {
        await chainPendingAudit(db, 3);
        await sleep(1);
      }
    });
    await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        await sleep(i % 4);
        const trx = await c.db.startTransaction().execute();
        const subjects = [`w${i}.first`, `w${i}.second`];
        for (const subject of subjects) {
          written.set(subject, (clock += 1));
          await recordAudit(trx, { ...entry(i), subject: { type: 'concurrency', id: subject } });
          await sleep(((i * 7) % 5) * 4);
        }
        const turn = committing.then(async () => {
          await trx.commit().execute();
          commits.push({ subjects, at: (clock += 1) });
          // A moment between commits, in which the chainers link.
          await sleep(3);
        });
        committing = turn;
        await turn;
      }),
    );
    running = false;
    await Promise.all(chainers);
    if (c.url) await Promise.all(chainerDbs.map((db) => db.destroy()));
    expect(await verifyAuditChain(c.db)).toMatchObject({ ok: true });
    const position = await positions();
    expect([...written.keys()].every((s) => position.has(s))).toBe(true);
    expect(await c.db.selectFrom('audit_unchained').selectAll().execute()).toEqual([]);
    // A row written after a transaction committed comes after every row of that transaction.
    for (const commit of commits)
      for (const [subject, at] of written)
        if (at > commit.at)
          for (const earlier of commit.subjects) expect(position.get(subject)!).toBeGreaterThan(position.get(earlier)!);
  });

  it.skipIf(process.env.TEST_DATABASE_URL === undefined)(
    '#15 (PostgreSQL): a row with a lower id that commits later is linked after the rows committed before it, and the chain verifies',
    async () => {
      // PGlite has one session: two transactions never overlap there, so this cannot happen.
      const slow = await c.db.startTransaction().execute();
      await recordAudit(slow, { ...entry(1), subject: { type: 'concurrency', id: 'slow' } });
      // Under the old design this transaction would wait for the slow one's chain lock: a deadlock.
      await c.db
        .transaction()
        .execute((trx) => recordAudit(trx, { ...entry(2), subject: { type: 'concurrency', id: 'quick' } }));
      expect(await chainPendingAudit(c.db)).toBe(1);
      await slow.commit().execute();
      expect(await chainPendingAudit(c.db)).toBe(1);
      const ids = new Map(
        (
          await c.db
            .selectFrom('audit_log')
            .select(['id', 'subject_id'])
            .where('subject_type', '=', 'concurrency')
            .execute()
        ).map((r) => [r.subject_id, r.id]),
      );
      expect(ids.get('slow')!).toBeLessThan(ids.get('quick')!);
      const position = await positions();
      expect(position.get('slow')!).toBeGreaterThan(position.get('quick')!);
      expect(await verifyAuditChain(c.db)).toMatchObject({ ok: true });
    },
  );

  it('#15: rows a process committed but never linked (it was killed) are linked by the next pass, and verify covers them', async () => {
    await c.db.transaction().execute(async (trx) => {
      await recordAudit(trx, { ...entry(3), subject: { type: 'crash', id: 'queued-1' } });
      await recordAudit(trx, { ...entry(4), subject: { type: 'crash', id: 'queued-2' } });
    });
    expect(await c.db.selectFrom('audit_unchained').select('audit_id').execute()).toHaveLength(2);
    const total = await c.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(await verifyAuditChain(c.db)).toEqual({ ok: true, checked: Number(total.n) });
    expect(await c.db.selectFrom('audit_unchained').select('audit_id').execute()).toEqual([]);
  });

  it("#15: a row whose link was removed behind the application's back is reported", async () => {
    await c.db
      .transaction()
      .execute((trx) => recordAudit(trx, { ...entry(5), subject: { type: 'tamper', id: 'newest' } }));
    await chainPendingAudit(c.db);
    const newest = await c.db
      .selectFrom('audit_chain')
      .select(['position', 'audit_id'])
      .orderBy('position', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    // Dropping the newest link leaves no broken link behind it; the row itself gives it away.
    await sql`ALTER TABLE audit_chain DISABLE TRIGGER audit_chain_no_update`.execute(c.db);
    await sql`DELETE FROM audit_chain WHERE position = ${newest.position}`.execute(c.db);
    await sql`ALTER TABLE audit_chain ENABLE TRIGGER audit_chain_no_update`.execute(c.db);
    expect(await verifyAuditChain(c.db)).toMatchObject({ ok: false, brokenAtId: newest.audit_id, reason: 'unlinked' });
  });
});

describe('X-4 audit CSV export', () => {
  it('issue #10: neutralises cells a spreadsheet would run as formulas', async () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', 'plain', '1=1'].map(neutraliseCsvCell)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
      'plain',
      '1=1',
    ]);
    await t.db.transaction().execute((trx) =>
      recordAudit(trx, {
        actor: { userId: null, label: '=HYPERLINK("http://evil.example","click")' },
        action: 'csv.formula',
        subject: { type: 'thing', id: '@cmd' },
        data: { note: '+1' },
      }),
    );
    const staff = {
      userId: '00000000-0000-4000-8000-000000000001',
      email: 's@x.example',
      name: 'S',
      language: 'en' as const,
      emailVerified: true,
      grants: [{ role: 'staff_reviewer' as const, organisationId: null }],
    };
    const csv = await exportAuditCsv({ db: t.db } as AppContext, staff, { action: 'csv.formula' });
    const row = csv.split('\n')[1]!;
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(row).toContain(",'@cmd,");
    expect(row).not.toMatch(/,[=+\-@]/);
  });
});
