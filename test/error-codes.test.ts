import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PLATFORM_ERROR_CODES } from '../src/platform/errors.ts';
import { catalogues, LANGUAGES } from '../src/platform/i18n.ts';

// Every AppError code is declared once: in platform/errors.ts or in its module's
// `<module>.errors.ts` (which also adds it to the ErrorCode type). Pages show `errors.<code>`,
// so a code without a catalogue entry would show English text (the API message) to everyone.
const modulesDir = new URL('../src/modules/', import.meta.url);
const errorFiles = readdirSync(modulesDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
  f.endsWith('.errors.ts'),
);

async function declaredCodes(): Promise<Map<string, string[]>> {
  const declared = new Map<string, string[]>([['platform/errors.ts', [...PLATFORM_ERROR_CODES]]]);
  for (const file of errorFiles) {
    const exports = (await import(new URL(file, modulesDir).href)) as Record<string, unknown>;
    const lists = Object.entries(exports).filter(([name]) => name.endsWith('_ERROR_CODES'));
    expect(lists, `${file} exports one <MODULE>_ERROR_CODES list`).toHaveLength(1);
    declared.set(`modules/${file}`, lists[0]![1] as string[]);
  }
  return declared;
}

/** The code literals thrown anywhere in src: `new AppError('code'`, `conflict('code'`. */
function thrownCodes(): Map<string, string> {
  const srcDir = new URL('../src/', import.meta.url);
  const found = new Map<string, string>();
  for (const file of readdirSync(srcDir, { recursive: true, encoding: 'utf8' })) {
    if (!/\.tsx?$/.test(file) || /\.test\.tsx?$/.test(file)) continue;
    const text = readFileSync(new URL(file, srcDir), 'utf8');
    for (const m of text.matchAll(/\b(?:new AppError|conflict)\(\s*'([a-z0-9_]+)'/g)) found.set(m[1]!, file);
  }
  return found;
}

describe('X-1 error codes', () => {
  it('every code is declared exactly once, and each module declares at least one', async () => {
    const declared = await declaredCodes();
    expect(errorFiles.length).toBeGreaterThanOrEqual(4);
    const all = [...declared.values()].flat();
    const twice = all.filter((code, i) => all.indexOf(code) !== i);
    expect(twice, 'codes declared twice (a code two modules use belongs in platform/errors.ts)').toEqual([]);
    for (const [file, codes] of declared) expect(codes.length, file).toBeGreaterThan(0);
  });

  it('every code thrown in src is a declared code', async () => {
    const all = new Set([...(await declaredCodes()).values()].flat());
    const thrown = thrownCodes();
    expect(thrown.size).toBeGreaterThan(10);
    const undeclared = [...thrown].filter(([code]) => !all.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(undeclared).toEqual([]);
  });

  for (const language of LANGUAGES) {
    it(`X-1: every declared code has a message in the ${language} catalogue${language === 'en' ? '' : ', translated'}`, async () => {
      const errors = catalogues[language].errors as Record<string, string | undefined>;
      const english = catalogues.en.errors as Record<string, string | undefined>;
      const codes = [...(await declaredCodes()).values()].flat();
      const missing = codes.filter((code) => !errors[code]?.trim());
      expect(missing, `errors.<code> missing in locales/${language}`).toEqual([]);
      if (language !== 'en') {
        const untranslated = codes.filter((code) => errors[code] === english[code]);
        expect(untranslated, `errors.<code> still in English in locales/${language}`).toEqual([]);
      }
    });
  }
});
