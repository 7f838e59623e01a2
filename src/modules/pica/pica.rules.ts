import { randomInt } from 'node:crypto';
import type { FieldViolation } from '../../platform/errors.ts';

/** PICA-1: the tools an entitlement can open; contract types say which of them they carry. */
export const TOOLS = ['software_downloads', 'support_cases', 'bug_search', 'documentation'] as const;
export type Tool = (typeof TOOLS)[number];
export const isTool = (value: string): value is Tool => (TOOLS as readonly string[]).includes(value);

const DAY_MS = 86_400_000;

// ---- Contracts and eligibility (PICA-1, PICA-3) ----

export interface ContractFacts {
  number: string;
  partnerId: string;
  qualifiesPica: boolean;
  status: 'active' | 'suspended' | 'revoked';
  startsOn: Date;
  /** The last day of the contract, at midnight UTC; it is in force through that whole day. */
  endsOn: Date;
}

/** The moment a contract stops being in force: the end of its last day. */
export const contractEndsAt = (endsOn: Date): Date => new Date(endsOn.getTime() + DAY_MS);

/** PICA-1: a contract is in force when it is active and today lies between its first and last day. */
export function contractInForce(c: Pick<ContractFacts, 'status' | 'startsOn' | 'endsOn'>, now: Date): boolean {
  return c.status === 'active' && c.startsOn.getTime() <= now.getTime() && now < contractEndsAt(c.endsOn);
}

export type EligibilityGap = 'no_qualifying_contract' | 'no_agreement' | 'no_own_brand_support' | 'not_registered';

/**
 * PICA-1, PICA-3: a partner may administer PICA only while it is a registered partner with a
 * qualifying contract in force, a PICA contract agreement, and its own brand of support.
 * Returns every missing condition, so the product can say which.
 */
export function eligibilityGaps(
  p: { registered: boolean; contracts: readonly ContractFacts[]; hasAgreement: boolean; ownBrandSupport: boolean },
  now: Date,
): EligibilityGap[] {
  const gaps: EligibilityGap[] = [];
  if (!p.registered) gaps.push('not_registered');
  if (!p.contracts.some((c) => c.qualifiesPica && contractInForce(c, now))) gaps.push('no_qualifying_contract');
  if (!p.hasAgreement) gaps.push('no_agreement');
  if (!p.ownBrandSupport) gaps.push('no_own_brand_support');
  return gaps;
}

export const CONTRACT_NUMBER = /^[A-Z0-9][A-Z0-9-]{2,39}$/;
export const normaliseContractNumber = (value: string): string => value.trim().toUpperCase();

/** PICA-1: a contract typed by staff or read from a CSV row. */
export function checkContract(c: {
  number: string;
  typeCode: string;
  startsOn: Date | undefined;
  endsOn: Date | undefined;
  knownType: boolean;
}): FieldViolation[] {
  const v: FieldViolation[] = [];
  if (!CONTRACT_NUMBER.test(normaliseContractNumber(c.number))) v.push({ field: 'number', rule: 'contract_number' });
  if (!c.knownType) v.push({ field: 'type', rule: 'contract_type' });
  if (!c.startsOn) v.push({ field: 'starts_on', rule: 'date' });
  if (!c.endsOn) v.push({ field: 'ends_on', rule: 'date' });
  if (c.startsOn && c.endsOn && c.endsOn < c.startsOn) v.push({ field: 'ends_on', rule: 'ends_before_start' });
  return v;
}

// ---- Administrator registration (PICA-4) ----

export type ContractNumberProblem = 'contract_unknown' | 'contract_other_company' | 'contract_not_active';

/**
 * PICA-4: checks the complete list of the company's support contract numbers. Each listed
 * number must exist, belong to the company and be in force; active numbers of the company
 * that were left out are returned as `omitted`.
 */
export function checkContractList(
  listed: readonly string[],
  known: readonly ContractFacts[],
  partnerId: string,
  now: Date,
): { problems: { number: string; problem: ContractNumberProblem }[]; omitted: string[] } {
  const byNumber = new Map(known.map((c) => [normaliseContractNumber(c.number), c]));
  const numbers = [...new Set(listed.map(normaliseContractNumber).filter(Boolean))];
  const problems: { number: string; problem: ContractNumberProblem }[] = [];
  for (const number of numbers) {
    const c = byNumber.get(number);
    if (!c) problems.push({ number, problem: 'contract_unknown' });
    else if (c.partnerId !== partnerId) problems.push({ number, problem: 'contract_other_company' });
    else if (!contractInForce(c, now)) problems.push({ number, problem: 'contract_not_active' });
  }
  const omitted = known
    .filter(
      (c) =>
        c.partnerId === partnerId && contractInForce(c, now) && !numbers.includes(normaliseContractNumber(c.number)),
    )
    .map((c) => c.number);
  return { problems, omitted };
}

/** Contract numbers as typed: one per line, or separated by commas or spaces. */
export const splitContractNumbers = (text: string): string[] => [
  ...new Set(
    text
      .split(/[\s,;]+/)
      .map(normaliseContractNumber)
      .filter(Boolean),
  ),
];

/** PICA-2: reminders are sent once per partner and calendar month (UTC). */
export const reminderMonth = (now: Date): string => now.toISOString().slice(0, 7);

// ---- Registration numbers and verification keys (PICA-5), decision 030 ----

/** The Luhn check digit of a string of digits. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export const REGISTRATION_DIGITS = 12;

/** A new registration number: 11 random digits and a Luhn check digit, grouped 4-4-4. */
export function newRegistrationNumber(): string {
  let body = String(randomInt(1, 10));
  while (body.length < REGISTRATION_DIGITS - 1) body += String(randomInt(0, 10));
  return formatRegistrationNumber(body + luhnCheckDigit(body));
}

export const formatRegistrationNumber = (digits: string): string => digits.replace(/(\d{4})(?=\d)/g, '$1 ');

/** The digits of a typed registration number (spaces and dashes ignored), or undefined when it is not one. */
export function parseRegistrationNumber(value: string): string | undefined {
  const digits = value.replace(/[\s-]/g, '');
  if (!new RegExp(`^\\d{${REGISTRATION_DIGITS}}$`).test(digits)) return undefined;
  return luhnCheckDigit(digits.slice(0, -1)) === Number(digits.slice(-1))
    ? formatRegistrationNumber(digits)
    : undefined;
}

/** Crockford's base32 without the letters and digits people confuse (I L O U 0 1): 30 symbols. */
export const KEY_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 20 symbols of 30: log2(30^20) ≈ 98 bits, above the 80 the brief asks for. */
export const KEY_LENGTH = 20;

export function newVerificationKey(): string {
  let key = '';
  for (let i = 0; i < KEY_LENGTH; i += 1) key += KEY_ALPHABET[randomInt(0, KEY_ALPHABET.length)];
  return key.replace(/(.{4})(?=.)/g, '$1-');
}

/** A typed key in the form that is hashed: upper case, spaces and dashes dropped. */
export const normaliseVerificationKey = (value: string): string => value.toUpperCase().replace(/[\s-]/g, '');

// ---- Sponsorships (PICA-5) ----

export const DEFAULT_VALID_DAYS = 30;
export const MAX_VALID_DAYS = 365;

/**
 * PICA-5: when a sponsorship stops admitting registrations: the requested number of days
 * (default 30, at most a year), never later than the end of the linked contract.
 */
export function sponsorshipExpiry(
  days: number | undefined,
  now: Date,
  contractEndsOn: Date,
): { expiresAt: Date; capped: boolean } | { violation: FieldViolation } {
  const wanted = days ?? DEFAULT_VALID_DAYS;
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > MAX_VALID_DAYS)
    return { violation: { field: 'valid_days', rule: 'between', params: { min: 1, max: MAX_VALID_DAYS } } };
  const requested = new Date(now.getTime() + wanted * DAY_MS);
  const end = contractEndsAt(contractEndsOn);
  return requested > end ? { expiresAt: end, capped: true } : { expiresAt: requested, capped: false };
}

export type SponsorshipState = 'pending' | 'used' | 'expired' | 'revoked';

/** PICA-5: the ledger state; only a pending sponsorship admits a registration. */
export function sponsorshipState(
  s: { revokedAt: Date | null; expiresAt: Date; uses: number; maxUses: number | null },
  now: Date,
): SponsorshipState {
  if (s.revokedAt) return 'revoked';
  if (s.maxUses !== null && s.uses >= s.maxUses) return 'used';
  if (now >= s.expiresAt) return 'expired';
  return 'pending';
}

export const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Email domains typed by an administrator: lower case, without "@", de-duplicated. */
export const parseDomains = (text: string): string[] => [
  ...new Set(
    text
      .split(/[\s,;]+/)
      .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
      .filter(Boolean),
  ),
];

export function checkCustomer(c: {
  name: string;
  country: string;
  domains: string[];
  purchaseReference: string;
  attested: boolean;
}): FieldViolation[] {
  const v: FieldViolation[] = [];
  if (!c.name.trim() || c.name.trim().length > 200) v.push({ field: 'customer_name', rule: 'required' });
  if (!/^[A-Z]{2}$/.test(c.country)) v.push({ field: 'country', rule: 'country_code' });
  if (c.domains.length === 0 || c.domains.length > 20 || c.domains.some((d) => !DOMAIN.test(d)))
    v.push({ field: 'email_domains', rule: 'email_domains' });
  if (!c.purchaseReference.trim() || c.purchaseReference.length > 100)
    v.push({ field: 'purchase_reference', rule: 'required' });
  if (!c.attested) v.push({ field: 'attest_purchase', rule: 'attestation_required' });
  return v;
}

/** PICA-7: whether an address is at one of the customer's domains (or a subdomain of one). */
export function emailAtDomains(email: string, domains: readonly string[]): boolean {
  const domain = email.trim().toLowerCase().split('@')[1] ?? '';
  return domains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/** PICA-6 step 5, PICA-7: the additional information; an address outside the customer's domains needs an attestation of employment. */
export function checkDetails(
  input: { jobTitle: string; attestEmployment: boolean },
  domainMatches: boolean,
): FieldViolation[] {
  const v: FieldViolation[] = [];
  const jobTitle = input.jobTitle.trim();
  if (!jobTitle) v.push({ field: 'job_title', rule: 'required' });
  else if (jobTitle.length > 120) v.push({ field: 'job_title', rule: 'too_long' });
  if (!domainMatches && !input.attestEmployment) v.push({ field: 'attest_employment', rule: 'attestation_required' });
  return v;
}

// ---- Guessing (PICA-6), decision 031 ----

export const GUESS_THROTTLE = {
  /** Per registration number: five misses lock it for 15 minutes. */
  number: { maxFailures: 5, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
  /** Per network address, across numbers: stops one place from walking the number space. */
  ip: { maxFailures: 20, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
} as const;

// ---- Entitlements (PICA-8) ----

export const RECONFIRM_AFTER_DAYS = 365;

/** PICA-8: an administrator re-confirms each sponsored customer once a year. */
export const reconfirmationDue = (lastConfirmedAt: Date, now: Date): boolean =>
  now.getTime() - lastConfirmedAt.getTime() >= RECONFIRM_AFTER_DAYS * DAY_MS;

export const CONFIRM_LINK_TTL_MS = 24 * 3600_000;
