import i18next from 'i18next';
import { describe, it, expect } from 'vitest';
import { catalogues, LANGUAGES, languageFromHeader, translator } from './i18n.ts';

/** Every leaf of a catalogue as [dotted.path, value]. */
function flatten(node: unknown, prefix = ''): [string, unknown][] {
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) =>
      flatten(value, prefix ? `${prefix}.${key}` : key),
    );
  }
  return [[prefix, node]];
}

function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((m) => m[1] ?? ''))].sort();
}

const english = new Map(flatten(catalogues.en));
const translations = LANGUAGES.filter((l) => l !== 'en');

describe('X-1 translation catalogues', () => {
  it('X-1: the English catalogue is non-trivial and all leaves are strings', () => {
    expect(english.size).toBeGreaterThan(10);
    for (const [key, value] of english) expect(typeof value, key).toBe('string');
  });

  for (const language of translations) {
    const entries = new Map(flatten(catalogues[language]));

    it(`X-1: ${language} has exactly the same keys as English`, () => {
      const missing = [...english.keys()].filter((key) => !entries.has(key)).sort();
      const extra = [...entries.keys()].filter((key) => !english.has(key)).sort();
      const report = `${language} missing: [${missing.join(', ')}]; extra: [${extra.join(', ')}]`;
      expect({ language, missing, extra }, report).toEqual({ language, missing: [], extra: [] });
    });

    it(`X-1: ${language} keeps every {{placeholder}} of English`, () => {
      const mismatches: { key: string; english: string[]; translated: string[] }[] = [];
      for (const [key, value] of english) {
        const translated = entries.get(key);
        if (typeof value !== 'string' || typeof translated !== 'string') continue;
        const want = placeholders(value);
        const got = placeholders(translated);
        if (want.join('|') !== got.join('|')) mismatches.push({ key, english: want, translated: got });
      }
      expect(mismatches).toEqual([]);
    });

    it(`X-1: ${language} has no empty or non-string values`, () => {
      const bad = [...entries]
        .filter(([, value]) => typeof value !== 'string' || value.trim() === '')
        .map(([key]) => key);
      expect(bad).toEqual([]);
    });
  }
});

describe('X-1 language negotiation', () => {
  it('X-1: picks the highest-q supported language', () => {
    expect(languageFromHeader('de-DE,de;q=0.9,ja;q=0.8,en;q=0.5')).toBe('ja');
    expect(languageFromHeader('en;q=0.4,es;q=0.7,fr;q=0.6')).toBe('es');
  });

  it('X-1: matches a regional tag to its base language', () => {
    expect(languageFromHeader('fr-CA')).toBe('fr');
    expect(languageFromHeader('ES-mx;q=0.8')).toBe('es');
  });

  it('X-1: returns undefined when no supported language is offered', () => {
    expect(languageFromHeader('de')).toBeUndefined();
    expect(languageFromHeader(undefined)).toBeUndefined();
    expect(languageFromHeader('')).toBeUndefined();
  });

  it('X-1: excludes languages with q=0', () => {
    expect(languageFromHeader('ja;q=0,fr;q=0.2')).toBe('fr');
    expect(languageFromHeader('ja;q=0')).toBeUndefined();
  });
});

describe('X-1 translator', () => {
  it('X-1: Japanese sign-in label differs from English', () => {
    const ja = translator('ja')('layout.sign_in');
    expect(ja).not.toBe(translator('en')('layout.sign_in'));
    expect(ja).toBe(catalogues.ja.layout.sign_in);
  });

  it('X-1: every language interpolates placeholders', () => {
    for (const language of LANGUAGES) {
      expect(translator(language)('layout.signed_in_as', { name: 'Ada' })).toContain('Ada');
    }
  });

  it('X-1, #15: the memoised translator answers exactly what i18next answers, first call and repeated', async () => {
    const plain = i18next.createInstance();
    await plain.init({
      resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: catalogues[l] }])),
      fallbackLng: 'en',
      supportedLngs: [...LANGUAGES],
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
    });
    const optionSets: (Record<string, unknown> | undefined)[] = [
      undefined,
      { count: 0 },
      { count: 1 },
      { count: 7, formatted: '7' },
      { name: 'Ada' },
    ];
    type Loose = (key: string, options?: Record<string, unknown>) => unknown;
    for (const language of LANGUAGES) {
      const memo = translator(language) as unknown as Loose;
      const reference = plain.getFixedT(language) as unknown as Loose;
      for (const [key] of english)
        for (const options of optionSets)
          for (let round = 0; round < 2; round += 1)
            expect(memo(key, options), `${language} ${key}`).toBe(reference(key, options));
      // Different values never share an answer.
      expect(memo('layout.signed_in_as', { name: 'Bea' })).toContain('Bea');
      expect(memo('no.such.key', { defaultValue: 'fallback' })).toBe('fallback');
    }
    // Every key × 5 option sets × 2 calls × 4 languages: about 11 s on a busy machine.
  }, 120_000);
});
