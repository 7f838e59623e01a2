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
export const CHANNEL = 'pp_cache';
/** How often each process proves that its notification channel still delivers. */
export const HEARTBEAT_MS = 1000;
/** Caches stop answering (and are cleared) when the last heartbeat heard was sent longer ago. */
export const HEARTBEAT_GRACE_MS = 3000;

/**
 * Applications as the staff queue lists them changed: a status, answers of an application staff
 * can see, an assignment, or a person's name. Announced by the registration, review and accounts
 * modules' writes; the review queue's rendered rows are cached under it (decision 064).
 */
export const APPLICATIONS_TOPIC = 'applications';

/**
 * An application as its own people see it changed: its row (a saved step, a submission, a
 * decision), its people (one joined) or a person's name. The wizard's view of an application is
 * kept under it (registration module, decision 064); announced by the registration, review and
 * accounts repositories' writes.
 */
export const APPLICATION_VIEWS_TOPIC = 'application_views';

/** The agreement versions and their texts changed (a version published). */
export const AGREEMENTS_TOPIC = 'agreements';

/** The address watchlist or the confirmed-false-alarm allow-list changed (registration's rule inputs). */
export const ADDRESS_LISTS_TOPIC = 'address_lists';

/**
 * The distributor directory changed (a distributor added, edited or retired, or its territories):
 * the distributors serving each country are kept under it (#15, decision 064).
 */
export const DISTRIBUTORS_TOPIC = 'distributors';

/**
 * The programme's settings rows changed (partner_settings, training_settings): read by every
 * Partner Self Service home, changed by staff now and then (#15, decision 064).
 */
export const SETTINGS_TOPIC = 'programme_settings';

/** How long the programme's settings are kept when a change's notification is lost (decision 064). */
export const SETTINGS_TTL_MS = 5_000;

export interface TtlCache<V> {
  get(key: string): V | undefined;
  /**
   * Stores nothing while the notification channel is in doubt. `expiresAt` (ms since the epoch)
   * may shorten the TTL, never lengthen it; `generation`, read before the value was, stores
   * nothing if the cache was cleared since (the value may predate the change).
   */
  set(key: string, value: V, options?: { generation?: number; expiresAt?: number }): void;
  /**
   * The kept value, or `read()`'s, stored as `set` with the generation taken before the read.
   * Callers that miss together share one read (#15: a page whose entry expired under load was
   * read and rendered once per waiting request). A read started before a clear is not shared
   * with a caller that comes after it: clear() forgets the reads in flight too. An entry past its
   * TTL that no clear has dropped is still answered while one caller reads it again, so `load`'s
   * values are at most the TTL plus one read old; a change announced drops them at once.
   */
  load(key: string, read: () => Promise<V>): Promise<V>;
  clear(): void;
  readonly size: number;
  /**
   * Counts the clears. A reader that computed a value from the database stores it only if no
   * change was announced meanwhile (the generation it read before is still current), so an answer
   * read before a change cannot outlive the change's notification.
   */
  readonly generation: number;
}

export function ttlCache<V>(
  ttlMs: number,
  maxEntries: number,
  now: () => number = Date.now,
  trusted: () => boolean = () => true,
): TtlCache<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  const reading = new Map<string, Promise<V>>();
  let generation = 0;
  const store = (key: string, value: V, options: { generation?: number; expiresAt?: number } = {}) => {
    if ((options.generation !== undefined && options.generation !== generation) || !trusted()) return;
    const expiresAt = Math.min(now() + ttlMs, options.expiresAt ?? Infinity);
    // Full: the oldest entry makes room (a Map iterates in insertion order).
    if (entries.size >= maxEntries && !entries.has(key)) entries.delete(entries.keys().next().value!);
    entries.set(key, { value, expiresAt });
  };
  // The value is stored under the generation taken before the read: a clear meanwhile keeps it out.
  const startRead = (key: string, read: () => Promise<V>): Promise<V> => {
    const startedIn = generation;
    const promise = read()
      .then((value) => {
        store(key, value, { generation: startedIn });
        return value;
      })
      .finally(() => {
        if (reading.get(key) === promise) reading.delete(key);
      });
    reading.set(key, promise);
    return promise;
  };
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
    set(key, value, options) {
      store(key, value, options);
    },
    load(key, read) {
      const kept = trusted() ? entries.get(key) : undefined;
      if (kept && kept.expiresAt > now()) return Promise.resolve(kept.value);
      const pending = reading.get(key);
      if (kept) {
        // Past its TTL but not cleared: no change was announced since it was read. One caller
        // reads it again in the background and every caller meanwhile gets the kept value, so an
        // entry expiring under load no longer holds every waiting request for a read (#15). A
        // failed read drops the entry: the next caller reads, and sees the failure.
        if (!pending) startRead(key, read).catch(() => entries.delete(key));
        return Promise.resolve(kept.value);
      }
      return pending ?? startRead(key, read);
    },
    clear() {
      generation += 1;
      entries.clear();
      reading.clear();
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

/** Every hub of this process, for announceChange's immediate local clear. */
const hubRefs = new Set<WeakRef<Hub>>();

function hubOf(db: Db): Hub {
  let hub = hubs.get(db);
  if (!hub) {
    hubs.set(db, (hub = { caches: new Map(), trusted: () => true }));
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
  if (!cache) hub.caches.set(topic, (cache = ttlCache<unknown>(ttlMs, maxEntries, Date.now, () => hub.trusted())));
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
