import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { isReachable } from './db.ts';

export async function healthRoutes(app: FastifyInstance): Promise<void> {
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
        summary: 'Readiness: the database answers',
        response: {
          200: Type.Object({ status: Type.Literal('ready') }),
          503: Type.Object({ status: Type.Literal('unavailable') }),
        },
      },
    },
    async (_req, reply) =>
      (await isReachable(app.appContext.db))
        ? { status: 'ready' as const }
        : reply.status(503).send({ status: 'unavailable' as const }),
  );
}
