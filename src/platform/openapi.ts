import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ErrorResponse } from './api-schemas.ts';

export interface OpenApiOptions {
  /** The portal's public address: the document's only server. */
  publicUrl: string;
}

type Operation = {
  operationId?: string;
  summary?: string;
  security?: unknown;
  requestBody?: unknown;
  responses?: Record<string, Response>;
};
type Response = { description?: string; content?: Record<string, { schema?: unknown; example?: unknown }> };

/**
 * The error answers every API operation may give, with the shared error shape and an example.
 * The platform answers 400 (invalid input, control characters), 401 (no session, or an API key
 * where the operation takes none) and 429 anywhere; the others depend on the use case but are
 * added where a route does not declare them, so a client generator knows every error's shape.
 */
export const API_ERRORS: Record<number, { description: string; code: string; message: string }> = {
  400: {
    description: 'The request is not valid; `fields` names each field and rule.',
    code: 'invalid_request',
    message: 'The body is not valid: email: must match format "email".',
  },
  401: {
    description: 'Not signed in, or an API key where the operation accepts none.',
    code: 'unauthenticated',
    message: 'Sign in to continue.',
  },
  403: {
    description: 'Signed in, but this account may not do this.',
    code: 'forbidden',
    message: 'You do not have permission to do that.',
  },
  404: { description: 'No such resource, or not one this account may see.', code: 'not_found', message: 'Not found.' },
  409: {
    description: 'Conflicts with the current state (a stale version, a duplicate, already decided).',
    code: 'stale_version',
    message: 'Someone else changed this; reload and try again.',
  },
  422: {
    description: 'Well-formed but breaks a business rule; `fields` names each field and rule.',
    code: 'validation_failed',
    message: 'Some fields are not valid.',
  },
  429: {
    description: 'Too many requests; wait and retry.',
    code: 'rate_limited',
    message: 'Too many requests. Wait a moment and try again.',
  },
};
/** Only operations with path parameters can meet this one (the router's 100-character limit). */
const PATH_ERRORS: Record<number, { description: string; code: string; message: string }> = {
  414: {
    description: 'A path parameter is over 100 characters.',
    code: 'uri_too_long',
    message: 'A part of the address is longer than 100 characters.',
  },
};
/**
 * Any request that can carry a body can meet these: one with a request body, and also a POST,
 * PUT, PATCH or DELETE that takes none but is sent one anyway (Fastify parses it by its content
 * type before the route sees it). Only GET and HEAD bodies are never parsed.
 */
const BODY_ERRORS: Record<number, { description: string; code: string; message: string }> = {
  413: {
    description: 'The request body is over the 1 MiB limit.',
    code: 'payload_too_large',
    message: 'The request body is larger than the 1 MiB limit.',
  },
  415: {
    description: 'The content type is not accepted here.',
    code: 'unsupported_media_type',
    message: 'Content type text/xml is not accepted here.',
  },
};

/**
 * A stable operationId from the method and the path: `GET /api/v1/distributors/:id` is
 * `getDistributorsById`. A route may set its own with `schema.operationId`.
 */
export function operationIdFor(method: string, url: string): string {
  const words = url
    .replace(/^\/api\/v\d+\//, '/')
    .split('/')
    .filter(Boolean)
    .flatMap((segment) =>
      segment.startsWith(':') || segment.startsWith('{')
        ? ['by', segment.replace(/[:{}]/g, '')]
        : segment.split(/[^A-Za-z0-9]+/),
    )
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

/** The shared error schema, once, in components; every error answer refers to it. */
const ERROR_REF = { $ref: '#/components/schemas/Error' };
const ERROR_JSON = JSON.stringify(ErrorResponse);
const errorResponse = (e: { description: string; code: string; message: string }): Response => ({
  description: e.description,
  content: { 'application/json': { schema: ERROR_REF, example: { error: { code: e.code, message: e.message } } } },
});

/**
 * What every operation in the document gets, so routes added by any module have it without
 * saying so (issue #17): an operationId (unique: a duplicate stops the document), an explicit
 * `security` (public ones `[]`), and the shared error answers with examples.
 */
export function completeDocument(doc: {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}): void {
  doc.components ??= {};
  (doc.components.schemas ??= {}).Error = ErrorResponse;
  const seen = new Map<string, string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || !('responses' in op || 'summary' in op || 'operationId' in op)) continue;
      op.operationId ??= operationIdFor(method, path);
      const twin = seen.get(op.operationId);
      if (twin)
        throw new Error(
          `OpenAPI: operationId ${op.operationId} is used by ${twin} and ${method.toUpperCase()} ${path}; set schema.operationId on one.`,
        );
      seen.set(op.operationId, `${method.toUpperCase()} ${path}`);
      op.security ??= [];
      const responses = (op.responses ??= {});
      const wanted = path.startsWith('/api/')
        ? {
            ...API_ERRORS,
            ...(path.includes('{') ? PATH_ERRORS : {}),
            ...(op.requestBody || method !== 'get' ? BODY_ERRORS : {}),
          }
        : { 401: API_ERRORS[401]! };
      for (const [status, e] of Object.entries(wanted)) {
        const declared = responses[status];
        if (!declared) responses[status] = errorResponse(e);
        else if (Number(status) >= 400)
          for (const media of Object.values(declared.content ?? {}))
            media.example ??= { error: { code: e.code, message: e.message } };
      }
      // Errors a route declared itself (api-schemas.ts errors()) refer to the one schema too.
      for (const response of Object.values(responses)) {
        const media = response.content?.['application/json'];
        if (media && JSON.stringify(media.schema) === ERROR_JSON) media.schema = ERROR_REF;
      }
    }
  }
}

/**
 * one OpenAPI 3.1 document built from the route schemas, served at /api/openapi.json, with
 * a browsable reference at /api/docs. Only routes under /api/ (and the tagged operational ones)
 * are described; completeDocument() adds what every operation needs.
 */
export async function registerOpenApi(app: FastifyInstance, options: OpenApiOptions): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Partner Portal API',
        version: '1.0.0',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
        description:
          'JSON API of Partner Portal. Errors are `{ "error": { "code", "message", "fields"? } }`. Browser sessions authenticate with the session cookie; distributors and staff integrations with an API key (`Authorization: Bearer <key>`). See docs/api.md.',
      },
      servers: [{ url: options.publicUrl, description: 'This portal' }],
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'pp_session',
            description: 'The session cookie set by POST /api/v1/auth/sign-in.',
          },
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key (distributors: Distributor Portal → API keys; staff: /staff/api-keys).',
          },
        },
      },
    },
    hideUntagged: false,
    // The API is everything under /api/ plus the tagged operational routes; pages stay out.
    transform: ({ schema, url }) => ({
      schema: url.startsWith('/api/') || schema?.tags ? schema : { ...schema, hide: true },
      url,
    }),
    transformObject: (documentObject) => {
      const doc = 'openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject;
      completeDocument(doc as Parameters<typeof completeDocument>[0]);
      return doc;
    },
  });
  // The documentation's own scope: its no-store hook runs for its pages alone, not for every
  // request of the portal (it was an async onSend on the API's hot path, #15).
  await app.register(async (docs) => {
    docs.addHook('onSend', (_req, reply, payload, done) => {
      reply.header('cache-control', 'no-store');
      done(null, payload);
    });
    await docs.register(swaggerUi, {
      routePrefix: '/api/docs',
      staticCSP: true,
      // swagger-ui's own policy allows framing by the same origin and any form target; the
      // portal's rule is no framing, forms only to itself, and nothing kept in caches.
      transformStaticCSP: (header) =>
        `${header.replace(/frame-ancestors [^;]*;\s*/, '')} frame-ancestors 'none'; form-action 'self';`,
      uiConfig: { docExpansion: 'list', deepLinking: true },
    });
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
