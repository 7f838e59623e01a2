import { sql } from 'kysely';
import { listen, type Db, type Executor } from './db.ts';

/**
 * Short-lived read caches for hot paths (purchase eligibility, API key lookups).
 *
 * Staleness is bounded twice: every entry expires after its TTL (a few seconds), and every
 * change that affects a cache announces itself with NOTIFY in the changing transaction, so
 * every process sharing the database drops the cached topic as soon as the change commits.
 * See docs/decisions/010-eligibility-cache.md.
 */
const CHANNEL = 'pp_cache';

export interface TtlCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  clear(): void;
  readonly size: number;
}

export function ttlCache<V>(ttlMs: number, maxEntries: number, now: () => number = Date.now): TtlCache<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key) {
      const hit = entries.get(key);
      if (!hit) return undefined;
      if (hit.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return hit.value;
    },
    set(key, value) {
      // A full cache starts again rather than tracking recency: entries live seconds anyway.
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, { value, expiresAt: now() + ttlMs });
    },
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}

interface Hub {
  caches: Map<string, TtlCache<unknown>>;
  stop?: () => Promise<void>;
}
const hubs = new WeakMap<Db, Hub>();

function hubOf(db: Db): Hub {
  let hub = hubs.get(db);
  if (!hub) hubs.set(db, (hub = { caches: new Map() }));
  return hub;
}

/** The cache for a topic on this database (one per process and database). */
export function cacheFor<V>(db: Db, topic: string, ttlMs: number, maxEntries = 200_000): TtlCache<V> {
  const hub = hubOf(db);
  let cache = hub.caches.get(topic);
  if (!cache) hub.caches.set(topic, (cache = ttlCache<unknown>(ttlMs, maxEntries)));
  return cache as TtlCache<V>;
}

/** Tells every process, when the transaction commits, that cached `topic` data changed. */
export async function announceChange(trx: Executor, topic: string): Promise<void> {
  await sql`SELECT pg_notify(${CHANNEL}, ${topic})`.execute(trx);
}

/** Starts dropping caches on announced changes; returns the function that stops it. */
export async function startCacheInvalidation(db: Db): Promise<() => Promise<void>> {
  const hub = hubOf(db);
  const clearAll = () => hub.caches.forEach((c) => c.clear());
  const stop = await listen(db, CHANNEL, (topic) => hub.caches.get(topic)?.clear(), clearAll);
  hub.stop = stop;
  return async () => {
    await stop();
    clearAll();
  };
}
