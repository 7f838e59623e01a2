/**
 * Issue #15: the portal's pages at 10 connections on the demo programme, on PostgreSQL and on
 * PGlite, each interleaved round by round with the bare Fastify route (bench/lib/bare-server.ts)
 * in the same run: the public pages (home, Distributor Locator for a country, Partner Locator
 * around a populated place), and as their people, signed in through the real sign-in form, the
 * applicant's list of applications and every step of the registration wizard, the Partner Self
 * Service home, the programme staff's review queue holding 10,000 applications, and the PICA
 * administrator's list of sponsorships.
 *
 * Targets: every page ≥ 5 % of the bare route's throughput with p99 ≤ 25 ms on PostgreSQL, and
 * ≥ 2 % on PGlite.
 *
 * Data: `partner-portal seed-demo` on a throwaway database (pp_bench_<random> on
 * BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres) and in a temporary
 * PGlite data directory, plus BENCH_QUEUE_APPLICATIONS (10,000) submitted applications.
 * BENCH_QUICK=1 measures PostgreSQL only, briefly. BENCH_PAGES=home,staff-queue limits the pages;
 * BENCH_ENGINES=postgres|pglite the engines; BENCH_PROFILE=1 profiles the portal (--cpu-prof).
 * Writes bench/results/pages-<date>[-quick].json. Exit code 0 all targets met, 3 one missed, 1 failed.
 */
import os from 'node:os';
import { sql } from 'kysely';
import { DEMO_PASSWORD } from '../src/demo/seed-demo.ts';
import { interleaved, table, type LoadResult, type Target } from './lib/harness.ts';
import {
  addQueueApplications,
  checkPage,
  ENGINE_NAMES,
  fromEnv,
  machine,
  openDb,
  percent,
  postgresVersion,
  PROFILE,
  PROFILE_DIR,
  QUICK,
  seedDemo,
  engineEnv,
  signIn,
  startBare,
  startPortal,
  step,
  workspace,
  writeResults,
  type Engine,
  type ResultRow,
} from './lib/portal-bench.ts';

const SETTINGS = {
  connections: fromEnv('BENCH_CONNECTIONS', 10),
  queueApplications: fromEnv('BENCH_QUEUE_APPLICATIONS', QUICK ? 2_000 : 10_000),
  warmupSeconds: QUICK ? 0.5 : 1,
  rounds: fromEnv('BENCH_ROUNDS', QUICK ? 1 : 3),
  roundSeconds: fromEnv('BENCH_ROUND_SECONDS', QUICK ? 0.6 : 2),
};
const TARGETS: Record<Engine, { minRatio: number; maxP99Ms?: number }> = {
  postgres: { minRatio: 0.05, maxP99Ms: 25 },
  pglite: { minRatio: 0.02 },
};
const ENGINES = (process.env.BENCH_ENGINES?.split(',') ?? (QUICK ? ['postgres'] : ['postgres', 'pglite'])) as Engine[];

/** Who looks at the pages: the demo programme's people (src/demo/seed-demo.ts, pica.demo.ts). */
const PEOPLE = {
  applicant: 'ingrid@fjordlys-data.example',
  partner: 'partner@kranich-systemhaus.example',
  reviewer: 'reviewer@northwind.example',
  pica: 'pica-admin@kranich-systemhaus.example',
} as const;

interface Ids {
  draft: string;
  partner: string;
}

interface Page {
  key: string;
  name: string;
  as?: keyof typeof PEOPLE;
  path: (ids: Ids) => string;
  /** Left out of the quick run. */
  full?: boolean;
}

const WIZARD_STEPS = ['company', 'contacts', 'locations', 'distributors', 'added_value', 'personnel', 'review'];

const ALL_PAGES: Page[] = [
  { key: 'home', name: 'home', path: () => '/' },
  { key: 'distributor-locator', name: 'Distributor Locator ?country=DE', path: () => '/distributors?country=DE' },
  {
    key: 'partner-locator',
    name: 'Partner Locator ?place=München',
    path: () => `/partners?place=${encodeURIComponent('München')}&radius=50`,
  },
  { key: 'applications', name: 'applications list', as: 'applicant', path: () => '/apply' },
  ...WIZARD_STEPS.map((s, i): Page => ({
    key: `wizard-${s}`,
    name: `wizard: ${s}`,
    as: 'applicant',
    path: (ids) => `/apply/${ids.draft}/${s}`,
    full: i > 0 && i < WIZARD_STEPS.length - 1,
  })),
  { key: 'partner-home', name: 'Partner Self Service home', as: 'partner', path: (ids) => `/partner/${ids.partner}` },
  {
    key: 'staff-queue',
    name: `staff review queue (${SETTINGS.queueApplications.toLocaleString('en')} applications)`,
    as: 'reviewer',
    path: () => '/staff/applications',
  },
  { key: 'pica-admin', name: 'PICA administrator: sponsorships', as: 'pica', path: () => '/pica/admin' },
];
const wanted = process.env.BENCH_PAGES?.split(',');
const PAGES = ALL_PAGES.filter((p) => (wanted ? wanted.includes(p.key) : !QUICK || !p.full));

const ws = workspace(QUICK ? 5 * 60_000 : 15 * 60_000);

async function prepare(engine: Engine): Promise<Ids> {
  const started = Date.now();
  if (engine === 'postgres') await ws.createDatabase();
  step(`${ENGINE_NAMES[engine]}: partner-portal seed-demo`);
  await seedDemo(engineEnv(ws, engine));
  step(`${ENGINE_NAMES[engine]}: ${SETTINGS.queueApplications.toLocaleString('en')} applications for the staff queue`);
  const db = openDb(ws, engine);
  try {
    await addQueueApplications(db, SETTINGS.queueApplications);
    const [draft] = (
      await sql<{ id: string }>`SELECT a.id FROM applications a JOIN users u ON u.id = a.created_by
        WHERE u.email = ${PEOPLE.applicant} AND a.status = 'draft'`.execute(db)
    ).rows;
    const [partner] = (
      await sql<{ id: string }>`SELECT organisation_id AS id FROM user_roles r JOIN users u ON u.id = r.user_id
        WHERE u.email = ${PEOPLE.partner} AND r.role = 'partner_admin'`.execute(db)
    ).rows;
    if (!draft || !partner) throw new Error('the demo programme has no draft or no partner administrator');
    step(`${ENGINE_NAMES[engine]}: data ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { draft: draft.id, partner: partner.id };
  } finally {
    await db.destroy();
  }
}

interface Measured {
  engine: Engine;
  bare: LoadResult;
  pages: { page: Page; result: LoadResult; bytes: number }[];
}

async function measure(engine: Engine, bareUrl: string): Promise<Measured> {
  const ids = await prepare(engine);
  step(`${ENGINE_NAMES[engine]}: starting the portal`);
  const portal = await startPortal(ws, engine);
  const cookies = new Map<string, string>();
  for (const page of PAGES)
    if (page.as && !cookies.has(page.as))
      cookies.set(page.as, await signIn(portal.url, PEOPLE[page.as], DEMO_PASSWORD));
  const bytes = new Map<string, number>();
  for (const page of PAGES)
    bytes.set(page.key, await checkPage(portal.url, page.path(ids), page.as && cookies.get(page.as)));
  // The bare route gets the same client-side work per request: a query string that changes.
  let n = 0;
  const targets: Target[] = [
    { name: 'bare route', url: bareUrl, nextPath: () => `/?n=${(n += 1)}` },
    ...PAGES.map((page) => {
      const pathName = page.path(ids);
      const cookie = page.as && cookies.get(page.as);
      return { name: page.key, url: portal.url, nextPath: () => pathName, ...(cookie ? { headers: { cookie } } : {}) };
    }),
  ];
  const results = await interleaved(targets, {
    connections: SETTINGS.connections,
    warmupSeconds: SETTINGS.warmupSeconds,
    rounds: SETTINGS.rounds,
    roundSeconds: SETTINGS.roundSeconds,
    log: (m) => step(`${ENGINE_NAMES[engine]}: ${m}`),
  });
  await portal.stop();
  ws.servers.splice(ws.servers.indexOf(portal), 1);
  return {
    engine,
    bare: results.get('bare route')!,
    pages: PAGES.map((page) => ({ page, result: results.get(page.key)!, bytes: bytes.get(page.key)! })),
  };
}

function rowsOf(m: Measured): ResultRow[] {
  const target = TARGETS[m.engine];
  return m.pages.map(({ page, result, bytes }) => {
    const ratio = Math.round((result.requestsPerSecond / m.bare.requestsPerSecond) * 10_000) / 10_000;
    const bad = Object.entries(result.statusCodes).filter(([code]) => code !== '200');
    const met =
      ratio >= target.minRatio &&
      (target.maxP99Ms === undefined || result.latencyMs.p99 <= target.maxP99Ms) &&
      bad.length === 0 &&
      result.errors + result.timeouts === 0;
    return {
      workload: page.name,
      engine: ENGINE_NAMES[m.engine],
      measured: result.requestsPerSecond,
      unit: 'req/s',
      reference: m.bare.requestsPerSecond,
      referenceName: 'bare Fastify GET / (same run, interleaved)',
      ratio,
      target: `≥ ${target.minRatio * 100} % of bare${target.maxP99Ms ? `, p99 ≤ ${target.maxP99Ms} ms` : ''}`,
      met,
      note:
        `GET ${page.path({ draft: ':id', partner: ':partnerId' })}${page.as ? ` as ${PEOPLE[page.as]}` : ''}; ` +
        `p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms; ${Math.round(bytes / 1024)} KiB` +
        (bad.length ? `; unexpected statuses ${JSON.stringify(result.statusCodes)}` : ''),
      latencyMs: result.latencyMs,
      statusCodes: result.statusCodes,
    };
  });
}

async function main(): Promise<number> {
  const loadBefore = os.loadavg();
  step('starting the bare Fastify server');
  const bare = await startBare(ws);
  const measured: Measured[] = [];
  for (const engine of ENGINES) measured.push(await measure(engine, bare.url));
  const pgVersion = ENGINES.includes('postgres') ? await postgresVersion(ws) : undefined;
  const rows = measured.flatMap(rowsOf);
  const file = writeResults('pages', {
    machine: machine(loadBefore, pgVersion ? { postgres: pgVersion } : {}),
    commands: [`npm run bench -- ${QUICK ? '--quick ' : ''}pages`],
    settings: { ...SETTINGS, engines: ENGINES, pages: PAGES.map((p) => p.key) },
    bare: Object.fromEntries(measured.map((m) => [m.engine, m.bare])),
    rows,
  });
  for (const m of measured) {
    console.log(
      `\n${ENGINE_NAMES[m.engine]}: pages vs bare Fastify route (${SETTINGS.connections} connections, ${SETTINGS.rounds} interleaved rounds of ${SETTINGS.roundSeconds} s)\n`,
    );
    console.log(
      table([
        ['page', 'req/s', 'p50 ms', 'p99 ms', 'vs bare', 'target', 'met'],
        ['bare Fastify GET /', m.bare.requestsPerSecond, m.bare.latencyMs.p50, m.bare.latencyMs.p99, '100 %', '', ''],
        ...rows
          .filter((r) => r.engine === ENGINE_NAMES[m.engine])
          .map((r) => [
            r.workload,
            r.measured,
            r.latencyMs!.p50,
            r.latencyMs!.p99,
            percent(r.ratio),
            r.target,
            r.met ? 'yes' : 'NO',
          ]),
      ]),
    );
  }
  const load = machine(loadBefore).loadAverage;
  console.log(`\nmachine load average (1 min) before/after: ${load.before}/${load.after}`);
  console.log(`results: ${file}`);
  if (PROFILE) console.log(`CPU profiles of the portal: ${PROFILE_DIR}`);
  const broken = rows.filter((r) => r.note.includes('unexpected statuses'));
  if (broken.length > 0) {
    console.error(`Unexpected answers: ${broken.map((r) => `${r.engine} ${r.workload}`).join(', ')}`);
    return 1;
  }
  return rows.every((r) => r.met) ? 0 : 3;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error);
} finally {
  await ws.cleanUp();
}
process.exit(code);
