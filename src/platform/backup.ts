import fs from 'node:fs';
import path from 'node:path';
import { embeddedPGlite, PGLITE_OPTIONS, type Db } from './db.ts';
import {
  CREATING_FILE,
  EmbeddedDataDirError,
  LOCK_FILE,
  openEmbedded,
  SESSION_SECRET_FILE,
  type EmbeddedMode,
} from './embedded.ts';

/**
 * Backups of the embedded database: a gzipped tar of the whole data directory, taken by the
 * one process that holds it (PGlite allows one) after a checkpoint, while no query runs, so
 * the copy is consistent and opens without recovery. The tar holds what DATA_DIR holds,
 * including the generated session secret: keep backups as private as the database.
 */
export async function backupEmbedded(db: Db, file: string): Promise<{ bytes: number }> {
  const pglite = await embeddedPGlite(db);
  if (!pglite) throw new Error('backupEmbedded needs the embedded database');
  // Infrastructure, not a query of the product: the embedded engine flushes everything to its files.
  await pglite.exec('CHECKPOINT');
  const tarball = Buffer.from(await (await pglite.dumpDataDir('gzip')).arrayBuffer());
  // Written beside the target, flushed, then renamed: a crash never leaves half a backup under its name.
  const partial = `${file}.partial`;
  const fd = fs.openSync(partial, 'w', 0o600);
  try {
    fs.writeSync(fd, tarball);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(partial, file);
  return { bytes: tarball.length };
}

/**
 * Restores a backup into an empty DATA_DIR (a generated session secret alone does not count:
 * the backup brings its own) and opens it once to prove it. Refuses any other directory, so a
 * restore never overwrites a database.
 */
export async function restoreEmbedded(
  file: string,
  dataDir: string,
  durability: EmbeddedMode = 'full',
): Promise<{ tables: number }> {
  const tarball = fs.readFileSync(file);
  if (tarball.length < 2 || tarball[0] !== 0x1f || tarball[1] !== 0x8b)
    throw new EmbeddedDataDirError(
      `${file} is not a backup made by "partner-portal backup" (not a gzip file). Nothing was restored.`,
    );
  const present = fs.existsSync(dataDir) ? fs.readdirSync(dataDir).filter((name) => name !== SESSION_SECRET_FILE) : [];
  // What an interrupted creation or restore left was an empty directory before it began: start over.
  if (present.length > 0 && !present.includes(CREATING_FILE)) {
    throw new EmbeddedDataDirError(
      `DATA_DIR ${dataDir} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}); restore only writes into an ` +
        `empty directory, so it never overwrites a database. Nothing was changed. Restore into a new directory and point DATA_DIR at it, ` +
        `or move this one aside first.`,
    );
  }
  fs.rmSync(path.join(dataDir, SESSION_SECRET_FILE), { force: true });
  const pglite = await openEmbedded(dataDir, durability, {
    ...PGLITE_OPTIONS,
    loadDataDir: new Blob([tarball], { type: 'application/x-gzip' }),
  });
  try {
    const result = await pglite.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    return { tables: result.rows[0]?.n ?? 0 };
  } finally {
    await pglite.close();
    // The backup was taken by a process that held the lock; its lock file came along in the tar.
    fs.rmSync(path.join(dataDir, LOCK_FILE), { force: true });
  }
}
