import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { createDb, PGLITE_OPTIONS, type Db } from '../../src/platform/db.ts';
import { openEmbedded } from '../../src/platform/embedded.ts';
import { adminQuery, withDatabase } from '../helpers/global-setup.ts';

/**
 * The database a reliability harness gives its server processes: a throwaway PostgreSQL
 * database (copied from the run's migrated template) when TEST_DATABASE_URL is set, else an
 * embedded PGlite data directory in a temporary directory (cloned from the run's migrated dump).
 */
export interface ReliabilityDatabase {
  engine: 'pglite' | 'postgres';
  /** DATABASE_URL or DATA_DIR, for a server process. */
  env: Record<string, string>;
  dataDir: string | undefined;
  url: string | undefined;
  /**
   * Opens the database in this process for set-up or inspection, then closes it. On PGlite
   * only while no server process holds DATA_DIR (one process at a time).
   */
  use<T>(work: (db: Db) => Promise<T>): Promise<T>;
  destroy(): Promise<void>;
}

export async function reliabilityDatabase(): Promise<ReliabilityDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `pp_rel_${randomBytes(6).toString('hex')}`;
    await adminQuery(serverUrl, `CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`);
    const url = withDatabase(serverUrl, name);
    return {
      engine: 'postgres',
      env: { DATABASE_URL: url },
      dataDir: undefined,
      url,
      async use(work) {
        const db = createDb({ url, poolSize: 4 });
        try {
          return await work(db);
        } finally {
          await db.destroy();
        }
      },
      destroy: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  }
  const parent = mkdtempSync(path.join(os.tmpdir(), 'pp-reliability-'));
  const dataDir = path.join(parent, 'data');
  let cloned = false;
  return {
    engine: 'pglite',
    env: { DATA_DIR: dataDir },
    dataDir,
    url: undefined,
    async use(work) {
      const loadDataDir = cloned ? undefined : new Blob([readFileSync(inject('pgliteDump'))]);
      const pglite = await openEmbedded(dataDir, 'full', {
        ...PGLITE_OPTIONS,
        ...(loadDataDir ? { loadDataDir } : {}),
      });
      cloned = true;
      const db = createDb({ pglite });
      try {
        return await work(db);
      } finally {
        await db.destroy();
        // Kysely closes PGlite only if a query ran; the lock on DATA_DIR goes with the close.
        if (!pglite.closed) await pglite.close();
      }
    },
    async destroy() {
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

/** Waits until `ready()` holds, polling; fails naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  ready: () => boolean | Promise<boolean>,
  { timeoutMs = 60_000, everyMs = 100 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
