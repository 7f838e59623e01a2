import type { FastifyBaseLogger } from 'fastify';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor, RateLimitPluginOptions } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { Db } from './db.ts';
import { startLoop } from './jobs.ts';
import { redactUrl } from './redact.ts';
import { deleteEndedWindows, recordHit } from './rate-limit.repository.ts';

/**
 * Where the per-route request rate limits (`config.rateLimit` on a route) count hits, so that
 * every process serving the portal counts the same hits (#16 item 3, decision 059): in Redis
 * when REDIS_URL is set, otherwise in the database (`rate_limit_hits`).
 */
export interface SharedLimits {
  /** Spread into @fastify/rate-limit's options. */
  pluginOptions: Pick<RateLimitPluginOptions, 'store' | 'redis' | 'nameSpace' | 'skipOnError'>;
  /** The store's own readiness, for /readyz: Redis when configured (the database is checked anyway). */
  readiness(): Promise<{ redis?: boolean }>;
  close(): Promise<void>;
}

export interface SharedLimitsOptions {
  db: Db;
  redisUrl?: string | undefined;
  redisKeyPrefix: string;
  log: FastifyBaseLogger;
}

/** How often ended windows are deleted from `rate_limit_hits`, and how many rows per statement. */
const CLEANUP_INTERVAL_MS = 60_000;
const CLEANUP_BATCH = 5_000;

export async function openSharedLimits(options: SharedLimitsOptions): Promise<SharedLimits> {
  return options.redisUrl ? openRedisLimits(options.redisUrl, options) : openDatabaseLimits(options);
}

function openDatabaseLimits({ db, log }: SharedLimitsOptions): SharedLimits {
  const cleanup = startLoop('rate-limit-cleanup', CLEANUP_INTERVAL_MS, () => deleteAllEnded(db), log);
  return {
    // A store that cannot count lets the request through (and logs): the limits must not turn a
    // database hiccup into refused sign-ins; sign-in throttling itself is counted elsewhere.
    pluginOptions: { store: databaseStore(db, log), skipOnError: true },
    readiness: async () => ({}),
    close: () => cleanup.stop(),
  };
}

/** Deletes every ended window, a batch at a time so that no statement holds many row locks. */
export async function deleteAllEnded(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteEndedWindows(db, CLEANUP_BATCH);
    total += deleted;
    if (deleted < CLEANUP_BATCH) return total;
  }
}

/** What @fastify/rate-limit passes to `child()` for a route (its typings say RouteOptions). */
interface RouteLimit {
  routeInfo: { method: string | string[]; url: string };
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
}

/**
 * A @fastify/rate-limit store over `rate_limit_hits`: one statement per limited request. Keys
 * are named as the plugin's Redis store names them (`METHOD/url-client`), so both stores
 * count the same thing.
 */
export function databaseStore(db: Db, log: FastifyBaseLogger): FastifyRateLimitStoreCtor {
  const storeFor = (prefix: string): FastifyRateLimitStore => ({
    incr(key, callback, timeWindow) {
      recordHit(db, prefix + key, timeWindow).then(
        (hit) => callback(null, { current: hit.count, ttl: hit.ttlMs }),
        (error: unknown) => {
          log.error({ err: error, key: prefix + key }, 'rate limit not counted: the database store failed');
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      );
    },
    child(routeOptions) {
      const route = routeOptions as unknown as RouteLimit;
      // Both reset the window on every refused hit; no route asks for them, and this store
      // would silently count differently, so refuse at start instead.
      if (route.continueExceeding || route.exponentialBackoff)
        throw new Error(
          `${route.routeInfo.url}: the database rate-limit store supports neither continueExceeding nor exponentialBackoff`,
        );
      return storeFor(`${String(route.routeInfo.method)}${route.routeInfo.url}-`);
    },
  });
  // The plugin builds its store with `new Store(options)`; a constructor that returns an object
  // yields that object, so this plain function serves.
  return function DatabaseStore() {
    return storeFor('');
  } as unknown as FastifyRateLimitStoreCtor;
}

async function openRedisLimits(url: string, { redisKeyPrefix, log }: SharedLimitsOptions): Promise<SharedLimits> {
  let reported = false;
  const redis = await connectRedis(url, (error) => {
    // ioredis reconnects on its own; one line per outage, not one per attempt.
    if (!reported)
      log.error({ err: error, redis: redactUrl(url) }, 'Redis is not answering; rate limits are not counted');
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) log.info({ redis: redactUrl(url) }, 'Redis answers again');
    reported = false;
  });
  return {
    // The plugin's own Redis store: INCR and PEXPIRE in one Lua script, one round trip.
    pluginOptions: { redis, nameSpace: `${redisKeyPrefix}rate-limit:`, skipOnError: true },
    readiness: async () => ({
      redis: await redis.ping().then(
        (pong) => pong === 'PONG',
        () => false,
      ),
    }),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Connects, or throws an error naming REDIS_URL (password hidden) and why. */
async function connectRedis(url: string, onError: (error: Error) => void): Promise<Redis> {
  // Loaded only when REDIS_URL is set: a start without Redis does not pay for the client's
  // modules (decision 063, 2026-11-29).
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    // A command while disconnected fails at once instead of queueing: a request is never held
    // up waiting for Redis to come back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
  });
  // connect() only says "Connection is closed."; the reason comes as an error event.
  let reason: Error | undefined;
  redis.on('error', (error: Error) => {
    reason = error;
    onError(error);
  });
  try {
    await redis.connect();
    return redis;
  } catch (error) {
    redis.disconnect();
    const why = reason?.message ?? (error instanceof Error ? error.message : String(error));
    throw new Error(`REDIS_URL: could not connect to ${redactUrl(url)}: ${why}`, { cause: error });
  }
}

/** For `partner-portal doctor`: connects, asks PING, disconnects; throws when Redis does not answer. */
export async function pingRedis(url: string): Promise<void> {
  const redis = await connectRedis(url, () => undefined);
  try {
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}
