import type { FieldViolation } from './errors.ts';

// Tab, LF and CR are ordinary in text areas and CSV cells; every other C0 control and DEL is
// refused: NUL cannot be stored in PostgreSQL text, and the rest only hide or forge content.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The rule a piece of text breaks, if any: a forbidden control character or a lone surrogate. */
export function textRule(value: string): 'control_characters' | 'unpaired_surrogate' | null {
  if (FORBIDDEN_CONTROLS.test(value)) return 'control_characters';
  // A lone UTF-16 surrogate (JSON "\\ud800") has no UTF-8 form: PostgreSQL and sockets refuse it.
  if (!value.isWellFormed()) return 'unpaired_surrogate';
  return null;
}

/**
 * Every string (and non-finite number) in a parsed body, query or parameter object that breaks a text rule, with the
 * field path in the form the schema violations use (`a.b.0`). Keys are checked like values.
 */
export function textViolations(value: unknown, path = '', found: FieldViolation[] = [], depth = 0): FieldViolation[] {
  if (found.length >= 20 || depth > 32) return found;
  if (typeof value === 'string') {
    const rule = textRule(value);
    if (rule) found.push({ field: path || 'body', rule });
  } else if (typeof value === 'number') {
    // Ajv coerces the string "Infinity" to a number that then passes `maximum`; no field wants one.
    if (!Number.isFinite(value)) found.push({ field: path || 'body', rule: 'finite_number' });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => textViolations(item, path ? `${path}.${i}` : String(i), found, depth + 1));
  } else if (value !== null && typeof value === 'object' && isPlainObject(value)) {
    // Only parsed data: streams (CSV uploads) and buffers are checked where read (platform/csv.ts).
    for (const [key, item] of Object.entries(value)) {
      const field = path ? `${path}.${key}` : key;
      const keyRule = textRule(key);
      if (keyRule) found.push({ field: field.replace(/[^\x20-\x7e]/g, '?'), rule: keyRule });
      else textViolations(item, field, found, depth + 1);
    }
  }
  return found;
}

function isPlainObject(value: object): boolean {
  // fast-querystring's objects inherit from a prototype that itself has none.
  const prototype: object | null = Object.getPrototypeOf(value) as object | null;
  return prototype === Object.prototype || prototype === null || Object.getPrototypeOf(prototype) === null;
}

/**
 * A same-origin path to return to after a form post, or `/`. Only printable ASCII without a
 * backslash survives: browsers drop tab, CR and LF inside URLs, so `/\t/evil.example` would
 * become `//evil.example`, another host; a backslash counts as a slash; CR/LF or non-ASCII in a
 * Location header would break the response.
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length >= 2000) return '/';
  if (!/^\/[\x21-\x7e]*$/.test(value) || value.includes('\\') || value.startsWith('//')) return '/';
  return value;
}
