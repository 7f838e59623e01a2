import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

type Operation = {
  operationId?: string;
  security?: unknown;
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
};
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, object> };
}

/** The schema with each `#/components/schemas/…` reference replaced by what it names. */
function inline(schema: unknown, doc: OpenApiDocument): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inline(item, doc));
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/'))
    return inline(doc.components?.schemas?.[ref.slice(21)], doc);
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, inline(value, doc)]));
}

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/**
 * Checks an API answer against the OpenAPI document the app serves: the status must be one the
 * operation declares, and a JSON body must match that status's schema. Fastify's serialiser
 * neither adds missing required fields nor refuses undeclared statuses, so without this the
 * document could drift from the code (issue #17). Answers a description of the mismatch, or null.
 */
export function responseChecker(
  doc: OpenApiDocument,
): (method: string, url: string, status: number, contentType: string, body: string) => string | null {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // Literal paths before templated ones, so /staff/audit.csv is not taken for /staff/audit/{x}.
  const routes = Object.keys(doc.paths)
    .map((path) => ({
      path,
      params: (path.match(/\{/g) ?? []).length,
      pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
    }))
    .sort((a, b) => a.params - b.params);
  const compiled = new Map<string, ReturnType<Ajv2020['compile']>>();
  return (method, url, status, contentType, body) => {
    const path = url.split('?')[0]!;
    const route = routes.find((r) => r.pattern.test(path));
    const operation = route && doc.paths[route.path]![method.toLowerCase()];
    if (!route || !operation) return null; // not an operation (404 of the router, HEAD): nothing to hold it to
    const where = `${method} ${path} (${operation.operationId})`;
    const declared = operation.responses?.[String(status)] ?? operation.responses?.default;
    if (!declared)
      return `${where} answered ${status}, which the OpenAPI document does not declare (it declares ${Object.keys(operation.responses ?? {}).join(', ')})`;
    if (!/^application\/json\b/.test(contentType) || body === '') return null;
    const schema = declared.content?.['application/json']?.schema;
    if (!schema) return `${where} answered ${status} with JSON, but the document declares no JSON body for it`;
    const key = `${method} ${route.path} ${status}`;
    let validate = compiled.get(key);
    if (!validate) compiled.set(key, (validate = ajv.compile(inline(schema, doc) as object)));
    if (validate(JSON.parse(body))) return null;
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
    return `${where} answered ${status} with a body that does not match the document: ${problems}\n${body.slice(0, 500)}`;
  };
}

/**
 * Makes every `app.inject` of /api/ in a test check its answer against the served document
 * (responseChecker); a mismatch fails the test that made the request.
 */
export function validateApiResponses(app: FastifyInstance): void {
  const inject = app.inject.bind(app) as (options: InjectOptions | string) => Promise<LightMyRequestResponse>;
  let check: ReturnType<typeof responseChecker> | undefined;
  const checked = async (options?: InjectOptions | string) => {
    if (options === undefined) return inject(options as never); // the chainable form: left alone
    const res = await inject(options);
    const method = typeof options === 'string' ? 'GET' : (options.method ?? 'GET');
    const url = typeof options === 'string' ? options : String(options.url ?? options.path ?? '');
    if (!url.startsWith('/api/v') || res.statusCode >= 500) return res;
    check ??= responseChecker((await inject('/api/openapi.json')).json());
    const mismatch = check(String(method), url, res.statusCode, String(res.headers['content-type'] ?? ''), res.body);
    if (mismatch) throw new Error(`OpenAPI drift: ${mismatch}`);
    return res;
  };
  Object.assign(app, { inject: checked });
}
