// A Fastify server with nothing but @fastify/rate-limit and the store the portal would use
// (src/platform/rate-limit.ts), so that the benchmark sees the store's cost and nothing else.
// LIMIT_STORE: memory (the plugin's default, per process), database (DATABASE_URL, or the
// embedded database in DATA_DIR), redis (REDIS_URL, keys under REDIS_KEY_PREFIX).
import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { createDb, isReachable, type Db } from '../../src/platform/db.ts';
import { openSharedLimits } from '../../src/platform/rate-limit.ts';

const store = process.env.LIMIT_STORE ?? 'memory';
const app = Fastify({ logger: { level: 'warn' } });
let db: Db | undefined;
if (store === 'memory') {
  await app.register(rateLimit, { global: false });
} else {
  db = createDb({ url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR, durability: 'full' });
  // The embedded database opens on first use: open it before answering /readyz, not in the first round.
  if (!(await isReachable(db))) throw new Error('the database does not answer');
  const limits = await openSharedLimits({
    db,
    redisUrl: store === 'redis' ? process.env.REDIS_URL : undefined,
    redisKeyPrefix: process.env.REDIS_KEY_PREFIX ?? 'pp-bench:',
    log: app.log,
  });
  app.addHook('onClose', () => limits.close());
  await app.register(rateLimit, { global: false, ...limits.pluginOptions });
}

// Never refuses (the cost of counting is the same either way); `?client=` stands for the
// client's address, so that a run can spread its hits over many clients or put them all on one.
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
app.get('/readyz', async () => ({ status: 'ready' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(
    signal,
    () =>
      void app
        .close()
        .then(() => db?.destroy())
        .then(() => process.exit(0)),
  );
