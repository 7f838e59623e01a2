/**
 * REG-7: "not a rented mailbox, a private residence, or a commercial logistics supplier".
 * Pure detection of addresses that are not a business's own premises, by category, in the
 * local forms of the countries the programme serves. The wording families are in
 * address-wordings.rules.ts (they are the rule); provider names are data
 * (data-files/address-watchlist.csv plus staff entries).
 * Measured by `npm run eval:checks` on data-files/eval/ (decision 028).
 */
import { FAMILIES } from './address-wordings.rules.ts';

export const ADDRESS_CATEGORIES = [
  'po_box',
  'mail_drop',
  'forwarding',
  'pickup_point',
  'logistics',
  'care_of',
] as const;
export type AddressCategory = (typeof ADDRESS_CATEGORIES)[number];

/** A provider from the maintained list; `kind` says which category a match belongs to. */
export const WATCHLIST_KINDS = [
  'mail_drop',
  'virtual_office',
  'logistics',
  'forwarding',
  'pickup_point',
  'po_box',
  'care_of',
] as const;
export type WatchlistKind = (typeof WATCHLIST_KINDS)[number];

export interface WatchlistEntry {
  kind: WatchlistKind;
  name: string;
}

const KIND_CATEGORY: Record<WatchlistKind, AddressCategory> = {
  mail_drop: 'mail_drop',
  virtual_office: 'mail_drop',
  forwarding: 'forwarding',
  pickup_point: 'pickup_point',
  logistics: 'logistics',
  po_box: 'po_box',
  care_of: 'care_of',
};

/** One flag: what kind of address, the words that gave it away, and the line (1-based) they are on. */
export interface AddressFlag {
  category: AddressCategory;
  evidence: string;
  line: number;
  provider?: string;
}

// ---- Normalisation that keeps positions, so the evidence is quoted as the applicant typed it ----

const SPECIAL: Record<string, string> = {
  ß: 'ss',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ł: 'l',
  đ: 'd',
  ı: 'i',
  þ: 'th',
  '’': "'",
  '–': '-',
  '—': '-',
};

/**
 * Lower case, Latin accents removed (Cyrillic й, Hangul and kana are left whole), full-width
 * forms folded (NFKC: "℅" becomes "c/o"). `map[i]` is the index in the original of char i.
 */
function normaliseWithMap(text: string): { text: string; map: number[] } {
  let out = '';
  const map: number[] = [];
  let index = 0;
  for (const char of text) {
    const lower = char.toLowerCase();
    let folded = SPECIAL[lower];
    if (folded === undefined) {
      const decomposed = lower.normalize('NFKD');
      folded = /^[a-z]/.test(decomposed)
        ? decomposed.replace(/[\u0300-\u036f]/g, '')
        : /^[\u0300-\u036f]$/.test(lower)
          ? ''
          : lower.normalize('NFKC').toLowerCase();
    }
    out += folded;
    for (let k = 0; k < folded.length; k++) map.push(index);
    index += char.length;
  }
  map.push(index);
  return { text: out, map };
}

const STREET_WORDS: Record<string, string> = {
  street: 'st',
  road: 'rd',
  avenue: 'ave',
  suite: 'ste',
  highway: 'hwy',
  drive: 'dr',
  boulevard: 'blvd',
};

/**
 * Lower case, accents and punctuation removed, umlauts spelt either way, street words
 * abbreviated: for matching provider names and known addresses however they are written.
 */
export function normaliseForMatch(text: string): string {
  return normaliseWithMap(text)
    .text.replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/\b(?:street|road|avenue|suite|highway|drive|boulevard)\b/g, (w) => STREET_WORDS[w] ?? w)
    .replace(/([aou])e/g, '$1')
    .trim();
}

/**
 * The words that matched, as the applicant wrote them, with what identifies the box: its
 * number ("PO Box 4417", "100044信箱", "Packstation 143") or the company after a "care of".
 */
function evidenceOf(line: string, map: number[], start: number, end: number, category: AddressCategory): string {
  let from = map[start] ?? 0;
  let to = map[end] ?? line.length;
  if (category === 'care_of') to += /^[^,;]{0,60}/.exec(line.slice(to))?.[0].length ?? 0;
  if (category === 'po_box' || category === 'mail_drop' || category === 'pickup_point') {
    to +=
      /^[ \t#:.№°-]*(?:no\.?\s*|第\s*)?[A-Z]{0,4}[0-9][0-9A-Za-z-]{0,11}(?:\s*[号號호])?/i.exec(line.slice(to))?.[0]
        .length ?? 0;
    from -= /\d[\d-]*\s*$/.exec(line.slice(0, from))?.[0].length ?? 0;
  }
  return line
    .slice(from, to)
    .replace(/^[\s,;]+/, '')
    .trim();
}

/**
 * Each provider's name normalised once: the watchlist's entries are the same objects from one
 * check to the next (the shipped list for the process's life, staff's for the lists' cache), and
 * normalising its ~180 names for every address line was a sizeable part of a submission (#15).
 */
const nameKeys = new WeakMap<WatchlistEntry, string>();
function nameKey(entry: WatchlistEntry): string {
  let key = nameKeys.get(entry);
  if (key === undefined) nameKeys.set(entry, (key = normaliseForMatch(entry.name)));
  return key;
}

/**
 * Every flag on the address lines: wording families of each category in the local languages,
 * and providers from the maintained list. One flag per category and line; a provider's name
 * is preferred as evidence over wording.
 */
export function detectAddressFlags(
  lines: readonly string[],
  country: string,
  providers: readonly WatchlistEntry[],
): AddressFlag[] {
  const flags: AddressFlag[] = [];
  const seen = new Set<string>();
  const add = (flag: AddressFlag) => {
    const key = `${flag.category}|${flag.line}`;
    if (seen.has(key)) return;
    seen.add(key);
    flags.push(flag);
  };
  const names = providers.map((p) => ({ entry: p, key: nameKey(p) })).filter((p) => p.key);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const skeleton = ` ${normaliseForMatch(line)} `;
    for (const { entry, key } of names) {
      // Names in scripts without spaces are found as substrings; Latin names as whole words.
      const found = /[a-z0-9]/.test(key)
        ? skeleton.includes(` ${key} `)
        : skeleton.replace(/ /g, '').includes(key.replace(/ /g, ''));
      if (found)
        add({
          category: KIND_CATEGORY[entry.kind] ?? 'mail_drop',
          evidence: entry.name,
          line: i + 1,
          provider: entry.name,
        });
    }
    const { text, map } = normaliseWithMap(line.trim());
    for (const family of FAMILIES) {
      if (family.countries && !family.countries.includes(country)) continue;
      const match = family.pattern.exec(text);
      if (!match) continue;
      add({
        category: family.category,
        evidence: evidenceOf(line.trim(), map, match.index, match.index + match[0].length, family.category),
        line: i + 1,
      });
    }
  });
  return flags;
}
