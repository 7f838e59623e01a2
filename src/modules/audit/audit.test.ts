import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import type { AppContext } from '../../platform/context.ts';
import { exportAuditCsv, recordAudit, verifyAuditChain, SYSTEM_ACTOR } from './audit.service.ts';
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
    const rows = await t.db.selectFrom('audit_log').select(['id', 'prev_hash', 'hash']).orderBy('id').execute();
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(await verifyAuditChain(t.db, 2)).toEqual({ ok: true, checked: rows.length });
  });

  it('X-4: keeps a valid chain when many transactions append at once', async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => t.db.transaction().execute((trx) => recordAudit(trx, entry(100 + i)))),
    );
    const verdict = await verifyAuditChain(t.db);
    expect(verdict.ok).toBe(true);
  });

  it('X-4: the database refuses to update or delete an audit row (append-only)', async () => {
    await expect(sql`UPDATE audit_log SET action = 'forged'`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
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
