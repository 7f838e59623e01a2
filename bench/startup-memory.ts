/**
 * Issue #15: how long the portal takes to its first page, and what it holds in memory once idle
 * (decision 063). Each round, on a fresh temporary DATA_DIR (embedded PGlite):
 *
 * 1. first start: spawns the command `npm start` runs (package.json's `scripts.start`, through
 *    `sh -c` with node_modules/.bin first on PATH, as npm does) and times spawn → the first 200
 *    of `GET /` (migrations and demo data included); lets it settle, runs one full garbage
 *    collection through the inspector, reads the resident memory of the whole process tree, and
 *    stops it with SIGTERM (a graceful stop must exit 0);
 * 2. restart: the same command on the same directory, timed and measured the same way;
 * 3. the memory reference: a bare PGlite (`new PGlite(dataDir)` with the extensions the portal
 *    loads, bench/lib/bare-pglite.ts) opened on that directory in its own process, settled,
 *    collected and measured the same way;
 * 4. the start-up reference: the bare Fastify route (bench/lib/bare-server.ts) spawned with the
 *    same Node and no transpiler, timed to its first 200.
 *
 * Once per run, before the rounds, it compiles dist/ (`node scripts/build.js`, what a first start
 * after an install or a change does first) and times that too. Figures are medians over the
 * rounds; CPU seconds (user + system, whole tree) stand beside the wall-clock times because on a
 * shared machine they move far less with the load than the wall clock does.
 *
 * BENCH_QUICK=1: one round, shorter settling (≤ 25 s on an idle machine). BENCH_ROUNDS and
 * BENCH_SETTLE_SECONDS override. BENCH_START_COMMAND replaces the start command (to measure an
 * older way of starting in the same way, e.g. "node --import tsx src/cli.ts serve").
 * No PostgreSQL server is needed: the start under test is the embedded default.
 * Writes bench/results/startup-memory-<date>[-quick].json. Exit code 0: every target met;
 * 3: a target missed; 1: it could not run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, LOOPBACK, ROOT } from './lib/harness.ts';
import { EMBEDDED_MEMORY_PARAMS } from '../src/platform/embedded.ts';
import { collectGarbage, processTree, treeCpuSeconds, treeRssMiB } from './lib/process-stats.ts';
import { exitCodeFor, QUICK, row, rowsTable, startMachineRecord, writeResult, type ResultRow } from './lib/results.ts';

const fromEnv = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const SETTINGS = {
  rounds: fromEnv('BENCH_ROUNDS', QUICK ? 1 : 3),
  settleSeconds: fromEnv('BENCH_SETTLE_SECONDS', QUICK ? 2 : 5),
  /** Longest wait for the memory to become steady. */
  settleLimitSeconds: QUICK ? 8 : 30,
  startTimeoutSeconds: 180,
};
const TARGETS = { firstStartSeconds: 10, restartSeconds: 2, memoryRatio: 1.2 };

const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const START_COMMAND = process.env.BENCH_START_COMMAND || packageJson.scripts.start!;
const COMMANDS = {
  start: START_COMMAND,
  build: 'node scripts/build.js',
  barePglite: 'node bench/lib/bare-pglite.ts DATA_DIR',
  barePgliteTuned: `node bench/lib/bare-pglite.ts DATA_DIR '${JSON.stringify(EMBEDDED_MEMORY_PARAMS)}'`,
  bareFastify: 'node bench/lib/bare-server.ts',
};
const BIN = path.join(ROOT, 'node_modules', '.bin');
const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Running {
  child: ChildProcess;
  inspectPort: number;
  output: () => string;
  exited: Promise<number | null>;
  /** Highest resident memory of the tree seen while waiting for it. */
  peakMiB: number;
}

/** Process groups started (each launch is its own group): killed whole at the end, orphans too. */
const groups = new Set<number>();

/** `sh -c command` in its own process group, as npm runs a script, with an inspector port for GC. */
async function launch(command: string, env: Record<string, string>): Promise<Running> {
  const inspectPort = await freePort();
  const child = spawn('/bin/sh', ['-c', command], {
    cwd: ROOT,
    detached: true,
    env: {
      ...process.env,
      PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ''}`,
      NODE_OPTIONS: `--inspect-port=${LOOPBACK}:${inspectPort}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  groups.add(child.pid!);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, inspectPort, output: () => lines.join('\n'), exited, peakMiB: 0 };
}

/** Resolves when `ready()` is true; fails when the process exits or the time is up. */
async function waitFor(run: Running, what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + SETTINGS.startTimeoutSeconds * 1000;
  for (;;) {
    if (run.child.exitCode !== null)
      throw new Error(`${what} exited with code ${run.child.exitCode} before it was ready:\n${run.output()}`);
    run.peakMiB = Math.max(run.peakMiB, treeRssMiB(run.child.pid!));
    if (await ready()) return;
    if (Date.now() > deadline)
      throw new Error(`${what} not ready in ${SETTINGS.startTimeoutSeconds} s:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const answers200 = (url: string) => async () => {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
};

/**
 * SIGTERM to the Node process, as a service manager stops it; `sh -c` then exits with its code.
 * Answers the exit code and how long the stop took.
 */
async function stop(run: Running): Promise<{ code: number | null; seconds: number }> {
  const started = performance.now();
  if (run.child.exitCode !== null || run.child.signalCode !== null) return { code: run.child.exitCode, seconds: 0 };
  process.kill(nodePid(run), 'SIGTERM');
  const killer = setTimeout(() => process.kill(-run.child.pid!, 'SIGKILL'), 20_000);
  const code = await run.exited;
  clearTimeout(killer);
  return { code, seconds: round2((performance.now() - started) / 1000) };
}

interface Memory {
  /** Highest resident memory seen from the spawn until idle. */
  peakMiB: number;
  beforeGcMiB: number;
  afterGcMiB: number;
  gc: boolean;
  settledSeconds: number;
}

/**
 * Waits until the tree's memory is steady (at least settleSeconds, then until it moved by at most
 * 2 MiB over 2 s, at most settleLimitSeconds: background compilation ends a few seconds after the first page),
 * runs one full garbage collection, and reads the resident memory before and after it.
 */
async function idleMemory(run: Running, peakSoFar: number): Promise<Memory> {
  const started = performance.now();
  const samples: number[] = [];
  let peakMiB = peakSoFar;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const rss = treeRssMiB(run.child.pid!);
    samples.push(rss);
    peakMiB = Math.max(peakMiB, rss);
    const elapsed = (performance.now() - started) / 1000;
    const recent = samples.slice(-5);
    if (elapsed >= SETTINGS.settleLimitSeconds) break;
    if (elapsed >= SETTINGS.settleSeconds && recent.length === 5 && Math.max(...recent) - Math.min(...recent) <= 2)
      break;
  }
  const settledSeconds = round1((performance.now() - started) / 1000);
  const beforeGcMiB = samples.at(-1)!;
  const gc = await collectGarbage(nodePid(run), run.inspectPort);
  await new Promise((r) => setTimeout(r, 500));
  return { peakMiB, beforeGcMiB, afterGcMiB: treeRssMiB(run.child.pid!), gc, settledSeconds };
}

/** The Node process of the tree: `sh -c` may have exec'd into it, or be its parent. */
function nodePid(run: Running): number {
  const isNode = (pid: number) => {
    try {
      return path.basename(readlinkSync(`/proc/${pid}/exe`)) === 'node';
    } catch {
      return false;
    }
  };
  return processTree(run.child.pid!).find(isNode) ?? run.child.pid!;
}

interface Start {
  seconds: number;
  cpuSeconds: number;
  memory: Memory;
  stopSeconds: number;
}

async function startPortal(dataDir: string, label: string): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const run = await launch(START_COMMAND, {
    PORT: String(port),
    HOST: LOOPBACK,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
  });
  try {
    await waitFor(run, label, answers200(`http://${LOOPBACK}:${port}/`));
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = treeCpuSeconds(run.child.pid!);
    const memory = await idleMemory(run, run.peakMiB);
    const stopped = await stop(run);
    if (stopped.code !== 0) throw new Error(`${label}: SIGTERM ended it with code ${stopped.code}:\n${run.output()}`);
    return { seconds: round2(seconds), cpuSeconds, memory, stopSeconds: stopped.seconds };
  } finally {
    await stop(run);
  }
}

async function barePglite(
  dataDir: string,
  params: readonly string[] = [],
): Promise<{ openSeconds: number; memory: Memory }> {
  const started = performance.now();
  const args = [dataDir, ...(params.length ? [JSON.stringify(params)] : [])].map(shellQuote).join(' ');
  const run = await launch(`node bench/lib/bare-pglite.ts ${args}`, {});
  try {
    await waitFor(run, 'bare PGlite', async () => run.output().includes('"ready":true'));
    const openSeconds = round2((performance.now() - started) / 1000);
    return { openSeconds, memory: await idleMemory(run, run.peakMiB) };
  } finally {
    await stop(run);
  }
}

async function bareFastify(): Promise<{ seconds: number; cpuSeconds: number }> {
  const port = await freePort();
  const started = performance.now();
  const run = await launch('node bench/lib/bare-server.ts', { PORT: String(port), HOST: LOOPBACK });
  try {
    await waitFor(run, 'bare Fastify', answers200(`http://${LOOPBACK}:${port}/`));
    return { seconds: round2((performance.now() - started) / 1000), cpuSeconds: treeCpuSeconds(run.child.pid!) };
  } finally {
    await stop(run);
  }
}

function buildDist(): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['scripts/build.js'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node scripts/build.js failed:\n${result.stdout}${result.stderr}`);
  return round2((performance.now() - started) / 1000);
}

const shellQuote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

interface Round {
  first: Start;
  restart: Start;
  pglite: { openSeconds: number; memory: Memory };
  pgliteTuned: { openSeconds: number; memory: Memory };
  fastify: { seconds: number; cpuSeconds: number };
}

const work = mkdtempSync(path.join(os.tmpdir(), 'pp-bench-startup-'));
const cleanup = () => {
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(work, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    cleanup();
    process.exit(1);
  });

const machine = startMachineRecord();
let exitCode: number;
try {
  log(`start command: ${START_COMMAND}`);
  const buildSeconds = buildDist();
  log(`compiled dist/ in ${buildSeconds} s`);
  const rounds: Round[] = [];
  for (let r = 1; r <= SETTINGS.rounds; r++) {
    const dataDir = path.join(work, `round-${r}`);
    log(`round ${r}/${SETTINGS.rounds}: first start on an empty ${dataDir}`);
    const first = await startPortal(dataDir, 'first start');
    log(`  first page after ${first.seconds} s (${first.cpuSeconds} CPU s), idle ${first.memory.afterGcMiB} MiB`);
    const restart = await startPortal(dataDir, 'restart');
    log(
      `  restart: first page after ${restart.seconds} s (${restart.cpuSeconds} CPU s), idle ${restart.memory.afterGcMiB} MiB`,
    );
    const pglite = await barePglite(dataDir);
    log(`  bare PGlite: open ${pglite.openSeconds} s, idle ${pglite.memory.afterGcMiB} MiB`);
    const pgliteTuned = await barePglite(dataDir, EMBEDDED_MEMORY_PARAMS);
    log(`  bare PGlite with the portal's memory settings: idle ${pgliteTuned.memory.afterGcMiB} MiB`);
    const fastify = await bareFastify();
    log(`  bare Fastify: first 200 after ${fastify.seconds} s (${fastify.cpuSeconds} CPU s)`);
    rounds.push({ first, restart, pglite, pgliteTuned, fastify });
    rmSync(dataDir, { recursive: true, force: true });
  }

  const med = (pick: (r: Round) => number) => round2(median(rounds.map(pick)));
  const med1 = (pick: (r: Round) => number) => round1(median(rounds.map(pick)));
  const fastifySeconds = med((r) => r.fastify.seconds);
  const pgliteMiB = round1(median(rounds.map((r) => r.pglite.memory.afterGcMiB)));
  const engine = 'pglite (embedded, DATA_DIR)';
  const missedTime =
    ' Missed: on a machine this busy (see the load average) the bare route itself starts several times slower than when idle; compare the ratio and the CPU seconds (decision 063).';
  const timeRow = (workload: string, pick: (r: Round) => Start, target: number): ResultRow => {
    const measured = med((r) => pick(r).seconds);
    const met = measured <= target;
    return row({
      workload,
      engine,
      measured,
      unit: 's',
      reference: fastifySeconds,
      referenceName: 'bare Fastify route: spawn → first 200 (same Node, no transpiler)',
      target: `≤ ${target} s`,
      met,
      note:
        `CPU ${med((r) => pick(r).cpuSeconds)} s (user + system, whole tree; bare Fastify ${med((r) => r.fastify.cpuSeconds)} s); ` +
        `graceful stop ${med((r) => pick(r).stopSeconds)} s; runs ${rounds.map((r) => pick(r).seconds).join(', ')} s; median of ${rounds.length}.` +
        (met ? '' : missedTime),
    });
  };
  const memoryRow = (workload: string, pick: (r: Round) => Start): ResultRow => {
    const measured = round1(median(rounds.map((r) => pick(r).memory.afterGcMiB)));
    const met = measured / pgliteMiB <= TARGETS.memoryRatio;
    return row({
      workload,
      engine,
      measured,
      unit: 'MiB RSS',
      reference: pgliteMiB,
      referenceName:
        'bare PGlite (new PGlite(dataDir), same extensions) opened on the same data directory, own process',
      target: `≤ ${TARGETS.memoryRatio} × reference`,
      met,
      note:
        `idle (≥ ${SETTINGS.settleSeconds} s, until steady) after one full GC (${rounds.every((r) => pick(r).memory.gc && r.pglite.memory.gc) ? 'done' : 'NOT done in every round'}); ` +
        `before the GC ${med1((r) => pick(r).memory.beforeGcMiB)} MiB; peak while starting ${med1((r) => pick(r).memory.peakMiB)} MiB ` +
        `(bare PGlite ${med1((r) => r.pglite.memory.peakMiB)}); bare PGlite with the portal's memory settings ` +
        `(${EMBEDDED_MEMORY_PARAMS.join(' ')}) ${med1((r) => r.pgliteTuned.memory.afterGcMiB)} MiB, ratio to it ` +
        `${round2(measured / med1((r) => r.pgliteTuned.memory.afterGcMiB))}; median of ${rounds.length}.` +
        (met ? '' : ' Missed: see decision 063 for what holds the memory.'),
    });
  };
  const rows: ResultRow[] = [
    timeRow(
      'first start on an empty embedded database → first page (migrations + demo data)',
      (r) => r.first,
      TARGETS.firstStartSeconds,
    ),
    timeRow('restart → first page', (r) => r.restart, TARGETS.restartSeconds),
    memoryRow('idle memory after the first start (demo data)', (r) => r.first),
    memoryRow('idle memory after a restart (demo data)', (r) => r.restart),
    row({
      workload: 'compile dist/ (once, on the first start after an install or a change)',
      engine: 'esbuild',
      measured: buildSeconds,
      unit: 's',
      reference: fastifySeconds,
      referenceName: 'bare Fastify route: spawn → first 200',
      target: '',
      met: null,
      note: 'not part of the start-up figures above, which start with dist/ up to date; one build per run',
    }),
  ];

  console.log('\n' + rowsTable(rows));
  const file = writeResult({
    benchmark: 'startup-memory',
    date: new Date().toISOString(),
    quick: QUICK,
    machine: await machine.finish(),
    commands: [
      `${QUICK ? 'BENCH_QUICK=1 ' : ''}npm run bench -- startup-memory`,
      ...Object.entries(COMMANDS).map(([name, command]) => `${name}: ${command}`),
    ],
    rows,
    details: { settings: SETTINGS, rounds },
  });
  log(`wrote ${file}`);
  exitCode = exitCodeFor(rows);
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  exitCode = 1;
} finally {
  cleanup();
}
process.exit(exitCode);
