import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createDb, PGLITE_OPTIONS } from '../../src/platform/db.ts';
import { migrateToLatest } from '../../src/platform/migrate.ts';
import { ROOT } from './harness.ts';

/**
 * An in-memory PGlite with the portal's migrations applied, loaded from a dump kept in .tmp/
 * (about 1 s) instead of created and migrated (5 s and more; a minute on a busy machine): what
 * the tests do per run (test/helpers/global-setup.ts), kept across runs. The dump's name carries
 * a hash of the migrations, so a new or changed migration makes a new dump.
 */
export async function migratedPGlite(): Promise<PGlite> {
  return new PGlite({ ...PGLITE_OPTIONS, loadDataDir: await migratedDump() });
}

/** The migrated dump itself (a tar), made once per set of migrations; `new PGlite(dir, { loadDataDir })` unpacks it into a data directory. */
export async function migratedDump(): Promise<Blob> {
  const migrations = path.join(ROOT, 'src/migrations');
  const hash = createHash('sha256');
  for (const file of readdirSync(migrations).sort())
    hash.update(file).update(readFileSync(path.join(migrations, file)));
  const dump = path.join(ROOT, '.tmp', `bench-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
  if (!existsSync(dump)) {
    const pglite = new PGlite(PGLITE_OPTIONS);
    await migrateToLatest(createDb({ pglite }));
    const blob = await pglite.dumpDataDir('none');
    await pglite.close();
    mkdirSync(path.dirname(dump), { recursive: true });
    // Written aside and renamed: a benchmark stopped half-way leaves no truncated dump behind.
    const partial = `${dump}.${process.pid}`;
    writeFileSync(partial, Buffer.from(await blob.arrayBuffer()));
    renameSync(partial, dump);
  }
  return new Blob([readFileSync(dump)]);
}
