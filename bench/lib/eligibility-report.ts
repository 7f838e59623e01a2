/**
 * The purchase-eligibility benchmark's result rows and terminal summary. Every note is built from
 * what the run measured; the explanations of a missed target are what profiling the cached path
 * showed (decision 065, "Benchmark").
 */
import { table, type LoadResult } from './harness.ts';
import type { EligibilityData } from './eligibility-data.ts';
import type { Stalls } from './eligibility-load.ts';
import { ENGINE_NAMES, percent, type Engine } from './portal-bench.ts';
import { row, type Machine, type ResultRow } from './results.ts';

export interface PhaseTarget {
  result: LoadResult;
  /** Eligibility queries the portal sent / eligibility requests it received, over warm-up and rounds. */
  lookupsPerRequest: number;
  requestsCounted: number;
  /** The portal's event loop over the warm-up and rounds, its own turns and the other targets'. */
  stalls?: Stalls;
}

export interface Phase {
  bare: LoadResult;
  eligibility: PhaseTarget;
  /** The code before a change (BENCH_BASELINE_DIR), same data and rounds. */
  before?: PhaseTarget;
  /** The steady state's pass over the working set before the rounds. */
  pass?: { eligibleShare: number; seconds: number };
  /** Both routes paced at half the bare route's saturated rate (the throughput target's load). */
  paced?: { rate: number; bare: LoadResult; eligibility: LoadResult };
}

export interface Measured {
  engine: Engine;
  data: EligibilityData;
  steady: Phase;
  /** Left out of a quick run. */
  cold?: Phase;
}

interface Settings {
  listRows: number;
  workingSet: number;
  unknownShare: number;
  connections: number;
  rounds: number;
  roundSeconds: number;
}

const n = (x: number) => x.toLocaleString('en');

/**
 * Why a cached answer costs what it costs, and what would close the gap: a CPU profile of the
 * portal over the steady state's rounds (BENCH_PROFILE=1, 2026-11-29, decision 065 "Benchmark").
 */
const WHY_CACHED =
  'answered from the cache, a request still costs the portal about twice the CPU of the bare route. Profiled over ' +
  'the steady rounds, the portal’s busy time went about 38 % to writing responses to the sockets (which the bare ' +
  'route pays too), 36 % to Fastify’s and Node’s HTTP work for the portal’s hooks and plugins, 8 % to the API-key ' +
  'actor (half of it SHA-256, since halved), 6 % to the handler (the cache lookups for answers and API keys: about 3 % in all; the response’s ' +
  'serialisation: about 2 %), ' +
  'and a few % each to the logger, the cookie plugin, the bad-input checks and the security hooks';
const CLOSE_IT =
  'Decision 073 shortened the pipeline of API-key requests (14 promises per cached request instead of 24); what ' +
  'is left is mostly Node’s HTTP work. More cores do not change the ratio ' +
  'while each server is one Node process, but they shorten the p99 (here the portal, the load generator and the ' +
  'database server share the cores) and more portal processes multiply the throughput.';
/**
 * Why the saturated p99 misses 10 ms (decision 073): with every connection always waiting, the mean
 * latency is connections / throughput (Little's law), so the p99 says how fast a route is.
 */
const little = (connections: number) =>
  `with ${connections} connections always waiting, the mean latency is ${connections} / throughput (Little’s law), so at ` +
  'saturation a p99 of 10 ms needs about the bare route’s own speed or more (see the paced row for the p99 at the target’s load)';

export function rowsOf(
  m: Measured,
  s: Settings,
  target: { minRatio: number; maxP99Ms?: number },
  cpus: number,
): ResultRow[] {
  const steady = m.steady.eligibility;
  const ratio = steady.result.requestsPerSecond / m.steady.bare.requestsPerSecond;
  const metRatio = ratio >= target.minRatio;
  const metP99 = target.maxP99Ms === undefined || steady.result.latencyMs.p99 <= target.maxP99Ms;
  const base = `${n(s.workingSet)} accounts + ${s.unknownShare * 100} % unknown (new numbers, each a lookup), list of ${n(s.listRows)}, ${s.connections} connections`;
  const workload = `purchase eligibility, steady state: ${base}, after one pass over the working set (REG-4)`;
  const facts =
    `${steady.lookupsPerRequest} database lookups per request (${n(steady.requestsCounted)} requests counted in the portal); ` +
    `p50 ${steady.result.latencyMs.p50} ms, p99 ${steady.result.latencyMs.p99} ms; ` +
    `${Math.round((m.steady.pass?.eligibleShare ?? 0) * 100)} % of the working set eligible; ` +
    `the pass over it took ${m.steady.pass?.seconds.toFixed(1)} s` +
    ((m.steady.pass?.seconds ?? 0) > 30
      ? ' (more than half the cache lifetime on this busy machine: answers it cached expired during the rounds, and the lookups per request show it)'
      : '') +
    '. ' +
    ((m.steady.pass?.seconds ?? 0) > 30 ? 'Over' : 'The measured rounds fall within the cache’s 60 s lifetime; over') +
    ` longer traffic each account is read again once a minute (${n(Math.round(s.workingSet / 60))} lookups/s for this working set).`;
  // Mostly misses (the pass outlasted the cache lifetime): the database path decides, not the pipeline.
  const lookupsPerSecond = Math.round(steady.lookupsPerRequest * steady.result.requestsPerSecond);
  const refresh = Math.round(s.workingSet / 60);
  const why =
    steady.lookupsPerRequest > 0.1
      ? `${Math.round(steady.lookupsPerRequest * 100)} % of the requests were answered by the database (${n(lookupsPerSecond)} ` +
        `lookups/s${m.engine === 'pglite' ? ', one at a time in PGlite’s single session' : ''}) because the cache was not warm ` +
        `(the pass over the working set took ${m.steady.pass?.seconds.toFixed(0)} s against a 60 s lifetime), and that path ` +
        `decides the rate. What would close it: a machine quiet enough for the pass to end well within the lifetime` +
        (lookupsPerSecond < refresh
          ? ` (here the database computed ${n(lookupsPerSecond)} answers/s, fewer than the ${n(refresh)}/s that ${n(s.workingSet)} accounts need to be refreshed once a minute)`
          : '') +
        `; then the cached path decides: ${WHY_CACHED}. ${CLOSE_IT}`
      : `${WHY_CACHED} (${cpus} cores, shared with the load generator and the database server). ${CLOSE_IT}`;
  const rows: ResultRow[] = [
    row({
      workload,
      engine: m.engine,
      measured: steady.result.requestsPerSecond,
      unit: 'req/s',
      reference: m.steady.bare.requestsPerSecond,
      referenceName: 'bare Fastify route (same run, interleaved)',
      target: `≥ ${target.minRatio} × reference`,
      met: metRatio,
      note: metRatio ? facts : `${facts} Missed: ${why}`,
    }),
  ];
  if (target.maxP99Ms !== undefined)
    rows.push(
      row({
        workload,
        engine: m.engine,
        measured: steady.result.latencyMs.p99,
        unit: 'ms p99',
        reference: m.steady.bare.latencyMs.p99,
        referenceName: 'bare Fastify route (same run, interleaved)',
        target: `≤ ${target.maxP99Ms} ms`,
        met: metP99,
        note: metP99
          ? `${steady.lookupsPerRequest} database lookups per request`
          : `the bare route’s own p99 is ${m.steady.bare.latencyMs.p99} ms at ${s.connections} connections on this machine; ${little(s.connections)}; ${why}`,
      }),
    );
  const paced = m.steady.paced;
  if (paced && target.maxP99Ms !== undefined)
    rows.push(
      row({
        workload: `${workload}, paced at half the bare route's rate (${n(paced.rate)} req/s, the throughput target's load) (supplementary)`,
        engine: m.engine,
        measured: paced.eligibility.latencyMs.p99,
        unit: 'ms p99',
        reference: paced.bare.latencyMs.p99,
        referenceName: 'bare Fastify route at the same rate (same run, interleaved)',
        target: '',
        met: null,
        note:
          `at saturation, ${s.connections} connections always waiting make the mean latency ${s.connections} / throughput ` +
          `(Little's law: ${((1000 * s.connections) / steady.result.requestsPerSecond).toFixed(1)} ms here), so the p99 above ` +
          `measures speed; paced at the target's load` +
          (paced.eligibility.requestsPerSecond < paced.rate * 0.95
            ? ` (which the portal could not keep up with on this machine: it served ${n(paced.eligibility.requestsPerSecond)} req/s, so this too is saturated)`
            : '') +
          `: p50 ${paced.eligibility.latencyMs.p50} ms, p99 ` +
          `${paced.eligibility.latencyMs.p99} ms; the bare route ` +
          `p50 ${paced.bare.latencyMs.p50}, p99 ${paced.bare.latencyMs.p99} ms`,
      }),
    );
  const cold = m.cold?.eligibility;
  if (m.cold && cold)
    rows.push(
      row({
        workload: `purchase eligibility, cold start (a freshly started portal, as after a deploy): ${base} (supplementary)`,
        engine: m.engine,
        measured: cold.result.requestsPerSecond,
        unit: 'req/s',
        reference: m.cold.bare.requestsPerSecond,
        referenceName: 'bare Fastify route (same run, interleaved)',
        target: '',
        met: null,
        note:
          `${cold.lookupsPerRequest} database lookups per request while the cache fills (${n(s.workingSet)} distinct accounts ` +
          `over ${s.rounds * s.roundSeconds} s of measured traffic); p50 ${cold.result.latencyMs.p50} ms, p99 ${cold.result.latencyMs.p99} ms`,
      }),
    );
  return rows;
}

/**
 * The portal's CPU time over the warm-up and rounds per eligibility request it received: what a
 * cheaper pipeline saves, measurable on a busy machine where rates are not.
 */
export function cpuPerRequest(t: PhaseTarget): number {
  return t.stalls ? Math.round((t.stalls.cpuMs * 1000) / Math.max(1, t.requestsCounted)) : NaN;
}

/** One line: the event loop's delay and the garbage collector's pauses by kind. */
export function stallLine(s: Stalls): string {
  const gc = Object.entries(s.gc)
    .map(([kind, p]) => `${kind} ${p.count}× ${p.ms.toFixed(0)} ms (max ${p.maxMs.toFixed(1)})`)
    .join(', ');
  return `(${s.seconds} s): loop delay p50 ${s.loopDelayMs.p50} / p99 ${s.loopDelayMs.p99} / max ${s.loopDelayMs.max} ms; GC ${gc || 'none'}`;
}

export function printSummary(measured: Measured[], s: Settings, machine: Machine): void {
  for (const m of measured) {
    console.log(
      `\n${ENGINE_NAMES[m.engine]}: purchase eligibility vs bare Fastify route (${s.connections} connections, ${s.rounds} interleaved rounds of ${s.roundSeconds} s, list of ${n(m.data.counts.listRows)})\n`,
    );
    const line = (phase: string, name: string, r: LoadResult, bare: LoadResult, lookups: string) => [
      phase,
      name,
      r.requestsPerSecond,
      r.latencyMs.p50,
      r.latencyMs.p99,
      percent(r.requestsPerSecond / bare.requestsPerSecond),
      lookups,
      JSON.stringify(r.statusCodes),
    ];
    const rows: (string | number)[][] = [
      ['phase', 'route', 'req/s', 'p50 ms', 'p99 ms', 'vs bare', 'db lookups/req', 'statuses'],
    ];
    for (const [name, p] of [
      ['steady', m.steady],
      ['cold', m.cold],
    ] as const) {
      if (!p) continue;
      rows.push(line(name, 'bare Fastify GET /', p.bare, p.bare, '-'));
      rows.push(line(name, 'eligibility', p.eligibility.result, p.bare, String(p.eligibility.lookupsPerRequest)));
      if (p.before)
        rows.push(line(name, 'eligibility, before', p.before.result, p.bare, String(p.before.lookupsPerRequest)));
      if (p.paced) {
        rows.push(line(`${name}, paced`, 'bare Fastify GET /', p.paced.bare, p.paced.bare, '-'));
        rows.push(line(`${name}, paced`, 'eligibility', p.paced.eligibility, p.paced.bare, '-'));
      }
    }
    console.log(table(rows));
    for (const [name, t] of [
      ['eligibility', m.steady.eligibility],
      ['eligibility, before', m.steady.before],
    ] as const)
      if (t?.stalls)
        console.log(
          `steady, ${name}: ${cpuPerRequest(t)} CPU-µs per request in the portal; event loop and GC over the rounds ${stallLine(t.stalls)}`,
        );
  }
  const load = machine.loadAverage;
  console.log(
    `\nmachine load average (1 min) before/after: ${load.before}/${load.after}${load.before > machine.cpus / 2 ? ' — the machine was busy with other work; expect noise' : ''}`,
  );
}
