/**
 * REG-14 Partner Locator at scale: 1,000,000 listed locations clustered around the 1,000 most
 * populous cities of the gazetteer (each within about 50 km of its city), 50,000 partners (5 %
 * suspended), on a throwaway PostgreSQL database (pp_bench_<random> on BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres) and on an in-memory PGlite, both migrated like the
 * portal. Each candidate index/query answers the same radius searches (50 km around a random one of
 * those cities, first page of 20, nearest first), interleaved round by round so that the machine's
 * load hits every candidate alike; p50/p95 per candidate and engine go to the terminal and to
 * bench/results/partner-locator-<date>.json. Decision 048 records the outcome.
 *
 * Candidates:
 *   btree   — B-tree (latitude, longitude) WHERE listed: bounding box + exact haversine, sorted by
 *             distance, with the total count of matches (count(*) OVER ());
 *   btree-page — the same without the total;
 *   earth   — GiST on ll_to_earth(latitude, longitude) WHERE listed (cube + earthdistance):
 *             earth_box filter + earth_distance check, sorted by distance, with the total;
 *   portal  — the portal's query (locator.repository.ts): the same GiST index read in `<->` order
 *             (nearest first straight from the index), 21 rows (a page and "is there more"), no
 *             total. An earlier run measured a tie-breaker after `<->` (PostgreSQL 15 then sorted
 *             every match) and a count capped at 1,000 (about 40 ms): both were dropped.
 *
 * Run: `npm run bench -- partner-locator` (BENCH_LOCATIONS, BENCH_ROUNDS, BENCH_QUERIES to vary).
 * BENCH_QUICK=1 (`npm run bench -- --quick`): 20,000 locations around the 20 largest cities (the
 * same density as the full run), 2,000 partners, 2 rounds of 10 searches (≤ ~25 s). Result rows (bench/lib/results.ts): the portal's query per engine against
 * the B-tree candidate it replaced (decision 048), measured in the same run; target: faster.
 */
import { randomBytes } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { createDb, type Db } from '../src/platform/db.ts';
import { migrateToLatest } from '../src/platform/migrate.ts';
import { largestPlaces } from '../src/modules/partners/gazetteer.ts';
import { searchListedLocations } from '../src/modules/partners/locator.repository.ts';
import { boundingBox, PAGE_SIZE, type Coordinates } from '../src/modules/partners/locator.rules.ts';
import { table } from './lib/harness.ts';
import { migratedPGlite } from './lib/pglite.ts';
import { exitCodeFor, QUICK, row, startMachineRecord, writeResult, type ResultRow } from './lib/results.ts';

const fromEnv = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const SETTINGS = {
  locations: fromEnv('BENCH_LOCATIONS', QUICK ? 20_000 : 1_000_000),
  partners: QUICK ? 2_000 : 50_000,
  /** A quick run keeps the full run's density (about 1,000 locations a city) over fewer cities. */
  cities: QUICK ? 20 : 1_000,
  radiusKm: 50,
  /** Each round runs every candidate over the same BENCH_QUERIES centres, in a rotated order. */
  rounds: fromEnv('BENCH_ROUNDS', QUICK ? 2 : 4),
  queries: fromEnv('BENCH_QUERIES', QUICK ? 10 : 50),
};
const DEADLINE_MS = 9 * 60_000;
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const databaseName = `pp_bench_${randomBytes(5).toString('hex')}`;
const databaseUrl = (() => {
  const parsed = new URL(adminUrl);
  parsed.pathname = `/${databaseName}`;
  return parsed.toString();
})();

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const open: Db[] = [];
let databaseCreated = false;
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
  (cleaning ??= (async () => {
    await Promise.allSettled(open.map((db) => db.destroy()));
    if (databaseCreated)
      await admin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`).catch((error: unknown) =>
        console.error(`Could not drop ${databaseName}:`, error),
      );
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}
const deadline = setTimeout(() => {
  console.error(`The benchmark did not finish within ${DEADLINE_MS / 60_000} minutes; stopping.`);
  void cleanUp().finally(() => process.exit(1));
}, DEADLINE_MS);

const step = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

/** The most populous cities of the gazetteer: the clusters, and the search centres. */
const topCities = (n: number): Coordinates[] => largestPlaces(n);

async function load(db: Db, cities: Coordinates[]): Promise<number> {
  const started = Date.now();
  await sql`SET session_replication_role = replica`.execute(db).catch(() => undefined);
  await sql`CREATE TABLE bench_city (n int PRIMARY KEY, latitude float8, longitude float8)`.execute(db);
  for (let i = 0; i < cities.length; i += 500) {
    const chunk = cities.slice(i, i + 500).map((c, j) => ({ n: i + j, latitude: c.latitude, longitude: c.longitude }));
    await sql`INSERT INTO bench_city SELECT * FROM json_to_recordset(${JSON.stringify(chunk)}::json) AS x(n int, latitude float8, longitude float8)`.execute(
      db,
    );
  }
  await sql`CREATE TABLE bench_partner (n int PRIMARY KEY, id uuid)`.execute(db);
  await sql`WITH o AS (INSERT INTO organisations (kind, name) SELECT 'partner', 'Bench Partner ' || g FROM generate_series(1, ${SETTINGS.partners}::int) g RETURNING id, name),
              p AS (INSERT INTO partners (organisation_id, legal_name, country, status, registered_at, distributor_info_reviewed_at)
                    SELECT id, name, 'DE', CASE WHEN random() < 0.95 THEN 'registered' ELSE 'suspended' END,
                           now() - interval '1 year', now() - interval '1 month'
                    FROM o RETURNING organisation_id)
            INSERT INTO bench_partner SELECT row_number() OVER () - 1, organisation_id FROM p`.execute(db);
  // REG-4, REG-14: the Locator lists only partners in good standing (listable_partners): reviewed
  // within the year and with an account a distributor confirmed. Without these rows every page
  // would be empty and the portal's query would measure nothing.
  await sql`WITH o AS (INSERT INTO organisations (kind, name) VALUES ('distributor', 'Bench Distribution GmbH') RETURNING id)
            INSERT INTO distributors (organisation_id, code, legal_name, hq_country)
            SELECT id, 'BENCH', 'Bench Distribution GmbH', 'DE' FROM o`.execute(db);
  await sql`INSERT INTO account_claims (partner_id, distributor_id, account_number, status, decided_at, decision_source)
            SELECT p.id, d.id, 'BENCH-' || p.n, 'confirmed', now(), 'distributor' FROM bench_partner p CROSS JOIN distributors d`.execute(
    db,
  );
  // A bulk load builds the GiST index once afterwards (as a restore would), not row by row.
  await sql`DROP INDEX partner_locations_listed_earth`.execute(db);
  // Each location within about ±0.45° of its city (sum of three uniforms: denser near the centre).
  await sql`INSERT INTO partner_locations (partner_id, lines, city, country, type, listed, latitude, longitude)
            SELECT p.id, ARRAY['1 Benchmark Street'], 'Bench ' || c.n, 'DE', 'office', true,
                   least(89.9, greatest(-89.9, c.latitude + (random() + random() + random() - 1.5) * 0.3)),
                   least(180, greatest(-180, c.longitude + (random() + random() + random() - 1.5) * 0.3 / cos(radians(c.latitude))))
            FROM generate_series(1, ${SETTINGS.locations}::int) g
            JOIN bench_city c ON c.n = g % ${cities.length}::int
            JOIN bench_partner p ON p.n = g % ${SETTINGS.partners}::int`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS cube`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS earthdistance`.execute(db);
  // The portal's GiST index, as its migration defines it; the B-tree is the other candidates'.
  await sql`CREATE INDEX partner_locations_listed_earth ON partner_locations USING gist (location_earth(latitude, longitude)) WHERE listed`.execute(
    db,
  );
  await sql`CREATE INDEX bench_locations_position ON partner_locations (latitude, longitude) WHERE listed`.execute(db);
  await sql`ANALYZE`.execute(db);
  return (Date.now() - started) / 1000;
}

type Candidate = { name: string; run: (db: Db, c: Coordinates) => Promise<unknown[]> };

const haversine = (c: Coordinates) =>
  sql`(12742.0176 * asin(least(1, sqrt(power(sin(radians(l.latitude - ${c.latitude}) / 2), 2)
      + cos(radians(${c.latitude})) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - ${c.longitude}) / 2), 2)))))`;

const earthFilter = (c: Coordinates, r: number) =>
  sql`earth_box(ll_to_earth(${c.latitude}, ${c.longitude}), ${r * 1000}) @> location_earth(l.latitude, l.longitude)
      AND earth_distance(ll_to_earth(${c.latitude}, ${c.longitude}), location_earth(l.latitude, l.longitude)) <= ${r * 1000}`;

const candidates: Candidate[] = [
  {
    name: 'btree',
    run: async (db, c) => {
      const b = boundingBox(c, SETTINGS.radiusKm);
      return (
        await sql`SELECT l.id, p.legal_name, ${haversine(c)} AS distance_km, count(*) OVER ()::int AS total
          FROM partner_locations l JOIN partners p ON p.organisation_id = l.partner_id
          WHERE l.listed AND p.status = 'registered' AND l.latitude BETWEEN ${b.minLatitude} AND ${b.maxLatitude}
            AND l.longitude BETWEEN ${b.minLongitude} AND ${b.maxLongitude} AND ${haversine(c)} <= ${SETTINGS.radiusKm}
          ORDER BY distance_km, p.legal_name, l.id LIMIT ${PAGE_SIZE}`.execute(db)
      ).rows;
    },
  },
  {
    name: 'btree-page',
    run: async (db, c) => {
      const b = boundingBox(c, SETTINGS.radiusKm);
      const d = haversine(c);
      return (
        await sql`SELECT l.id, p.legal_name, ${d} AS distance_km FROM partner_locations l JOIN partners p ON p.organisation_id = l.partner_id
          WHERE l.listed AND p.status = 'registered' AND l.latitude BETWEEN ${b.minLatitude} AND ${b.maxLatitude}
            AND l.longitude BETWEEN ${b.minLongitude} AND ${b.maxLongitude} AND ${d} <= ${SETTINGS.radiusKm}
          ORDER BY distance_km, p.legal_name, l.id LIMIT ${PAGE_SIZE}`.execute(db)
      ).rows;
    },
  },
  {
    name: 'earth',
    run: async (db, c) =>
      (
        await sql`SELECT l.id, p.legal_name, earth_distance(ll_to_earth(${c.latitude}, ${c.longitude}), location_earth(l.latitude, l.longitude)) / 1000 AS distance_km,
                 count(*) OVER ()::int AS total
          FROM partner_locations l JOIN partners p ON p.organisation_id = l.partner_id
          WHERE l.listed AND p.status = 'registered' AND ${earthFilter(c, SETTINGS.radiusKm)}
          ORDER BY distance_km, p.legal_name, l.id LIMIT ${PAGE_SIZE}`.execute(db)
      ).rows,
  },
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
        now: new Date(),
      }),
  },
];

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function measure(engine: string, db: Db, centres: Coordinates[]) {
  const times = new Map<string, number[]>(candidates.map((c) => [c.name, []]));
  const found = new Map<string, number>();
  // One warm-up pass, not counted: caches and plans.
  for (const c of candidates) for (const centre of centres.slice(0, 10)) await c.run(db, centre);
  for (let round = 0; round < SETTINGS.rounds; round += 1) {
    const order = candidates.map((_, i) => candidates[(i + round) % candidates.length]!);
    for (const c of order) {
      for (const centre of centres) {
        const t0 = performance.now();
        const rows = await c.run(db, centre);
        times.get(c.name)!.push(performance.now() - t0);
        found.set(c.name, (found.get(c.name) ?? 0) + rows.length);
      }
    }
    step(`${engine}: round ${round + 1}/${SETTINGS.rounds} done`);
  }
  return candidates.map((c) => {
    const sorted = [...times.get(c.name)!].sort((a, b) => a - b);
    const round2 = (n: number) => Math.round(n * 100) / 100;
    return {
      engine,
      candidate: c.name,
      queries: sorted.length,
      p50: round2(percentile(sorted, 50)),
      p95: round2(percentile(sorted, 95)),
      rowsPerQuery: Math.round((found.get(c.name)! / sorted.length) * 10) / 10,
    };
  });
}

/**
 * The plan of the portal's own page query (searchListedLocations, captured as it runs), to show
 * whether the GiST index orders it: EXPLAIN ANALYZE, so the actual rows and time are in it too.
 */
async function portalPlan(db: Db, c: Coordinates): Promise<string> {
  let captured: CompiledQuery | undefined;
  const capturing = db.withPlugin({
    transformQuery: (args) => {
      captured ??= db.getExecutor().compileQuery(args.node, args.queryId);
      return args.node;
    },
    transformResult: async (args) => args.result,
  });
  await candidates.find((k) => k.name === 'portal')!.run(capturing, c);
  const explained = await db.executeQuery<Record<string, string>>(
    CompiledQuery.raw(`EXPLAIN (ANALYZE, COSTS OFF) ${captured!.sql}`, [...captured!.parameters]),
  );
  return explained.rows.map((row) => Object.values(row)[0]).join('\n');
}

async function main(): Promise<number> {
  const cities = topCities(SETTINGS.cities);
  step(`${cities.length} cluster cities from the gazetteer`);
  const centres = Array.from({ length: SETTINGS.queries }, (_, i) => cities[(i * 7919) % cities.length]!);
  const results: Awaited<ReturnType<typeof measure>> = [];
  const info: Record<string, unknown> = {};
  const machine = startMachineRecord();

  step(`creating database ${databaseName} on ${new URL(adminUrl).host}`);
  await admin(`CREATE DATABASE ${databaseName}`);
  databaseCreated = true;
  const server = createDb({ url: databaseUrl, poolSize: 1 });
  open.push(server);
  await migrateToLatest(server);
  info.postgresLoadSeconds = await load(server, cities);
  step(`PostgreSQL: loaded ${SETTINGS.locations} locations in ${info.postgresLoadSeconds as number} s`);
  info.postgresPlan = await portalPlan(server, centres[0]!);
  results.push(...(await measure('postgres', server, centres)));
  await server.destroy();
  open.splice(open.indexOf(server), 1);
  await admin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  databaseCreated = false;

  step('PGlite: creating an in-memory database');
  // Migrated once and kept as a dump in .tmp/ (bench/lib/pglite.ts); migrateToLatest below then has nothing to do.
  const pglite = await migratedPGlite();
  const lite = createDb({ pglite });
  open.push(lite);
  await migrateToLatest(lite);
  info.pgliteLoadSeconds = await load(lite, cities);
  step(`PGlite: loaded ${SETTINGS.locations} locations in ${info.pgliteLoadSeconds as number} s`);
  info.pglitePlan = await portalPlan(lite, centres[0]!);
  results.push(...(await measure('pglite', lite, centres)));

  console.log(
    `\n${table([['engine', 'candidate', 'queries', 'p50 ms', 'p95 ms', 'rows/query'], ...results.map((r) => [r.engine, r.candidate, r.queries, r.p50, r.p95, r.rowsPerQuery])])}`,
  );
  console.log(
    `\nPostgreSQL plan of the portal's query:\n${info.postgresPlan as string}\n\nPGlite plan:\n${info.pglitePlan as string}`,
  );
  const rows = resultRows(results, {
    postgres: info.postgresPlan as string,
    pglite: info.pglitePlan as string,
  });
  const file = writeResult({
    benchmark: 'partner-locator',
    date: new Date().toISOString(),
    quick: QUICK,
    machine: await machine.finish(adminUrl),
    commands: [`npm run bench --${QUICK ? ' --quick' : ''} partner-locator`],
    rows,
    details: { settings: SETTINGS, ...info, results },
  });
  step(`written ${file}`);
  return exitCodeFor(rows);
}

const CANDIDATE_NAMES: Record<string, string> = {
  btree: 'B-tree (lat, lng) box + haversine, sorted, with total count',
  'btree-page': 'B-tree box + haversine, sorted, no count',
  earth: 'GiST earth_box + earth_distance, sorted, with count',
  portal: "the portal's query: GiST read in <-> order, 21 rows",
};

/**
 * The portal's query against the B-tree box it replaced (decision 048), per engine and for p50
 * and p95; the other candidates as supplementary rows against the same reference.
 */
function resultRows(results: Awaited<ReturnType<typeof measure>>, plans: Record<string, string>): ResultRow[] {
  const rows: ResultRow[] = [];
  const search = `${SETTINGS.radiusKm} km radius search, first page, ${SETTINGS.locations.toLocaleString('en')} locations (REG-14)`;
  for (const engine of ['postgres', 'pglite']) {
    const of = (candidate: string) => results.find((r) => r.engine === engine && r.candidate === candidate)!;
    const reference = of('btree');
    const portal = of('portal');
    // Decision 048: the page is cheap only when the GiST index is read in `<->` order and stops after it.
    const indexOrdered = /Order By: .*<->/.test(plans[engine] ?? '');
    const why = indexOrdered
      ? 'The plan reads the GiST index in <-> order, yet lost to the B-tree box in this run: on a busy machine, run again and compare the load averages.'
      : `The plan (details.${engine === 'postgres' ? 'postgresPlan' : 'pglitePlan'}) no longer reads the GiST index in <-> order: it fetches every listed location in the circle (a bitmap scan), checks each partner against listable_partners (a semi join per row) and sorts them all before the first page, which is what decision 048 measured the index-ordered read to avoid. What would close it: a filter the planner can apply while it walks the index in <-> order, e.g. a listable flag kept on partners (or locations) by the services that change standing, instead of the IN (SELECT … FROM listable_partners) subquery.`;
    for (const stat of ['p50', 'p95'] as const) {
      const met = portal[stat] < reference[stat];
      rows.push(
        row({
          workload: `${search}: ${CANDIDATE_NAMES.portal}`,
          engine,
          measured: portal[stat],
          unit: `ms ${stat}`,
          reference: reference[stat],
          referenceName: CANDIDATE_NAMES.btree!,
          target: '< reference',
          met,
          note: met
            ? `${portal.rowsPerQuery} rows a query; ${portal.queries} queries in ${SETTINGS.rounds} interleaved rounds`
            : why,
        }),
      );
    }
    for (const candidate of ['btree-page', 'earth'])
      rows.push(
        row({
          workload: `${search}: ${CANDIDATE_NAMES[candidate]!} (supplementary)`,
          engine,
          measured: of(candidate).p50,
          unit: 'ms p50',
          reference: reference.p50,
          referenceName: CANDIDATE_NAMES.btree!,
          target: '',
          met: null,
          note: '',
        }),
      );
  }
  return rows;
}

main()
  .then(async (code) => {
    clearTimeout(deadline);
    await cleanUp();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    console.error(error);
    clearTimeout(deadline);
    await cleanUp();
    process.exit(1);
  });
