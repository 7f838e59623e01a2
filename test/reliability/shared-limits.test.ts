import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../../bench/lib/harness.ts';
import { createDb } from '../../src/platform/db.ts';
import { migrateToLatest } from '../../src/platform/migrate.ts';
import { adminQuery, withDatabase } from '../helpers/global-setup.ts';

/**
 * #16 item 3: the request rate limits and the sign-in throttles hold across several server
 * processes (src/server.ts), each started on its own as in production.
 *
 * - With TEST_DATABASE_URL (PostgreSQL): two processes on one throwaway database count each
 *   route's limit together in `rate_limit_hits`, and the sign-in throttles (per account and per
 *   address) together in `sign_in_throttle`; two more, with REDIS_URL, count the limits in Redis.
 * - Without it (PGlite): only one process can open an embedded database, so the two processes
 *   each have their own, and only Redis can make them count together. The database store with
 *   two app instances on one PGlite database is proven in src/platform/rate-limit.test.ts, and
 *   so is the refusal to start with a REDIS_URL that does not answer.
 *
 * Redis is TEST_REDIS_URL, default redis://127.0.0.1:6379: every key this file makes starts
 * with a prefix of its own (REDIS_KEY_PREFIX), and is deleted at the end.
 */
const serverUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = randomBytes(6).toString('hex');
const redisPrefix = `pp-test-${run}:`;
const databaseName = `pp_limits_${run}`;
const work = mkdtempSync(path.join(tmpdir(), 'pp-limits-'));

let redis: Redis;
let databaseUrl: string | undefined;
const servers: ServerProcess[] = [];
let viaDatabase: [ServerProcess, ServerProcess] | undefined;
let viaRedis: [ServerProcess, ServerProcess];
/** A server process with its own directory; on PostgreSQL, on this file's database. */
async function serve(name: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServer(
    name,
    'src/server.ts',
    {
      DATA_DIR: path.join(work, name),
      DATABASE_URL: databaseUrl ?? '',
      SESSION_SECRET: 'shared-limits-test-secret-0123456789abcdef',
      DEMO: '0',
      LOG_LEVEL: 'warn',
      // The tests speak for several clients through X-Forwarded-For, one address per test.
      TRUST_PROXY: 'true',
      REDIS_URL: '',
      REDIS_KEY_PREFIX: redisPrefix,
      ...env,
    },
    '/readyz',
    { timeoutMs: 300_000 },
  );
  servers.push(server);
  return server;
}

beforeAll(async () => {
  redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on('error', () => undefined);
  await redis.connect().catch((error: Error) => {
    throw new Error(`No Redis at ${redisUrl} (set TEST_REDIS_URL): ${error.message}`);
  });
  if (serverUrl) {
    await adminQuery(serverUrl, `CREATE DATABASE ${databaseName}`);
    databaseUrl = withDatabase(serverUrl, databaseName);
    // Migrated once here, so that the processes do not race to do it.
    const db = createDb({ url: databaseUrl });
    await migrateToLatest(db);
    await db.destroy();
  } else {
    // One migrated embedded database, copied for each process: cheaper than each creating its own.
    const db = createDb({ dataDir: path.join(work, 'template') });
    await migrateToLatest(db);
    await db.destroy();
    for (const name of ['redis-a', 'redis-b'])
      cpSync(path.join(work, 'template'), path.join(work, name), { recursive: true });
  }
  const started = await Promise.all([
    ...(databaseUrl ? [serve('db-a'), serve('db-b')] : []),
    serve('redis-a', { REDIS_URL: redisUrl }),
    serve('redis-b', { REDIS_URL: redisUrl }),
  ]);
  if (databaseUrl) viaDatabase = [started[0]!, started[1]!];
  viaRedis = [started.at(-2)!, started.at(-1)!];
  // Starting servers takes seconds on a quiet machine; on one shared with other work, minutes.
}, 600_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  if (serverUrl && databaseUrl) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  if (redis) {
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
  rmSync(work, { recursive: true, force: true });
});

function post(server: ServerProcess, url: string, address: string, body: unknown) {
  return fetch(`${server.url}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify(body),
  });
}

/**
 * POST /api/v1/auth/password-reset allows 5 a minute per address: alternately on A and B, the
 * first 5 are accepted and from then on both refuse, each in the API's error shape with
 * Retry-After and the security headers.
 */
async function expectOneLimitForBoth([a, b]: [ServerProcess, ServerProcess], address: string) {
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await post(i % 2 ? b : a, '/api/v1/auth/password-reset', address, { email: `n${i}@fabrikam.example` });
    statuses.push(res.status);
  }
  expect(statuses, 'the first 5 hits, alternately on A and B').toEqual([202, 202, 202, 202, 202]);
  for (const server of [a, b]) {
    const refused = await post(server, '/api/v1/auth/password-reset', address, { email: 'n@fabrikam.example' });
    expect(refused.status, `the 6th hit on ${server.name}`).toBe(429);
    expect(await refused.json()).toEqual({
      error: { code: 'rate_limited', message: 'Too many requests. Wait a moment and try again.' },
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
  }
  // Another address still has its own 5.
  const neighbour = address.replace(/\d+$/, (n) => String(Number(n) + 1));
  const other = await post(a, '/api/v1/auth/password-reset', neighbour, { email: 'n@fabrikam.example' });
  expect(other.status).toBe(202);
}

describe(`#16.3 limits shared by several processes (${serverUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('in the database: one route limit for two processes on one database', async (ctx) => {
    if (!viaDatabase) return ctx.skip(); // PGlite: one process per database (see above)
    await expectOneLimitForBoth(viaDatabase, '203.0.113.10');
  });

  it('in the database: the sign-in throttle per account holds across both processes', async (ctx) => {
    if (!viaDatabase) return ctx.skip();
    const [a, b] = viaDatabase;
    const address = '203.0.113.20';
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post(i % 2 ? b : a, '/api/v1/auth/sign-in', address, {
        email: 'guessed@fabrikam.example',
        password: `wrong guess ${i}`,
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    for (const server of [a, b]) {
      const blocked = await post(server, '/api/v1/auth/sign-in', address, {
        email: 'guessed@fabrikam.example',
        password: 'one more guess',
      });
      expect(blocked.status, server.name).toBe(429);
      expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe('throttled_account');
      expect(blocked.headers.get('retry-after')).toBe('60');
    }
  });

  it('in the database: the sign-in throttle per address holds across both processes (30 failures)', async (ctx) => {
    if (!viaDatabase) return ctx.skip();
    const [a, b] = viaDatabase;
    const address = '203.0.113.30';
    // 30 failures over 30 accounts, alternately on A and B: neither process saw more than 15.
    for (let i = 0; i < 30; i++) {
      const res = await post(i % 2 ? b : a, '/api/v1/auth/sign-in', address, {
        email: `sprayed${i}@fabrikam.example`,
        password: 'guess guess guess',
      });
      expect(res.status, `failure ${i + 1}`).toBe(401);
    }
    for (const server of [a, b]) {
      const blocked = await post(server, '/api/v1/auth/sign-in', address, {
        email: 'fresh@fabrikam.example',
        password: 'guess guess guess',
      });
      expect(blocked.status, server.name).toBe(429);
      expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe('throttled_ip');
      expect(blocked.headers.get('retry-after')).toBe('900');
    }
  });

  it('in Redis (REDIS_URL): one route limit for two processes, counted under the key prefix', async () => {
    await expectOneLimitForBoth(viaRedis, '203.0.113.40');
    const keys = await redis.keys(`${redisPrefix}*`);
    expect(keys).toContain(`${redisPrefix}rate-limit:POST/api/v1/auth/password-reset-203.0.113.40`);
    expect(Number(await redis.get(`${redisPrefix}rate-limit:POST/api/v1/auth/password-reset-203.0.113.40`))).toBe(7);
  });

  it('in Redis: /readyz reports Redis beside the database', async () => {
    for (const server of viaRedis) {
      const res = await fetch(`${server.url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready', checks: { database: 'up', redis: 'up' } });
    }
  });
});
