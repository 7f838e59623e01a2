import { runAndExit } from './lib/results.ts';
/**
 * #16 item 3, decision 059: what counting a rate-limited request in a store shared by every
 * process costs, against the in-memory store (one per process) measured in the same run.
 *
 * Four stores: in-memory (the reference: @fastify/rate-limit's default), the database store on
 * PostgreSQL, the database store on the embedded database (PGlite in a temporary DATA_DIR,
 * durability full), and Redis. Each behind one limited GET route that never refuses (Fastify,
 * @fastify/rate-limit and the portal's store, nothing else: bench/lib/limited-server.ts).
 *
 * 1. Latency: one request at a time through app.inject in this process, the stores taken in
 *    turn in small batches so that a change in the machine's load affects them alike. What a
 *    limited request waits for its count.
 * 2. Throughput: each store in its own server process, driven by autocannon in interleaved
 *    rounds, hits spread over 10,000 clients, then all from one client (one hot row or key).
 *
 * Target: a shared store adds at most 1 ms of CPU time to a request, counted over every process
 * involved (this one, the PostgreSQL backends, Redis), sequential requests in part 1. Every
 * limited route of the portal does at least a database write or a password hash, which cost
 * more than that. Latency and throughput are reported beside it without a target: on a machine
 * busy with other work they mostly measure how long a process waits for a CPU.
 *
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server; it
 * creates and drops pp_bench_<random>. BENCH_REDIS_URL (default redis://127.0.0.1:6379); keys
 * go under pp-bench-<random>: and are deleted. BENCH_QUICK=1: fewer requests, one short round,
 * the spread workload only.
 * Writes bench/results/shared-limits-<date>[-quick].json.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Fastify, { type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createDb, type Db } from '../src/platform/db.ts';
import { migrateToLatest } from '../src/platform/migrate.ts';
import { openSharedLimits } from '../src/platform/rate-limit.ts';
import { ROOT, interleaved, startServer, table, type LoadResult, type ServerProcess } from './lib/harness.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const SETTINGS = QUICK
  ? { connections: 20, warmupSeconds: 0.5, rounds: 1, roundSeconds: 1 }
  : { connections: 20, warmupSeconds: 2, rounds: 3, roundSeconds: 5 };
/** Sequential requests per store in part 1, taken in interleaved batches. */
const SEQUENTIAL = { requests: QUICK ? 300 : 3000, batch: 20 };
const CLIENTS = 10_000;
const TARGET_ADDED_MS = 1;
const REFERENCE = 'in-memory';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = randomBytes(5).toString('hex');
const databaseName = `pp_bench_${run}`;
const redisPrefix = `pp-bench-${run}:`;
const databaseUrl = withDatabase(adminUrl, databaseName);
const work = mkdtempSync(path.join(os.tmpdir(), 'pp-bench-limits-'));
const embeddedDir = (name: string) => path.join(work, name);

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const STORES = [
  { name: REFERENCE, env: { LIMIT_STORE: 'memory' } },
  { name: 'database (PostgreSQL)', env: { LIMIT_STORE: 'database', DATABASE_URL: databaseUrl } },
  { name: 'database (PGlite)', env: { LIMIT_STORE: 'database', DATA_DIR: embeddedDir('served') } },
  { name: 'redis', env: { LIMIT_STORE: 'redis', REDIS_URL: redisUrl, REDIS_KEY_PREFIX: redisPrefix } },
] as const;

const WORKLOADS = [
  {
    name: `${CLIENTS.toLocaleString('en')} clients`,
    nextPath: (() => {
      let i = 0;
      return () => `/limited?client=c${(i++ % CLIENTS).toString()}`;
    })(),
  },
  { name: 'one client', nextPath: () => '/limited?client=one' },
].slice(0, QUICK ? 1 : 2);

interface Row {
  workload: string;
  engine: string;
  measured: number;
  unit: string;
  reference: number;
  referenceName: string;
  ratio: number;
  target: string;
  met: boolean | null;
  note: string;
  addedMicroseconds: number;
  statuses: Record<string, number>;
}

/** The same app as bench/lib/limited-server.ts, in this process. */
async function limitedApp(store: (typeof STORES)[number], db: Db | undefined): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  if (db) {
    const limits = await openSharedLimits({
      db,
      redisUrl: store.env.LIMIT_STORE === 'redis' ? redisUrl : undefined,
      redisKeyPrefix: `${redisPrefix}inprocess:`,
      log: app.log,
    });
    app.addHook('onClose', () => limits.close());
    await app.register(rateLimit, { global: false, ...limits.pluginOptions });
  } else await app.register(rateLimit, { global: false });
  app.get(
    '/limited',
    {
      config: {
        rateLimit: {
          max: 1_000_000_000,
          timeWindow: 60_000,
          keyGenerator: (req) => (req.query as { client?: string }).client ?? req.ip,
        },
      },
    },
    async () => ({ hello: 'world' }),
  );
  await app.ready();
  return app;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * CPU time used so far, in µs, by every process a limited request involves: this one (Fastify,
 * the plugin, and PGlite, which runs in process), each PostgreSQL backend serving the bench
 * database (by process id: the pool closes idle connections), and Redis (its own INFO figures).
 * Unlike latency, it hardly depends on how busy the machine is with other work.
 */
async function cpuNow(redis: Redis): Promise<{ own: number; backends: Map<number, number> }> {
  const self = process.cpuUsage();
  const backends = new Map<number, number>();
  for (const { pid } of await adminRows<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = '${databaseName}'`,
  )) {
    try {
      // utime and stime, the 12th and 13th fields after the process name, in clock ticks (1/100 s).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      backends.set(pid, (Number(fields[11]) + Number(fields[12])) * 10_000);
    } catch {
      // a backend that ended in between
    }
  }
  const info = await redis.info('cpu');
  const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return { own: self.user + self.system + (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6, backends };
}

/** CPU µs used between two snapshots; a backend that started in between counts from zero. */
function cpuBetween(before: Awaited<ReturnType<typeof cpuNow>>, after: Awaited<ReturnType<typeof cpuNow>>): number {
  let used = after.own - before.own;
  for (const [pid, micros] of after.backends) used += micros - (before.backends.get(pid) ?? 0);
  return used;
}

async function adminRows<R>(query: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query(query)).rows as R[];
  } finally {
    await client.end();
  }
}

/** Part 1: sequential requests, the stores in turn, batch by batch; then CPU time per store. */
async function latencies(dbs: { postgres: Db; pglite: Db }, redis: Redis): Promise<Row[]> {
  const apps = new Map<string, FastifyInstance>();
  for (const store of STORES) {
    const db =
      store.env.LIMIT_STORE === 'memory' ? undefined : store.name === 'database (PGlite)' ? dbs.pglite : dbs.postgres;
    apps.set(store.name, await limitedApp(store, db));
  }
  const times = new Map<string, number[]>(STORES.map((s) => [s.name, []]));
  const statuses = new Map<string, Record<string, number>>(STORES.map((s) => [s.name, {}]));
  const cpu = new Map<string, number>();
  let client = 0;
  const warmup = SEQUENTIAL.batch * 5;
  try {
    for (let done = -warmup; done < SEQUENTIAL.requests; done += SEQUENTIAL.batch) {
      for (const [name, app] of apps) {
        for (let i = 0; i < SEQUENTIAL.batch; i++) {
          const url = `/limited?client=c${(client++ % CLIENTS).toString()}`;
          const start = performance.now();
          const res = await app.inject(url);
          const ms = performance.now() - start;
          if (done < 0) continue;
          times.get(name)!.push(ms);
          const counts = statuses.get(name)!;
          counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1;
        }
      }
    }
    for (const [name, app] of apps) {
      const before = await cpuNow(redis);
      for (let i = 0; i < SEQUENTIAL.requests; i++)
        await app.inject(`/limited?client=c${(client++ % CLIENTS).toString()}`);
      cpu.set(name, cpuBetween(before, await cpuNow(redis)) / SEQUENTIAL.requests);
    }
  } finally {
    for (const app of apps.values()) await app.close();
  }
  const summary = new Map(
    [...times].map(([name, list]) => {
      const sorted = list.sort((a, b) => a - b);
      return [name, { p50: percentile(sorted, 50), p99: percentile(sorted, 99) }];
    }),
  );
  const reference = summary.get(REFERENCE)!;
  const referenceCpu = cpu.get(REFERENCE)!;
  const workload = `one limited request at a time, in process (app.inject), ${SEQUENTIAL.requests} requests over ${CLIENTS.toLocaleString('en')} clients`;
  const cpuRows = STORES.map(({ name }): Row => {
    const used = cpu.get(name)!;
    const addedMs = (used - referenceCpu) / 1000;
    const shared = name !== REFERENCE;
    return {
      workload: `${workload}: CPU time of every process involved`,
      engine: name,
      measured: round(used),
      unit: 'µs CPU per request',
      reference: round(referenceCpu),
      referenceName: 'in-memory store (one per process), same run',
      ratio: round(used / referenceCpu, 2),
      target: shared ? `adds ≤ ${TARGET_ADDED_MS} ms of CPU per request` : 'reference',
      met: shared ? addedMs <= TARGET_ADDED_MS : null,
      note: `adds ${round(addedMs * 1000)} µs of CPU per request (this process${name.includes('PostgreSQL') ? ' + PostgreSQL backends' : name === 'redis' ? ' + Redis' : ''})`,
      addedMicroseconds: round(addedMs * 1000),
      statuses: statuses.get(name)!,
    };
  });
  const latencyRows = STORES.map(({ name }): Row => {
    const s = summary.get(name)!;
    const addedMs = s.p50 - reference.p50;
    return {
      workload: `${workload}: latency`,
      engine: name,
      measured: round(s.p50 * 1000),
      unit: 'µs p50',
      reference: round(reference.p50 * 1000),
      referenceName: 'in-memory store (one per process), same run, interleaved',
      ratio: round(s.p50 / reference.p50, 2),
      target: INFORMATIONAL,
      met: null,
      note: `adds ${round(addedMs * 1000)} µs at p50; p99 ${round(s.p99 * 1000)} µs (in-memory p99 ${round(reference.p99 * 1000)} µs)`,
      addedMicroseconds: round(addedMs * 1000),
      statuses: statuses.get(name)!,
    };
  });
  return [...cpuRows, ...latencyRows];
}

/** Latency and throughput wait for other processes: on a busy machine they measure its load. */
const INFORMATIONAL = "none (depends on the machine's load; the target is on CPU time)";

/** Part 2: each store in its own server process under autocannon. */
async function throughput(servers: ServerProcess[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const workload of WORKLOADS) {
    console.log(`\nthroughput, ${workload.name}`);
    const byStore = await interleaved(
      servers.map((s) => ({ name: s.name, url: s.url, nextPath: workload.nextPath })),
      { ...SETTINGS, log: (m) => console.log(`  ${m}`) },
    );
    const reference = byStore.get(REFERENCE)!;
    for (const { name } of STORES) {
      const r: LoadResult = byStore.get(name)!;
      const addedMs = 1000 / r.requestsPerSecond - 1000 / reference.requestsPerSecond;
      rows.push({
        workload: `GET /limited, ${workload.name}, ${SETTINGS.connections} connections, server process`,
        engine: name,
        measured: r.requestsPerSecond,
        unit: 'req/s',
        reference: reference.requestsPerSecond,
        referenceName: 'in-memory store (one per process), same run, interleaved rounds',
        ratio: round(r.requestsPerSecond / reference.requestsPerSecond, 3),
        target: INFORMATIONAL,
        met: null,
        note:
          `adds ${round(addedMs * 1000)} µs per request; p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms ` +
          `(in-memory p50 ${reference.latencyMs.p50}, p99 ${reference.latencyMs.p99}); errors ${r.errors + r.timeouts}`,
        addedMicroseconds: round(addedMs * 1000),
        statuses: r.statusCodes,
      });
    }
  }
  return rows;
}

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

async function main(): Promise<number> {
  const servers: ServerProcess[] = [];
  const dbs: Db[] = [];
  let redis: Redis | undefined;
  let created = false;
  try {
    await admin(`CREATE DATABASE ${databaseName}`);
    created = true;
    const postgres = createDb({ url: databaseUrl });
    dbs.push(postgres);
    // One embedded database migrated, then copied for the server process (only one process may open one).
    const template = createDb({ dataDir: embeddedDir('inprocess'), durability: 'full' });
    await Promise.all([migrateToLatest(postgres), migrateToLatest(template)]);
    await template.destroy();
    cpSync(embeddedDir('inprocess'), embeddedDir('served'), { recursive: true });
    const pglite = createDb({ dataDir: embeddedDir('inprocess'), durability: 'full' });
    dbs.push(pglite);
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    const loadBefore = os.loadavg()[0]!;

    console.log(`latency, ${SEQUENTIAL.requests} sequential requests per store`);
    const rows = await latencies({ postgres, pglite }, redis);
    // All settled before going on, so that one failing to start leaves none running.
    const started = await Promise.allSettled(
      STORES.map((store) =>
        startServer(store.name, 'bench/lib/limited-server.ts', { ...store.env }, '/readyz', {
          timeoutMs: 180_000,
        }).then((server) => void servers.push(server)),
      ),
    );
    for (const outcome of started) if (outcome.status === 'rejected') throw outcome.reason;
    // In STORES order, whatever order they came up in.
    servers.sort((a, b) => STORES.findIndex((s) => s.name === a.name) - STORES.findIndex((s) => s.name === b.name));
    rows.push(...(await throughput(servers)));
    const loadAfter = os.loadavg()[0]!;

    const date = new Date().toISOString();
    const result = {
      benchmark: 'shared-limits',
      date,
      quick: QUICK,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        loadAverage: { before: round(loadBefore, 2), after: round(loadAfter, 2) },
      },
      commands: ['npm run bench -- shared-limits', 'npm run bench -- --quick shared-limits'],
      settings: { ...SETTINGS, sequential: SEQUENTIAL, clients: CLIENTS },
      rows,
    };
    const file = path.join(ROOT, 'bench/results', `shared-limits-${date.slice(0, 10)}${QUICK ? '-quick' : ''}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');

    console.log(
      `\nRate-limit stores vs the in-memory store (load average ${result.machine.loadAverage.before}/${result.machine.loadAverage.after} on ${os.cpus().length} CPUs)\n`,
    );
    console.log(
      table([
        ['workload', 'store', 'measured', 'unit', 'vs in-memory', 'added µs', 'target'],
        ...rows.map((r) => [
          r.workload,
          r.engine,
          r.measured,
          r.unit,
          `${round(r.ratio * 100, 1)} %`,
          r.addedMicroseconds,
          r.met === null ? '-' : r.met ? 'met' : 'MISSED',
        ]),
      ]),
    );
    console.log(`results: ${path.relative(ROOT, file)}`);
    const broken = rows.filter((r) => Object.keys(r.statuses).some((s) => s !== '200') || /errors [1-9]/.test(r.note));
    if (broken.length > 0) {
      console.error(`Unexpected answers or errors: ${broken.map((r) => `${r.engine}: ${r.note}`).join('; ')}`);
      return 1;
    }
    return rows.every((r) => r.met !== false) ? 0 : 3;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    for (const db of dbs) await db.destroy().catch(() => undefined);
    if (created) await admin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    if (redis) {
      const keys = await redis.keys(`${redisPrefix}*`);
      for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
      redis.disconnect();
    }
    rmSync(work, { recursive: true, force: true });
  }
}

await runAndExit(main);
