import fc from 'fast-check';

/** The parts of JSON Schema the served OpenAPI document uses for requests (TypeBox output). */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
}

/**
 * A value the schema accepts (or nearly: a format's edge is fair game), so that mutations start
 * from something that reaches past validation. `ids` are real object ids of the fuzzing world:
 * a uuid field sometimes names one, so handlers get to work on existing rows.
 */
export function valueFor(schema: JsonSchema | undefined, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 8) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map((o) => valueFor(o, ids, depth + 1)));
  if (Array.isArray(schema.type))
    return fc.oneof(...schema.type.map((t) => valueFor({ ...schema, type: t }, ids, depth)));
  switch (schema.type) {
    case 'string':
      return stringFor(schema, ids);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valueFor(schema.items, ids, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      const model = Object.fromEntries(
        Object.entries(properties).map(([key, s]) => [key, valueFor(s, ids, depth + 1)] as const),
      );
      const required = (schema.required ?? []).filter((k) => k in model);
      return fc.record(model, { requiredKeys: required });
    }
    default:
      return anyJson;
  }
}

const DAY = 86_400_000;
const dateArb = fc
  .integer({ min: -400, max: 800 })
  .map((offset) => new Date(Date.UTC(2026, 0, 1) + offset * DAY).toISOString());

function stringFor(schema: JsonSchema, ids: string[]): fc.Arbitrary<string> {
  const max = schema.maxLength ?? 60;
  const min = Math.min(schema.minLength ?? 0, max);
  switch (schema.format) {
    case 'uuid':
      return ids.length > 0 ? fc.oneof(fc.constantFrom(...ids), fc.uuid()) : fc.uuid();
    case 'date':
      return dateArb.map((d) => d.slice(0, 10));
    case 'date-time':
      return dateArb;
    case 'email':
      return fc.emailAddress().filter((e) => e.length <= max);
    case 'byte':
      return fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64'));
  }
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= max);
  return fc.string({ minLength: min, maxLength: Math.min(max, 40) });
}

const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 });

// ---- Hostile values ----

/** Strings that have broken web applications: injections, traversal, header splitting, templates. */
export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '1; SELECT pg_sleep(0) --',
  "\\'; SELECT 1; --",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "javascript:alert('x')",
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '..\\..\\windows\\win.ini',
  '/etc/passwd%00.csv',
  'a\r\nSet-Cookie: pp_session=forged',
  'a\r\nLocation: https://evil.example/',
  '%0d%0aX-Injected: 1',
  '${7*7}',
  '{{7*7}}',
  '#{7*7}',
  "=cmd|' /C calc'!A0",
  '+SUM(1+1)*cmd|" /C calc"!A0',
  '@SUM(1)',
  '__proto__',
  'constructor',
  'prototype',
  '%s%s%s%s%n',
  '\u202egnp.exe',
  '\ufeffBOM',
  'Robert\u0000Tables',
  'file:///etc/passwd',
  '//evil.example',
  '\\\\evil.example\\share',
];

/** Characters the text rule must refuse (C0 controls but tab/CR/LF, DEL) and some it must keep. */
const CONTROLS = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f'];
const ODD_BUT_ALLOWED = ['\t', '\r\n', '\n', '\r', '\u0085', '\u2028', '\u2029', '\u200b', '\ufeff', '\ufffd', '😀'];

/** A lone UTF-16 surrogate, high or low, somewhere in a string. */
export const loneSurrogate = fc
  .tuple(fc.string({ maxLength: 8 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 8 }))
  .map(([a, s, b]) => `${a}${String.fromCharCode(s)}${b}`);

const withControl = fc
  .tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...CONTROLS), fc.string({ maxLength: 10 }))
  .map(([a, c, b]) => `${a}${c}${b}`);

const oddText = fc
  .array(fc.oneof(fc.constantFrom(...ODD_BUT_ALLOWED), fc.string({ unit: 'binary', maxLength: 6 })), {
    maxLength: 8,
  })
  .map((parts) => parts.join(''));

/** Strings over every limit a field has (the body limit is 1 MiB; these stay under it). */
const hugeString = fc.constantFrom(
  'A'.repeat(5_000),
  'A'.repeat(70_000),
  'A'.repeat(300_000),
  '日本語'.repeat(1_000),
  '日本語'.repeat(20_000),
  '😀'.repeat(40_000),
);

/** Numbers at the edges of what JavaScript, JSON and PostgreSQL can hold, and strings that look like them. */
export const EXTREME_NUMBERS: unknown[] = [
  1e308,
  -1e308,
  5e-324,
  -0,
  2 ** 31,
  2 ** 53 + 2,
  2 ** 63,
  2 ** 64,
  -(2 ** 63),
  -1,
  0.5,
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-0',
  '0x10',
  ' 1 ',
  '1_000',
  '١٢٣',
  '9'.repeat(400),
];

export const NASTY_DATES = [
  '2026-02-30',
  '2026-13-01',
  '0000-01-01',
  '9999-12-31',
  '10000-01-01',
  '2026-1-1',
  '2026-06-31T25:61:61Z',
];

/**
 * Arrays nested `depth` deep, or objects — a parser or validator that recurses may overflow. Kept
 * to a depth JSON.stringify survives (about 4 000); deeper nesting is sent as raw text.
 */
export const deepNest = (depth: number, asObject: boolean): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = asObject ? { a: value } : [value];
  return value;
};

const BIG_ARRAY = Array.from({ length: 20_000 }, (_, i) => i % 7);

/** Any one hostile value: a wrong type, a hostile string, an extreme number, a huge or deep structure. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, {}, [], '', ' ', [null], { '': null }) },
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 3, arbitrary: withControl },
  { weight: 3, arbitrary: loneSurrogate },
  { weight: 2, arbitrary: oddText },
  { weight: 2, arbitrary: fc.constantFrom(...EXTREME_NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom(...NASTY_DATES) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.constantFrom(deepNest(50, false), deepNest(1_000, false), deepNest(1_000, true)) },
  // Shared, never changed: mutations copy only the objects on their path.
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      BIG_ARRAY,
      Array.from({ length: 100 }, () => ({ a: 1 })),
    ),
  },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...INJECTIONS), { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: anyJson },
);

/** A hostile string only (for query strings, path segments, CSV cells and keys). */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 3, arbitrary: withControl },
  { weight: 3, arbitrary: loneSurrogate },
  { weight: 2, arbitrary: oddText },
  { weight: 2, arbitrary: fc.constantFrom(...EXTREME_NUMBERS.map(String)) },
  { weight: 1, arbitrary: fc.constantFrom(...NASTY_DATES) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '%', '%zz', '%E0%A4%A', '..', '.', '/', 'x'.repeat(101)) },
  { weight: 1, arbitrary: fc.constantFrom(3_000, 9_000).map((n) => 'q'.repeat(n)) },
);

// ---- Mutating a JSON value ----

type Path = (string | number)[];

/** Every node of a JSON value, as the path of keys leading to it (the root is []). */
function pathsOf(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (out.length > 200) return out;
  if (Array.isArray(value)) value.slice(0, 20).forEach((v, i) => pathsOf(v, [...path, i], out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...path, k], out);
  return out;
}

/**
 * A copy of `root` with the node at `path` replaced by `f(node)` (undefined deletes it). Only the
 * objects along the path are copied: the rest, huge arrays included, is shared, never changed.
 */
function update(root: unknown, path: Path, f: (node: unknown) => unknown): unknown {
  if (path.length === 0) return f(root);
  const [key, ...rest] = path as [string | number, ...Path];
  const node = root as Record<string | number, unknown>;
  const next = update(node[key], rest, f);
  if (Array.isArray(node)) {
    const copy = [...(node as unknown[])];
    if (next === undefined) copy.splice(Number(key), 1);
    else copy[Number(key)] = next;
    return copy;
  }
  const copy: Record<string | number, unknown> = { ...node };
  if (next === undefined) delete copy[key];
  else Object.defineProperty(copy, key, { value: next, enumerable: true, writable: true, configurable: true });
  return copy;
}

const DEEP_ARRAYS = deepNest(500, false);
const DEEP_OBJECTS = deepNest(500, true);

const KEY_NAMES = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'extra', '', ' ', 'a.b', '$where', 'id', 'version', 'role', 'isAdmin'),
  withControl,
  loneSurrogate,
);

/** One mutation of a JSON value: replace, delete, add a property, wrap, nest or blow up a node. */
function mutateOnce(value: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(value);
  return fc.tuple(fc.constantFrom(...paths), fc.nat(99), nastyValue, KEY_NAMES).map(([path, dice, nasty, key]) => {
    if (dice < 55) return update(value, path, () => nasty);
    if (dice < 65 && path.length > 0) return update(value, path, () => undefined);
    if (dice < 75)
      return update(value, path, (node) =>
        node && typeof node === 'object' && !Array.isArray(node) ? { ...node, [key]: nasty } : [node, nasty],
      );
    if (dice < 82) return update(value, path, (node) => [node]);
    if (dice < 88)
      return update(value, path, (node) => (node && typeof node === 'object' ? JSON.stringify(node) : String(node)));
    if (dice < 94)
      return update(value, path, (node) =>
        Array.from({ length: (JSON.stringify(node) ?? '').length < 100 ? 2_000 : 2 }, () => node),
      );
    return update(value, path, (node) => ({ a: node, b: dice % 2 === 0 ? DEEP_ARRAYS : DEEP_OBJECTS }));
  });
}

/** The value with one to three mutations, each at a node of what the previous one produced. */
export function mutated(value: unknown): fc.Arbitrary<unknown> {
  return fc.noShrink(
    fc.integer({ min: 1, max: 3 }).chain((n) => {
      let arb: fc.Arbitrary<unknown> = fc.constant(value);
      for (let i = 0; i < n; i += 1) arb = arb.chain(mutateOnce);
      return arb;
    }),
  );
}
