/**
 * REG-6, REG-11, X-1: the agreement and the statements an applicant signs, per version and
 * language: what staff must give for a new version, which text an applicant reads, the hash
 * that names exactly what they were shown, and whether a submission's text is still current.
 */
import { createHash } from 'node:crypto';
import { LANGUAGES, type Language } from '../../platform/i18n.ts';

/** REG-6: the release-of-information and indemnity text, in the words of the programme. */
export function releaseOfInformationText(vendor: string): string {
  return (
    `By submitting the partner registration application and accepting the terms of the ${vendor} Indirect Channel Partner Agreement (ICPA), ` +
    `you authorize the release of your information, including your customer account number(s) at the distributor, reseller name, and contact information ` +
    `to ${vendor} and ${vendor} authorized third parties, including ${vendor} Authorized Distributors, to validate your intent and ability to resell ` +
    `and to initiate new partner onboarding, training, and sales engagement.\n\n` +
    `You also agree to indemnify and hold ${vendor} and its authorized third parties and ${vendor} Authorized Distributors harmless for any claim or ` +
    `judicial action whatsoever resulting from the use of such information.`
  );
}

/** REG-1: the statement a signatory confirms. */
export function signatureAuthorityText(vendor: string): string {
  return `I am authorized to sign a legally binding document on behalf of the legal entity named in this application, and I apply for it to become a ${vendor} Indirect Resale Partner.`;
}

// ---- REG-11: agreement versions ----

/** one language's texts of an agreement version, as staff write them (statements may be left to the defaults). */
export interface AgreementTextInput {
  title: string;
  body: string;
  releaseOfInformation?: string | undefined;
  signatureAuthority?: string | undefined;
}

export interface AgreementInput {
  version: string;
  effectiveAt: Date;
  governingLanguage: string;
  texts: Partial<Record<Language, AgreementTextInput>>;
}

/** A language's texts count as given when any of them is written. */
export const isTextGiven = (text: AgreementTextInput | undefined): text is AgreementTextInput =>
  !!text &&
  [text.title, text.body, text.releaseOfInformation ?? '', text.signatureAuthority ?? ''].some((v) => v.trim() !== '');

/**
 * REG-11, X-1: a new version of the agreement names itself, its effective date and the language
 * that governs; the governing language's title and text are required, and every other language
 * given has both a title and a text (its statements default to the programme's translation).
 */
export function checkAgreement(
  input: AgreementInput,
): { field: string; rule: string; params?: Record<string, string | number> }[] {
  const problems: { field: string; rule: string; params?: Record<string, string | number> }[] = [];
  const text = (field: string, value: string, max: number, required = true) => {
    if (!value.trim()) {
      if (required) problems.push({ field, rule: 'required' });
    } else if (value.length > max) problems.push({ field, rule: 'too_long', params: { max } });
  };
  text('version', input.version, 50);
  if (Number.isNaN(input.effectiveAt.getTime())) problems.push({ field: 'effective_at', rule: 'date_format' });
  if (!(LANGUAGES as readonly string[]).includes(input.governingLanguage))
    problems.push({ field: 'governing_language', rule: 'required' });
  for (const language of LANGUAGES) {
    const given = input.texts[language];
    if (language !== input.governingLanguage && !isTextGiven(given)) continue;
    text(`texts.${language}.title`, given?.title ?? '', 300);
    text(`texts.${language}.body`, given?.body ?? '', 500_000);
    text(`texts.${language}.release_of_information`, given?.releaseOfInformation ?? '', 20_000, false);
    text(`texts.${language}.signature_authority`, given?.signatureAuthority ?? '', 5_000, false);
  }
  return problems;
}

/** the texts of one language that applicants read, sign and consent to. */
export interface ShownText {
  language: Language;
  title: string;
  body: string;
  releaseOfInformation: string;
  signatureAuthority: string;
}

/** the hash that names exactly what an applicant was shown (title, text and both statements). */
export function agreementTextHash(text: Omit<ShownText, 'language'>): string {
  return createHash('sha256')
    .update(JSON.stringify([text.title, text.body, text.releaseOfInformation, text.signatureAuthority]))
    .digest('hex');
}

/**
 * the text an applicant reads: their language's when the version has one, otherwise the
 * governing language's, marked as a fallback so the page says that it is the binding version.
 */
export function textFor<T extends { language: Language }>(
  texts: readonly T[],
  language: string | undefined,
  governing: Language,
): { text: T; fallback: boolean } | undefined {
  const own = texts.find((t) => t.language === language);
  if (own) return { text: own, fallback: false };
  const binding = texts.find((t) => t.language === governing);
  return binding ? { text: binding, fallback: true } : undefined;
}

/**
 * X-1, REG-11: a submission names the language and hash of the text it was shown; when that is
 * no longer a current text (a new version was published meanwhile), the signatory has not seen
 * what they would accept. Undefined when the shown text is current or none is named.
 */
export function staleTextProblem(
  shown: { language?: string | undefined; hash?: string | undefined },
  current: readonly { language: Language; textHash: string }[],
): { field: string; rule: string } | undefined {
  if (shown.hash === undefined) return undefined;
  const text = current.find((t) => t.language === shown.language);
  return text && text.textHash === shown.hash ? undefined : { field: 'sign.text_hash', rule: 'agreement_text_changed' };
}
