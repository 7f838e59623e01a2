import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { announceChange, cacheFor, startCacheInvalidation, ttlCache } from './cache.ts';
import { listen, queryPrepared } from './db.ts';

let t: TestDatabase;
let stop: () => Promise<void>;
beforeAll(async () => {
  t = await createTestDatabase();
  stop = await startCacheInvalidation(t.db);
});
afterAll(async () => {
  await stop?.();
  await t?.destroy();
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

describe('short-lived caches', () => {
  it('expire entries after their TTL', () => {
    let now = 1000;
    const cache = ttlCache<string>(2000, 10, () => now);
    cache.set('a', 'answer');
    now += 1999;
    expect(cache.get('a')).toBe('answer');
    now += 1;
    expect(cache.get('a')).toBeUndefined();
  });

  it('#15: an entry expires at the expiry its caller gives, when that is before the TTL', () => {
    let now = 1000;
    const cache = ttlCache<string>(60_000, 10, () => now);
    cache.set('a', 'answer', { expiresAt: now + 500 });
    cache.set('b', 'answer', { expiresAt: now + 120_000 });
    now += 500;
    expect(cache.get('a')).toBeUndefined();
    now += 59_500;
    expect(cache.get('b')).toBeUndefined();
  });

  it('#15: a value read before the cache was cleared is not stored (it may predate the change)', () => {
    const cache = ttlCache<string>(60_000, 10);
    const generation = cache.generation;
    cache.clear();
    cache.set('k', 'old answer', { generation });
    expect(cache.get('k')).toBeUndefined();
    cache.set('k', 'new answer', { generation: cache.generation });
    expect(cache.get('k')).toBe('new answer');
  });

  it('#15: callers that miss together share one read, and its value is kept', async () => {
    const cache = ttlCache<string>(60_000, 10);
    let reads = 0;
    let finish!: (v: string) => void;
    const read = () => {
      reads += 1;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const both = Promise.all([cache.load('k', read), cache.load('k', read)]);
    finish('answer');
    expect(await both).toEqual(['answer', 'answer']);
    expect(reads).toBe(1);
    expect(await cache.load('k', read)).toBe('answer');
    expect(reads).toBe(1);
  });

  it('#15: a read started before a clear is not shared with a later caller, nor stored', async () => {
    const cache = ttlCache<string>(60_000, 10);
    const finishers: ((v: string) => void)[] = [];
    const read = () => new Promise<string>((resolve) => finishers.push(resolve));
    const early = cache.load('k', read);
    cache.clear();
    const late = cache.load('k', read);
    expect(finishers).toHaveLength(2);
    finishers[0]!('before the change');
    finishers[1]!('after the change');
    expect(await early).toBe('before the change');
    expect(await late).toBe('after the change');
    expect(cache.get('k')).toBe('after the change');
    // A failed read is not kept: the next caller reads again.
    const failing = ttlCache<string>(60_000, 10);
    await expect(failing.load('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await failing.load('k', () => Promise.resolve('up'))).toBe('up');
  });

  it('#15: an expired entry no change dropped is answered while one caller reads it again', async () => {
    let clock = 0;
    const cache = ttlCache<string>(5_000, 10, () => clock);
    cache.set('k', 'old');
    clock = 5_000; // expired
    let reads = 0;
    let finish!: (v: string) => void;
    const read = () => {
      reads += 1;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    // Every caller meanwhile gets the kept value at once; one read runs.
    expect(await Promise.all([cache.load('k', read), cache.load('k', read)])).toEqual(['old', 'old']);
    expect(reads).toBe(1);
    finish('new');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.load('k', read)).toBe('new');
    expect(reads).toBe(1);
    // A change announced drops the kept value: the next caller waits for a read of its own.
    cache.clear();
    const after = cache.load('k', read);
    expect(reads).toBe(2);
    finish('after the change');
    expect(await after).toBe('after the change');
    // A failed background read drops the entry, so the next caller reads and sees the failure.
    clock += 5_000;
    expect(await cache.load('k', () => Promise.reject(new Error('down')))).toBe('after the change');
    await new Promise((resolve) => setImmediate(resolve));
    await expect(cache.load('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
  });

  it('#15: a full cache lets its oldest entry go, and keeps the rest', () => {
    const cache = ttlCache<number>(60_000, 3);
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, 1);
    expect(['a', 'b', 'c', 'd'].map((k) => cache.get(k))).toEqual([undefined, 1, 1, 1]);
  });

  it('#15: while the notification channel is in doubt, the cache neither answers nor stores', () => {
    let trusted = true;
    const cache = ttlCache<string>(60_000, 10, Date.now, () => trusted);
    cache.set('k', 'v');
    trusted = false;
    expect(cache.get('k')).toBeUndefined();
    cache.set('other', 'v');
    trusted = true;
    expect(cache.get('other')).toBeUndefined();
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    '#15: the listening connection hears its own heartbeat every second, which keeps the caches on',
    async () => {
      const listener = await listen(
        t.db,
        'pp_test_heartbeat',
        () => undefined,
        () => undefined,
        {
          heartbeatMs: 100,
        },
      );
      try {
        const first = listener.lastHeard();
        expect(await until(() => listener.lastHeard() > first + 150, 3000)).toBe(true);
      } finally {
        await listener.stop();
      }
    },
  );

  it('REG-4: a change announced in a transaction clears the topic when it commits, not when it rolls back', async () => {
    const cache = cacheFor<string>(t.db, 'test-topic', 60_000);
    const other = cacheFor<string>(t.db, 'other-topic', 60_000);
    cache.set('k', 'v');
    other.set('k', 'v');
    await t.db
      .transaction()
      .execute(async (trx) => {
        await announceChange(trx, 'test-topic');
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(cache.get('k')).toBe('v');
    await t.db.transaction().execute((trx) => announceChange(trx, 'test-topic'));
    expect(await until(() => cache.get('k') === undefined)).toBe(true);
    expect(other.get('k')).toBe('v');
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'X-6: listens again after its connection is lost, and drops what it cached meanwhile',
    async () => {
      const cache = cacheFor<string>(t.db, 'reconnect-topic', 60_000);
      cache.set('before', 'v');
      const admin = new pg.Client({ connectionString: t.url });
      await admin.connect();
      try {
        const { rowCount } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pp_listen'`,
        );
        expect(rowCount).toBe(1);
      } finally {
        await admin.end();
      }
      expect(await until(() => cache.get('before') === undefined)).toBe(true);
      // Once listening again, announced changes arrive as before.
      const listening = async () => {
        cache.set('after', 'v');
        await t.db.transaction().execute((trx) => announceChange(trx, 'reconnect-topic'));
        return until(() => cache.get('after') === undefined, 500);
      };
      const deadline = Date.now() + 10_000;
      let resumed = false;
      while (!resumed && Date.now() < deadline) resumed = await listening();
      expect(resumed).toBe(true);
    },
    20_000,
  );

  it('runs a named prepared statement again and again, and inside a transaction', async () => {
    const query = (n: number) => sql<{ doubled: number }>`SELECT ${n}::int * 2 AS doubled`;
    for (const n of [1, 2, 3])
      expect(await queryPrepared(t.db, 'pp_test_doubled', query(n))).toEqual([{ doubled: n * 2 }]);
    expect(await t.db.transaction().execute((trx) => queryPrepared(trx, 'pp_test_doubled', query(21)))).toEqual([
      { doubled: 42 },
    ]);
  });
});
