import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, type DatabaseConnection, type Driver, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Repositories take either the database or an open transaction. */
export type Executor = Db | Trx;

export interface DatabaseTarget {
  /** A PostgreSQL server URL; when absent, PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory, or a loaded dump for tests; ignored with a URL. */
  dataDir?: string | undefined;
  loadDataDir?: Blob | undefined;
  /** An already open PGlite instance (tests that dump it afterwards). */
  pglite?: PGlite | undefined;
  poolSize?: number;
}

// Date and numeric parsing identical on both databases: bigint ids and counts come back as
// JavaScript numbers (they stay far below 2^53 here), timestamps as Date.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** bigint and numeric as numbers, as the pg type parsers above do. */
export const PGLITE_OPTIONS = { parsers: { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) } };

export function createDb(target: DatabaseTarget): Db {
  if (target.url) {
    return new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 }) }),
    });
  }
  if (target.pglite) return new Kysely<Database>({ dialect: new SerialisedPGliteDialect(target.pglite) });
  if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
  const pglite = new PGlite({
    ...PGLITE_OPTIONS,
    ...(target.dataDir ? { dataDir: target.dataDir } : {}),
    ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}),
  });
  return new Kysely<Database>({ dialect: new SerialisedPGliteDialect(pglite) });
}

/**
 * PGlite has one session. Kysely's PGlite driver hands that one connection to every caller,
 * so a query from another request made while a transaction is open would run inside that
 * transaction (and vanish with its rollback). This dialect gives the connection to one
 * caller at a time: a transaction holds it from BEGIN to COMMIT, like a pool of size one.
 * See docs/decisions/004-pglite-serialised-connection.md.
 */
class SerialisedPGliteDialect extends PGliteDialect {
  constructor(pglite: PGlite) {
    super({ pglite });
  }

  override createDriver(): Driver {
    return serialised(super.createDriver());
  }
}

function serialised(inner: Driver): Driver {
  let tail: Promise<void> = Promise.resolve();
  const releasers = new Map<DatabaseConnection, () => void>();
  return {
    init: () => inner.init(),
    destroy: () => inner.destroy(),
    async acquireConnection() {
      let release!: () => void;
      const turn = new Promise<void>((resolve) => (release = resolve));
      const previous = tail;
      tail = previous.then(() => turn);
      await previous;
      const connection = await inner.acquireConnection();
      releasers.set(connection, release);
      return connection;
    },
    async releaseConnection(connection) {
      await inner.releaseConnection(connection);
      const release = releasers.get(connection);
      releasers.delete(connection);
      release?.();
    },
    beginTransaction: (c, s) => inner.beginTransaction(c, s),
    commitTransaction: (c) => inner.commitTransaction(c),
    rollbackTransaction: (c) => inner.rollbackTransaction(c),
    savepoint: inner.savepoint?.bind(inner),
    rollbackToSavepoint: inner.rollbackToSavepoint?.bind(inner),
    releaseSavepoint: inner.releaseSavepoint?.bind(inner),
  } as Driver;
}

/** True when the database answers a trivial query (used by /readyz). */
export async function isReachable(db: Db): Promise<boolean> {
  try {
    await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    return true;
  } catch {
    return false;
  }
}
