import { PGlite } from '@electric-sql/pglite';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { Kysely, PGliteDialect, PostgresDialect, type RawBuilder, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { openEmbedded, type EmbeddedMode } from './embedded.ts';
import { preparingPool } from './prepared.ts';

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
  /**
   * On a server: how many distinct statements each pooled connection keeps prepared (decision 071,
   * DATABASE_PREPARED_STATEMENTS); 0 sends every query unnamed. Default 200.
   */
  preparedStatements?: number | undefined;
  /** How the embedded database in dataDir flushes to disk (EMBEDDED_DURABILITY); default full. */
  durability?: EmbeddedMode | undefined;
}

// Date and numeric parsing identical on both databases: bigint ids and counts come back as
// JavaScript numbers (they stay far below 2^53 here), timestamps as Date.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/**
 * bigint and numeric as numbers, as the pg type parsers above do; the contrib extensions the
 * migrations create (`cube` and `earthdistance` for the Partner Locator's index, decision 048),
 * which PGlite must load before `CREATE EXTENSION` can find them.
 */
export const PGLITE_OPTIONS = {
  parsers: { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) },
  extensions: { cube, earthdistance },
};

/**
 * Kysely's own PGliteDialect (not the `kysely-pglite` package): its adapter declares a single
 * connection, so Kysely hands PGlite's one session to one caller at a time and a transaction
 * holds it from BEGIN to COMMIT. Queries of other requests wait instead of running inside
 * someone else's transaction (src/platform/db.test.ts proves it on both engines).
 */
export function createDb(target: DatabaseTarget): Db {
  if (target.url) {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 });
    // An idle pooled connection that the server ends (restart, idle timeout, pg_terminate_backend,
    // DROP DATABASE ... FORCE) is reported here; without a listener the process would crash. The
    // pool has already discarded that connection and opens a new one for the next query.
    pool.on('error', () => undefined);
    const prepared = target.preparedStatements ?? DEFAULT_PREPARED_STATEMENTS;
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool, prepared) }) });
    engines.set(db, { kind: 'postgres', url: target.url, pool, prepared: prepared > 0 });
    return db;
  }
  if (target.pglite) return withPGlite(target.pglite);
  if (target.dataDir) {
    // Opened on first use (Kysely awaits the factory): the checks, the lock and the error that
    // names the directory live in openEmbedded. A failed open fails every later query the same way.
    const { dataDir } = target;
    let opening: Promise<PGlite> | undefined;
    const open = () => (opening ??= openEmbedded(dataDir, target.durability ?? 'full', PGLITE_OPTIONS));
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite: open }) });
    engines.set(db, { kind: 'pglite', pglite: open });
    return db;
  }
  const pglite = new PGlite({ ...PGLITE_OPTIONS, ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}) });
  return withPGlite(pglite);
}

function withPGlite(pglite: PGlite): Db {
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  engines.set(db, { kind: 'pglite', pglite: () => Promise.resolve(pglite) });
  return db;
}

/**
 * Statements kept prepared per pooled connection. The hot paths use a few dozen; the rest of the
 * portal a few hundred, and the least recently used give way (src/platform/prepared.ts).
 */
export const DEFAULT_PREPARED_STATEMENTS = 200;

type Engine =
  | { kind: 'postgres'; url: string; pool: pg.Pool; prepared: boolean }
  | { kind: 'pglite'; pglite: () => Promise<PGlite> };
const engines = new WeakMap<Db, Engine>();

/** A running LISTEN: `lastHeard` is when the newest heartbeat it received was sent (ms since the epoch). */
export interface Listener {
  stop(): Promise<void>;
  lastHeard(): number;
}

const HEARTBEAT = 'heartbeat:';

/**
 * Listens on a PostgreSQL notification channel; `onReconnect` runs when notifications may have
 * been missed (the listening connection dropped, and again once listening resumed), so callers
 * can drop what they cached. PostgreSQL delivers a NOTIFY only when its transaction commits,
 * to every process listening, in commit order. A lost connection is retried every second until
 * it is back.
 *
 * With `heartbeatMs`, the listening connection notifies itself that often; hearing a heartbeat
 * sent at time T proves that every notification committed before T has arrived, which a
 * connection that is silently gone (no error yet, as TCP can take minutes to notice) cannot
 * show. On PGlite notifications are delivered in process and cannot be lost: `lastHeard` is now.
 */
export async function listen(
  db: Db,
  channel: string,
  onMessage: (payload: string) => void,
  onReconnect: () => void,
  { heartbeatMs }: { heartbeatMs?: number } = {},
): Promise<Listener> {
  const engine = engines.get(db);
  if (!engine) throw new Error('listen() needs a database made by createDb()');
  if (engine.kind === 'pglite') {
    const unlisten = await (await engine.pglite()).listen(channel, onMessage);
    return { stop: unlisten, lastHeard: () => Date.now() };
  }
  const token = `${HEARTBEAT}${process.pid}.${Math.random().toString(36).slice(2)}:`;
  let heard = Date.now();
  let client: pg.Client | undefined;
  let stopped = false;
  let retrying = false;
  const receive = (payload: string) => {
    if (payload.startsWith(token)) heard = Math.max(heard, Number(payload.slice(token.length)));
    // Other processes' heartbeats are theirs to count.
    else if (!payload.startsWith(HEARTBEAT)) onMessage(payload);
  };
  const connect = async (): Promise<void> => {
    // Named, so that operators (and tests) can tell the listening connection from the pool's.
    const next = new pg.Client({ connectionString: engine.url, keepAlive: true, application_name: 'pp_listen' });
    next.on('notification', (m) => m.channel === channel && receive(m.payload ?? ''));
    next.on('error', () => {
      void next.end().catch(() => undefined);
      // Errors while connecting reject connect() instead; only the listening client retries.
      if (client === next) retry();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      void next.end().catch(() => undefined);
      throw error;
    }
    heard = Date.now();
    client = next;
  };
  // Caches are dropped when the connection is lost, and again when listening resumes: what was
  // cached in between may have missed a notification.
  const retry = () => {
    if (stopped || retrying) return;
    retrying = true;
    client = undefined;
    onReconnect();
    const attempt = () =>
      setTimeout(() => {
        if (stopped) return;
        connect().then(
          () => {
            retrying = false;
            if (stopped) void client?.end().catch(() => undefined);
            else onReconnect();
          },
          () => attempt(),
        );
      }, 1000).unref();
    attempt();
  };
  await connect();
  let beating = false;
  const heartbeat = heartbeatMs
    ? setInterval(() => {
        // One heartbeat at a time: a connection that does not answer is not sent more.
        if (!client || beating) return;
        beating = true;
        client
          .query('SELECT pg_notify($1, $2)', [channel, `${token}${Date.now()}`])
          .catch(() => undefined)
          .finally(() => (beating = false));
      }, heartbeatMs)
    : undefined;
  heartbeat?.unref();
  return {
    lastHeard: () => heard,
    stop: async () => {
      stopped = true;
      clearInterval(heartbeat);
      await client?.end();
    },
  };
}

/**
 * Runs a hot read query as a named prepared statement on a PostgreSQL server: parsed and planned
 * once per pooled connection instead of on every call. For the eligibility query, planning took
 * about 4 times as long as executing (pgbench: 6.6 k/s unprepared, 29 k/s prepared, 2 cores).
 * `name` must always go with the same SQL text (only the parameters vary). On PGlite, or inside a
 * transaction, it runs as an ordinary query (which createDb prepares too, decision 071). Behind a
 * pooler in transaction mode (PgBouncer before 1.21), where named statements do not survive from
 * one query to the next, DATABASE_PREPARED_STATEMENTS=0 makes it an ordinary unnamed query.
 */
export async function queryPrepared<R>(db: Executor, name: string, query: RawBuilder<R>): Promise<R[]> {
  const compiled = query.compile(db);
  const engine = engines.get(db as Db);
  // With DATABASE_PREPARED_STATEMENTS=0 (a pooler in transaction mode) nothing is named.
  if (engine?.kind === 'postgres' && engine.prepared)
    return (await engine.pool.query({ name, text: compiled.sql, values: compiled.parameters as unknown[] }))
      .rows as R[];
  return (await db.executeQuery(compiled)).rows;
}

/** The PGlite instance behind an embedded database (backups), or undefined on a server. */
export async function embeddedPGlite(db: Db): Promise<PGlite | undefined> {
  const engine = engines.get(db);
  return engine?.kind === 'pglite' ? engine.pglite() : undefined;
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
