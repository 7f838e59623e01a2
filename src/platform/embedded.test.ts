import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { migrateToLatest } from './migrate.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDb } from './db.ts';
import { backupEmbedded, restoreEmbedded } from './backup.ts';
import { CREATING_FILE, EmbeddedDataDirError, openEmbedded, startParams } from './embedded.ts';

// These tests are about the embedded database's own data directory; with TEST_DATABASE_URL the
// run has no PGlite template to start from, and they would prove nothing new there.
const dump = inject('pgliteDump');
const work = mkdtempSync(path.join(tmpdir(), 'pp-embedded-'));

/** A migrated data directory on disk, from the run's template (a second instead of an initdb). */
async function dataDirWithDatabase(name: string): Promise<string> {
  const dir = path.join(work, name);
  const pglite = await openEmbedded(dir, 'full', { loadDataDir: new Blob([readFileSync(dump)]) });
  await pglite.close();
  return dir;
}

describe.skipIf(!dump)('embedded database: durability and a data directory that does not open', () => {
  let healthy: string;
  beforeAll(async () => {
    healthy = await dataDirWithDatabase('healthy');
  }, 60_000);

  it('full durability: PostgreSQL runs with fsync on, an fsync WAL flush and synchronous commits', async () => {
    expect(startParams('full')).not.toContain('-F');
    expect(startParams('pglite-default')).toContain('-F');
    const db = createDb({ dataDir: healthy });
    try {
      const settings = await sql<{
        fsync: string;
        method: string;
        commit: string;
      }>`SELECT current_setting('fsync') AS fsync, current_setting('wal_sync_method') AS method, current_setting('synchronous_commit') AS commit`.execute(
        db,
      );
      expect(settings.rows[0]).toEqual({ fsync: 'on', method: 'fsync', commit: 'on' });
    } finally {
      await db.destroy();
    }
    const relaxed = createDb({ dataDir: healthy, durability: 'relaxed' });
    expect(
      (await sql<{ commit: string }>`SELECT current_setting('synchronous_commit') AS commit`.execute(relaxed)).rows[0]
        ?.commit,
    ).toBe('off');
    await relaxed.destroy();
  }, 60_000);

  it('lets one process at a time open a data directory', async () => {
    const first = await openEmbedded(healthy, 'full');
    try {
      await expect(openEmbedded(healthy, 'full')).rejects.toThrow(
        new RegExp(`DATA_DIR ${healthy} is in use by process ${process.pid}`),
      );
      // #16.3: migrating at start says the same, as the error `serve` and server.ts print in one line.
      const second = createDb({ dataDir: healthy });
      await expect(migrateToLatest(second)).rejects.toBeInstanceOf(EmbeddedDataDirError);
      await second.destroy().catch(() => undefined);
    } finally {
      await first.close();
    }
    expect(existsSync(path.join(healthy, 'portal.lock'))).toBe(false);
    // A lock left by a process that is gone (killed, power loss) does not keep the portal out.
    writeFileSync(path.join(healthy, 'portal.lock'), '999999999\n');
    await (await openEmbedded(healthy, 'full')).close();
    // Nor does one from before a reboot whose process number now belongs to a running process.
    if (existsSync('/proc/sys/kernel/random/boot_id')) {
      writeFileSync(path.join(healthy, 'portal.lock'), `${process.pid} 00000000-0000-0000-0000-000000000000\n`);
      await (await openEmbedded(healthy, 'full')).close();
    }
  }, 60_000);

  it('a damaged data directory: names it, says nothing was changed, points at restore, and is left as it was', async () => {
    const dir = await dataDirWithDatabase('damaged');
    const control = path.join(dir, 'global', 'pg_control');
    truncateSync(control, 100);
    const files = readdirSync(dir).sort();
    const db = createDb({ dataDir: dir });
    const attempt = db.selectFrom('users').select('id').execute();
    await expect(attempt).rejects.toThrow(EmbeddedDataDirError);
    await expect(attempt).rejects.toThrow(
      new RegExp(
        `The embedded database in ${dir} does not open .*did not change the directory.*partner-portal restore FILE`,
      ),
    );
    // Every later query fails the same way: it never carries on with an empty database.
    await expect(db.selectFrom('users').select('id').execute()).rejects.toThrow(/does not open/);
    await db.destroy();
    expect(statSync(control).size).toBe(100);
    expect(readdirSync(dir).sort()).toEqual(files);
  }, 60_000);

  it('a directory with files but no database is refused instead of being initialised over', async () => {
    const dir = path.join(work, 'not-a-database');
    mkdirSync(path.join(dir, 'base'), { recursive: true });
    writeFileSync(path.join(dir, 'base', 'something'), 'precious');
    await expect(openEmbedded(dir, 'full')).rejects.toThrow(
      new RegExp(
        `DATA_DIR ${dir} is not empty but holds no database \\(PG_VERSION is missing\\)\\. Nothing was changed`,
      ),
    );
    expect(readdirSync(dir)).toEqual(['base']);
  });

  // #16.1 crash consistency: a SIGKILL during the first start left pg_wal, base, global… without
  // PG_VERSION, and every later start refused the directory (test/reliability/crash.test.ts).
  it('#16.1: a database creation cut short by a kill is started again, keeping the session secret', async () => {
    const dir = path.join(work, 'interrupted-creation');
    mkdirSync(path.join(dir, 'pg_wal'), { recursive: true });
    mkdirSync(path.join(dir, 'base', '1'), { recursive: true });
    writeFileSync(path.join(dir, 'base', '1', '1259'), 'half a catalogue');
    writeFileSync(path.join(dir, 'session-secret'), 'kept');
    writeFileSync(path.join(dir, CREATING_FILE), 'create\n');
    const pglite = await openEmbedded(dir, 'full', { loadDataDir: new Blob([readFileSync(dump)]) });
    try {
      expect((await pglite.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]?.n).toBe(0);
    } finally {
      await pglite.close();
    }
    expect(existsSync(path.join(dir, CREATING_FILE))).toBe(false);
    expect(readFileSync(path.join(dir, 'session-secret'), 'utf8')).toBe('kept');
    expect(existsSync(path.join(dir, 'base', '1', '1259'))).toBe(true);
    expect(readFileSync(path.join(dir, 'base', '1', '1259'), 'utf8')).not.toBe('half a catalogue');
  }, 60_000);

  it('#16.1: part of an interrupted restore is refused by the server and replaced by the next restore', async () => {
    const backup = path.join(work, 'healthy.tar.gz');
    const source = createDb({ dataDir: healthy });
    await backupEmbedded(source, backup);
    await source.destroy();
    const dir = path.join(work, 'interrupted-restore');
    mkdirSync(path.join(dir, 'global'), { recursive: true });
    writeFileSync(path.join(dir, CREATING_FILE), 'restore\n');
    const files = readdirSync(dir).sort();
    await expect(openEmbedded(dir, 'full')).rejects.toThrow(
      new RegExp(`DATA_DIR ${dir} holds part of a backup whose restore was interrupted.*Run the restore again`),
    );
    expect(readdirSync(dir).sort()).toEqual(files);
    expect((await restoreEmbedded(backup, dir)).tables).toBeGreaterThan(10);
    expect(existsSync(path.join(dir, CREATING_FILE))).toBe(false);
  }, 60_000);
});
