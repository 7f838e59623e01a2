import { describe, expect, it } from 'vitest';
import { LANGUAGES, translator } from '../../platform/i18n.ts';
import {
  agreementTextHash,
  checkAgreement,
  releaseOfInformationText,
  signatureAuthorityText,
  staleTextProblem,
  textFor,
} from './agreement-texts.rules.ts';

// X-1, REG-6, REG-11: agreement and consent texts per language (decision 052).

const VENDOR = 'Northwind Networks';
const base = { version: '2027.1', effectiveAt: new Date('2027-01-01'), governingLanguage: 'en' };

describe('agreement texts per language', () => {
  it('X-1, REG-11: the governing language’s title and text are required; other languages only when given, then whole', () => {
    expect(checkAgreement({ ...base, texts: {} })).toEqual([
      { field: 'texts.en.title', rule: 'required' },
      { field: 'texts.en.body', rule: 'required' },
    ]);
    expect(
      checkAgreement({ ...base, governingLanguage: 'ja', texts: { en: { title: 'ICPA', body: 'Terms.' } } }).map(
        (p) => p.field,
      ),
    ).toEqual(['texts.ja.title', 'texts.ja.body']);
    expect(
      checkAgreement({ ...base, texts: { en: { title: 'ICPA', body: 'Terms.' }, fr: { title: '', body: '' } } }),
    ).toEqual([]);
    expect(
      checkAgreement({
        ...base,
        texts: { en: { title: 'ICPA', body: 'Terms.' }, es: { title: 'Acuerdo', body: ' ' } },
      }),
    ).toEqual([{ field: 'texts.es.body', rule: 'required' }]);
    expect(
      checkAgreement({ ...base, governingLanguage: 'de', texts: { en: { title: 'ICPA', body: 'Terms.' } } }),
    ).toEqual([{ field: 'governing_language', rule: 'required' }]);
  });

  it('X-1: a reader’s own language is shown; a language without a text shows the governing one, marked as the fallback', () => {
    const texts = [
      { language: 'en' as const, id: 1 },
      { language: 'es' as const, id: 2 },
    ];
    expect(textFor(texts, 'es', 'en')).toEqual({ text: texts[1], fallback: false });
    expect(textFor(texts, 'ja', 'en')).toEqual({ text: texts[0], fallback: true });
    expect(textFor(texts, 'en', 'es')).toEqual({ text: texts[0], fallback: false });
    expect(textFor([], 'en', 'en')).toBeUndefined();
  });

  it('X-1, REG-11: a submission naming a text that is no longer current is refused on the field; none named passes', () => {
    const current = [
      { language: 'en' as const, textHash: 'h-en' },
      { language: 'es' as const, textHash: 'h-es' },
    ];
    expect(staleTextProblem({ language: 'es', hash: 'h-es' }, current)).toBeUndefined();
    expect(staleTextProblem({ language: 'es', hash: 'h-old' }, current)).toEqual({
      field: 'sign.text_hash',
      rule: 'agreement_text_changed',
    });
    expect(staleTextProblem({ language: 'fr', hash: 'h-en' }, current)).toEqual({
      field: 'sign.text_hash',
      rule: 'agreement_text_changed',
    });
    expect(staleTextProblem({}, current)).toBeUndefined();
  });

  it('X-1: the text hash changes with any word shown: title, text or either statement', () => {
    const text = { title: 'ICPA', body: 'Terms.', releaseOfInformation: 'Release.', signatureAuthority: 'Authority.' };
    const hash = agreementTextHash(text);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    for (const key of Object.keys(text) as (keyof typeof text)[])
      expect(agreementTextHash({ ...text, [key]: `${text[key]} ` })).not.toBe(hash);
  });

  it('REG-6, REG-1, X-1: the English default statements are the programme’s words exactly; the others are real translations', () => {
    const en = translator('en');
    expect(en('consent.release_of_information', { vendor: VENDOR })).toBe(releaseOfInformationText(VENDOR));
    expect(en('consent.signature_authority', { vendor: VENDOR })).toBe(signatureAuthorityText(VENDOR));
    for (const language of LANGUAGES.filter((l) => l !== 'en')) {
      const t = translator(language);
      expect(t('consent.release_of_information', { vendor: VENDOR }), language).not.toBe(
        releaseOfInformationText(VENDOR),
      );
      expect(t('consent.release_of_information', { vendor: VENDOR }), language).toContain(VENDOR);
      expect(t('consent.signature_authority', { vendor: VENDOR }), language).not.toBe(signatureAuthorityText(VENDOR));
    }
    expect(translator('es')('consent.release_of_information', { vendor: VENDOR })).toContain(
      'autoriza la divulgación de su información',
    );
    expect(translator('ja')('consent.signature_authority', { vendor: VENDOR })).toContain('署名する権限');
  });
});
