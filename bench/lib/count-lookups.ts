// Loaded into the portal by the purchase-eligibility benchmark (`node --import` before tsx): counts
// the eligibility requests the process received and the eligibility queries it sent to its database,
// on either engine, so that "database lookups per request" is counted, not estimated. (PGlite keeps
// no index statistics that another process could read, so pg_stat_user_tables cannot tell.)
// The counts go to BENCH_COUNT_FILE as JSON on SIGUSR2 (a snapshot the benchmark takes between
// phases) and when the process exits. Plain Node with type stripping: no tsx needed this early.
// Each snapshot also says how the event loop fared since the one before (issue #15's p99): its
// delay (monitorEventLoopDelay) and the garbage collector's pauses by kind, so that a tail made by
// stalls shows apart from one made by queueing.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

const file = process.env.BENCH_COUNT_FILE;
/** `snapshot` counts the writes, so that the benchmark knows when its signal was answered. */
const counts = { requests: 0, lookups: 0, snapshot: 0 };
/** A column only the eligibility facts query (distributors.repository.ts) selects. */
const isLookup = (text: unknown) => typeof text === 'string' && text.includes('AS listed_active');

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
  if (event === 'request' && (args[0] as http.IncomingMessage).url?.startsWith('/api/v1/purchase-eligibility'))
    counts.requests += 1;
  return (emit as (...a: unknown[]) => boolean).call(this, event, ...args);
} as typeof emit;

// The server's pool: queryPrepared calls pool.query({ name, text, values }).
const poolQuery = pg.Pool.prototype.query;
pg.Pool.prototype.query = function (this: pg.Pool, ...args: unknown[]) {
  const first = args[0] as string | { text?: string };
  if (isLookup(typeof first === 'string' ? first : first?.text)) counts.lookups += 1;
  return (poolQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof poolQuery;

// The embedded database: Kysely's PGlite driver calls pglite.query(sql, parameters).
const pgliteQuery = PGlite.prototype.query;
PGlite.prototype.query = function (this: PGlite, ...args: unknown[]) {
  if (isLookup(args[0])) counts.lookups += 1;
  return (pgliteQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pgliteQuery;

// 10 ms resolution: a 1 ms timer would itself wake the loop a thousand times a second.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
interface Pauses {
  count: number;
  ms: number;
  maxMs: number;
}
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'markCompact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakCallbacks',
};
let gc: Record<string, Pauses> = {};
let since = performance.now();
let cpuSince = process.cpuUsage();
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = GC_KINDS[(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
    const p = (gc[kind] ??= { count: 0, ms: 0, maxMs: 0 });
    p.count += 1;
    p.ms += entry.duration;
    p.maxMs = Math.max(p.maxMs, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });
const ms = (ns: number) => Math.round(ns / 1e4) / 100;
const round = (x: number) => Math.round(x * 100) / 100;

/** The event loop since the last snapshot: its delay percentiles and the GC pauses by kind. */
function stalls() {
  const cpu = process.cpuUsage(cpuSince);
  const s = {
    seconds: round((performance.now() - since) / 1000),
    // The process's CPU time: per request it depends much less on the machine's load than a rate.
    cpuMs: round((cpu.user + cpu.system) / 1000),
    loopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
    gc: Object.fromEntries(
      Object.entries(gc).map(([k, p]) => [k, { count: p.count, ms: round(p.ms), maxMs: round(p.maxMs) }]),
    ),
  };
  loopDelay.reset();
  gc = {};
  since = performance.now();
  cpuSince = process.cpuUsage();
  return s;
}

const write = () => {
  counts.snapshot += 1;
  if (file) writeFileSync(file, JSON.stringify({ ...counts, stalls: stalls() }));
};
process.on('SIGUSR2', write);
process.on('exit', write);
