import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../test/helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { adminQuery, withDatabase } from '../../test/helpers/global-setup.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { verifyAuditChain } from '../modules/audit/index.ts';
import { backupEmbedded, restoreEmbedded } from './backup.ts';
import { createDb, type Db } from './db.ts';
import { EmbeddedDataDirError } from './embedded.ts';

const run = promisify(execFile);

/** Rows in every table of the public schema, by table name. */
async function rowCounts(db: Db): Promise<Record<string, number>> {
  const tables = await sql<{
    table_name: string;
  }>`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(
    db,
  );
  const counts: Record<string, number> = {};
  for (const { table_name: name } of tables.rows)
    counts[name] = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(name)}`.execute(db)).rows[0]!.n;
  return counts;
}

let database: TestDatabase;
let before: Record<string, number>;
const work = mkdtempSync(path.join(tmpdir(), 'pp-backup-'));

beforeAll(async () => {
  database = await createTestDatabase();
  const seeded = await seedDemo({ db: database.db, config: testConfig() });
  expect(seeded).toBeDefined();
  before = await rowCounts(database.db);
}, 120_000);
afterAll(() => database.destroy());

describe('backup and restore', () => {
  it('the demo data has rows to lose', () => {
    expect(before.users).toBeGreaterThan(0);
    expect(before.audit_log).toBeGreaterThan(0);
    expect(Object.keys(before).length).toBeGreaterThan(10);
  });

  it('embedded: restores every row of every table, and the audit chain verifies', async (ctx) => {
    if (database.engine !== 'pglite') ctx.skip();
    const file = path.join(work, 'portal.tar.gz');
    const { bytes } = await backupEmbedded(database.db, file);
    expect(bytes).toBeGreaterThan(1000);
    const dataDir = path.join(work, 'restored');
    // A restore into a directory that holds only a generated session secret is allowed (the CLI's
    // configuration writes one before the command runs).
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'session-secret'), 'generated-before-restore');
    await restoreEmbedded(file, dataDir);
    expect(readdirSync(dataDir)).not.toContain('portal.lock');
    const restored = createDb({ dataDir });
    try {
      expect(await rowCounts(restored)).toEqual(before);
      const verdict = await verifyAuditChain(restored);
      expect(verdict).toMatchObject({ ok: true, checked: before.audit_log });
    } finally {
      await restored.destroy();
    }
    // A second restore into the now full directory is refused and changes nothing.
    await expect(restoreEmbedded(file, dataDir)).rejects.toThrow(EmbeddedDataDirError);
    await expect(restoreEmbedded(file, dataDir)).rejects.toThrow(
      /is not empty .*never overwrites a database\. Nothing was changed/,
    );
    const again = createDb({ dataDir });
    expect((await rowCounts(again)).users).toBe(before.users);
    await again.destroy();
  }, 120_000);

  it('refuses a file that is not a backup', async () => {
    const file = path.join(work, 'not-a-backup.txt');
    writeFileSync(file, 'hello');
    await expect(restoreEmbedded(file, path.join(work, 'never-created'))).rejects.toThrow(
      /not a backup made by "partner-portal backup"/,
    );
  });

  it('PostgreSQL server: the pg_dump and pg_restore the operator guide gives restore every row, and the chain verifies', async (ctx) => {
    if (database.engine !== 'postgres' || !database.url) ctx.skip();
    const url = database.url!;
    const file = path.join(work, 'portal.dump');
    await run('pg_dump', ['--format=custom', `--file=${file}`, url]);
    const name = `pp_restored_${Date.now().toString(36)}`;
    const serverUrl = process.env.TEST_DATABASE_URL!;
    await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
    const restoredUrl = withDatabase(serverUrl, name);
    const restored = createDb({ url: restoredUrl, poolSize: 2 });
    try {
      await run('pg_restore', ['--no-owner', `--dbname=${restoredUrl}`, file]);
      expect(await rowCounts(restored)).toEqual(before);
      expect(await verifyAuditChain(restored)).toMatchObject({ ok: true, checked: before.audit_log });
    } finally {
      await restored.destroy();
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }, 120_000);
});
