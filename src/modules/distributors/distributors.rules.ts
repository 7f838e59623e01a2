import type { FieldViolation } from '../../platform/errors.ts';
import { isCountryCode, normaliseCountry } from '../../platform/countries.ts';
import { checkEmail, checkName } from '../accounts/accounts.rules.ts';

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
  else if (!isCountryCode(input.hqCountry)) problems.push({ field: 'hq_country', rule: 'country_code', params: { value: input.hqCountry } });
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
export function servesCountry(distributor: { hqCountry: string; territories: readonly string[]; status: string }, country: string): boolean {
  return distributor.status === 'active' && (distributor.hqCountry === country || distributor.territories.includes(country));
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
export function checkClaim(distributor: { hqCountry: string; territories: readonly string[]; status: string; legalName: string }, country: string, accountNumber: string, field = 'distributors'): FieldViolation[] {
  const problems = checkAccountNumber(accountNumber, `${field}.account_number`);
  if (!servesCountry(distributor, country)) problems.push({ field: `${field}.distributor`, rule: 'distributor_not_in_territory', params: { distributor: distributor.legalName, country } });
  return problems;
}

export type ClaimStatus = 'pending' | 'confirmed' | 'rejected';

/** REG-2: a claim that matches the distributor's uploaded list of active accounts is confirmed at once. */
export function initialClaimStatus(listed: { active: boolean } | undefined): 'pending' | 'confirmed' {
  return listed?.active ? 'confirmed' : 'pending';
}

/** Only a pending claim can be decided by a distributor; a decided one is final. */
export function canDecideClaim(status: ClaimStatus): boolean {
  return status === 'pending';
}

// ---- Purchase eligibility (REG-4) ----

export interface EligibilityFacts {
  /** `trainingRestricted`: REG-10, flagged non-compliant while staff restrict such partners (partners' trainingRestrictsPurchases). */
  partner: { status: 'applicant' | 'registered' | 'suspended' | 'terminated'; distributorInfoReviewedAt: Date | null; trainingRestricted?: boolean } | null;
  /** The claim of this account at this distributor (the confirmed one if several partners claim it). */
  claim: { status: ClaimStatus } | null;
  /** Whether the account is on the distributor's uploaded list, and active there. */
  listed: { active: boolean } | null;
}

export type IneligibleReason = 'not_a_partner' | 'partner_not_registered' | 'claim_pending' | 'claim_rejected' | 'account_closed' | 'review_overdue' | 'training_non_compliant';

export const REASON_MESSAGES: Record<IneligibleReason, string> = {
  not_a_partner: 'No reseller has claimed this account in the partner programme.',
  partner_not_registered: 'The reseller is not a registered partner in good standing.',
  claim_pending: 'The reseller’s claim to this account has not been confirmed yet.',
  claim_rejected: 'The distributor rejected the reseller’s claim to this account.',
  account_closed: 'The account is marked closed in the distributor’s account list.',
  review_overdue: 'The reseller has not reviewed its distributor account information within the maintenance period.',
  training_non_compliant: 'The reseller’s key personnel have not completed the required anticorruption training (purchases restricted by the programme).',
};

/** The date by which distributor information must be reviewed again. */
export function reviewDueAt(reviewedAt: Date, months: number): Date {
  const due = new Date(reviewedAt);
  due.setUTCMonth(due.getUTCMonth() + months);
  return due;
}

/**
 * REG-4: a reseller may buy through this distributor only as a registered partner whose claim
 * here is confirmed and whose distributor information was reviewed within the maintenance
 * period. Every reason that applies is returned, so the partner knows all it has to fix.
 */
export function purchaseEligibility(facts: EligibilityFacts, now: Date, maintenanceMonths: number): { eligible: boolean; reasons: IneligibleReason[] } {
  const reasons: IneligibleReason[] = [];
  if (!facts.partner || !facts.claim) reasons.push('not_a_partner');
  else {
    if (facts.partner.status !== 'registered') reasons.push('partner_not_registered');
    if (facts.claim.status === 'pending') reasons.push('claim_pending');
    if (facts.claim.status === 'rejected') reasons.push('claim_rejected');
    const reviewed = facts.partner.distributorInfoReviewedAt;
    if (!reviewed || reviewDueAt(reviewed, maintenanceMonths) <= now) reasons.push('review_overdue');
    if (facts.partner.trainingRestricted) reasons.push('training_non_compliant');
  }
  if (facts.listed && !facts.listed.active) reasons.push('account_closed');
  return { eligible: reasons.length === 0, reasons };
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
  if (input.company.length > LEGAL_NAME_MAX) problems.push({ field: 'company', rule: 'too_long', params: { max: LEGAL_NAME_MAX } });
  const message = input.message.trim();
  if (!message) problems.push({ field: 'message', rule: 'required' });
  else if (message.length < 10) problems.push({ field: 'message', rule: 'too_short', params: { min: 10 } });
  else if (message.length > INQUIRY_MESSAGE_MAX) problems.push({ field: 'message', rule: 'too_long', params: { max: INQUIRY_MESSAGE_MAX } });
  return problems;
}

export function isLikelySpam(input: InquiryInput): boolean {
  return input.website.trim() !== '';
}
