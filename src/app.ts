import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.ts';
import type { Actor } from './platform/auth.ts';
import type { AppContext } from './platform/context.ts';
import type { Db } from './platform/db.ts';
import { AppError, type FieldViolation } from './platform/errors.ts';
import { violationMessage } from './platform/violations.ts';
import { isLanguage, LANGUAGE_COOKIE, languageFromHeader, translator, type Language, type Translate } from './platform/i18n.ts';
import { registerOpenApi } from './platform/openapi.ts';
import { securityHeaders } from './platform/security-headers.ts';
import { renderErrorPage } from './platform/views/error-page.tsx';
import { healthRoutes } from './platform/health.routes.ts';
import { accountsPages, accountsRoutes, loadActor } from './modules/accounts/index.ts';
import { mailboxPages } from './modules/outbox/index.ts';
import { distributorsRoutes } from './modules/distributors/index.ts';
import { registrationRoutes } from './modules/registration/index.ts';
import { reviewRoutes } from './modules/review/index.ts';
import { partnerLocatorPages, partnerLocatorRoutes } from './modules/partners/index.ts';
import { startCacheInvalidation } from './platform/cache.ts';
import { homePages } from './modules/home/home.pages.tsx';
import { locatorPages } from './modules/distributors/locator.pages.tsx';
import { staffDistributorPages } from './modules/distributors/staff.pages.tsx';
import { distributorPortalPages } from './modules/distributors/portal.pages.tsx';
import { registrationPages } from './modules/registration/registration.pages.tsx';
import { reviewPages } from './modules/review/review.pages.tsx';

declare module 'fastify' {
  interface FastifyInstance {
    appContext: AppContext;
  }
  interface FastifyRequest {
    actor: Actor | null;
    lang: Language;
    t: Translate;
  }
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BuildOptions {
  config: Config;
  db: Db;
  /** Pino options or false; tests pass false. */
  logger?: boolean | object;
}

export async function buildApp({ config, db, logger }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? { level: config.logLevel },
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('appContext', { db, config });
  app.decorateRequest('actor', null);
  app.decorateRequest('lang', 'en');
  app.decorateRequest('t', translator('en'));

  // Set before any plugin: Fastify gives each plugin the error handler in force when it registers.
  app.setErrorHandler((error: FastifyError, req, reply) => sendError(req, reply, toAppError(error, req)));

  // Caches drop what other processes (or this one) announce as changed; see platform/cache.ts.
  const stopInvalidation = await startCacheInvalidation(db);
  app.addHook('onClose', async () => stopInvalidation());

  // Platform plugins.
  await app.register(cookie, { secret: config.sessionSecret });
  await app.register(formbody, { bodyLimit: 1024 * 1024 });
  const headers = securityHeaders({ production: config.isProduction });
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'pp_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.isProduction, signed: true },
  });
  await app.register(rateLimit, { global: false });
  await registerOpenApi(app);
  await app.register(fastifyStatic, {
    root: [path.join(ROOT, 'public'), path.join(ROOT, 'node_modules/@picocss/pico/css')],
    prefix: '/assets/',
    maxAge: config.isProduction ? '1d' : 0,
  });

  // Who is asking, and in which language. Static assets and health checks skip the lookup.
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/assets/') || req.url === '/healthz' || req.url === '/readyz') return;
    req.actor = await loadActor(app.appContext, req);
    req.lang = chooseLanguage(req);
    req.t = translator(req.lang);
  });

  // CSRF: every unsafe request that a cross-site page could send without a CORS preflight
  // (a form: urlencoded, multipart, text/plain) must carry the token. Other content types
  // (JSON, CSV) and requests with an Authorization header need a preflight, which this server
  // never grants. See docs/decisions/006-csrf.md.
  app.addHook('preHandler', (req, reply, done) => {
    if (!needsCsrfToken(req)) return done();
    app.csrfProtection(req, reply, done);
  });

  // Modules.
  await app.register(healthRoutes);
  await app.register(homePages);
  await app.register(accountsPages);
  // Each registers @fastify/multipart for its own upload forms (see platform/upload-form.ts).
  await app.register(locatorPages);
  await app.register(staffDistributorPages);
  await app.register(distributorPortalPages);
  await app.register(registrationPages);
  await app.register(reviewPages);
  await app.register(partnerLocatorPages);
  await app.register(accountsRoutes, { prefix: '/api/v1' });
  await app.register(distributorsRoutes, { prefix: '/api/v1' });
  await app.register(registrationRoutes, { prefix: '/api/v1' });
  await app.register(reviewRoutes, { prefix: '/api/v1' });
  await app.register(partnerLocatorRoutes, { prefix: '/api/v1' });
  if (config.localMailbox) await app.register(mailboxPages);

  app.setNotFoundHandler((req, reply) => sendError(req, reply, new AppError('not_found', `No route for ${req.method} ${req.url.split('?')[0]}.`, 404)));

  return app;
}

function isJson(req: FastifyRequest): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && /^application\/([\w.+-]+\+)?json\b/i.test(type);
}

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

function needsCsrfToken(req: FastifyRequest): boolean {
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || req.headers.authorization) return false;
  const type = req.headers['content-type'];
  if (type) return FORM_TYPES.test(type);
  // No body at all: an API call such as sign-out carries nothing to forge; the session cookie
  // is SameSite=Lax, so a cross-site request would not carry it either. Pages always send a form.
  return !(req.url.startsWith('/api/') && (req.headers['content-length'] ?? '0') === '0');
}

function chooseLanguage(req: FastifyRequest): Language {
  if (req.actor) return req.actor.language;
  const cookieLanguage = req.cookies[LANGUAGE_COOKIE];
  if (isLanguage(cookieLanguage)) return cookieLanguage;
  return languageFromHeader(req.headers['accept-language']) ?? 'en';
}

/** Maps every error to the one AppError shape; a 5xx keeps its detail in the log only. */
function toAppError(error: FastifyError, req: FastifyRequest): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    const violations = error.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string }).missingProperty;
      const field = missing ?? (v.instancePath.replace(/^\//, '').replaceAll('/', '.') || (error.validationContext ?? 'body'));
      return { field, rule: v.keyword, params: { detail: v.message ?? '' } };
    });
    const detail = violations.map((v) => `${v.field}: ${v.params.detail}`).join('; ');
    return new AppError('invalid_request', `The ${error.validationContext ?? 'request'} is not valid: ${detail}.`, 400, violations);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The request body is larger than the 1 MiB limit.', 413);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'The request body is not valid JSON.', 400);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', `Content type ${req.headers['content-type'] ?? '(none)'} is not accepted here.`, 415);
    case 'FST_CSRF_INVALID_TOKEN':
    case 'FST_CSRF_MISSING_SECRET':
      return new AppError('csrf', 'The form token is missing or expired. Reload the page and try again.', 403);
  }
  if (error.statusCode === 429) return new AppError('rate_limited', 'Too many requests. Wait a moment and try again.', 429);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    if (error instanceof SyntaxError) return new AppError('invalid_json', 'The request body is not valid JSON.', 400);
    return new AppError('bad_request', error.message, error.statusCode);
  }
  req.log.error({ err: error }, 'unhandled error');
  return new AppError('server_error', 'Something went wrong on our side. Please try again.', 500);
}

function wantsHtml(req: FastifyRequest): boolean {
  if (req.url.startsWith('/api/')) return false;
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html') || (req.method === 'POST' && !isJson(req));
}

function sendError(req: FastifyRequest, reply: FastifyReply, error: AppError) {
  if (wantsHtml(req)) return renderErrorPage(req, reply, error);
  return reply.status(error.status).send({
    error: {
      code: error.code,
      message: error.message,
      ...(error.violations.length > 0 ? { fields: error.violations.map((v) => ({ field: v.field, rule: v.rule, message: fieldMessage(v) })) } : {}),
    },
  });
}

// The API speaks English; pages translate the same codes through the catalogue.
const english = translator('en');
function fieldMessage(v: FieldViolation): string {
  if (v.params?.detail) return `${v.field} ${v.params.detail}`;
  return violationMessage(english, v);
}
