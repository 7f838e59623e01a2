import type { FieldViolation } from '../../platform/errors.ts';
import { isCountryCode, normaliseCountry } from '../../platform/countries.ts';
import { checkEmail, checkName } from '../../platform/contact.rules.ts';
import { addMonths } from '../../platform/dates.ts';
import { transliterate } from '../../platform/transliterate.ts';

export const CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{1,39}$/;
export const ACCOUNT_NUMBER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const PHONE_PATTERN = /^\+?[0-9 ()./-]{5,40}$/;
const LEGAL_NAME_MAX = 200;

export interface DistributorInput {
  code: string;
  legalName: string;
  hqCountry: string;
  territories: string[];
  website: string;
  phone: string;
  email: string;
  acceptsNewResellers: boolean;
}

/** Cleans what a person typed or a CSV cell held: trimmed, codes upper-cased, territories unique. */
export function normaliseDistributorInput(input: DistributorInput): DistributorInput {
  const hqCountry = normaliseCountry(input.hqCountry);
  return {
    code: input.code.trim().toUpperCase(),
    legalName: input.legalName.trim(),
    hqCountry,
    territories: [...new Set(input.territories.map(normaliseCountry).filter(Boolean))].sort(),
    website: input.website.trim(),
    phone: input.phone.trim(),
    email: input.email.trim(),
    acceptsNewResellers: input.acceptsNewResellers,
  };
}

/** Every problem with a distributor's directory entry (field names as in the form and CSV). */
export function checkDistributor(input: DistributorInput): FieldViolation[] {
  const problems: FieldViolation[] = [];
  if (!input.code) problems.push({ field: 'code', rule: 'required' });
  else if (!CODE_PATTERN.test(input.code)) problems.push({ field: 'code', rule: 'distributor_code' });
  problems.push(...checkName(input.legalName, 'legal_name', LEGAL_NAME_MAX));
  if (!input.hqCountry) problems.push({ field: 'hq_country', rule: 'required' });
  else if (!isCountryCode(input.hqCountry))
    problems.push({ field: 'hq_country', rule: 'country_code', params: { value: input.hqCountry } });
  const badTerritory = input.territories.find((c) => !isCountryCode(c));
  if (badTerritory) problems.push({ field: 'territories', rule: 'country_code', params: { value: badTerritory } });
  if (input.website && !isHttpUrl(input.website)) problems.push({ field: 'website', rule: 'url' });
  if (input.phone && !PHONE_PATTERN.test(input.phone)) problems.push({ field: 'phone', rule: 'phone' });
  if (input.email) problems.push(...checkEmail(input.email, 'email'));
  return problems;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}

/** The countries a distributor may sell in: where it is located, and where it is authorised. */
export function countriesServed(distributor: { hqCountry: string; territories: readonly string[] }): string[] {
  return [...new Set([distributor.hqCountry, ...distributor.territories])].sort();
}

/** REG-2 / REG-5: located in, or authorised to sell in, the country. */
export function servesCountry(
  distributor: { hqCountry: string; territories: readonly string[]; status: string },
  country: string,
): boolean {
  return (
    distributor.status === 'active' && (distributor.hqCountry === country || distributor.territories.includes(country))
  );
}

export function checkAccountNumber(value: string, field = 'account_number'): FieldViolation[] {
  const v = value.trim();
  if (!v) return [{ field, rule: 'required' }];
  if (!ACCOUNT_NUMBER_PATTERN.test(v)) return [{ field, rule: 'account_number' }];
  return [];
}

/**
 * REG-2: a claim "we hold account N at distributor D" for a reseller registering in `country`.
 * Refused when the distributor neither is located in nor is authorised for that country.
 */
export function checkClaim(
  distributor: { hqCountry: string; territories: readonly string[]; status: string; legalName: string },
  country: string,
  accountNumber: string,
  field = 'distributors',
): FieldViolation[] {
  const problems = checkAccountNumber(accountNumber, `${field}.account_number`);
  if (!servesCountry(distributor, country))
    problems.push({
      field: `${field}.distributor`,
      rule: 'distributor_not_in_territory',
      params: { distributor: distributor.legalName, country },
    });
  return problems;
}

export type ClaimStatus = 'pending' | 'confirmed' | 'rejected';

// ---- REG-2: does the company on the distributor's list match the applicant? ----

/**
 * Legal-form words, compared after transliteration, lower-casing and removal of dots (so
 * "S.A." is "sa" and "株式会社" is caught before transliteration turns it into pinyin).
 */
const LEGAL_FORMS: ReadonlySet<string> = new Set([
  'gmbh',
  'mbh',
  'ag',
  'kg',
  'kgaa',
  'ohg',
  'ug',
  'ev',
  'se',
  'co',
  'cie',
  'and',
  'und',
  'et',
  'y',
  'ltd',
  'limited',
  'plc',
  'llc',
  'llp',
  'lp',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'company',
  'pty',
  'sa',
  'sas',
  'sasu',
  'sarl',
  'eurl',
  'snc',
  'sca',
  'srl',
  'spa',
  'sl',
  'slu',
  'sau',
  'de',
  'cv',
  'sapi',
  'bv',
  'nv',
  'vof',
  'cvba',
  'bvba',
  'ab',
  'as',
  'asa',
  'aps',
  'oy',
  'oyj',
  'kk',
  'yk',
  'gk',
  'sp',
  'zoo',
  'sro',
  'kft',
  'zrt',
  'nyrt',
  'doo',
  'ooo',
  'oao',
  'zao',
  'pao',
  'ao',
  'ip',
  'tov',
]);
/** Japanese and Chinese legal forms, removed before transliteration (which would spell them out). */
const CJK_LEGAL_FORMS = /株式会社|有限会社|合同会社|合資会社|合名会社|\(株\)|（株）|㈱|有限公司|股份有限公司/g;

/**
 * REG-2: a company name reduced to what identifies it: legal forms, case, accents, punctuation
 * and script do not matter ("ООО «Ромашка»" and "Romashka LLC" are both "romashka").
 */
export function normaliseCompanyName(name: string): string {
  const latin = transliterate(name.normalize('NFKC').replace(CJK_LEGAL_FORMS, ' '))
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\.(?=\S)/g, '')
    .replace(/[^a-z0-9]+/g, ' ');
  // German umlauts are written both "ü" and "ue"; fold both spellings to one.
  const words = latin
    .split(' ')
    .filter(Boolean)
    .map((w) => w.replace(/([aou])e/g, '$1'));
  const core = words.filter((w) => !LEGAL_FORMS.has(w));
  return (core.length > 0 ? core : words).join(' ');
}

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  const compact = text.replace(/ /g, '');
  for (let i = 0; i < compact.length - 1; i++) {
    const gram = compact.slice(i, i + 2);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

/** REG-2: similarity of two company names, 0 to 1 (Dice coefficient of letter pairs of the normalised names). */
export function companyNameScore(a: string, b: string): number {
  const x = normaliseCompanyName(a);
  const y = normaliseCompanyName(b);
  if (!x || !y) return 0;
  if (x === y || x.split(' ').sort().join(' ') === y.split(' ').sort().join(' ')) return 1;
  const gx = bigrams(x);
  const gy = bigrams(y);
  let shared = 0;
  let total = 0;
  for (const [gram, n] of gx) {
    shared += Math.min(n, gy.get(gram) ?? 0);
    total += n;
  }
  for (const n of gy.values()) total += n;
  return total === 0 ? 0 : Math.round(((2 * shared) / total) * 1000) / 1000;
}

/** REG-2: the lowest score at which a listed company counts as the applicant (decision 018). */
export const NAME_MATCH_THRESHOLD = 0.9;

export interface NameMatch {
  /** The company the distributor's list names for the account (null: the list gives no name). */
  listedName: string | null;
  score: number | null;
  matched: boolean;
}

/** REG-2: whether the company the list names for an account is the applicant. A list row without a name proves nothing. */
export function matchListedCompany(applicantName: string, listedName: string | null): NameMatch {
  const listed = listedName?.trim() || null;
  if (!listed) return { listedName: null, score: null, matched: false };
  const score = companyNameScore(applicantName, listed);
  return { listedName: listed, score, matched: score >= NAME_MATCH_THRESHOLD };
}

/**
 * REG-2: a claim is confirmed at once only when the distributor's uploaded list has the account,
 * active, under the applicant's name; otherwise it waits for the distributor.
 */
export function initialClaimStatus(
  listed: { active: boolean; resellerName: string | null } | undefined,
  applicantName: string,
): { status: 'pending' | 'confirmed'; match: NameMatch | null } {
  if (!listed) return { status: 'pending', match: null };
  const match = matchListedCompany(applicantName, listed.resellerName);
  return { status: listed.active && match.matched ? 'confirmed' : 'pending', match };
}

/** Only a pending claim can be decided by a distributor; a decided one is final. */
export function canDecideClaim(status: ClaimStatus): boolean {
  return status === 'pending';
}

// ---- Purchase eligibility (REG-4) ----

export interface EligibilityFacts {
  /** `trainingRestricted`: REG-10, flagged non-compliant while staff restrict such partners (partners' trainingRestrictsPurchases). */
  partner: {
    status: 'applicant' | 'registered' | 'suspended' | 'terminated';
    distributorInfoReviewedAt: Date | null;
    termEndsAt?: Date | null;
    trainingRestricted?: boolean;
  } | null;
  /** The claim of this account at this distributor (the confirmed one if several partners claim it). */
  claim: { status: ClaimStatus } | null;
  /** Whether the account is on the distributor's uploaded list, and active there. */
  listed: { active: boolean } | null;
}

export type IneligibleReason =
  | 'not_a_partner'
  | 'partner_not_registered'
  | 'claim_pending'
  | 'claim_rejected'
  | 'account_closed'
  | 'review_overdue'
  | 'lapsed'
  | 'training_non_compliant';

export const REASON_MESSAGES: Record<IneligibleReason, string> = {
  not_a_partner: 'No reseller has claimed this account in the partner programme.',
  partner_not_registered: 'The reseller is not a registered partner in good standing.',
  claim_pending: 'The reseller’s claim to this account has not been confirmed yet.',
  claim_rejected: 'The distributor rejected the reseller’s claim to this account.',
  account_closed: 'The account is marked closed in the distributor’s account list.',
  review_overdue: 'The reseller has not reviewed its distributor account information within the maintenance period.',
  lapsed: 'The reseller’s registration term ended without an annual renewal.',
  training_non_compliant:
    'The reseller’s key personnel have not completed the required anticorruption training (purchases restricted by the programme).',
};

/** The date by which distributor information must be reviewed again (calendar months, decision 070). */
export function reviewDueAt(reviewedAt: Date, months: number): Date {
  return addMonths(reviewedAt, months);
}

/**
 * REG-4: a reseller may buy through this distributor only as a registered partner whose claim
 * here is confirmed and whose distributor information was reviewed within the maintenance
 * period. Every reason that applies is returned, so the partner knows all it has to fix.
 */
export function purchaseEligibility(
  facts: EligibilityFacts,
  now: Date,
  maintenanceMonths: number,
): { eligible: boolean; reasons: IneligibleReason[] } {
  const reasons: IneligibleReason[] = [];
  if (!facts.partner || !facts.claim) reasons.push('not_a_partner');
  else {
    if (facts.partner.status !== 'registered') reasons.push('partner_not_registered');
    if (facts.claim.status === 'pending') reasons.push('claim_pending');
    if (facts.claim.status === 'rejected') reasons.push('claim_rejected');
    const reviewed = facts.partner.distributorInfoReviewedAt;
    if (!reviewed || reviewDueAt(reviewed, maintenanceMonths) <= now) reasons.push('review_overdue');
    // Issue #12 item 6: a registration term that ended without a renewal (partners.renewal_due_at).
    if (facts.partner.termEndsAt && facts.partner.termEndsAt <= now) reasons.push('lapsed');
    if (facts.partner.trainingRestricted) reasons.push('training_non_compliant');
  }
  if (facts.listed && !facts.listed.active) reasons.push('account_closed');
  return { eligible: reasons.length === 0, reasons };
}

/**
 * REG-4 (decision 065): the next moment purchaseEligibility's answer for these facts changes by
 * the clock alone — the review falling due, the registration term ending, the training flag
 * (`trainingChangesAt`, from the partners module) — or null when none is ahead. A cached answer
 * must not outlive it; changes to the facts themselves are announced by the database.
 */
export function eligibilityChangesAt(
  facts: EligibilityFacts,
  now: Date,
  maintenanceMonths: number,
  trainingChangesAt: Date | null = null,
): Date | null {
  const reviewed = facts.partner?.distributorInfoReviewedAt;
  const candidates = [
    reviewed ? reviewDueAt(reviewed, maintenanceMonths) : null,
    facts.partner?.termEndsAt ?? null,
    trainingChangesAt,
  ].filter((d): d is Date => d !== null && d > now);
  return candidates.length === 0 ? null : new Date(Math.min(...candidates.map((d) => d.getTime())));
}

// ---- Contact a distributor (REG-5) ----

export interface InquiryInput {
  name: string;
  email: string;
  company: string;
  message: string;
  /** A field hidden from people; anything in it came from a bot. */
  website: string;
}

export const INQUIRY_MESSAGE_MAX = 5000;

export function checkInquiry(input: InquiryInput): FieldViolation[] {
  const problems = [...checkName(input.name), ...checkEmail(input.email)];
  if (input.company.length > LEGAL_NAME_MAX)
    problems.push({ field: 'company', rule: 'too_long', params: { max: LEGAL_NAME_MAX } });
  const message = input.message.trim();
  if (!message) problems.push({ field: 'message', rule: 'required' });
  else if (message.length < 10) problems.push({ field: 'message', rule: 'too_short', params: { min: 10 } });
  else if (message.length > INQUIRY_MESSAGE_MAX)
    problems.push({ field: 'message', rule: 'too_long', params: { max: INQUIRY_MESSAGE_MAX } });
  return problems;
}

export function isLikelySpam(input: InquiryInput): boolean {
  return input.website.trim() !== '';
}
