import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { testConfig } from '../test/helpers/app.ts';
import { backupCommand } from './cli-backup.ts';
import { CliError } from './cli-import.ts';
import { openEmbedded } from './platform/embedded.ts';

const run = promisify(execFile);
const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const work = mkdtempSync(path.join(tmpdir(), 'pp-cli-backup-'));
const dump = inject('pgliteDump');

afterEach(() => vi.restoreAllMocks());

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((m: string) => void out.push(m));
  vi.spyOn(console, 'error').mockImplementation((m: string) => void err.push(m));
  return { out, err };
}

describe('partner-portal backup and restore', () => {
  it('with DATABASE_URL, the CLI explains pg_dump instead of copying anything', async () => {
    const result = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'backup', '--out', path.join(work, 'x.tar.gz')],
      { env: { ...process.env, DATABASE_URL: serverUrl, LOG_LEVEL: 'silent' } },
    ).catch((e: { code: number; stderr: string }) => e);
    expect((result as { code?: number }).code).toBe(1);
    expect((result as { stderr: string }).stderr).toContain('DATABASE_URL is set: the data is on a PostgreSQL server');
    expect((result as { stderr: string }).stderr).toContain(
      'pg_dump --format=custom --file=portal.dump "$DATABASE_URL"',
    );
    expect(existsSync(path.join(work, 'x.tar.gz'))).toBe(false);
  }, 180_000);

  it('with DATABASE_URL, restore explains pg_restore', async () => {
    const { err } = captured();
    expect(await backupCommand('restore', testConfig({ DATABASE_URL: serverUrl }), undefined, 'portal.dump')).toBe(1);
    expect(err.join('\n')).toMatch(/pg_restore --no-owner --dbname=\S+ portal\.dump/);
  });

  it.skipIf(!dump)('refuses plainly while the portal holds the embedded database', async () => {
    const config = testConfig();
    writeFileSync(path.join(config.dataDir, 'portal.lock'), `${process.pid}\n`);
    const attempt = backupCommand('backup', config, path.join(work, 'busy.tar.gz'), undefined);
    await expect(attempt).rejects.toThrow(CliError);
    await expect(backupCommand('backup', config, path.join(work, 'busy.tar.gz'), undefined)).rejects.toThrow(
      new RegExp(
        `The portal \\(process ${process.pid}\\) has the embedded database in ${config.dataDir} open.*Stop the portal, run the backup`,
      ),
    );
  });

  it.skipIf(!dump)(
    'backs up a stopped embedded database and restores it into an empty directory',
    async () => {
      const source = testConfig();
      const pglite = await openEmbedded(source.dataDir, 'full', { loadDataDir: new Blob([readFileSync(dump)]) });
      await pglite.exec(`INSERT INTO organisations (kind, name) VALUES ('vendor', 'Backed Up Ltd')`);
      await pglite.close();
      const file = path.join(work, 'portal.tar.gz');
      const { out } = captured();
      expect(await backupCommand('backup', source, file, undefined)).toBe(0);
      expect(out.join('\n')).toContain(`Backed up ${source.dataDir} to ${file}`);
      const target = testConfig();
      expect(await backupCommand('restore', target, undefined, file)).toBe(0);
      expect(out.join('\n')).toMatch(new RegExp(`Restored ${file} into ${target.dataDir} \\([1-9]\\d* tables\\)`));
      // Every row of every table coming back is proved in src/platform/backup.test.ts.
      await expect(backupCommand('restore', target, undefined, file)).rejects.toThrow(/is not empty/);
    },
    180_000,
  );
});
