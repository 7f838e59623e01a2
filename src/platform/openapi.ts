import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/**
 * one OpenAPI 3.1 document built from the route schemas, served at /api/openapi.json, with
 * a browsable reference at /api/docs. Only routes under /api/ are described.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Partner Portal API',
        version: '1.0.0',
        description:
          'JSON API of Partner Portal. Errors are `{ "error": { "code", "message", "fields"? } }`. Browser sessions authenticate with the session cookie; distributors and staff integrations with an API key (`Authorization: Bearer <key>`).',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'pp_session' },
          apiKey: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    hideUntagged: false,
    // The API is everything under /api/ plus the tagged operational routes; pages stay out.
    transform: ({ schema, url }) => ({ schema: url.startsWith('/api/') || schema?.tags ? schema : { ...schema, hide: true }, url }),
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // swagger-ui's own policy allows framing by the same origin and any form target; the
    // portal's rule is no framing, forms only to itself, and nothing kept in caches.
    transformStaticCSP: (header) => `${header.replace(/frame-ancestors [^;]*;\s*/, '')} frame-ancestors 'none'; form-action 'self';`,
    uiConfig: { docExpansion: 'list', deepLinking: true },
  });
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/api/docs')) reply.header('cache-control', 'no-store');
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
