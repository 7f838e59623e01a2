import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';
import { textViolations } from './text.rules.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered, with whether it accepts API keys (tests walk it). */
    routeTable: RouteEntry[];
  }
  interface FastifyContextConfig {
    /** Set from the route's OpenAPI `security`: true when it lists the `apiKey` scheme. */
    acceptsApiKey?: boolean;
    /** False when the route's `security` names schemes and `session` is not one of them. */
    acceptsSession?: boolean;
  }
}

export const API_KEY_SCHEME = 'apiKey';
export const SESSION_SCHEME = 'session';
type Security = { [scheme: string]: string[] }[];
export interface RouteEntry {
  method: string;
  url: string;
  acceptsApiKey: boolean;
}

export function isBearer(req: FastifyRequest): boolean {
  return /^bearer\s/i.test(req.headers.authorization ?? '');
}

/**
 * X-3: an API key is accepted only by operations whose OpenAPI `security` lists the `apiKey`
 * scheme; everything else (session-only operations, public operations, pages, assets) refuses a
 * request that presents one, before the key is even looked up. And an operation whose security
 * lists `apiKey` but not `session` refuses a request without a key. One rule for every route, read
 * from the same declaration the OpenAPI document shows (decisions 020, 060). Must be registered
 * before the routes (it reads them as they are added) and before the actor is loaded.
 */
export function registerRouteSecurity(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { security?: Security; hide?: boolean } | undefined;
    const acceptsApiKey = !!schema?.security?.some((option) => API_KEY_SCHEME in option);
    const acceptsSession = !schema?.security?.length || schema.security.some((option) => SESSION_SCHEME in option);
    route.config = { ...(route.config as object | undefined), acceptsApiKey, acceptsSession };
    for (const method of [route.method].flat()) table.push({ method, url: route.url, acceptsApiKey });
    // An API operation that declares nothing is public: say so in the document explicitly.
    if (route.url.startsWith('/api/v1/') && schema && !schema.security) route.schema = { ...schema, security: [] };
  });
  // A callback hook, not an async one: no promise per request for a check every request passes
  // through (#15, decision 073).
  app.addHook('onRequest', (req, _reply, done) => done(routeSecurityRefusal(req)));
}

/** X-3 and #16.4 for one request: the error to answer with, or undefined when it may go on. */
export function routeSecurityRefusal(req: FastifyRequest): AppError | undefined {
  if (req.is404) return undefined;
  const bearer = isBearer(req);
  const { acceptsApiKey, acceptsSession } = req.routeOptions.config;
  // The other way round too (#16.4): an operation for API keys alone is not reached with a
  // session cookie, or with nothing, whatever its handler would let a signed-in person do.
  if (!bearer && acceptsSession === false)
    return new AppError(
      'unauthenticated',
      `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]} takes an API key only: send Authorization: Bearer <key>.`,
      401,
    );
  if (!bearer || acceptsApiKey) return undefined;
  return new AppError(
    'api_key_not_accepted',
    `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]} does not accept API keys: sign in, or use an operation whose security lists apiKey.`,
    401,
  );
}

/**
 * Refuses text that no field may hold — control characters other than tab, CR and LF, and
 * unpaired surrogates — in every parsed JSON or form body, query string and path parameter,
 * before validation or any handler sees it: 400 naming the field and the rule, nothing written.
 */
export function registerTextSafety(app: FastifyInstance): void {
  // Before validation, so no rule sees such text; again after it, for what Ajv coerced. Left
  // async: as callback hooks they saved nothing measurable (decision 073).
  app.addHook('preValidation', refuseBadInput);
  app.addHook('preHandler', refuseBadInput);
}

async function refuseBadInput(req: FastifyRequest): Promise<void> {
  const refused = badInput(req);
  if (refused) throw refused;
}

function badInput(req: FastifyRequest): AppError | undefined {
  const violations = [
    ...textViolations(req.params, 'params'),
    ...textViolations(req.query, 'query'),
    ...(typeof req.body === 'object' || typeof req.body === 'string' ? textViolations(req.body) : []),
  ];
  if (violations.length === 0) return undefined;
  const named = violations.map((v) => ({ ...v, field: v.field.replace(/^(params|query)\./, '') }));
  return new AppError(
    'invalid_text',
    `The request contains text that is not allowed: ${named.map((v) => `${v.field}: ${v.rule}`).join('; ')}.`,
    400,
    named,
  );
}
