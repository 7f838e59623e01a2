// The package's core without its Node entry, which registers all of its 80-odd languages when it
// is loaded (a start paid for them; decision 063, 2026-11-29): the four used here are registered below.
import countries from 'i18n-iso-countries/index.js';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import ja from 'i18n-iso-countries/langs/ja.json' with { type: 'json' };
import type { Language } from './i18n.ts';

// ISO 3166-1 from a maintained package, with names in every interface language.
for (const locale of [en, es, fr, ja]) countries.registerLocale(locale);

/** True for an assigned ISO 3166-1 alpha-2 code (upper case). */
export function isCountryCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{2}$/.test(value) && countries.isValid(value);
}

/** Upper-cases and trims a code typed by a person or found in a CSV file. */
export function normaliseCountry(value: string): string {
  return value.trim().toUpperCase();
}

export function countryName(code: string, language: Language): string {
  const names = (namesByLanguage[language] ??= new Map());
  let name = names.get(code);
  if (name === undefined) {
    name = countries.getName(code, language, { select: 'official' }) ?? code;
    // Only codes the package knows are kept, so odd input cannot grow the map.
    if (countries.isValid(code)) names.set(code, name);
  }
  return name;
}

// The lists never change while the process runs, and pages ask for them on every render (a
// country select on many forms, a name per table row): computed once per language (#15).
const namesByLanguage: Partial<Record<Language, Map<string, string>>> = {};
const optionsByLanguage: Partial<Record<Language, readonly { code: string; name: string }[]>> = {};

/** Every country as { code, name }, sorted by name in the given language. */
export function countryOptions(language: Language): readonly { code: string; name: string }[] {
  return (optionsByLanguage[language] ??= sortedCountries(language));
}

function sortedCountries(language: Language): readonly { code: string; name: string }[] {
  const names = countries.getNames(language, { select: 'official' });
  const collator = new Intl.Collator(language);
  return Object.freeze(
    Object.entries(names)
      .map(([code, name]) => Object.freeze({ code, name }))
      .sort((a, b) => collator.compare(a.name, b.name)),
  );
}
