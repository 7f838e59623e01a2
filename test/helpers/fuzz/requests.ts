import fc from 'fast-check';
import type { RoleKey } from '../../authorisation-matrix/world.ts';
import type { Caller } from './callers.ts';
import { INJECTIONS, mutated, nastyString, valueFor, type JsonSchema } from './values.ts';

/** One operation of the served OpenAPI document, with what the fuzzer needs to know of it. */
export interface Operation {
  /** `METHOD /path/{param}`, as the authorisation matrix names it. */
  key: string;
  method: string;
  /** The templated path, `/api/v1/partner/{partnerId}`. */
  path: string;
  query: { name: string; schema: JsonSchema; required: boolean }[];
  /** The JSON request body's schema, when the operation takes JSON. */
  jsonBody?: JsonSchema;
  /** True when the operation takes a CSV upload (`text/csv`). */
  csvBody: boolean;
}

/** A request that reaches the operation: a role that may use it and the ids and body it sends. */
export interface Seed {
  role: RoleKey;
  /** Path and query, with real ids. */
  url: string;
  json?: unknown;
  csv?: string;
}

/** A generated request, ready for app.inject, with a readable description for failure reports. */
export interface FuzzRequest {
  role: RoleKey;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What was mutated, in a few words. */
  how: string[];
  [fc.toStringMethod](): string;
}

type OpenApiParameter = { in: string; name: string; required?: boolean; schema?: JsonSchema };
type OpenApiOperation = {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
};

/** The operations of an OpenAPI document (GET, POST, PUT, PATCH, DELETE). */
export function operationsOf(doc: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, raw] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const op = raw as OpenApiOperation;
      const content = op.requestBody?.content ?? {};
      ops.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        query: (op.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema ?? {}, required: !!p.required })),
        ...(content['application/json'] ? { jsonBody: content['application/json'].schema ?? {} } : {}),
        csvBody: !!content['text/csv'],
      });
    }
  return ops;
}

/** A seed for an operation nobody wrote a matrix request for: the path with ids from the pool. */
export function templateSeed(op: Operation, role: RoleKey, ids: string[]): Seed {
  let i = 0;
  const url = op.path.replace(/\{[^}]+\}/g, () => ids[i++ % Math.max(ids.length, 1)] ?? 'x');
  return { role, url, ...(op.jsonBody ? { json: {} } : {}), ...(op.csvBody ? { csv: 'a,b\n1,2\n' } : {}) };
}

/** Percent-encodes a string, lone surrogates too (as the bytes a lenient encoder would send). */
function encode(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff)
      out +=
        `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    else out += encodeURIComponent(ch);
  }
  return out;
}

/** Path segments sent as they are, not encoded: the router's and the decoder's edge cases. */
const RAW_SEGMENTS = ['%', '%zz', '%E0%A4%A', '%00', '%2e%2e', '..', '.', '%2F', 'a%0d%0ab', 'x'.repeat(101), '%C0%AE'];

/** How the body goes over the wire: the content type is half of what a parser trusts. */
type Encoding =
  | 'json'
  | 'json-charset'
  | 'vnd-json'
  | 'form'
  | 'multipart'
  | 'multipart-empty'
  | 'text-plain'
  | 'xml'
  | 'csv'
  | 'no-type'
  | 'empty'
  | 'broken-json'
  | 'deep-json'
  | 'huge'
  | 'bom-json'
  | 'utf16-json'
  | 'duplicate-keys';

const encodingArb = (csv: boolean): fc.Arbitrary<Encoding> =>
  fc.oneof(
    { weight: csv ? 1 : 14, arbitrary: fc.constant<Encoding>('json') },
    { weight: csv ? 14 : 1, arbitrary: fc.constant<Encoding>('csv') },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Encoding>(
        'json-charset',
        'vnd-json',
        'form',
        'multipart',
        'multipart-empty',
        'text-plain',
        'xml',
        'no-type',
        'empty',
        'broken-json',
        'deep-json',
        'huge',
        'bom-json',
        'utf16-json',
        'duplicate-keys',
      ),
    },
  );

/** A CSV upload built from the seed's, then damaged: what a careless or hostile exporter sends. */
const csvArb = (seed: string): fc.Arbitrary<{ text: string | Buffer; how: string }> => {
  const [header = 'a,b', ...rows] = seed.trimEnd().split('\n');
  const row = rows[0] ?? header;
  const cells = row.split(',');
  return fc.oneof(
    fc.constant({ text: '', how: 'empty CSV' }),
    fc.constant({ text: `${header}\n`, how: 'CSV with a header only' }),
    fc.constant({ text: '\n\n\n', how: 'CSV of blank lines' }),
    fc.constant({ text: `\ufeff${seed}`, how: 'CSV with a BOM' }),
    fc.constant({ text: seed.replaceAll('\n', '\r'), how: 'CSV with CR line ends' }),
    fc.constant({ text: `${header}\n"unterminated,${row}\n`, how: 'CSV with an open quote' }),
    fc.constant({ text: `${header}\n${row},extra,cells\n`, how: 'CSV row with extra cells' }),
    fc.constant({ text: `${header}\n${cells[0]}\n`, how: 'CSV row with missing cells' }),
    fc.constant({
      text: Buffer.from([...Buffer.from(`${header}\n`), 0xff, 0xfe, 0xc3, 0x28, 0x0a]),
      how: 'CSV with invalid UTF-8',
    }),
    fc.constant({ text: `${header}\n${`${row}\n`.repeat(50)}`, how: 'CSV of 50 rows' }),
    fc.constant({ text: `${header}\n${'x'.repeat(900_000)}\n`, how: 'CSV with a 900 kB cell' }),
    fc.constant({
      text: `${header
        .split(',')
        .map((h) => h.toUpperCase())
        .join(',')}\n${row}\n`,
      how: 'CSV header in capitals',
    }),
    fc.constant({
      text: `${Array.from({ length: 5_000 }, (_, i) => `c${i}`).join(',')}\n1\n`,
      how: 'CSV with 5 000 columns',
    }),
    fc
      .tuple(fc.nat(Math.max(cells.length - 1, 0)), fc.oneof(nastyString, fc.constantFrom(...INJECTIONS)))
      .map(([i, bad]) => {
        const damaged = [...cells];
        damaged[i] = `"${bad.replaceAll('"', '""')}"`;
        return {
          text: `${header}\n${damaged.join(',')}\n`,
          how: `CSV cell ${i} = ${JSON.stringify(bad).slice(0, 60)}`,
        };
      }),
  );
};

function multipartBody(fields: Record<string, string>, file?: { name: string; content: string }) {
  const boundary = '----fuzz7d1b3';
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  if (file)
    parts.push(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: text/csv\r\n\r\n${file.content}\r\n`,
    );
  return { type: `multipart/form-data; boundary=${boundary}`, body: `${parts.join('')}--${boundary}--\r\n` };
}

/** Flattens a JSON value into form fields (`a.b.0=…`), the way a form would send nested data. */
function formFields(value: unknown, prefix = '', out: [string, string][] = []): [string, string][] {
  if (out.length > 200) return out;
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) formFields(v, prefix ? `${prefix}.${k}` : k, out);
  else out.push([prefix || 'value', String(value)]);
  return out;
}

function serialise(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value);
}

/** Everything about one request that fast-check chooses. */
interface Choice {
  seed: Seed;
  role: RoleKey;
  body: { body: unknown; how: string };
  csv: { text: string | Buffer; how: string } | null;
  encoding: Encoding;
  query: { params: [string, string][]; how: string } | null;
  path: { index: number; value: string; raw: boolean } | null;
  accept: string;
  csrf: boolean;
  head: boolean;
}

/**
 * Requests for one operation: a seed (a role that may use it and a request it accepts), then a
 * body built from the operation's own schema or the seed's, mutated one to three times; its query
 * parameters, a path parameter and the content type damaged now and then.
 */
export function requestArbitrary(
  op: Operation,
  seeds: Seed[],
  otherRoles: RoleKey[],
  ids: string[],
): fc.Arbitrary<Choice> {
  const pathParams = [...op.path.matchAll(/\{[^}]+\}/g)].length;
  const segments = op.path.split('/');
  const paramPositions = segments.flatMap((s, i) => (s.startsWith('{') ? [i] : []));
  return fc.constantFrom(...seeds).chain((seed) => {
    const bodyArb: fc.Arbitrary<{ body: unknown; how: string }> = op.jsonBody
      ? fc
          .oneof(
            { weight: 2, arbitrary: fc.constant(seed.json).map((body) => ({ body, how: 'the seed body' })) },
            {
              weight: 2,
              arbitrary: valueFor(op.jsonBody, ids).map((body) => ({ body, how: 'a body from the schema' })),
            },
          )
          .chain(({ body, how }) =>
            fc.oneof(
              { weight: 1, arbitrary: fc.constant({ body, how }) },
              { weight: 6, arbitrary: mutated(body).map((m) => ({ body: m, how: `${how}, mutated` })) },
            ),
          )
      : fc.oneof(
          { weight: 4, arbitrary: fc.constant({ body: undefined, how: 'no body' }) },
          {
            weight: 1,
            arbitrary: valueFor({}, ids)
              .chain(mutated)
              .map((body) => ({ body, how: 'an unexpected body' })),
          },
        );
    const queryArb = fc.oneof(
      { weight: 3, arbitrary: fc.constant(null) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.array(
              fc.oneof(
                ...(op.query.length > 0 ? [fc.constantFrom(...op.query.map((q) => q.name))] : []),
                fc.constantFrom('unknown', '__proto__', 'limit', 'q[]', 'a[b]'),
              ),
              { minLength: 1, maxLength: 3 },
            ),
            fc.array(
              fc.oneof(
                nastyString,
                ...op.query.map((q) =>
                  valueFor(q.schema, ids).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
                ),
              ),
              { minLength: 3, maxLength: 3 },
            ),
          )
          .map(([names, values]) => ({
            params: names.map((n, i) => [n, values[i] ?? ''] as [string, string]),
            how: `query ${names.join(', ')}`,
          })),
      },
    );
    const pathArb =
      pathParams === 0
        ? fc.constant(null)
        : fc.oneof(
            { weight: 4, arbitrary: fc.constant(null) },
            {
              weight: 1,
              arbitrary: fc.record({
                index: fc.constantFrom(...paramPositions),
                value: fc.oneof(nastyString, fc.uuid(), fc.constantFrom(...RAW_SEGMENTS)),
                raw: fc.boolean(),
              }),
            },
          );
    return fc.record({
      seed: fc.constant(seed),
      role: fc.oneof(
        { weight: 9, arbitrary: fc.constant(seed.role) },
        { weight: 1, arbitrary: fc.constantFrom(...otherRoles) },
      ),
      body: bodyArb,
      csv: op.csvBody ? csvArb(seed.csv ?? 'a,b\n1,2\n') : fc.constant(null),
      encoding: encodingArb(op.csvBody),
      query: queryArb,
      path: pathArb,
      accept: fc.constantFrom('application/json', 'application/json', 'text/html', '*/*', 'text/csv', ''),
      csrf: fc.nat(9).map((n) => n > 0),
      head: op.method === 'GET' ? fc.nat(19).map((n) => n === 0) : fc.constant(false),
    });
  });
}

/** Turns fast-check's choices into the request app.inject sends. */
export function buildRequest(op: Operation, choice: Choice, caller: Caller): FuzzRequest {
  const how: string[] = [];
  const [seedPath = '', seedQuery = ''] = choice.seed.url.split('?');
  const segments = seedPath.split('/');
  if (choice.path) {
    segments[choice.path.index] = choice.path.raw ? choice.path.value : encode(choice.path.value);
    how.push(
      `path segment ${choice.path.index} = ${JSON.stringify(choice.path.value).slice(0, 60)}${choice.path.raw ? ' (raw)' : ''}`,
    );
  }
  let query = seedQuery;
  if (choice.query) {
    query = choice.query.params.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
    how.push(choice.query.how);
  }
  const url = `${segments.join('/')}${query ? `?${query}` : ''}`;

  const headers: Record<string, string> = { ...caller.headers };
  if (choice.accept) headers.accept = choice.accept;
  let payload: string | Buffer | undefined;
  const body = choice.body.body;
  const enc = choice.encoding;
  how.push(`${choice.body.how}, sent as ${enc}`);
  switch (enc) {
    case 'json':
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        payload = serialise(body);
      }
      break;
    case 'json-charset':
      headers['content-type'] = 'application/json; charset=utf-8';
      payload = serialise(body ?? {});
      break;
    case 'vnd-json':
      headers['content-type'] = 'application/vnd.api+json';
      payload = serialise(body ?? {});
      break;
    case 'form': {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const fields = formFields(body ?? {});
      if (choice.csrf && caller.csrfToken) fields.push(['_csrf', caller.csrfToken]);
      payload = fields.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
      break;
    }
    case 'multipart':
    case 'multipart-empty': {
      const fields = Object.fromEntries(formFields(body ?? {}).slice(0, 10));
      if (choice.csrf && caller.csrfToken) fields._csrf = caller.csrfToken;
      const m = multipartBody(
        fields,
        enc === 'multipart-empty'
          ? { name: 'empty.csv', content: '' }
          : { name: '../../evil.csv', content: 'a,b\n1,2\n' },
      );
      headers['content-type'] = m.type;
      payload = m.body;
      break;
    }
    case 'text-plain':
      headers['content-type'] = 'text/plain';
      payload = serialise(body ?? 'plain text');
      break;
    case 'xml':
      headers['content-type'] = 'text/xml';
      payload = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>';
      break;
    case 'csv': {
      headers['content-type'] = 'text/csv';
      const csv = choice.csv ?? { text: 'a,b\n1,2\n', how: 'a small CSV' };
      payload = csv.text;
      how.push(csv.how);
      break;
    }
    case 'no-type':
      payload = serialise(body ?? {});
      break;
    case 'empty':
      headers['content-type'] = op.csvBody ? 'text/csv' : 'application/json';
      payload = '';
      break;
    case 'broken-json':
      headers['content-type'] = 'application/json';
      payload = serialise(body ?? { a: 1 }).slice(0, -1) || '{';
      break;
    case 'deep-json':
      headers['content-type'] = 'application/json';
      payload = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
      break;
    case 'huge':
      headers['content-type'] = 'application/json';
      payload = JSON.stringify({ padding: 'x'.repeat(1_100_000) });
      break;
    case 'bom-json':
      headers['content-type'] = 'application/json';
      payload = `\ufeff${serialise(body ?? {})}`;
      break;
    case 'utf16-json':
      headers['content-type'] = 'application/json; charset=utf-16le';
      payload = Buffer.from(serialise(body ?? {}), 'utf16le');
      break;
    case 'duplicate-keys':
      headers['content-type'] = 'application/json';
      payload = `{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},"a":1,"a":${serialise(body ?? null) || 'null'}}`;
      break;
  }
  if (['form', 'multipart', 'multipart-empty', 'text-plain'].includes(enc) && !choice.csrf) how.push('no CSRF token');
  // Pages and a few API forms read the token from a header as well as from the body.
  if (choice.csrf && caller.csrfToken && enc !== 'form') headers['x-csrf-token'] = caller.csrfToken;
  const method = choice.head ? 'HEAD' : op.method;
  if (choice.role !== choice.seed.role) how.push(`as ${choice.role}, not ${choice.seed.role}`);
  const describe = () => {
    const shown =
      payload === undefined
        ? '(no body)'
        : Buffer.isBuffer(payload)
          ? `<${payload.length} bytes>`
          : payload.length > 400
            ? `${JSON.stringify(payload.slice(0, 400))}… (${payload.length} characters)`
            : JSON.stringify(payload);
    const type = headers['content-type'] ?? '(no content type)';
    return `${method} ${url.length > 300 ? `${url.slice(0, 300)}…` : url} as ${choice.role} [${how.join('; ')}] ${type} ${shown}`;
  };
  return {
    role: choice.role,
    method,
    url,
    headers,
    ...(payload !== undefined ? { payload } : {}),
    how,
    [fc.toStringMethod]: describe,
  };
}
