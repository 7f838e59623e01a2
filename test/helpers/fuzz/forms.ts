import fc from 'fast-check';
import type { RoleKey } from '../../authorisation-matrix/world.ts';
import type { Caller } from './callers.ts';
import type { PageForm } from './pages.ts';
import type { FuzzRequest } from './requests.ts';
import { EXTREME_NUMBERS, INJECTIONS, NASTY_DATES, loneSurrogate, nastyString } from './values.ts';

/**
 * Broken posts of a crawled form (#16.5, decision 061): the form as a browser would send it,
 * then one to three of: a field's value replaced by a hostile one (an id that is no UUID, a huge
 * or NaN number, a bad date, a huge string, control characters, an unpaired surrogate), a field
 * missing, a field sent twice, an unknown field, a select's value it does not offer, an id in
 * the action's path replaced, and for uploads an empty file, a file of the wrong type or none.
 * Always with the caller's valid CSRF token, so the damage reaches the handler.
 */
type Pair = [string, string | Upload];
interface Upload {
  filename: string;
  type: string;
  content: Buffer;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const PDF = Buffer.from('%PDF-1.4\n%fuzz\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** Values that have reached the database unchecked from a form: ids, numbers, dates. */
const BAD_IDS = [
  'not-a-uuid',
  '00000000-0000-0000-0000-00000000000g',
  '0',
  '-1',
  '2147483648',
  "1' OR '1'='1",
  '{00000000-0000-0000-0000-000000000000}',
  '00000000000000000000000000000000x',
  'a'.repeat(300),
];
const BAD_DAYS = [...NASTY_DATES, '2026-02-29', '1899-12-31', '-infinity', 'infinity', '294277-01-01', '1e9'];
const DAY_FIELD = /(^|[._])(from|to|date|day)$|_(on|at)$/;
const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 3, arbitrary: fc.constantFrom(...BAD_IDS) },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 3, arbitrary: fc.constantFrom(...EXTREME_NUMBERS.map(String)) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(...NASTY_DATES, '2026-02-29', '-infinity', 'infinity', '294277-01-01', '1e9'),
  },
  { weight: 1, arbitrary: fc.constantFrom('A'.repeat(5_000), 'A'.repeat(300_000), '日本語'.repeat(3_000)) },
  { weight: 1, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 1, arbitrary: loneSurrogate },
);

const uploads: fc.Arbitrary<Upload | undefined> = fc.constantFrom<Upload | undefined>(
  undefined,
  { filename: '', type: 'application/octet-stream', content: Buffer.alloc(0) },
  { filename: 'empty.pdf', type: 'application/pdf', content: Buffer.alloc(0) },
  { filename: 'empty.csv', type: 'text/csv', content: Buffer.alloc(0) },
  { filename: 'not-a.pdf', type: 'application/pdf', content: Buffer.from('name,country\nx,US\n') },
  { filename: 'binary.csv', type: 'text/csv', content: Buffer.from([0, 159, 146, 150, 0xff, 0xfe, 0, 0]) },
  { filename: 'only-header.csv', type: 'text/csv', content: Buffer.from('\ufeffa,b,c\n') },
  { filename: '../../etc/passwd', type: 'text/plain', content: Buffer.from('root:x:0:0\n') },
  { filename: 'big.csv', type: 'text/csv', content: Buffer.from('x,'.repeat(300_000)) },
  { filename: 'ok.pdf', type: 'application/pdf', content: PDF },
);

/** The fields as a browser sends them: one named button, every box ticked, a small valid file. */
function untouched(form: PageForm, csrf: string | undefined): Pair[] {
  const pairs: Pair[] = [];
  let button = false;
  for (const f of form.fields) {
    if (f.name === '_csrf') continue;
    if (f.kind === 'button' || f.kind === 'submit') {
      if (button) continue;
      button = true;
    }
    if (f.kind === 'file') pairs.push([f.name, { filename: 'ok.pdf', type: 'application/pdf', content: PDF }]);
    else pairs.push([f.name, f.value]);
  }
  if (csrf) pairs.unshift(['_csrf', csrf]);
  return pairs;
}

type Mutation =
  | { kind: 'value'; at: number; value: string; day: string; asDay: boolean }
  | { kind: 'drop'; at: number }
  | { kind: 'twice'; at: number; value: string }
  | { kind: 'extra'; name: string; value: string }
  | { kind: 'upload'; at: number; upload: Upload | undefined }
  | { kind: 'path'; at: number; value: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('value' as const),
      at: fc.nat(),
      value: hostile,
      // A field named like a day (from, to, *_on, *_at) gets a bad day half the time.
      day: fc.constantFrom(...BAD_DAYS),
      asDay: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('twice' as const), at: fc.nat(), value: hostile }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('extra' as const),
      name: fc.constantFrom('id', 'version', 'role', 'status', 'partnerId', '__proto__', 'x'),
      value: hostile,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('upload' as const), at: fc.nat(), upload: uploads }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('path' as const), at: fc.nat(), value: hostile }) },
);

function apply(pairs: Pair[], action: string, m: Mutation, how: string[]): [Pair[], string] {
  // The token stays: it is what lets the damage reach the handler.
  const fields = pairs.map((p, i) => [p, i] as const).filter(([p]) => p[0] !== '_csrf');
  const pick = <T>(xs: readonly T[], at: number) => xs[at % xs.length];
  switch (m.kind) {
    case 'value':
    case 'drop':
    case 'twice': {
      const hit = pick(fields, m.at);
      if (!hit) return [pairs, action];
      const [[name], i] = hit;
      const shown = m.kind === 'value' && m.asDay && DAY_FIELD.test(name) ? m.day : (m as { value?: string }).value;
      how.push(`${m.kind} ${name}${shown === undefined ? '' : `=${describe(shown)}`}`);
      if (m.kind === 'drop') return [pairs.filter((_, j) => j !== i), action];
      if (m.kind === 'value') {
        const value = m.asDay && DAY_FIELD.test(name) ? m.day : m.value;
        return [pairs.map((p, j) => (j === i ? [name, value] : p)), action];
      }
      return [[...pairs, [name, m.value]], action];
    }
    case 'extra':
      how.push(`extra ${m.name}=${describe(m.value)}`);
      return [[...pairs, [m.name, m.value]], action];
    case 'upload': {
      const files = pairs.map((p, i) => [p, i] as const).filter(([p]) => typeof p[1] !== 'string');
      const hit = pick(files, m.at);
      if (!hit) return [pairs, action];
      const [[name], i] = hit;
      how.push(`upload ${name}=${m.upload ? `${m.upload.filename} (${m.upload.content.length} bytes)` : 'none'}`);
      return [
        m.upload ? pairs.map((p, j) => (j === i ? [name, m.upload!] : p)) : pairs.filter((_, j) => j !== i),
        action,
      ];
    }
    case 'path': {
      const ids = [...action.matchAll(UUID)];
      const hit = pick(ids, m.at);
      if (!hit) return [pairs, action];
      how.push(`path id=${describe(m.value)}`);
      const segment = encodeWtf8(m.value).replaceAll('%2F', '/').slice(0, 100) || '%20';
      return [pairs, action.slice(0, hit.index) + segment + action.slice(hit.index + hit[0].length)];
    }
  }
}

const describe = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…(${v.length})` : v);

/** encodeURIComponent that also sends an unpaired surrogate, as the bytes of its WTF-8 form. */
function encodeWtf8(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i += 1;
    } else if (c >= 0xd800 && c <= 0xdfff)
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    else out += encodeURIComponent(text[i]!);
  }
  return out;
}

function body(form: PageForm, pairs: Pair[]): { type: string; payload: string | Buffer } {
  if (!form.multipart)
    return {
      type: 'application/x-www-form-urlencoded',
      payload: pairs
        .map(([k, v]) => `${encodeWtf8(k)}=${encodeWtf8(typeof v === 'string' ? v : v.filename)}`)
        .join('&'),
    };
  const boundary = '----formfuzz5e1a';
  const parts = pairs.map(([k, v]) =>
    typeof v === 'string'
      ? Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      : Buffer.concat([
          Buffer.from(
            `--${boundary}\r\ncontent-disposition: form-data; name="${k}"; filename="${v.filename}"\r\ncontent-type: ${v.type}\r\n\r\n`,
          ),
          v.content,
          Buffer.from('\r\n'),
        ]),
  );
  return {
    type: `multipart/form-data; boundary=${boundary}`,
    payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
  };
}

/** Generated broken posts (or searches, for a GET form) of one form, as `role` with `caller`'s session and token. */
export function formPostArbitrary(form: PageForm, role: RoleKey, caller: Caller): fc.Arbitrary<FuzzRequest> {
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => {
    const how: string[] = [];
    let pairs = untouched(form, caller.csrfToken);
    let action = form.action;
    for (const m of mutations) [pairs, action] = apply(pairs, action, m, how);
    if (form.method === 'get') {
      // A search form: its fields go in the query string, as a browser sends them.
      const query = body(
        { ...form, multipart: false },
        pairs.filter(([k]) => k !== '_csrf'),
      ).payload as string;
      const url = `${action.replace(/\?.*$/, '')}?${query}`;
      return {
        role,
        method: 'GET',
        url,
        headers: { ...caller.headers, accept: 'text/html' },
        how,
        [fc.toStringMethod]: () => `${role} GET ${url.slice(0, 300)} (form on ${form.page}): ${how.join('; ')}`,
      };
    }
    const { type, payload } = body(form, pairs);
    return {
      role,
      method: 'POST',
      url: action,
      headers: { ...caller.headers, 'content-type': type, accept: 'text/html' },
      payload,
      how,
      [fc.toStringMethod]: () => `${role} POST ${action} (form on ${form.page}): ${how.join('; ')}`,
    };
  });
}
