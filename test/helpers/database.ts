import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDb, type Db } from '../../src/platform/db.ts';
import { adminQuery, withDatabase } from './global-setup.ts';

export interface TestDatabase {
  db: Db;
  /** Which engine this file runs on, for test names and engine-specific checks. */
  engine: 'pglite' | 'postgres';
  /** The server URL of this file's database (postgres only): lets a test open a second pool. */
  url?: string;
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a PGlite clone by default, a throwaway
 * database on the server when TEST_DATABASE_URL is set.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `pp_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(serverUrl, `CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`);
    const url = withDatabase(serverUrl, name);
    const db = createDb({ url, poolSize: 5 });
    return {
      db,
      engine: 'postgres',
      url,
      async destroy() {
        await db.destroy();
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  }
  const dump = new Blob([readFileSync(inject('pgliteDump'))]);
  const db = createDb({ loadDataDir: dump });
  return { db, engine: 'pglite', destroy: () => db.destroy() };
}
