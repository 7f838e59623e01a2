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

export function translator(language: Language): Translate {
  return instance.getFixedT(language);
}

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
