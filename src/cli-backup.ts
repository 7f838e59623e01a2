import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { createDb } from './platform/db.ts';
import { backupEmbedded, restoreEmbedded } from './platform/backup.ts';
import { lockHolder } from './platform/embedded.ts';
import { CliError } from './cli-import.ts';

export const BACKUP_HELP = `  backup --out FILE                      Copy the embedded database into FILE (.tar.gz); the portal
                                         must be stopped (with DATABASE_URL: explains pg_dump)
  restore FILE                           Restore such a backup into an empty DATA_DIR (with
                                         DATABASE_URL: explains pg_restore)`;

/** With a PostgreSQL server, the server's own tools do this, and do it better. */
export function serverBackupAdvice(command: 'backup' | 'restore'): string {
  const intro = `DATABASE_URL is set: the data is on a PostgreSQL server, and partner-portal ${command} only handles the embedded database.`;
  return command === 'backup'
    ? `${intro}\nBack it up with PostgreSQL's pg_dump while the portal runs (a consistent snapshot; pg_dump at least the server's version):\n` +
        `  pg_dump --format=custom --file=portal.dump "$DATABASE_URL"\n` +
        "or use the server's continuous archiving (pg_basebackup and WAL archiving) or your provider's snapshots. See docs/operations.md."
    : `${intro}\nRestore a pg_dump backup with pg_restore into an empty database, then point DATABASE_URL at it:\n` +
        `  createdb portal_restored && pg_restore --no-owner --dbname=postgres://…/portal_restored portal.dump\n` +
        'See docs/operations.md.';
}

/** `partner-portal backup --out FILE` and `partner-portal restore FILE`; returns the exit code. */
export async function backupCommand(
  command: 'backup' | 'restore',
  config: Config,
  out: string | undefined,
  file: string | undefined,
): Promise<number> {
  if (config.databaseUrl) {
    console.error(serverBackupAdvice(command));
    return 1;
  }
  if (command === 'backup') {
    if (!out) throw new CliError('Usage: partner-portal backup --out FILE', 2);
    const holder = lockHolder(config.dataDir);
    if (holder !== undefined) {
      throw new CliError(
        `The portal (process ${holder}) has the embedded database in ${config.dataDir} open, and PGlite allows one process at a ` +
          'time, so a backup cannot read it now. Stop the portal, run the backup (seconds for a small programme), start it again. ' +
          'For backups without stopping, run on a PostgreSQL server (DATABASE_URL) and use pg_dump.',
      );
    }
    if (!existsSync(path.join(config.dataDir, 'PG_VERSION')))
      throw new CliError(`There is no embedded database in ${config.dataDir} to back up (check DATA_DIR).`);
    const db = createDb({ dataDir: config.dataDir, durability: config.embeddedDurability });
    try {
      const started = Date.now();
      const { bytes } = await backupEmbedded(db, path.resolve(out));
      console.log(
        `Backed up ${config.dataDir} to ${path.resolve(out)} (${(bytes / 1024 / 1024).toFixed(1)} MiB, ${((Date.now() - started) / 1000).toFixed(1)} s).`,
      );
      return 0;
    } finally {
      await db.destroy();
    }
  }
  if (!file) throw new CliError('Usage: partner-portal restore FILE', 2);
  const { tables } = await restoreEmbedded(path.resolve(file), config.dataDir, config.embeddedDurability);
  console.log(
    `Restored ${path.resolve(file)} into ${config.dataDir} (${tables} tables); start the portal with DATA_DIR=${config.dataDir}.`,
  );
  return 0;
}
