import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/** The project root: servers start from here so that tsx finds tsconfig.json. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Benchmarks only ever talk to this machine. */
export const LOOPBACK = '127.0.0.1';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  name: string;
  child: ChildProcess;
  url: string;
  /** The last lines it printed, for the error message when it fails. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx <script>` (the Node running this benchmark) listening on a free
 * loopback port, and waits until `readyPath` answers 200.
 */
export async function startServer(
  name: string,
  script: string,
  env: Record<string, string>,
  readyPath: string,
  { nodeArgs = [] as string[], timeoutMs = 60_000 } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: LOOPBACK },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 30));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: ServerProcess = {
    name,
    child,
    url: `http://${LOOPBACK}:${port}`,
    output: () => lines.join('\n'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killed);
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with code ${child.exitCode} before it was ready:\n${server.output()}`);
    try {
      const res = await fetch(`${server.url}${readyPath}`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${server.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface LoadResult {
  requestsPerSecond: number;
  requestsTotal: number;
  latencyMs: { p50: number; p90: number; p95: number; p99: number; max: number; average: number };
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  durationSeconds: number;
}

export interface Target {
  name: string;
  url: string;
  headers?: Record<string, string>;
  /** The path of the next request: a new one every time, to spread the load over many keys. */
  nextPath: () => string;
  /**
   * Requests per second across all connections (autocannon's overallRate): the latency at a given
   * load instead of at saturation, where with N connections it is N / throughput whatever the server.
   */
  overallRate?: number;
}

interface Tally {
  requests: number;
  seconds: number;
  latencies: number[];
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
}

/** One autocannon run; adds its responses to the tally. */
async function drive(target: Target, connections: number, seconds: number, tally?: Tally): Promise<void> {
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        connections,
        duration: seconds,
        headers: target.headers ?? {},
        ...(target.overallRate ? { overallRate: target.overallRate } : {}),
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: target.nextPath() }) }],
      },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    if (tally)
      instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
        tally.latencies.push(responseTime);
        tally.statusCodes[statusCode] = (tally.statusCodes[statusCode] ?? 0) + 1;
      });
  });
  if (!tally) return;
  tally.requests += result.requests.total;
  tally.seconds += result.duration;
  tally.errors += result.errors;
  tally.timeouts += result.timeouts;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 100) / 100;
}

/**
 * Drives the targets in turn, `rounds` times for `roundSeconds` each, after a warm-up of each:
 * a machine whose background load changes during the run then slows every target alike, and
 * the ratios between them stay meaningful. Latency percentiles are over every response.
 */
export async function interleaved(
  targets: Target[],
  options: {
    connections: number;
    warmupSeconds: number;
    rounds: number;
    roundSeconds: number;
    log: (message: string) => void;
    /**
     * A pause after each target: requests still queued in a server when autocannon stops (a
     * single-session PGlite finishes them one by one) would otherwise run into the next target's time.
     */
    pauseSeconds?: number;
  },
): Promise<Map<string, LoadResult>> {
  const pause = () => new Promise((r) => setTimeout(r, (options.pauseSeconds ?? 0) * 1000));
  for (const target of targets) {
    options.log(`${target.name}: warm-up ${options.warmupSeconds} s`);
    await drive(target, options.connections, options.warmupSeconds);
    await pause();
  }
  const tallies = new Map<string, Tally>(
    targets.map((t) => [t.name, { requests: 0, seconds: 0, latencies: [], statusCodes: {}, errors: 0, timeouts: 0 }]),
  );
  for (let round = 1; round <= options.rounds; round += 1) {
    options.log(
      `round ${round}/${options.rounds}: ${targets.map((t) => t.name).join(', ')}, ${options.roundSeconds} s each at ${options.connections} connections`,
    );
    for (const target of targets) {
      await drive(target, options.connections, options.roundSeconds, tallies.get(target.name));
      await pause();
    }
  }
  const results = new Map<string, LoadResult>();
  for (const [name, t] of tallies) {
    const sorted = Float64Array.from(t.latencies).sort();
    const sum = t.latencies.reduce((a, b) => a + b, 0);
    results.set(name, {
      requestsPerSecond: Math.round(t.requests / t.seconds),
      requestsTotal: t.requests,
      latencyMs: {
        p50: percentile(sorted, 50),
        p90: percentile(sorted, 90),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
        max: percentile(sorted, 100),
        average: Math.round((sum / Math.max(1, sorted.length)) * 100) / 100,
      },
      statusCodes: t.statusCodes,
      errors: t.errors,
      timeouts: t.timeouts,
      durationSeconds: Math.round(t.seconds * 10) / 10,
    });
  }
  return results;
}

/** A fixed-width table for the terminal. */
export function table(rows: (string | number)[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows
    .map((r, n) => {
      const line = r
        .map((cell, i) =>
          typeof cell === 'number' ? String(cell).padStart(widths[i]!) : String(cell).padEnd(widths[i]!),
        )
        .join('  ');
      return n === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}
