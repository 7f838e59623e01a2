import { ADDRESS_CATEGORIES, normaliseForMatch } from './address-checks.rules.ts';

/**
 * REG-7, REG-8 (#11): confirmed false alarms. Staff add a flag's phrase (the evidence or provider
 * an address flag quoted, or the email domain that differed from the website) to the allow-list,
 * optionally only for one address or website; the checks then no longer raise that flag there.
 */
export interface AllowlistEntry {
  /** The finding code it silences: `address_<category>` or `email_domain_differs`. */
  code: string;
  phrase: string;
  /** Only at this address (REG-7) or for this website (REG-8); null: wherever the phrase appears. */
  scope: string | null;
}

/** The flag kinds an allow-list entry may name: the review findings of the address and email checks. */
export const ALLOWLIST_CODES: readonly string[] = [
  ...ADDRESS_CATEGORIES.map((c) => `address_${c}`),
  'email_domain_differs',
];

/** An address as one phrase, for scoping an entry to it: "Line 1, Line 2, 10117 Berlin". */
export function addressScope(location: { lines: readonly string[]; postcode: string; city: string }): string {
  return [
    ...location.lines.map((l) => l.trim()).filter(Boolean),
    [location.postcode.trim(), location.city.trim()].filter(Boolean).join(' '),
  ].join(', ');
}

/**
 * Is this flag allow-listed? The phrase and scope are compared however they are written (case,
 * accents, punctuation, street abbreviations), as provider names are.
 */
export function isAllowListed(
  entries: readonly AllowlistEntry[],
  flag: { code: string; phrase: string; scope: string },
): boolean {
  if (entries.length === 0) return false;
  const phrase = normaliseForMatch(flag.phrase);
  const scope = normaliseForMatch(flag.scope);
  return entries.some(
    (e) =>
      e.code === flag.code &&
      normaliseForMatch(e.phrase) === phrase &&
      (e.scope === null || normaliseForMatch(e.scope) === scope),
  );
}

export interface ListViolation {
  field: string;
  rule: string;
  params?: Record<string, string | number>;
}

function text(field: string, value: string | undefined, max: number, required: boolean): ListViolation[] {
  const v = (value ?? '').trim();
  if (!v) return required ? [{ field, rule: 'required' }] : [];
  return v.length > max ? [{ field, rule: 'too_long', params: { max } }] : [];
}

/** An allow-list entry staff type or add from a verdict: a known flag kind, a phrase and why. */
export function checkAllowlistInput(input: {
  code: string;
  phrase: string;
  scope?: string | null | undefined;
  reason: string;
}): ListViolation[] {
  return [
    ...(ALLOWLIST_CODES.includes(input.code) ? [] : [{ field: 'code', rule: 'required' }]),
    ...text('phrase', input.phrase, 200, true),
    ...text('scope', input.scope ?? '', 400, false),
    ...text('reason', input.reason, 1000, true),
  ];
}
