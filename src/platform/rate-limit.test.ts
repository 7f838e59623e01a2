import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { sql } from 'kysely';
import { buildApp } from '../app.ts';
import { createTestApp, testConfig, type TestApp } from '../../test/helpers/app.ts';
import { createDb } from './db.ts';
import { healthRoutes } from './health.routes.ts';
import { databaseStore, deleteAllEnded, openSharedLimits } from './rate-limit.ts';
import { recordHit } from './rate-limit.repository.ts';

let t: TestApp;
let other: FastifyInstance;
beforeAll(async () => {
  t = await createTestApp();
  // A second app instance on the same database: what a second process sees.
  other = await buildApp({ config: testConfig(), db: t.database.db, logger: false });
  await other.ready();
});
afterAll(async () => {
  await other.close();
  await t.close();
});

const WINDOW = 60_000;

describe(`#16.3 the database rate-limit store`, () => {
  it('counts the hits of one key in its window, and each key on its own', async () => {
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push(await recordHit(t.ctx.db, 'count-a', WINDOW));
    expect(counts.map((c) => c.count)).toEqual([1, 2, 3]);
    for (const { ttlMs } of counts) {
      expect(ttlMs).toBeGreaterThan(0);
      expect(ttlMs).toBeLessThanOrEqual(WINDOW);
    }
    expect((await recordHit(t.ctx.db, 'count-b', WINDOW)).count).toBe(1);
  });

  it('starts again at 1 once the window has ended, with a whole new window', async () => {
    for (let i = 0; i < 4; i++) await recordHit(t.ctx.db, 'ended', WINDOW);
    await sql`UPDATE rate_limit_hits SET expires_at = now() - interval '1 second' WHERE key = 'ended'`.execute(
      t.ctx.db,
    );
    const hit = await recordHit(t.ctx.db, 'ended', WINDOW);
    expect(hit.count).toBe(1);
    expect(hit.ttlMs).toBe(WINDOW);
  });

  it('counts each of many simultaneous hits exactly once, from two connection pools', async () => {
    // On PostgreSQL the second pool is a second set of connections, as another process has.
    const second = t.database.url ? createDb({ url: t.database.url, poolSize: 5 }) : t.ctx.db;
    try {
      const hits = await Promise.all(
        Array.from({ length: 60 }, (_, i) => recordHit(i % 2 ? second : t.ctx.db, 'simultaneous', WINDOW)),
      );
      expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    } finally {
      if (second !== t.ctx.db) await second.destroy();
    }
  });

  it('deletes the rows of ended windows and keeps the current ones', async () => {
    await recordHit(t.ctx.db, 'old-1', WINDOW);
    await recordHit(t.ctx.db, 'old-2', WINDOW);
    await recordHit(t.ctx.db, 'current', WINDOW);
    await sql`UPDATE rate_limit_hits SET expires_at = now() - interval '1 minute' WHERE key LIKE 'old-%'`.execute(
      t.ctx.db,
    );
    expect(await deleteAllEnded(t.ctx.db)).toBeGreaterThanOrEqual(2);
    const keys = await t.ctx.db.selectFrom('rate_limit_hits').select('key').execute();
    expect(keys.map((k) => k.key)).toContain('current');
    expect(keys.map((k) => k.key)).not.toContain('old-1');
    expect(keys.map((k) => k.key)).not.toContain('old-2');
  });

  it('refuses, at start, route options it would count differently (continueExceeding)', async () => {
    const app = Fastify({ logger: false });
    await app.register(rateLimit, { global: false, store: databaseStore(t.ctx.db, silentLog()) });
    expect(() =>
      app.get('/x', { config: { rateLimit: { max: 1, continueExceeding: true } } }, async () => 'ok'),
    ).toThrow(/supports neither continueExceeding nor exponentialBackoff/);
    await app.close();
  });

  it('lets the request through and logs when it cannot count (the database does not answer)', async () => {
    const unreachable = createDb({ url: 'postgres://postgres@127.0.0.1:1/nowhere' });
    const log = silentLog();
    const app = Fastify({ logger: false });
    await app.register(rateLimit, { global: false, skipOnError: true, store: databaseStore(unreachable, log) });
    app.get('/limited', { config: { rateLimit: { max: 1, timeWindow: WINDOW } } }, async () => 'ok');
    try {
      const answers = [await app.inject('/limited'), await app.inject('/limited')];
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
      expect(log.error).toHaveBeenCalledWith(
        expect.objectContaining({ key: 'GET/limited-127.0.0.1' }),
        'rate limit not counted: the database store failed',
      );
    } finally {
      await app.close();
      await unreachable.destroy();
    }
  });
});

describe('#16.3 two app instances on one database share every route limit', () => {
  it('counts the password-reset limit (5 a minute) on both, then refuses in the error shape with Retry-After and security headers', async () => {
    const apps = [t.app, other];
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await apps[i % 2]!.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset',
        payload: { email: `nobody${i}@fabrikam.example` },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202]);
    for (const app of apps) {
      const refused = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset',
        payload: { email: 'nobody@fabrikam.example' },
      });
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toEqual({
        error: { code: 'rate_limited', message: 'Too many requests. Wait a moment and try again.' },
      });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers['x-ratelimit-limit']).toBe('5');
      expect(refused.headers['content-security-policy']).toContain("default-src 'self'");
      expect(refused.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('keeps the sign-in throttle per account across both, with Retry-After in seconds', async () => {
    const apps = [t.app, other];
    const attempt = (i: number) =>
      apps[i % 2]!.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        remoteAddress: '198.51.100.23',
        payload: { email: 'guessed@fabrikam.example', password: `wrong guess ${i}` },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt(i)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const blocked = await attempt(5);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('throttled_account');
    expect(blocked.headers['retry-after']).toBe('60');
  });
});

describe('#16.3 Redis (REDIS_URL)', () => {
  it('refuses to start when Redis does not answer, naming REDIS_URL without its password', async () => {
    const attempt = openSharedLimits({
      db: t.ctx.db,
      redisUrl: 'redis://:secret@127.0.0.1:1',
      redisKeyPrefix: 'pp-test:',
      log: silentLog(),
    });
    await expect(attempt).rejects.toThrow(
      /^REDIS_URL: could not connect to redis:\/\/:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
  });
});

describe('#16.3 readiness names each dependency', () => {
  it('answers 503 naming Redis when it is configured and does not answer', async () => {
    const app = Fastify({ logger: false });
    app.decorate('appContext', t.ctx);
    await app.register(healthRoutes, { readiness: async () => ({ redis: false }) });
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable', checks: { database: 'up', redis: 'down' } });
    await app.close();
  });
});

function silentLog(): FastifyBaseLogger & { error: ReturnType<typeof vi.fn> } {
  const log = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn(), trace: vi.fn(), fatal: vi.fn() };
  return { ...log, level: 'silent', silent: vi.fn(), child: () => log } as unknown as FastifyBaseLogger & {
    error: ReturnType<typeof vi.fn>;
  };
}
