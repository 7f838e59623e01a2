import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { isReachable } from './db.ts';

export interface HealthOptions {
  /** Further dependencies to report, by name (Redis when REDIS_URL is set). */
  readiness?: () => Promise<{ redis?: boolean }>;
}

const Check = Type.Union([Type.Literal('up'), Type.Literal('down')]);
const Checks = Type.Object(
  { database: Check, redis: Type.Optional(Check) },
  { description: 'Each dependency the process needs; `redis` only when REDIS_URL is set.' },
);

export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process answers',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the database answers, and Redis too when REDIS_URL is set',
        response: {
          200: Type.Object({ status: Type.Literal('ready'), checks: Checks }),
          503: Type.Object({ status: Type.Literal('unavailable'), checks: Checks }),
        },
      },
    },
    async (_req, reply) => {
      const [database, { redis }] = await Promise.all([
        isReachable(app.appContext.db),
        options.readiness?.() ?? Promise.resolve({ redis: undefined }),
      ]);
      const state = (up: boolean) => (up ? ('up' as const) : ('down' as const));
      const checks = { database: state(database), ...(redis === undefined ? {} : { redis: state(redis) }) };
      return database && redis !== false
        ? { status: 'ready' as const, checks }
        : reply.status(503).send({ status: 'unavailable' as const, checks });
    },
  );
}
