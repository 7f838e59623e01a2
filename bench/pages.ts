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
import { cpSync } from 'node:fs';
import { sql } from 'kysely';
import { DEMO_PASSWORD } from '../src/demo/seed-demo.ts';
import { interleaved, table, type LoadResult, type ServerProcess, type Target } from './lib/harness.ts';
import {
  addQueueApplications,
  checkPage,
  ENGINE_NAMES,
  fromEnv,
  openDb,
  percent,
  PROFILE,
  PROFILE_DIR,
  seedDemo,
  engineEnv,
  signIn,
  startBare,
  startPortal,
  step,
  workspace,
  type Engine,
} from './lib/portal-bench.ts';
import { exitCodeFor, QUICK, row, startMachineRecord, writeResult, type ResultRow, runAndExit } from './lib/results.ts';

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
/**
 * BENCH_BASELINE_DIR: a checkout of the code before a change (with node_modules); its portal serves
 * the same data and is measured in the same interleaved rounds, for before/after ratios.
 */
const BASELINE = process.env.BENCH_BASELINE_DIR;
const PAGES = ALL_PAGES.filter((p) => (wanted ? wanted.includes(p.key) : !QUICK || !p.full));

const ws = workspace((QUICK ? 5 : 15) * 60_000 * (BASELINE ? 2 : 1));

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
  /** The same pages served by the code before the change (BENCH_BASELINE_DIR), same run. */
  before?: { page: Page; result: LoadResult; bytes: number }[] | undefined;
}

/** Signs in the pages' people on a portal and checks every page answers; the targets to drive. */
async function pageTargets(portal: ServerProcess, ids: Ids, prefix: string, bytes: Map<string, number>) {
  const cookies = new Map<string, string>();
  for (const page of PAGES)
    if (page.as && !cookies.has(page.as))
      cookies.set(
        page.as,
        await signIn(portal.url, PEOPLE[page.as], DEMO_PASSWORD).catch((error: unknown) => {
          throw new Error(`${portal.name}: ${(error as Error).message}\n${portal.output()}`);
        }),
      );
  const targets: Target[] = [];
  for (const page of PAGES) {
    const pathName = page.path(ids);
    const cookie = page.as && cookies.get(page.as);
    bytes.set(prefix + page.key, await checkPage(portal.url, pathName, cookie));
    targets.push({
      name: prefix + page.key,
      url: portal.url,
      nextPath: () => pathName,
      ...(cookie ? { headers: { cookie } } : {}),
    });
  }
  return targets;
}

async function measure(engine: Engine, bareUrl: string): Promise<Measured> {
  const ids = await prepare(engine);
  let before: ServerProcess | undefined;
  if (BASELINE) {
    // The same data: on PGlite a copy of the directory (one process per data directory).
    const env: Record<string, string> = {};
    if (engine === 'pglite') {
      env.DATA_DIR = `${engineEnv(ws, engine).DATA_DIR}-before`;
      cpSync(engineEnv(ws, engine).DATA_DIR!, env.DATA_DIR, { recursive: true });
    }
    step(`${ENGINE_NAMES[engine]}: starting the portal before the change (${BASELINE})`);
    before = await startPortal(ws, engine, { root: BASELINE, env });
  }
  step(`${ENGINE_NAMES[engine]}: starting the portal`);
  const portal = await startPortal(ws, engine);
  const bytes = new Map<string, number>();
  // The bare route gets the same client-side work per request: a query string that changes.
  let n = 0;
  const targets: Target[] = [
    { name: 'bare route', url: bareUrl, nextPath: () => `/?n=${(n += 1)}` },
    ...(await pageTargets(portal, ids, '', bytes)),
    ...(before ? await pageTargets(before, ids, 'before:', bytes) : []),
  ];
  const results = await interleaved(targets, {
    connections: SETTINGS.connections,
    warmupSeconds: SETTINGS.warmupSeconds,
    rounds: SETTINGS.rounds,
    roundSeconds: SETTINGS.roundSeconds,
    log: (m) => step(`${ENGINE_NAMES[engine]}: ${m}`),
  });
  for (const server of [portal, before]) {
    if (!server) continue;
    await server.stop();
    ws.servers.splice(ws.servers.indexOf(server), 1);
  }
  return {
    engine,
    bare: results.get('bare route')!,
    pages: PAGES.map((page) => ({ page, result: results.get(page.key)!, bytes: bytes.get(page.key)! })),
    before: before
      ? PAGES.map((page) => ({
          page,
          result: results.get(`before:${page.key}`)!,
          bytes: bytes.get(`before:${page.key}`)!,
        }))
      : undefined,
  };
}

function rowsOf(m: Measured): ResultRow[] {
  const target = TARGETS[m.engine];
  return m.pages.map(({ page, result, bytes }) => {
    const ratio = result.requestsPerSecond / m.bare.requestsPerSecond;
    const bad = Object.entries(result.statusCodes).filter(([code]) => code !== '200');
    const met =
      ratio >= target.minRatio &&
      (target.maxP99Ms === undefined || result.latencyMs.p99 <= target.maxP99Ms) &&
      bad.length === 0 &&
      result.errors + result.timeouts === 0;
    return row({
      workload: page.name,
      engine: m.engine,
      measured: result.requestsPerSecond,
      unit: 'req/s',
      reference: m.bare.requestsPerSecond,
      referenceName: 'bare Fastify GET / (same run, interleaved)',
      target: `≥ ${target.minRatio * 100} % of bare${target.maxP99Ms ? `, p99 ≤ ${target.maxP99Ms} ms` : ''}`,
      met,
      note:
        `GET ${page.path({ draft: ':id', partner: ':partnerId' })}${page.as ? ` as ${PEOPLE[page.as]}` : ''}; ` +
        `p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms; ${Math.round(bytes / 1024)} KiB` +
        (bad.length ? `; unexpected statuses ${JSON.stringify(result.statusCodes)}` : ''),
    });
  });
}

/** Everything measured per page, for the result file's details. */
const detailsOf = (pages: Measured['pages']) =>
  Object.fromEntries(pages.map(({ page, result, bytes }) => [page.key, { ...result, bytes }]));

async function main(): Promise<number> {
  const machineRecord = startMachineRecord();
  step('starting the bare Fastify server');
  const bare = await startBare(ws);
  const measured: Measured[] = [];
  for (const engine of ENGINES) measured.push(await measure(engine, bare.url));
  const machine = await machineRecord.finish(ENGINES.includes('postgres') ? ws.databaseUrl : undefined);
  const rows = measured.flatMap(rowsOf);
  const file = writeResult({
    benchmark: 'pages',
    date: new Date().toISOString(),
    quick: QUICK,
    machine,
    commands: [`npm run bench -- ${QUICK ? '--quick ' : ''}pages`],
    rows,
    details: {
      settings: { ...SETTINGS, engines: ENGINES, pages: PAGES.map((p) => p.key) },
      ...Object.fromEntries(measured.map((m) => [m.engine, { bare: m.bare, pages: detailsOf(m.pages) }])),
      ...(BASELINE
        ? {
            baseline: {
              dir: BASELINE,
              note: 'the same pages served by the code before the change, measured in the same interleaved rounds',
              rows: measured.flatMap((m) => rowsOf({ ...m, pages: m.before ?? [] })),
              pages: Object.fromEntries(measured.map((m) => [m.engine, detailsOf(m.before ?? [])])),
            },
          }
        : {}),
    },
  });
  for (const m of measured) {
    console.log(
      `\n${ENGINE_NAMES[m.engine]}: pages vs bare Fastify route (${SETTINGS.connections} connections, ${SETTINGS.rounds} interleaved rounds of ${SETTINGS.roundSeconds} s)\n`,
    );
    console.log(
      table([
        [
          'page',
          'req/s',
          'p50 ms',
          'p99 ms',
          'vs bare',
          'target',
          'met',
          ...(m.before ? ['before: vs bare', 'p99 ms'] : []),
        ],
        ['bare Fastify GET /', m.bare.requestsPerSecond, m.bare.latencyMs.p50, m.bare.latencyMs.p99, '100 %', '', ''],
        ...rows
          .filter((r) => r.engine === m.engine)
          .map((r, i) => {
            const was = m.before?.[i]?.result;
            const now = m.pages[i]!.result;
            return [
              r.workload,
              r.measured,
              now.latencyMs.p50,
              now.latencyMs.p99,
              percent(r.ratio ?? 0),
              r.target,
              r.met ? 'yes' : 'NO',
              ...(was ? [percent(was.requestsPerSecond / m.bare.requestsPerSecond), was.latencyMs.p99] : []),
            ];
          }),
      ]),
    );
  }
  const load = machine.loadAverage;
  console.log(`\nmachine load average (1 min) before/after: ${load.before}/${load.after}`);
  console.log(`results: ${file}`);
  if (PROFILE) console.log(`CPU profiles of the portal: ${PROFILE_DIR}`);
  const broken = rows.filter((r) => r.note.includes('unexpected statuses'));
  if (broken.length > 0) {
    console.error(`Unexpected answers: ${broken.map((r) => `${r.engine} ${r.workload}`).join(', ')}`);
    return 1;
  }
  return exitCodeFor(rows);
}

await runAndExit(main, () => ws.cleanUp());
