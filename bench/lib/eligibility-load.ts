/**
 * The purchase-eligibility benchmark's requests: a deterministic working set of accounts, the
 * paths the load cycles over, one pass over the working set (the steady state's preparation),
 * and the portal's own counts of requests and database lookups (bench/lib/count-lookups.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, type ServerProcess } from './harness.ts';

/** A small deterministic generator, so that every run asks for the same accounts. */
function generator(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const SEED = 20261121;
const accountPath = (n: number) => `/api/v1/purchase-eligibility?account=ACC-${String(n).padStart(7, '0')}`;

/** The distributor's "current customers": `size` accounts drawn from a list of `listRows`. */
export function workingSet(size: number, listRows: number): string[] {
  const random = generator(SEED);
  return Array.from({ length: size }, () => accountPath(1 + Math.floor(random() * listRows)));
}

/**
 * The next path of the load: an account of the working set at random, or (`unknownShare`) a
 * number nobody knows, new every time, so each of those is a database lookup whatever the cache.
 * `tag` keeps the unknown numbers of two loads on one portal apart.
 */
export function pathsOver(accounts: string[], unknownShare: number, tag: string): () => string {
  const random = generator(SEED + 1);
  let unknown = 0;
  return () =>
    random() < unknownShare
      ? `/api/v1/purchase-eligibility?account=UNKNOWN-${tag}-${(unknown += 1)}`
      : accounts[Math.floor(random() * accounts.length)]!;
}

/** The bare route gets the same client-side work per request: a new path every time. */
export function barePaths(listRows: number): () => string {
  const random = generator(SEED);
  return () => `/?account=ACC-${String(1 + Math.floor(random() * listRows)).padStart(7, '0')}`;
}

/**
 * Asks for every path once, `concurrency` at a time (the steady state's preparation: what a
 * distributor's ERP asked about within the last minute). Returns the share of eligible answers
 * and fails on an answer other than 200 or 404.
 */
export async function onePass(
  server: ServerProcess,
  paths: string[],
  headers: Record<string, string>,
  concurrency = 50,
): Promise<{ eligibleShare: number; seconds: number }> {
  const started = Date.now();
  let next = 0;
  let eligible = 0;
  let answered = 0;
  const worker = async () => {
    while (next < paths.length) {
      const p = paths[next++]!;
      const res = await fetch(`${server.url}${p}`, { headers });
      if (res.status !== 200 && res.status !== 404)
        throw new Error(`${p} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      if (res.status !== 200) {
        await res.arrayBuffer();
        continue;
      }
      answered += 1;
      if (((await res.json()) as { eligible: boolean }).eligible) eligible += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { eligibleShare: answered === 0 ? 0 : eligible / answered, seconds: (Date.now() - started) / 1000 };
}

/** What count-lookups.ts needs in the portal's environment: NODE_OPTIONS loads it before tsx. */
export function countingEnv(file: string): Record<string, string> {
  const preload = path.join(ROOT, 'bench/lib/count-lookups.ts');
  return {
    BENCH_COUNT_FILE: file,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${preload}`.trim(),
  };
}

export interface Counts {
  requests: number;
  lookups: number;
  /** The event loop since the snapshot before (count-lookups.ts): its delay and the GC's pauses. */
  stalls?: Stalls;
}

export interface Stalls {
  seconds: number;
  cpuMs: number;
  loopDelayMs: { p50: number; p99: number; max: number };
  gc: Record<string, { count: number; ms: number; maxMs: number }>;
}

/** The portal's counts now: SIGUSR2 makes it write them; waits until it has. */
export async function countsOf(server: ServerProcess, file: string): Promise<Counts> {
  const read = () => {
    try {
      return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Counts & { snapshot: number }) : undefined;
    } catch {
      return undefined; // caught half-written: read again
    }
  };
  const before = read()?.snapshot ?? 0;
  server.child.kill('SIGUSR2');
  for (let waited = 0; waited < 10_000; waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
    const now = read();
    if (now && now.snapshot > before) return { requests: now.requests, lookups: now.lookups, stalls: now.stalls };
  }
  throw new Error(`${server.name} did not write its counts to ${file}`);
}

/** Database lookups per eligibility request between two counts, to 3 decimals. */
export const lookupsPerRequest = (from: Counts, to: Counts) =>
  Math.round(((to.lookups - from.lookups) / Math.max(1, to.requests - from.requests)) * 1000) / 1000;
