import { sql } from 'kysely';
import { listen, type Db, type Executor, type Listener } from './db.ts';

/**
 * In-process read caches for hot paths (purchase eligibility, API key lookups).
 *
 * Staleness is bounded three ways (decisions 010 and 065):
 * - every change that affects a cache announces itself with NOTIFY in the changing transaction
 *   (triggers on the tables do it for eligibility, so no write path can forget), and every
 *   process sharing the database drops the topic as soon as the change commits;
 * - a cache is trusted only while its process hears its own heartbeat on the notification
 *   channel (`HEARTBEAT_GRACE_MS`): a stalled or silently broken channel turns every cache off
 *   and clears it, instead of serving what a missed notification would have dropped;
 * - every entry expires after its TTL, or earlier at an expiry its caller gives (a rule that
 *   depends on the clock).
 * An entry is stored only if the cache was not cleared while its value was being read (`generation`),
 * so a read that raced a change cannot put the old answer back after the notification.
 */
const CHANNEL = 'pp_cache';
/** How often each process proves that its notification channel still delivers. */
export const HEARTBEAT_MS = 1000;
/** Caches stop answering (and are cleared) when the last heartbeat heard was sent longer ago. */
export const HEARTBEAT_GRACE_MS = 3000;

export interface TtlCache<V> {
  get(key: string): V | undefined;
  /**
   * Stores nothing while the notification channel is in doubt. `expiresAt` (ms since the epoch)
   * may shorten the TTL, never lengthen it; `generation`, read before the value was, stores
   * nothing if the cache was cleared since (the value may predate the change).
   */
  set(key: string, value: V, options?: { generation?: number; expiresAt?: number }): void;
  clear(): void;
  readonly size: number;
  /** Counts the clears (see `set`). */
  readonly generation: number;
}

export function ttlCache<V>(
  ttlMs: number,
  maxEntries: number,
  now: () => number = Date.now,
  trusted: () => boolean = () => true,
): TtlCache<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  let generation = 0;
  return {
    get(key) {
      const hit = entries.get(key);
      if (!hit || !trusted()) return undefined;
      if (hit.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return hit.value;
    },
    set(key, value, options = {}) {
      if ((options.generation !== undefined && options.generation !== generation) || !trusted()) return;
      const expiresAt = Math.min(now() + ttlMs, options.expiresAt ?? Infinity);
      // Full: the oldest entry makes room (a Map iterates in insertion order).
      if (entries.size >= maxEntries && !entries.has(key)) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, expiresAt });
    },
    clear() {
      generation += 1;
      entries.clear();
    },
    get size() {
      return entries.size;
    },
    get generation() {
      return generation;
    },
  };
}

interface Hub {
  caches: Map<string, TtlCache<unknown>>;
  /** True while notifications are known to arrive; always true before invalidation starts (tests, scripts). */
  trusted: () => boolean;
}
const hubs = new WeakMap<Db, Hub>();

function hubOf(db: Db): Hub {
  let hub = hubs.get(db);
  if (!hub) hubs.set(db, (hub = { caches: new Map(), trusted: () => true }));
  return hub;
}

/** The cache for a topic on this database (one per process and database). */
export function cacheFor<V>(db: Db, topic: string, ttlMs: number, maxEntries = 200_000): TtlCache<V> {
  const hub = hubOf(db);
  let cache = hub.caches.get(topic);
  if (!cache) hub.caches.set(topic, (cache = ttlCache<unknown>(ttlMs, maxEntries, Date.now, () => hub.trusted())));
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
  const listener: Listener = await listen(db, CHANNEL, (topic) => hub.caches.get(topic)?.clear(), clearAll, {
    heartbeatMs: HEARTBEAT_MS,
  });
  hub.trusted = () => Date.now() - listener.lastHeard() <= HEARTBEAT_GRACE_MS;
  // Once the channel is in doubt, what was cached may have missed a change: drop it (gets and
  // sets are already refused), and keep dropping until heartbeats arrive again.
  const watchdog = setInterval(() => {
    if (!hub.trusted()) clearAll();
  }, HEARTBEAT_MS);
  watchdog.unref();
  return async () => {
    clearInterval(watchdog);
    await listener.stop();
    hub.trusted = () => true;
    clearAll();
  };
}
