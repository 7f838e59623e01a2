import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
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
import {
  isLanguage,
  LANGUAGE_COOKIE,
  languageFromHeader,
  translator,
  type Language,
  type Translate,
} from './platform/i18n.ts';
import { registerOpenApi } from './platform/openapi.ts';
import { projectPath } from './platform/paths.ts';
import { lazySchemaCompilers } from './platform/lazy-schemas.ts';
import { securityHeaders } from './platform/security-headers.ts';
import { loggedRequest } from './platform/redact.ts';
import { csrfHmacKey, csrfUserInfo, hasSessionCookie } from './platform/csrf.ts';
import { registerRouteSecurity, registerTextSafety } from './platform/route-security.ts';
import { renderErrorPage } from './platform/views/error-page.tsx';
import { healthRoutes } from './platform/health.routes.ts';
import { openSharedLimits } from './platform/rate-limit.ts';
import { accountsPages, accountsRoutes, actorWithoutQuery, loadActor } from './modules/accounts/index.ts';
import { mailboxPages } from './modules/outbox/index.ts';
import {
  distributorPortalPages,
  distributorsRoutes,
  locatorPages,
  staffDistributorPages,
} from './modules/distributors/index.ts';
import { registrationPages, registrationRoutes } from './modules/registration/index.ts';
import { reviewPages, reviewRoutes } from './modules/review/index.ts';
import { selfServicePages, selfServiceRoutes } from './modules/partners/index.ts';
import { trainingPages, trainingRoutes, trainingStaffPages } from './modules/partners/index.ts';
import { picaPages, picaRoutes } from './modules/pica/index.ts';
import { partnerLocatorPages, partnerLocatorRoutes } from './modules/partners/index.ts';
import { startCacheInvalidation } from './platform/cache.ts';
import { isDataException } from './platform/pg-errors.ts';
import { homePages } from './modules/home/index.ts';

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

export interface BuildOptions {
  config: Config;
  db: Db;
  /** Pino options or false; tests pass false. */
  logger?: boolean | object;
}

export async function buildApp({ config, db, logger }: BuildOptions): Promise<FastifyInstance> {
  const headers = securityHeaders({ production: config.isProduction });
  // Request lines never show a link's secret (platform/redact.ts).
  const logging: FastifyServerOptions['logger'] =
    logger === false
      ? false
      : { level: config.logLevel, ...(logger === true ? {} : logger), serializers: { req: loggedRequest } };
  const app = Fastify({
    logger: logging,
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
    // Each route's schemas compiled on its first request, not all at start.
    schemaController: { compilersFactory: lazySchemaCompilers },
    // Errors the router finds before any hook runs (a malformed %-escape, a path parameter over
    // 100 characters) go through the one error handler too, headers and all.
    frameworkErrors: (error, req, reply) => handleError(error as FastifyError, asVisitor(req), reply),
    // What the HTTP parser refuses (431 headers too large, a malformed request line) never
    // becomes a request: answer on the socket with the same shape and headers.
    clientErrorHandler: (error, socket) => answerClientError(error, socket, headers),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('appContext', { db, config });
  app.decorateRequest('actor', null);
  app.decorateRequest('lang', 'en');
  app.decorateRequest('t', translator('en'));

  // Set before any plugin: Fastify gives each plugin the error handler in force when it registers.
  app.setErrorHandler((error: FastifyError, req, reply) => handleError(error, req, reply));
  const handleError = (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    // Errors found before the onRequest hooks (router, framework) have not had their headers.
    reply.headers(headers);
    try {
      return sendError(req, reply, toAppError(error, req));
    } catch (failure) {
      // Never fall through to Fastify's default handler, which shows the error's text.
      req.log.error({ err: failure, original: error }, 'error handler failed');
      return reply.status(500).type('application/json; charset=utf-8').send(SERVER_ERROR_BODY);
    }
  };

  // Caches drop what other processes (or this one) announce as changed; see platform/cache.ts.
  const stopInvalidation = await startCacheInvalidation(db);
  app.addHook('onClose', async () => stopInvalidation());

  // Platform plugins.
  await app.register(cookie, { secret: config.sessionSecret });
  await app.register(formbody, { bodyLimit: 1024 * 1024 });
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'pp_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.isProduction, signed: true },
    // Tokens are bound to the session they were issued for (platform/csrf.ts).
    getUserInfo: csrfUserInfo,
    csrfOpts: { hmacKey: csrfHmacKey(config.sessionSecret) },
  });
  // Per-route limits only (`config.rateLimit`), counted where every process sees the same hits:
  // Redis with REDIS_URL, else the database (platform/rate-limit.ts, decision 059).
  const limits = await openSharedLimits({
    db,
    redisUrl: config.redisUrl,
    redisKeyPrefix: config.redisKeyPrefix,
    log: app.log,
  });
  app.addHook('onClose', () => limits.close());
  await app.register(rateLimit, { global: false, ...limits.pluginOptions });
  await registerOpenApi(app, { publicUrl: config.publicUrl });
  await app.register(fastifyStatic, {
    root: [projectPath('public'), projectPath('node_modules/@picocss/pico/css')],
    prefix: '/assets/',
    maxAge: config.isProduction ? '1d' : 0,
  });

  // An API key only where the operation's security lists it; no control characters in text.
  registerRouteSecurity(app);
  registerTextSafety(app);

  // Who is asking, and in which language. Static assets and health checks skip the lookup. A
  // callback hook that answers at once when no query is needed (an API key in the cache, a
  // visitor): no promise per request on REG-4's hot path (#15, decision 073).
  app.addHook('onRequest', (req, _reply, done) => {
    if (req.url.startsWith('/assets/') || req.url === '/healthz' || req.url === '/readyz') return done();
    const settle = (actor: Actor | null) => {
      req.actor = actor;
      req.lang = chooseLanguage(req);
      req.t = translator(req.lang);
      done();
    };
    let known: Actor | null | undefined;
    try {
      known = actorWithoutQuery(app.appContext, req);
    } catch (error) {
      return done(error as Error);
    }
    if (known !== undefined) return settle(known);
    loadActor(app.appContext, req).then(settle, (error: Error) => done(error));
  });

  // CSRF: every unsafe request that a cross-site page could send without a CORS preflight
  // (a form: urlencoded, multipart, text/plain) must carry the token. Other content types
  // (JSON, CSV) need a preflight, which this server never grants. A request authenticated by an
  // API key and carrying no session cookie has nothing a forger could borrow. See decision 006.
  app.addHook('preHandler', (req, reply, done) => {
    if (!needsCsrfToken(req)) return done();
    app.csrfProtection(req, reply, done);
  });

  // Modules.
  await app.register(healthRoutes, { readiness: limits.readiness });
  await app.register(homePages);
  await app.register(accountsPages);
  // Each registers @fastify/multipart for its own upload forms (see platform/upload-form.ts).
  await app.register(locatorPages);
  await app.register(staffDistributorPages);
  await app.register(distributorPortalPages);
  await app.register(registrationPages);
  await app.register(reviewPages);
  await app.register(selfServicePages);
  await app.register(trainingPages);
  await app.register(trainingStaffPages);
  await app.register(picaPages);
  await app.register(partnerLocatorPages);
  await app.register(accountsRoutes, { prefix: '/api/v1' });
  await app.register(distributorsRoutes, { prefix: '/api/v1' });
  await app.register(registrationRoutes, { prefix: '/api/v1' });
  await app.register(reviewRoutes, { prefix: '/api/v1' });
  await app.register(selfServiceRoutes, { prefix: '/api/v1' });
  await app.register(trainingRoutes, { prefix: '/api/v1' });
  await app.register(picaRoutes, { prefix: '/api/v1' });
  await app.register(partnerLocatorRoutes, { prefix: '/api/v1' });
  if (config.localMailbox) await app.register(mailboxPages);

  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, new AppError('not_found', `No route for ${req.method} ${req.url.split('?')[0]}.`, 404)),
  );

  return app;
}

function isJson(req: FastifyRequest): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && /^application\/([\w.+-]+\+)?json\b/i.test(type);
}

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

function needsCsrfToken(req: FastifyRequest): boolean {
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return false;
  if (req.actor?.apiKey && !hasSessionCookie(req)) return false;
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
      const field =
        missing ?? (v.instancePath.replace(/^\//, '').replaceAll('/', '.') || (error.validationContext ?? 'body'));
      return { field, rule: v.keyword, params: { detail: v.message ?? '' } };
    });
    const detail = violations.map((v) => `${v.field}: ${v.params.detail}`).join('; ');
    return new AppError(
      'invalid_request',
      `The ${error.validationContext ?? 'request'} is not valid: ${detail}.`,
      400,
      violations,
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The request body is larger than the 1 MiB limit.', 413);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'The request body is not valid JSON.', 400);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(
        'unsupported_media_type',
        `Content type ${req.headers['content-type'] ?? '(none)'} is not accepted here.`,
        415,
      );
    case 'FST_ERR_BAD_URL':
      return new AppError('bad_url', 'The address is not valid: it has a malformed %-escape.', 400);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('uri_too_long', 'A part of the address is longer than 100 characters.', 414);
    case 'FST_CSRF_INVALID_TOKEN':
    case 'FST_CSRF_MISSING_SECRET':
      return new AppError('csrf', 'The form token is missing or expired. Reload the page and try again.', 403);
  }
  if (isDataException(error)) {
    // A backstop, not a check: a value no rule looked at reached a query. The caller gets the
    // 400 their input deserves; the log says a check is missing (the fuzz test fails on it).
    req.log.error({ err: error }, 'unchecked input reached the database');
    return new AppError('invalid_value', 'A value in the request is not in the form its field takes.', 400);
  }
  if (error.statusCode === 429)
    return new AppError('rate_limited', 'Too many requests. Wait a moment and try again.', 429);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    if (error instanceof SyntaxError) return new AppError('invalid_json', 'The request body is not valid JSON.', 400);
    return new AppError('bad_request', error.message, error.statusCode);
  }
  req.log.error({ err: error }, 'unhandled error');
  return new AppError('server_error', 'Something went wrong on our side. Please try again.', 500);
}

/**
 * The router refuses some addresses (a malformed %-escape, a parameter over 100 characters) on a
 * request that has none of the app's decorations yet: no language, no translator, no actor. Its
 * error is answered as a visitor's, in English (#16.5: a form posted to such an address got a
 * 500 from the error page, which translates).
 */
function asVisitor(req: FastifyRequest): FastifyRequest {
  if (typeof req.t !== 'function') Object.assign(req, { t: translator('en'), lang: 'en', actor: null });
  return req;
}

function wantsHtml(req: FastifyRequest): boolean {
  if (req.url.startsWith('/api/')) return false;
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html') || (req.method === 'POST' && !isJson(req));
}

function sendError(req: FastifyRequest, reply: FastifyReply, error: AppError) {
  // The request rate limits set Retry-After themselves; sign-in and PICA throttles say in minutes.
  if (error.status === 429 && !reply.hasHeader('retry-after') && typeof error.params.minutes === 'number')
    reply.header('retry-after', String(error.params.minutes * 60));
  if (wantsHtml(req)) return renderErrorPage(req, reply, error);
  return reply.status(error.status).send({
    error: {
      code: error.code,
      message: error.message,
      ...(error.violations.length > 0
        ? { fields: error.violations.map((v) => ({ field: v.field, rule: v.rule, message: fieldMessage(v) })) }
        : {}),
    },
  });
}

// The API speaks English; pages translate the same codes through the catalogue.
const english = translator('en');
function fieldMessage(v: FieldViolation): string {
  if (v.params?.detail) return `${v.field} ${v.params.detail}`;
  return violationMessage(english, v);
}

const SERVER_ERROR_BODY = JSON.stringify({
  error: { code: 'server_error', message: 'Something went wrong on our side. Please try again.' },
});

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'The request headers (or the address) are too large.'],
  HPE_URI_TOO_LONG: [414, 'uri_too_long', 'The address is too long.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request took too long to arrive.'],
};

/** A raw HTTP answer for a request the parser refused, in the API's error shape, with the headers. */
function answerClientError(error: Error & { code?: string }, socket: Socket, headers: Record<string, string>): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const [status, code, message] = CLIENT_ERRORS[error.code ?? ''] ?? [
    400,
    'bad_request',
    'The request could not be understood.',
  ];
  const body = JSON.stringify({ error: { code, message } });
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'cache-control: no-store',
    'connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
