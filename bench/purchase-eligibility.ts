/**
 * Issue #15's first row, REG-4's hot path: GET /api/v1/purchase-eligibility with an API key,
 * against the real server process with a 1,000,000-row account list and a working set of 20,000
 * accounts at 50 connections, on PostgreSQL and on PGlite, each interleaved round by round with
 * a bare Fastify JSON route (bench/lib/bare-server.ts) in the same run.
 *
 * Targets: eligibility throughput ≥ 50 % of the bare route's with p99 ≤ 10 ms on PostgreSQL,
 * ≥ 25 % on PGlite.
 *
 * Two phases per engine, each on a freshly started portal:
 * - steady state (carries the target): one pass over the working set first, then the measured
 *   rounds. Since decision 065 an answer is kept 60 s and dropped by the tables' own change
 *   notifications, so the accounts a distributor keeps asking about are answered from the cache;
 * - cold start (supplementary): the same load on a portal that has just started, as after a deploy.
 * Each phase reports database lookups per request, counted inside the portal
 * (bench/lib/count-lookups.ts): eligibility queries sent / eligibility requests received.
 *
 * Data (bench/lib/eligibility-data.ts): a throwaway database pp_bench_<random> on
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), and a PGlite data
 * directory from the migrated dump (bench/lib/pglite.ts), loaded with the same statements.
 * BENCH_QUICK=1 (`npm run bench -- --quick purchase-eligibility`): PostgreSQL only, a list of
 * 50,000, 2,000 accounts, the steady state only, one short round (about 30 s on a quiet machine). BENCH_ENGINES=postgres,pglite,
 * BENCH_LIST_ROWS, BENCH_WORKING_SET, BENCH_CONNECTIONS, BENCH_DURATION vary it; BENCH_PROFILE=1
 * profiles the portal (--cpu-prof); BENCH_BASELINE_DIR (a checkout of the code before a change,
 * with node_modules) adds its portal on the same data to the steady state's rounds;
 * BENCH_PORTAL_NODE_OPTIONS and BENCH_BASELINE_NODE_OPTIONS give each of the two portals its own
 * Node/V8 flags (e.g. --max-semi-space-size). Each portal reports its event loop's delay and the
 * garbage collector's pauses over the rounds (bench/lib/count-lookups.ts).
 * Writes bench/results/purchase-eligibility-<date>[-quick].json. Exit code 0 all targets met,
 * 3 one missed, 1 failed.
 */
import { randomBytes } from 'node:crypto';
import { cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, PGLITE_OPTIONS, type Db } from '../src/platform/db.ts';
import { openEmbedded } from '../src/platform/embedded.ts';
import { migrateToLatest } from '../src/platform/migrate.ts';
import { ELIGIBILITY_TTL_MS } from '../src/modules/distributors/eligibility.service.ts';
import { interleaved, type LoadResult, type ServerProcess, type Target } from './lib/harness.ts';
import { loadEligibilityData, type EligibilityData } from './lib/eligibility-data.ts';
import {
  barePaths,
  countingEnv,
  countsOf,
  lookupsPerRequest,
  onePass,
  pathsOver,
  workingSet,
} from './lib/eligibility-load.ts';
import { printSummary, rowsOf, type Measured, type Phase } from './lib/eligibility-report.ts';
import { migratedDump } from './lib/pglite.ts';
import {
  ENGINE_NAMES,
  engineEnv,
  fromEnv,
  PROFILE,
  PROFILE_DIR,
  startBare,
  startPortal,
  step,
  workspace,
  type Engine,
} from './lib/portal-bench.ts';
import { QUICK, startMachineRecord, writeResult, runAndExit, exitCodeFor } from './lib/results.ts';

const SETTINGS = {
  listRows: fromEnv('BENCH_LIST_ROWS', QUICK ? 50_000 : 1_000_000),
  partners: QUICK ? 1_000 : 20_000,
  /** Distinct accounts the load cycles over: the distributors' "current customers". */
  workingSet: fromEnv('BENCH_WORKING_SET', QUICK ? 2_000 : 20_000),
  /** Share of requests for account numbers nobody knows (404), each a new number. */
  unknownShare: fromEnv('BENCH_UNKNOWN_SHARE', 0.02),
  connections: fromEnv('BENCH_CONNECTIONS', 50),
  warmupSeconds: QUICK ? 0.5 : 2,
  /** Each target is measured in this many interleaved rounds… */
  rounds: QUICK ? 1 : 4,
  /** …of this many seconds: BENCH_DURATION seconds in all. */
  roundSeconds: fromEnv('BENCH_DURATION', QUICK ? 1.5 : 8) / (QUICK ? 1 : 4),
};
const TARGETS: Record<Engine, { minRatio: number; maxP99Ms?: number }> = {
  postgres: { minRatio: 0.5, maxP99Ms: 10 },
  pglite: { minRatio: 0.25 },
};
const ENGINES = (process.env.BENCH_ENGINES?.split(',') ?? (QUICK ? ['postgres'] : ['postgres', 'pglite'])) as Engine[];
const BASELINE = process.env.BENCH_BASELINE_DIR;

const API_KEY = `pp_benchkey_${randomBytes(32).toString('base64url')}`;
const HEADERS = { authorization: `Bearer ${API_KEY}` };
// The full run loads a million list rows on each engine: about half a minute on the server, minutes on PGlite.
const ws = workspace(fromEnv('BENCH_DEADLINE_MINUTES', QUICK ? 3 : 30) * 60_000);

async function prepare(engine: Engine): Promise<EligibilityData> {
  let db: Db;
  if (engine === 'postgres') {
    await ws.createDatabase();
    // One connection: the load's session settings (SET) must hold for all of its statements.
    db = createDb({ url: engineEnv(ws, engine).DATABASE_URL!, poolSize: 1 });
    await migrateToLatest(db);
  } else {
    step('PGlite: a data directory from the migrated dump');
    // Migrated once and kept in .tmp/ (bench/lib/pglite.ts); the portal opens the same directory later.
    const dataDir = engineEnv(ws, engine).DATA_DIR!;
    db = createDb({
      pglite: await openEmbedded(dataDir, 'relaxed', { ...PGLITE_OPTIONS, loadDataDir: await migratedDump() }),
    });
  }
  try {
    const data = await loadEligibilityData(db, SETTINGS, API_KEY, (m) => step(`${ENGINE_NAMES[engine]}: ${m}`));
    step(`${ENGINE_NAMES[engine]}: loaded in ${data.seconds.toFixed(1)} s: ${JSON.stringify(data.counts)}`);
    return data;
  } finally {
    await db.destroy();
  }
}

/**
 * A portal with its counter (count-lookups.ts); `root` starts the code before the change.
 * `nodeOptions` (BENCH_PORTAL_NODE_OPTIONS / BENCH_BASELINE_NODE_OPTIONS: V8 flags such as
 * --max-semi-space-size) go to that portal alone, so two settings can share the rounds.
 */
async function portalWithCounts(
  engine: Engine,
  name: string,
  env: Record<string, string> = {},
  root?: string,
  nodeOptions = '',
) {
  const file = path.join(ws.dataDir, `counts-${engine}-${name}.json`);
  const counting = countingEnv(file);
  counting.NODE_OPTIONS = `${counting.NODE_OPTIONS} ${nodeOptions}`.trim();
  const portal = await startPortal(ws, engine, { env: { ...env, ...counting }, ...(root ? { root } : {}) });
  return { portal, file };
}

async function stop(server: ServerProcess) {
  await server.stop();
  ws.servers.splice(ws.servers.indexOf(server), 1);
}

/**
 * One phase on freshly started portal(s): `warm` makes it the steady state (one pass over the
 * working set first). The portal's counts are taken right before and after the measured rounds.
 */
async function phase(engine: Engine, bareUrl: string, accounts: string[], warm: boolean): Promise<Phase> {
  const label = `${ENGINE_NAMES[engine]}, ${warm ? 'steady state' : 'cold start'}`;
  const portals = [
    await portalWithCounts(engine, warm ? 'steady' : 'cold', {}, undefined, process.env.BENCH_PORTAL_NODE_OPTIONS),
  ];
  if (warm && BASELINE) {
    // The same data: on PGlite a copy of the directory (one process per data directory).
    const env: Record<string, string> = {};
    if (engine === 'pglite') {
      env.DATA_DIR = `${engineEnv(ws, engine).DATA_DIR}-before`;
      cpSync(engineEnv(ws, engine).DATA_DIR!, env.DATA_DIR, { recursive: true });
    }
    step(`${label}: starting the portal before the change (${BASELINE})`);
    portals.push(await portalWithCounts(engine, 'before', env, BASELINE, process.env.BENCH_BASELINE_NODE_OPTIONS));
  }
  let pass: { eligibleShare: number; seconds: number } | undefined;
  if (warm) {
    // Both portals at once: the rounds take turns between them, so both must be warm together.
    [pass] = await Promise.all(portals.map(({ portal }) => onePass(portal, accounts, HEADERS)));
    step(`${label}: one pass over ${accounts.length.toLocaleString('en')} accounts in ${pass!.seconds.toFixed(1)} s`);
    if (pass!.seconds * 1000 > ELIGIBILITY_TTL_MS / 2)
      step(
        `${label}: the pass took more than half the cache lifetime: answers expire during the rounds (a busy machine)`,
      );
  }
  const names = ['eligibility', 'eligibility, before the change'];
  const targets: Target[] = [
    { name: 'bare route', url: bareUrl, nextPath: barePaths(SETTINGS.listRows) },
    ...portals.map(({ portal }, i) => ({
      name: names[i]!,
      url: portal.url,
      headers: HEADERS,
      nextPath: pathsOver(accounts, SETTINGS.unknownShare, warm ? 's' : 'c'),
    })),
  ];
  const before = await Promise.all(portals.map(({ portal, file }) => countsOf(portal, file)));
  const results = await interleaved(targets, {
    connections: SETTINGS.connections,
    warmupSeconds: SETTINGS.warmupSeconds,
    rounds: SETTINGS.rounds,
    roundSeconds: SETTINGS.roundSeconds,
    // Requests still queued in a single-session PGlite when autocannon stops would run into the next target's time.
    pauseSeconds: engine === 'pglite' ? 0.5 : 0,
    log: (m) => step(`${label}: ${m}`),
  });
  const after = await Promise.all(portals.map(({ portal, file }) => countsOf(portal, file)));
  // Supplementary, and left out of a quick run (its 3-minute budget).
  const paced =
    warm && !QUICK && TARGETS[engine].maxP99Ms !== undefined
      ? await atHalfTheBareRate(targets, results, label)
      : undefined;
  for (const { portal } of portals) await stop(portal);
  const measured = (i: number) => ({
    result: results.get(names[i]!)!,
    lookupsPerRequest: lookupsPerRequest(before[i]!, after[i]!),
    requestsCounted: after[i]!.requests - before[i]!.requests,
    ...(after[i]!.stalls ? { stalls: after[i]!.stalls } : {}),
  });
  return {
    bare: results.get('bare route')!,
    eligibility: measured(0),
    ...(portals.length > 1 ? { before: measured(1) } : {}),
    ...(pass ? { pass } : {}),
    ...(paced ? { paced } : {}),
  };
}

/**
 * The p99 at the load the throughput target asks for (half the bare route's rate in the rounds
 * above), both routes paced to it: with 50 connections always busy, the rounds' latency is
 * 50 / throughput by Little's law, so a saturated route's p99 says how fast it is, not how long
 * a distributor waits at a given load. Supplementary (decision 073).
 */
async function atHalfTheBareRate(targets: Target[], saturated: Map<string, LoadResult>, label: string) {
  const rate = Math.round(saturated.get('bare route')!.requestsPerSecond / 2);
  const paced = await interleaved(
    targets.slice(0, 2).map((t) => ({ ...t, overallRate: rate })),
    {
      connections: SETTINGS.connections,
      warmupSeconds: SETTINGS.warmupSeconds,
      rounds: SETTINGS.rounds,
      roundSeconds: SETTINGS.roundSeconds,
      log: (m) => step(`${label}, paced at ${rate.toLocaleString('en')} req/s: ${m}`),
    },
  );
  return { rate, bare: paced.get('bare route')!, eligibility: paced.get('eligibility')! };
}

async function measure(engine: Engine, bareUrl: string): Promise<Measured> {
  const data = await prepare(engine);
  const accounts = workingSet(SETTINGS.workingSet, SETTINGS.listRows);
  step(`${ENGINE_NAMES[engine]}: phase 1, steady state`);
  const steady = await phase(engine, bareUrl, accounts, true);
  if (QUICK) return { engine, data, steady };
  step(`${ENGINE_NAMES[engine]}: phase 2, cold start`);
  const cold = await phase(engine, bareUrl, accounts, false);
  return { engine, data, steady, cold };
}

async function main(): Promise<number> {
  const machineRecord = startMachineRecord();
  step('starting the bare Fastify server');
  const bare = await startBare(ws);
  const measured: Measured[] = [];
  for (const engine of ENGINES) measured.push(await measure(engine, bare.url));
  const machine = await machineRecord.finish(ENGINES.includes('postgres') ? ws.databaseUrl : undefined);
  const rows = measured.flatMap((m) => rowsOf(m, SETTINGS, TARGETS[m.engine], os.cpus().length));
  const file = writeResult({
    benchmark: 'purchase-eligibility',
    date: new Date().toISOString(),
    quick: QUICK,
    machine,
    commands: [`npm run bench -- ${QUICK ? '--quick ' : ''}purchase-eligibility`],
    rows,
    details: {
      settings: { ...SETTINGS, engines: ENGINES, cacheTtlMs: ELIGIBILITY_TTL_MS },
      ...Object.fromEntries(measured.map((m) => [m.engine, m])),
      ...(BASELINE ? { baseline: { dir: BASELINE, note: 'the code before the change, same data, same rounds' } } : {}),
    },
  });
  printSummary(measured, SETTINGS, machine);
  console.log(`results: ${file}`);
  if (PROFILE) console.log(`CPU profiles of the portal: ${PROFILE_DIR} (open in Chrome DevTools)`);
  const unexpected = measured.flatMap((m) =>
    [m.steady.eligibility, m.cold?.eligibility, m.steady.before]
      .filter((t) => t !== undefined)
      .flatMap(({ result }) =>
        Object.entries(result.statusCodes)
          .filter(([code]) => code !== '200' && code !== '404')
          .map(([code, n]) => `${m.engine}: ${n} × ${code}`)
          .concat(
            result.errors + result.timeouts > 0 ? [`${m.engine}: ${result.errors + result.timeouts} errors`] : [],
          ),
      ),
  );
  if (unexpected.length > 0) {
    console.error(`Unexpected answers from the eligibility route: ${unexpected.join(', ')}`);
    return 1;
  }
  return exitCodeFor(rows);
}

await runAndExit(main, () => ws.cleanUp());
