/**
 * REG-14 Partner Locator at scale (issue #15, decisions 048 and 066): 50 km around a populated
 * place, first page of results, over 1,000,000 listed locations clustered around the 1,000 most
 * populous places of the gazetteer (each within about 50 km of its place), 50,000 partners in a
 * realistic mix of standing (4 % suspended, 3 % lapsed, 3 % without a confirmed account), on a
 * throwaway PostgreSQL database (pp_bench_<random> on BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres) and in a temporary PGlite data directory, both
 * migrated like the portal and loaded by this file's own SQL (the listing triggers run, as in any
 * write).
 *
 * What it measures, per engine, everything in the same run:
 *   1. HTTP: the portal started as its own process (`node --import tsx src/server.ts`), driven by
 *      autocannon, interleaved round by round with the bare Fastify route
 *      (bench/lib/bare-server.ts), at 1 connection (p50/p95) and at 10 connections (req/s):
 *      `uncached` — `GET /api/v1/partners/search?latitude=…&longitude=…&radius=50` around each of
 *      the places in turn (the portal keeps no page of a search by coordinates: every request a
 *      query, the worst case, on which the targets are judged); `cached` —
 *      `?place=<name>&radius=50` over the 20 most populous places (their first pages kept, decision
 *      066: the best case). Targets: p95 ≤ 5 ms on PostgreSQL and ≤ 15 ms on PGlite at 1
 *      connection; ≥ 2,000 searches/s at 10 connections on PostgreSQL.
 *   2. SQL, in this process on the same data: the portal's page query (locator.repository.ts:
 *      `listable_until > now` on the location rows, GiST read in `<->` order, 21 rows) against
 *      the filter before decision 066 (the old `listable_partners` view as a semi join), and the
 *      B-tree (latitude, longitude) box + haversine candidate of decision 048 as a reference;
 *      interleaved round by round. Both engines' EXPLAIN ANALYZE of the portal's query and of the
 *      one before go to the result's details; the portal's must read the index in `<->` order with
 *      no Sort (at the quick size the planner estimates fewer rows in the box than a page and
 *      sorts them: fine there, not judged). Then a new maintenance period is timed: it rewrites
 *      the listing of every listable location.
 *   3. With BENCH_BASELINE_DIR=<a checkout of the code before a change, with node_modules>: that
 *      code's portal (by place, over all the places: it keeps no pages) on a copy of the same data
 *      taken back to that code's schema by decision 066's own `down` migration, in the same
 *      interleaved HTTP rounds, for before/after ratios.
 *
 * Run: `npm run bench -- partner-locator` (BENCH_TIME_LIMIT_MINUTES=70: 1 M rows load in
 * minutes, 20 on PGlite; BENCH_DEADLINE_MINUTES, 60, is its own limit). BENCH_QUICK=1 (`npm run bench -- --quick partner-locator`): 20,000 locations around
 * 20 places (the full run's density), 2,000 partners, short rounds, PostgreSQL only. BENCH_LOCATIONS,
 * BENCH_ENGINES (postgres,pglite), BENCH_ROUNDS, BENCH_ROUND_SECONDS vary it. Writes
 * bench/results/partner-locator-<date>[-quick].json. Exit code 0 all targets met, 3 one missed,
 * 1 failed.
 */
import { cpSync } from 'node:fs';
import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely';
import pg from 'pg';
import { createDb, PGLITE_OPTIONS, type Db } from '../src/platform/db.ts';
import { openEmbedded } from '../src/platform/embedded.ts';
import { migrateToLatest } from '../src/platform/migrate.ts';
import * as clampedMonths from '../src/migrations/2026_12_03_0900_clamped_add_months.ts';
import * as listableUntil from '../src/migrations/2026_12_02_0900_locator_listable_until.ts';
import { largestPlaces, type Place } from '../src/modules/partners/gazetteer.ts';
import { searchListedLocations } from '../src/modules/partners/locator.repository.ts';
import { boundingBox, EARTH_RADIUS_KM, PAGE_SIZE, type Coordinates } from '../src/modules/partners/locator.rules.ts';
import { interleaved, table, type LoadResult, type ServerProcess, type Target } from './lib/harness.ts';
import { migratedDump } from './lib/pglite.ts';
import {
  engineEnv,
  ENGINE_NAMES,
  fromEnv,
  startBare,
  startPortal,
  step,
  workspace,
  type Engine,
} from './lib/portal-bench.ts';
import { loadLocatorData } from './lib/locator-data.ts';
import {
  exitCodeFor,
  QUICK,
  round,
  row,
  startMachineRecord,
  writeResult,
  type ResultRow,
  runAndExit,
} from './lib/results.ts';

const SETTINGS = {
  locations: fromEnv('BENCH_LOCATIONS', QUICK ? 20_000 : 1_000_000),
  partners: fromEnv('BENCH_PARTNERS', QUICK ? 2_000 : 50_000),
  /** A quick run keeps the full run's density (about 1,000 locations a place) over fewer places. */
  cities: QUICK ? 20 : 1_000,
  radiusKm: 50,
  /** SQL: each round runs every candidate over the same centres, in a rotated order. */
  sqlRounds: fromEnv('BENCH_SQL_ROUNDS', QUICK ? 1 : 4),
  sqlQueries: fromEnv('BENCH_SQL_QUERIES', QUICK ? 10 : 50),
  /** HTTP: the two loads the issue names. */
  connections: [1, 10],
  warmupSeconds: QUICK ? 0.5 : 2,
  rounds: fromEnv('BENCH_ROUNDS', QUICK ? 1 : 3),
  roundSeconds: fromEnv('BENCH_ROUND_SECONDS', QUICK ? 0.6 : 5),
};
const TARGETS: Record<Engine, { p95Ms: number; minRequestsPerSecond?: number }> = {
  postgres: { p95Ms: 5, minRequestsPerSecond: 2_000 },
  pglite: { p95Ms: 15 },
};
const ENGINES = (process.env.BENCH_ENGINES?.split(',') ?? (QUICK ? ['postgres'] : ['postgres', 'pglite'])) as Engine[];
const BASELINE = process.env.BENCH_BASELINE_DIR;
/**
 * What the baseline undoes, newest first: decision 066's migration, and the migrations after it
 * (decision 070 redefined a function 066's `down` drops).
 */
const UNDONE_FOR_BASELINE = [
  ['2026_12_03_0900_clamped_add_months', clampedMonths],
  ['2026_12_02_0900_locator_listable_until', listableUntil],
] as const;

// The full run loads a million rows on each engine: about 8 minutes on the server and 20 on PGlite here.
const ws = workspace(fromEnv('BENCH_DEADLINE_MINUTES', QUICK ? 5 : 60) * 60_000);

// ---- SQL candidates ----

type Candidate = { name: string; run: (db: Db, c: Coordinates) => Promise<{ id: string }[]> };

const haversine = (c: Coordinates): RawBuilder<number> =>
  sql<number>`(${2 * EARTH_RADIUS_KM} * asin(least(1, sqrt(power(sin(radians(l.latitude - ${c.latitude}) / 2), 2)
      + cos(radians(${c.latitude})) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - ${c.longitude}) / 2), 2)))))`;

const COLUMNS = sql`l.id, l.partner_id, p.legal_name, l.lines, l.city, l.postcode, l.country, l.type, l.latitude, l.longitude`;

/**
 * The listability filter before decision 066: the `listable_partners` view as migration
 * 2026_11_28_1930 defined it (a join with the settings and an EXISTS on claims), as a semi join.
 * It runs on today's index function; BENCH_BASELINE_DIR measures the whole code before.
 */
const before = (c: Coordinates) => {
  const d = haversine(c);
  return sql<{ id: string }>`SELECT ${COLUMNS}, ${d} AS distance_km
    FROM partner_locations l JOIN partners p ON p.organisation_id = l.partner_id
    WHERE l.listed AND p.status = 'registered'
      AND l.partner_id IN (
        SELECT b.organisation_id FROM partners b CROSS JOIN partner_settings s
        WHERE b.status = 'registered'
          AND (b.renewal_due_at IS NULL OR b.renewal_due_at > now())
          AND b.distributor_info_reviewed_at + make_interval(months => s.maintenance_months) > now()
          AND EXISTS (SELECT 1 FROM account_claims c WHERE c.partner_id = b.organisation_id AND c.status = 'confirmed'))
      AND earth_box(ll_to_earth(${c.latitude}, ${c.longitude}), ${SETTINGS.radiusKm * 1000 * 1.01}) @> location_earth(l.latitude, l.longitude)
      AND ${d} <= ${SETTINGS.radiusKm}
    ORDER BY location_earth(l.latitude, l.longitude) <-> ll_to_earth(${c.latitude}, ${c.longitude})
    LIMIT ${PAGE_SIZE + 1}`;
};

const candidates: Candidate[] = [
  {
    name: 'portal',
    run: (db, c) =>
      searchListedLocations(db, {
        centre: c,
        radiusKm: SETTINGS.radiusKm,
        country: null,
        name: null,
        limit: PAGE_SIZE + 1,
        offset: 0,
        // As the portal's live search: the database's now() (decision 066, "2026-11-29").
      }),
  },
  { name: 'before', run: async (db, c) => (await before(c).execute(db)).rows },
  {
    name: 'btree',
    run: async (db, c) => {
      const b = boundingBox(c, SETTINGS.radiusKm);
      const d = haversine(c);
      return (
        await sql<{ id: string }>`SELECT ${COLUMNS}, ${d} AS distance_km
          FROM partner_locations l JOIN partners p ON p.organisation_id = l.partner_id
          WHERE l.listed AND l.listable_until > ${new Date()}
            AND l.latitude BETWEEN ${b.minLatitude} AND ${b.maxLatitude}
            AND l.longitude BETWEEN ${b.minLongitude} AND ${b.maxLongitude} AND ${d} <= ${SETTINGS.radiusKm}
          ORDER BY distance_km LIMIT ${PAGE_SIZE + 1}`.execute(db)
      ).rows;
    },
  },
];

const CANDIDATE_NAMES: Record<string, string> = {
  portal: "the portal's query: listable_until on the location rows, GiST read in <-> order, 21 rows",
  before: 'the listability filter before decision 066 (the old view as a semi join), GiST <->, 21 rows',
  btree: 'B-tree (lat, lng) box + haversine, sorted, 21 rows (decision 048 reference)',
};

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

interface SqlResult {
  candidate: string;
  queries: number;
  p50: number;
  p95: number;
  rowsPerQuery: number;
}

async function measureSql(engine: Engine, db: Db, centres: Coordinates[]): Promise<SqlResult[]> {
  // The before and after queries answer the same question: the same locations, in the same order.
  for (const centre of centres.slice(0, 3)) {
    const [now, was] = await Promise.all([candidates[0]!.run(db, centre), candidates[1]!.run(db, centre)]);
    if (now.map((r) => r.id).join() !== was.map((r) => r.id).join())
      throw new Error(
        `${ENGINE_NAMES[engine]}: the portal's query and the one before it disagree around ${JSON.stringify(centre)}`,
      );
  }
  const times = new Map<string, number[]>(candidates.map((c) => [c.name, []]));
  const found = new Map<string, number>();
  // One warm-up pass, not counted: caches and plans.
  for (const c of candidates) for (const centre of centres.slice(0, 5)) await c.run(db, centre);
  for (let r = 0; r < SETTINGS.sqlRounds; r += 1) {
    const order = candidates.map((_, i) => candidates[(i + r) % candidates.length]!);
    for (const c of order)
      for (const centre of centres) {
        const t0 = performance.now();
        const rows = await c.run(db, centre);
        times.get(c.name)!.push(performance.now() - t0);
        found.set(c.name, (found.get(c.name) ?? 0) + rows.length);
      }
    step(`${ENGINE_NAMES[engine]}: SQL round ${r + 1}/${SETTINGS.sqlRounds} done`);
  }
  return candidates.map((c) => {
    const sorted = [...times.get(c.name)!].sort((a, b) => a - b);
    return {
      candidate: c.name,
      queries: sorted.length,
      p50: round(percentile(sorted, 50), 2),
      p95: round(percentile(sorted, 95), 2),
      rowsPerQuery: round(found.get(c.name)! / sorted.length, 1),
    };
  });
}

/**
 * EXPLAIN ANALYZE of a query as Kysely compiles it (the portal's is captured as it runs); with
 * `generic`, on a server, also the generic plan a prepared statement settles on after its fifth
 * run (the portal prepares its first pages, locator.repository.ts), on this one connection.
 */
async function plan(db: Db, run: (db: Db) => Promise<unknown>, generic = false): Promise<string[]> {
  let captured: CompiledQuery | undefined;
  const capturing = db.withPlugin({
    transformQuery: (args) => {
      captured ??= db.getExecutor().compileQuery(args.node, args.queryId);
      return args.node;
    },
    transformResult: async (args) => args.result,
  });
  await run(capturing);
  const { sql: text, parameters } = captured!;
  const explain = async (statement: string) =>
    (await db.executeQuery<Record<string, string>>(CompiledQuery.raw(statement, [...parameters]))).rows
      .map((r) => Object.values(r)[0])
      .join('\n');
  const plans = [await explain(`EXPLAIN (ANALYZE, COSTS OFF) ${text}`)];
  if (generic) {
    await db.executeQuery(CompiledQuery.raw(`PREPARE bench_generic AS ${text}`));
    await db.executeQuery(CompiledQuery.raw('SET plan_cache_mode = force_generic_plan'));
    // EXPLAIN takes no bound parameters: the values go in as literals.
    const literal = (v: unknown) =>
      v === null
        ? 'NULL'
        : typeof v === 'number'
          ? String(v)
          : `'${(v instanceof Date ? v.toISOString() : String(v)).replace(/'/g, "''")}'`;
    const args = parameters.map(literal).join(', ');
    plans.push(
      (
        await db.executeQuery<Record<string, string>>(
          CompiledQuery.raw(`EXPLAIN (ANALYZE, COSTS OFF) EXECUTE bench_generic(${args})`),
        )
      ).rows
        .map((r) => Object.values(r)[0])
        .join('\n'),
    );
    await db.executeQuery(CompiledQuery.raw('RESET plan_cache_mode'));
    await db.executeQuery(CompiledQuery.raw('DEALLOCATE bench_generic'));
  }
  return plans;
}

/** Decision 048: the page is cheap only when the GiST index is read nearest first and nothing sorts. */
const indexOrdered = (text: string) => /Order By: .*<->/.test(text) && !/\bSort\b/.test(text);

// ---- Engines ----

interface Prepared {
  loadSeconds: number;
  listableLocations: number;
  sql: SqlResult[];
  /** The portal's plan, and on a server also its generic (prepared) plan; the one before. */
  plans: { portal: string[]; before: string };
  settingsChange: { seconds: number; locations: number };
  baselineEnv?: Record<string, string>;
}

async function admin(statement: string): Promise<void> {
  const url = new URL(ws.databaseUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function prepare(engine: Engine, places: Place[], centres: Coordinates[]): Promise<Prepared> {
  const env = engineEnv(ws, engine);
  let db: Db;
  if (engine === 'postgres') {
    await ws.createDatabase();
    // One connection: the load's session settings (SET) must hold for all of its statements.
    db = createDb({ url: env.DATABASE_URL!, poolSize: 1 });
    await migrateToLatest(db);
  } else {
    step('PGlite: a data directory from the migrated dump');
    // Migrated once and kept in .tmp/ (bench/lib/pglite.ts); the portal opens the same directory later.
    db = createDb({
      pglite: await openEmbedded(env.DATA_DIR!, 'relaxed', { ...PGLITE_OPTIONS, loadDataDir: await migratedDump() }),
    });
  }
  try {
    step(`${ENGINE_NAMES[engine]}: loading ${SETTINGS.locations.toLocaleString('en')} locations`);
    const loaded = await loadLocatorData(db, places, SETTINGS);
    step(
      `${ENGINE_NAMES[engine]}: loaded in ${loaded.seconds} s; ${loaded.listable.toLocaleString('en')} locations listable now`,
    );
    const portalPlan = await plan(db, (d) => candidates[0]!.run(d, centres[0]!), engine === 'postgres');
    const [beforePlan] = await plan(db, (d) => before(centres[0]!).execute(d));
    const sqlResults = await measureSql(engine, db, centres);
    // What decision 066 costs at write time: a new maintenance period rewrites every listable location.
    const t0 = performance.now();
    await sql`UPDATE partner_settings SET maintenance_months = 13`.execute(db);
    const settingsChange = {
      seconds: round((performance.now() - t0) / 1000, 1),
      locations: (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM partner_locations WHERE listable_until IS NOT NULL`.execute(db)
      ).rows[0]!.n,
    };
    step(
      `${ENGINE_NAMES[engine]}: a new maintenance period rewrote the listing of ${settingsChange.locations.toLocaleString('en')} locations in ${settingsChange.seconds} s`,
    );
    const prepared: Prepared = {
      loadSeconds: loaded.seconds,
      listableLocations: loaded.listable,
      sql: sqlResults,
      plans: { portal: portalPlan, before: beforePlan! },
      settingsChange,
    };
    await db.destroy();
    if (BASELINE) prepared.baselineEnv = await baselineCopy(engine);
    return prepared;
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error;
  }
}

/**
 * The same data for the code before the change: a copy (a template database; a copied directory)
 * taken back to the schema that code knows, by this change's own `down` migration (the view, the
 * index function and the column as they were), and struck off the migration table.
 */
async function baselineCopy(engine: Engine): Promise<Record<string, string>> {
  const env = engineEnv(ws, engine);
  let db: Db;
  let overrides: Record<string, string>;
  if (engine === 'postgres') {
    const source = new URL(env.DATABASE_URL!).pathname.slice(1);
    const name = `${source}_before`;
    await admin(`CREATE DATABASE ${name} TEMPLATE ${source}`);
    ws.extraDatabases.push(name);
    const url = new URL(env.DATABASE_URL!);
    url.pathname = `/${name}`;
    overrides = { DATABASE_URL: url.toString() };
    db = createDb({ url: overrides.DATABASE_URL!, poolSize: 1 });
  } else {
    overrides = { DATA_DIR: `${env.DATA_DIR!}-before` };
    cpSync(env.DATA_DIR!, overrides.DATA_DIR!, { recursive: true });
    db = createDb({ dataDir: overrides.DATA_DIR!, durability: 'relaxed' });
  }
  try {
    await db.transaction().execute(async (trx) => {
      for (const [name, migration] of UNDONE_FOR_BASELINE) {
        await migration.down(trx as unknown as Kysely<unknown>);
        await sql`DELETE FROM kysely_migration WHERE name = ${name}`.execute(trx);
      }
    });
    await sql`ANALYZE partner_locations`.execute(db);
  } finally {
    await db.destroy();
  }
  return overrides;
}

// ---- HTTP ----

/** The HTTP targets besides the bare route: see the file's comment. */
const SEARCHES = ['uncached', 'cached', 'baseline'] as const;
type Search = (typeof SEARCHES)[number];
type Http = Record<'bare' | Search, Map<number, LoadResult>>;

/** How many of the most populous places the cached target rotates over (each page kept after its first search). */
const POPULAR_PLACES = 20;

/**
 * A search target that asks for the next place each request: by coordinates (a search the portal
 * never caches: every one a query), or by place name (geocoded by the portal; its first page kept).
 */
function searchTarget(name: Search, server: ServerProcess, places: Place[], by: 'coordinates' | 'place'): Target {
  let n = 0;
  return {
    name,
    url: server.url,
    nextPath: () => {
      const p = places[(n += 7919) % places.length]!;
      const where =
        by === 'place' ? `place=${encodeURIComponent(p.name)}` : `latitude=${p.latitude}&longitude=${p.longitude}`;
      return `/api/v1/partners/search?${where}&radius=${SETTINGS.radiusKm}`;
    },
  };
}

async function checkSearch(target: Target): Promise<void> {
  const res = await fetch(`${target.url}${target.nextPath()}`);
  const body = (await res.json()) as { results?: unknown[] };
  if (res.status !== 200 || !body.results?.length)
    throw new Error(`${target.name}: the search answered ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
}

async function measureHttp(
  engine: Engine,
  bareUrl: string,
  places: Place[],
  prepared: Prepared,
): Promise<Partial<Http>> {
  let baseline: ServerProcess | undefined;
  if (BASELINE) {
    step(`${ENGINE_NAMES[engine]}: starting the portal before the change (${BASELINE})`);
    baseline = await startPortal(ws, engine, { root: BASELINE, env: prepared.baselineEnv ?? {} });
  }
  step(`${ENGINE_NAMES[engine]}: starting the portal`);
  const portal = await startPortal(ws, engine);
  let n = 0;
  const targets: Target[] = [
    { name: 'bare', url: bareUrl, nextPath: () => `/?n=${(n += 1)}` },
    searchTarget('uncached', portal, places, 'coordinates'),
    searchTarget('cached', portal, places.slice(0, POPULAR_PLACES), 'place'),
    ...(baseline ? [searchTarget('baseline', baseline, places, 'place')] : []),
  ];
  for (const target of targets.slice(1)) await checkSearch(target);
  const http: Partial<Http> = {};
  for (const connections of SETTINGS.connections) {
    const results = await interleaved(targets, {
      connections,
      warmupSeconds: SETTINGS.warmupSeconds,
      rounds: SETTINGS.rounds,
      roundSeconds: SETTINGS.roundSeconds,
      // PGlite's single session finishes queued searches after autocannon stops; a server does not.
      pauseSeconds: engine === 'pglite' ? 1 : 0,
      log: (m) => step(`${ENGINE_NAMES[engine]}: ${m}`),
    });
    for (const [name, result] of results) (http[name as keyof Http] ??= new Map()).set(connections, result);
  }
  for (const server of [portal, baseline]) {
    if (!server) continue;
    await server.stop();
    ws.servers.splice(ws.servers.indexOf(server), 1);
  }
  return http;
}

// ---- Results ----

function rowsOf(engine: Engine, prepared: Prepared, http: Partial<Http>): ResultRow[] {
  const rows: ResultRow[] = [];
  const target = TARGETS[engine];
  const search = `Partner Locator, ${SETTINGS.radiusKm} km around a populated place, first page, ${SETTINGS.locations.toLocaleString('en')} listed locations (REG-14)`;
  const bare = http.bare!;
  const statuses = (r: LoadResult) =>
    Object.keys(r.statusCodes).some((code) => code !== '200') || r.errors + r.timeouts > 0
      ? `; unexpected answers ${JSON.stringify(r.statusCodes)}, ${r.errors} errors, ${r.timeouts} timeouts`
      : '';
  const ordered = prepared.plans.portal.every(indexOrdered);
  const planNote = ordered
    ? `the plan${engine === 'postgres' ? ' (custom and generic)' : ''} reads the GiST index in <-> order, no Sort`
    : `a plan (details.${engine}.plans.portal) does NOT read the GiST index in <-> order without a Sort` +
      (QUICK ? ' (expected at this size: the planner estimates 0.1 % of the rows in the box, fewer than a page)' : '');
  const described: Record<Search, string> = {
    uncached: `HTTP GET /api/v1/partners/search?latitude=…&longitude=…&radius=${SETTINGS.radiusKm}, ${SETTINGS.cities.toLocaleString('en')} places in turn (never cached: every search a query)`,
    cached: `HTTP GET /api/v1/partners/search?place=…&radius=${SETTINGS.radiusKm}, the ${POPULAR_PLACES} most populous places in turn (first pages kept)`,
    baseline: `HTTP GET /api/v1/partners/search?place=…&radius=${SETTINGS.radiusKm}, the code before the change (${BASELINE})`,
  };
  for (const name of SEARCHES) {
    const measured = http[name];
    if (!measured) continue;
    const one = measured.get(1)!;
    const ten = measured.get(10)!;
    // The targets are judged on the worst case, a search nobody made in the last seconds.
    const judged = name === 'uncached';
    rows.push(
      row({
        workload: `${search}: ${described[name]}, 1 connection${judged ? '' : ' (supplementary)'}`,
        engine,
        measured: one.latencyMs.p95,
        unit: 'ms p95',
        reference: bare.get(1)!.latencyMs.p95,
        referenceName: 'bare Fastify GET / at 1 connection (same run, interleaved)',
        target: judged ? `≤ ${target.p95Ms} ms` : '',
        met: judged ? one.latencyMs.p95 <= target.p95Ms && !statuses(one) : null,
        note: `p50 ${one.latencyMs.p50} ms (bare ${bare.get(1)!.latencyMs.p50} ms), ${one.requestsPerSecond} req/s${name === 'uncached' ? `; ${planNote}` : ''}${statuses(one)}`,
      }),
      row({
        workload: `${search}: ${described[name]}, ${SETTINGS.connections.at(-1)} connections${judged ? '' : ' (supplementary)'}`,
        engine,
        measured: ten.requestsPerSecond,
        unit: 'req/s',
        reference: bare.get(10)!.requestsPerSecond,
        referenceName: 'bare Fastify GET / at 10 connections (same run, interleaved)',
        target:
          judged && target.minRequestsPerSecond ? `≥ ${target.minRequestsPerSecond.toLocaleString('en')} req/s` : '',
        met:
          judged && target.minRequestsPerSecond
            ? ten.requestsPerSecond >= target.minRequestsPerSecond && !statuses(ten)
            : null,
        note: `p50 ${ten.latencyMs.p50} ms, p99 ${ten.latencyMs.p99} ms${statuses(ten)}`,
      }),
    );
  }
  const of = (name: string) => prepared.sql.find((r) => r.candidate === name)!;
  for (const stat of ['p50', 'p95'] as const) {
    rows.push(
      row({
        workload: `${search}: SQL, ${CANDIDATE_NAMES.portal}`,
        engine,
        measured: of('portal')[stat],
        unit: `ms ${stat}`,
        reference: of('before')[stat],
        referenceName: CANDIDATE_NAMES.before!,
        target: QUICK ? '' : '≤ reference, index-ordered plan',
        met: QUICK ? null : of('portal')[stat] <= of('before')[stat] && ordered,
        note: `${of('portal').queries} queries in ${SETTINGS.sqlRounds} interleaved rounds; ${planNote}`,
      }),
    );
  }
  rows.push(
    row({
      workload: `${search}: SQL, ${CANDIDATE_NAMES.btree} (supplementary)`,
      engine,
      measured: of('btree').p50,
      unit: 'ms p50',
      reference: of('portal').p50,
      referenceName: CANDIDATE_NAMES.portal!,
      target: '',
      met: null,
      note: `p95 ${of('btree').p95} ms`,
    }),
    row({
      workload: `${search}: a new maintenance period (staff setting) rewrites the listing of every listable location (supplementary)`,
      engine,
      measured: prepared.settingsChange.seconds,
      unit: 's',
      reference: null,
      referenceName: null,
      target: '',
      met: null,
      note: `${prepared.settingsChange.locations.toLocaleString('en')} locations; loading the data took ${prepared.loadSeconds} s`,
    }),
  );
  return rows;
}

async function main(): Promise<number> {
  const machineRecord = startMachineRecord();
  const places = largestPlaces(SETTINGS.cities);
  const centres = Array.from({ length: SETTINGS.sqlQueries }, (_, i) => places[(i * 7919) % places.length]!);
  step(`${places.length} places from the gazetteer; starting the bare Fastify server`);
  const bare = await startBare(ws);
  const rows: ResultRow[] = [];
  const details: Record<string, unknown> = { settings: { ...SETTINGS, engines: ENGINES, baseline: BASELINE ?? null } };
  // Written after each engine, so that a run stopped later keeps what it measured.
  const save = async () => {
    const machine = await machineRecord.finish(ENGINES.includes('postgres') ? ws.databaseUrl : undefined);
    const file = writeResult({
      benchmark: 'partner-locator',
      date: new Date().toISOString(),
      quick: QUICK,
      machine,
      commands: [
        `${BASELINE ? `BENCH_BASELINE_DIR=${BASELINE} ` : ''}${QUICK ? '' : 'BENCH_TIME_LIMIT_MINUTES=70 '}npm run bench -- ${QUICK ? '--quick ' : ''}partner-locator`,
      ],
      rows,
      details,
    });
    return { machine, file };
  };
  for (const engine of ENGINES) {
    const prepared = await prepare(engine, places, centres);
    const http = await measureHttp(engine, bare.url, places, prepared);
    rows.push(...rowsOf(engine, prepared, http));
    details[engine] = {
      loadSeconds: prepared.loadSeconds,
      listableLocations: prepared.listableLocations,
      sql: prepared.sql,
      plans: prepared.plans,
      settingsChange: prepared.settingsChange,
      http: Object.fromEntries(Object.entries(http).map(([k, m]) => [k, Object.fromEntries(m.entries())])),
    };
    console.log(
      `\n${ENGINE_NAMES[engine]}, SQL in this process:\n${table([
        ['candidate', 'queries', 'p50 ms', 'p95 ms', 'rows/query'],
        ...prepared.sql.map((r) => [r.candidate, r.queries, r.p50, r.p95, r.rowsPerQuery]),
      ])}`,
    );
    console.log(
      `\n${ENGINE_NAMES[engine]}, HTTP:\n${table([
        ['server', 'connections', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms'],
        ...Object.entries(http).flatMap(([k, m]) =>
          [...m].map(([c, r]) => [k, c, r.requestsPerSecond, r.latencyMs.p50, r.latencyMs.p95, r.latencyMs.p99]),
        ),
      ])}`,
    );
    console.log(`\n${ENGINE_NAMES[engine]} plans of the portal's query:\n${prepared.plans.portal.join('\n\n')}`);
    await save();
  }
  const { machine, file } = await save();
  console.log(
    `\n${table([
      ['engine', 'workload', 'measured', 'unit', 'reference', 'ratio', 'target', 'met'],
      ...rows.map((r) => [
        r.engine,
        r.workload.replace(/^Partner Locator[^:]*: /, ''),
        r.measured,
        r.unit,
        r.reference ?? '',
        r.ratio ?? '',
        r.target,
        r.met === null ? '' : r.met ? 'yes' : 'NO',
      ]),
    ])}`,
  );
  console.log(
    `\nmachine load average (1 min) before/after: ${machine.loadAverage.before}/${machine.loadAverage.after}`,
  );
  console.log(`results: ${file}`);
  return exitCodeFor(rows);
}

await runAndExit(main, () => ws.cleanUp());
