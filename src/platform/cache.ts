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

/**
 * Applications as the staff queue lists them changed: a status, answers of an application staff
 * can see, an assignment, or a person's name. Announced by the registration, review and accounts
 * modules' writes; the review queue's rendered rows are cached under it (decision 064).
 */
export const APPLICATIONS_TOPIC = 'applications';

/** The agreement versions and their texts changed (a version published). */
export const AGREEMENTS_TOPIC = 'agreements';

/** The address watchlist or the confirmed-false-alarm allow-list changed (registration's rule inputs). */
export const ADDRESS_LISTS_TOPIC = 'address_lists';

export interface TtlCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  clear(): void;
  readonly size: number;
  /**
   * Counts the clears. A reader that computed a value from the database stores it only if no
   * change was announced meanwhile (the generation it read before is still current), so an answer
   * read before a change cannot outlive the change's notification.
   */
  readonly generation: number;
}

export function ttlCache<V>(ttlMs: number, maxEntries: number, now: () => number = Date.now): TtlCache<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  let generation = 0;
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
    clear: () => {
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
  stop?: () => Promise<void>;
}
const hubs = new WeakMap<Db, Hub>();

/** Every hub of this process, for announceChange's immediate local clear. */
const hubRefs = new Set<WeakRef<Hub>>();

function hubOf(db: Db): Hub {
  let hub = hubs.get(db);
  if (!hub) {
    hubs.set(db, (hub = { caches: new Map() }));
    hubRefs.add(new WeakRef(hub));
  }
  return hub;
}

/**
 * The cache for a topic on this database (one per process and database). `eager`: the topic is
 * also dropped in this process when a change is announced, not only when it commits (see
 * announceChange).
 */
export function cacheFor<V>(
  db: Db,
  topic: string,
  ttlMs: number,
  maxEntries = 200_000,
  { eager = false } = {},
): TtlCache<V> {
  if (eager) eagerTopics.add(topic);
  const hub = hubOf(db);
  let cache = hub.caches.get(topic);
  if (!cache) hub.caches.set(topic, (cache = ttlCache<unknown>(ttlMs, maxEntries)));
  return cache as TtlCache<V>;
}

/**
 * Tells every process, when the transaction commits, that cached `topic` data changed. For a
 * topic made with `eager`, this process also drops it at once, so that its own next request after
 * the commit reads afresh even before the notification arrives (what is re-cached in between is
 * dropped again when it does, and a read that started before is not stored: see `generation`);
 * a rolled-back change then costs one needless miss.
 */
export async function announceChange(trx: Executor, topic: string): Promise<void> {
  await sql`SELECT pg_notify(${CHANNEL}, ${topic})`.execute(trx);
  if (!eagerTopics.has(topic)) return;
  for (const ref of hubRefs) {
    const hub = ref.deref();
    if (hub) hub.caches.get(topic)?.clear();
    else hubRefs.delete(ref);
  }
}

const eagerTopics = new Set<string>();

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
