import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import en from '../../locales/en.json' with { type: 'json' };
import es from '../../locales/es.json' with { type: 'json' };
import fr from '../../locales/fr.json' with { type: 'json' };
import ja from '../../locales/ja.json' with { type: 'json' };
import { projectPath } from './paths.ts';

export const LANGUAGES = ['en', 'es', 'fr', 'ja'] as const;
export type Language = (typeof LANGUAGES)[number];
export type Translate = TFunction;

/** The language a visitor chose with the switcher (and, once signed in, their preference). */
export const LANGUAGE_COOKIE = 'pp_lang';

/** Each language's name in its own language, for the switcher and the settings form. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', es: 'Español', fr: 'Français', ja: '日本語' };

type Catalogue = typeof en;

/**
 * A language's catalogue: `locales/<lang>.json` plus one file per module in `locales/<lang>/`
 * (`pica.json` holds the `pica` section), so that modules built side by side do not all edit
 * one file. A section lives in one place only: a file may not redefine a section of the main
 * catalogue.
 */
function catalogue(language: Language, main: Catalogue): Catalogue {
  const dir = projectPath('locales', language);
  if (!existsSync(dir)) return main;
  const merged: Record<string, unknown> = { ...main };
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const section = file.slice(0, -'.json'.length);
    if (section in merged) throw new Error(`locales/${language}/${file}: the section "${section}" is already defined`);
    merged[section] = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  }
  return merged as Catalogue;
}

export const catalogues = {
  en: catalogue('en', en),
  es: catalogue('es', es),
  fr: catalogue('fr', fr),
  ja: catalogue('ja', ja),
} as const;

const instance = i18next.createInstance();
await instance.init({
  resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: catalogues[l] }])),
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  initAsync: false,
  // Pages are rendered by preact, which escapes every interpolated value itself.
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * A language's translate function. Pages call it hundreds of times per render and i18next's
 * lookup (key parsing, fallbacks, plural and interpolation passes) dominated their CPU time, so
 * the answers are memoised per language: the catalogues never change after start-up, which makes
 * i18next's answer a pure function of the key and the options. Only calls with a string key and
 * options made of strings, numbers and booleans are remembered, and only string answers; anything
 * else (arrays of keys, nested objects, returnObjects) goes to i18next every time. Each language
 * remembers at most MEMO_LIMIT answers and then starts afresh (interpolated values such as names
 * would otherwise grow it without bound). See docs/decisions/064-page-speed.md.
 */
export function translator(language: Language): Translate {
  return memoised[language];
}

const MEMO_LIMIT = 20_000;

function memoise(t: TFunction): Translate {
  const answers = new Map<string, string>();
  const remember = (id: string, answer: unknown) => {
    if (typeof answer !== 'string') return;
    if (answers.size >= MEMO_LIMIT) answers.clear();
    answers.set(id, answer);
  };
  const fast = (key: unknown, options?: unknown, ...rest: unknown[]): unknown => {
    const call = t as unknown as (...args: unknown[]) => unknown;
    if (typeof key !== 'string' || rest.length > 0) return call(key, options, ...rest);
    const id = options === undefined ? key : optionsId(key, options);
    if (id === undefined) return call(key, options);
    const known = answers.get(id);
    if (known !== undefined) return known;
    const answer = options === undefined ? call(key) : call(key, options);
    remember(id, answer);
    return answer;
  };
  return Object.assign(fast, t) as unknown as Translate;
}

/** A key for a call whose options are all primitive, or undefined when they are not. */
function optionsId(key: string, options: unknown): string | undefined {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return undefined;
  let id = key;
  for (const name in options) {
    const value = (options as Record<string, unknown>)[name];
    const type = typeof value;
    if (type !== 'string' && type !== 'number' && type !== 'boolean' && value !== undefined) return undefined;
    if (name === 'returnObjects' || name === 'lng' || name === 'ns') return undefined;
    id += `\u0000${name}\u0001${type[0]}${String(value)}`;
  }
  return id;
}

const memoised = Object.fromEntries(LANGUAGES.map((l) => [l, memoise(instance.getFixedT(l))])) as Record<
  Language,
  Translate
>;

/** The best supported language in an Accept-Language header, honouring q-values. */
export function languageFromHeader(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0];
    if (isLanguage(base)) return base;
  }
  return undefined;
}
