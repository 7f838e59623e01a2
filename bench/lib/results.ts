/**
 * The result file every benchmark writes (issue #15): bench/results/<name>-<YYYY-MM-DD>[-quick].json,
 * read by bench/report.ts into bench/RESULTS.md. Every figure stands next to a reference measured
 * in the same run, so that a busy machine slows both and the ratio stays meaningful.
 */
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ROOT, table } from './harness.ts';

/** `npm run bench -- --quick` sets BENCH_QUICK=1: each benchmark then takes ≤ ~25 s, data included. */
export const QUICK = process.env.BENCH_QUICK === '1';

export interface ResultRow {
  /** What was measured, in words ("purchase eligibility, 20,000 accounts + 2 % unknown"). */
  workload: string;
  /** 'postgres', 'pglite', or what else ran it. */
  engine: string;
  measured: number;
  /** 'req/s', 'ms p99', 'MB'… */
  unit: string;
  /** The same measure of the reference, in the same run and unit; null when there is none. */
  reference: number | null;
  referenceName: string | null;
  /** measured / reference, rounded to 3 decimals; null without a reference. */
  ratio: number | null;
  /** The target in words ("≥ 0.5 × reference"); '' for a supplementary row. */
  target: string;
  /** null for a supplementary row without a target. */
  met: boolean | null;
  /** Context; for a missed target: why, and what would close it. */
  note: string;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  /** 1-minute load averages before and after the measurements: other work on the machine skews them. */
  loadAverage: { before: number; after: number };
  node: string;
  postgres: string | null;
  pglite: string;
  platform: string;
}

export interface BenchResult {
  benchmark: string;
  /** ISO timestamp of the end of the run. */
  date: string;
  quick: boolean;
  machine: Machine;
  /** The exact commands that reproduce the run. */
  commands: string[];
  rows: ResultRow[];
  /** Anything else the benchmark records (settings, data sizes, raw latencies, plans). */
  details?: Record<string, unknown>;
}

export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A row with its ratio computed; `met` decided by the caller from the target. */
export function row(r: Omit<ResultRow, 'ratio'>): ResultRow {
  const { workload, engine, measured, unit, reference, referenceName, target, met, note } = r;
  const ratio = reference ? round(measured / reference) : null;
  return { workload, engine, measured, unit, reference, referenceName, ratio, target, met, note };
}

const loadNow = () => round(os.loadavg()[0]!, 2);

/** Call before the measurements; `finish` after them, with the PostgreSQL server's URL if one was used. */
export function startMachineRecord(): { finish: (postgresUrl?: string) => Promise<Machine> } {
  const before = loadNow();
  return {
    async finish(postgresUrl) {
      const after = loadNow();
      return {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        loadAverage: { before, after },
        node: process.version,
        postgres: postgresUrl ? await postgresVersion(postgresUrl) : null,
        pglite: pgliteVersion(),
        platform: `${os.platform()} ${os.release()}`,
      };
    },
  };
}

async function postgresVersion(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@electric-sql/pglite');
  // The package's own package.json: walk up from its entry point.
  for (let dir = path.dirname(main); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === '@electric-sql/pglite') return pkg.version ?? 'unknown';
    } catch {
      // not this directory
    }
  }
  return 'unknown';
}

/** The file name of a result: one per benchmark, day and mode (a later run the same day replaces it). */
export function resultFile(benchmark: string, date: string, quick: boolean): string {
  return path.join(ROOT, 'bench/results', `${benchmark}-${date.slice(0, 10)}${quick ? '-quick' : ''}.json`);
}

export function writeResult(result: BenchResult): string {
  const file = resultFile(result.benchmark, result.date, result.quick);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return path.relative(ROOT, file);
}

/** The benchmark's exit code: 0 when every target was met, 3 when one was missed. */
/** The result rows as the console table every benchmark prints (with an engine column when `withEngine`). */
export function rowsTable(rows: readonly ResultRow[], { withEngine = false } = {}): string {
  return table([
    ['workload', ...(withEngine ? ['engine'] : []), 'measured', 'unit', 'reference', 'ratio', 'target', 'met'],
    ...rows.map((r) => [
      r.workload,
      ...(withEngine ? [r.engine] : []),
      r.measured,
      r.unit,
      r.reference ?? '–',
      r.ratio ?? '–',
      r.target || '–',
      r.met === null ? '–' : r.met ? 'yes' : 'NO',
    ]),
  ]);
}

export function exitCodeFor(rows: readonly ResultRow[]): 0 | 3 {
  return rows.some((r) => r.met === false) ? 3 : 0;
}

/**
 * Runs a benchmark's main and exits with its code (1 when it threw), after `cleanUp` (throwaway
 * databases and directories) whatever happened.
 */
export async function runAndExit(
  main: () => Promise<number>,
  cleanUp: () => Promise<void> | void = () => {},
): Promise<never> {
  let code = 1;
  try {
    code = await main();
  } catch (error) {
    console.error(error);
  } finally {
    await cleanUp();
  }
  process.exit(code);
}
