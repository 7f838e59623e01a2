import { isValidPhoneNumber, type CountryCode } from 'libphonenumber-js';
import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';
import { isCountryCode } from '../../platform/countries.ts';
import { checkEmail, checkName } from '../../platform/contact.rules.ts';
import { checkAccountNumber, servesCountry } from '../distributors/distributors.rules.ts';
import { detectAddressFlags, type WatchlistEntry } from './address-checks.rules.ts';
import { addressScope, isAllowListed, type AllowlistEntry } from './allowlist.rules.ts';
import { emailDomain, emailProvider } from './email-checks.rules.ts';

// ---- The application's answers, step by step ----

export const STEPS = ['company', 'contacts', 'locations', 'distributors', 'added_value', 'personnel'] as const;
export type Step = (typeof STEPS)[number];

export const LEGAL_FORMS = [
  'corporation',
  'limited_company',
  'partnership',
  'sole_proprietorship',
  'cooperative',
  'other',
] as const;
export const LOCATION_TYPES = ['office', 'showroom', 'warehouse', 'other', 'residence'] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];

export interface CompanyAnswers {
  legalName: string;
  legalForm: string;
  country: string;
  website: string;
  registrationNumber: string;
}

export interface ContactAnswers {
  name: string;
  email: string;
  phone: string;
  title: string;
}

export interface LocationAnswers {
  lines: string[];
  city: string;
  postcode: string;
  country: string;
  type: string;
}

export interface DistributorClaimAnswers {
  distributorId: string;
  accountNumber: string;
}

export interface ApplicationAnswers {
  company?: CompanyAnswers;
  contacts?: { primary: ContactAnswers };
  locations?: { items: LocationAnswers[] };
  distributors?: { items: DistributorClaimAnswers[]; initialDistributorId: string };
  added_value?: { canDemonstrate: boolean; providesServices: boolean; servicesDescription: string };
  personnel?: { items: { name: string; email: string; role: string }[] };
}

// ---- Findings ----

export type Outcome = 'pass' | 'fail' | 'review';

/**
 * What a rule concluded about one field: `fail` blocks submission, `review` is shown to the
 * reviewer (and the applicant) with its evidence, `pass` records that the rule was checked.
 * `code` and `params` make the sentence (catalogue key `rules.<code>`), so every language and
 * the API say the same thing.
 */
export interface Finding {
  rule: string;
  outcome: Outcome;
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

const fail = (rule: string, field: string, code: string, params?: Record<string, string | number>): Finding => ({
  rule,
  outcome: 'fail',
  field,
  code,
  ...(params ? { params } : {}),
});
const review = (rule: string, field: string, code: string, params?: Record<string, string | number>): Finding => ({
  rule,
  outcome: 'review',
  field,
  code,
  ...(params ? { params } : {}),
});
const pass = (rule: string, field: string, code: string): Finding => ({ rule, outcome: 'pass', field, code });

/** Field problems (required, too long…) as failing findings of the step's rule. */
function fieldProblems(
  rule: string,
  problems: { field: string; rule: string; params?: Record<string, string | number> }[],
  prefix = '',
): Finding[] {
  return problems.map((p) => fail(rule, `${prefix}${p.field}`, p.rule, p.params));
}

const MAX_LOCATIONS = 20;
const MAX_CLAIMS = 50;
const MAX_PERSONNEL = 50;

// ---- REG-8: business email ----

function hostOf(website: string): string | undefined {
  try {
    return new URL(website).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return undefined;
  }
}

/**
 * REG-8: the primary email must be a business address. Public and disposable domains are
 * refused (case- and subdomain-insensitive); a domain unlike the website's is flagged.
 */
export function checkBusinessEmail(
  email: string,
  website: string | undefined,
  field = 'contacts.email',
  allowlist: readonly AllowlistEntry[] = [],
): Finding[] {
  const format = checkEmail(email, field);
  if (format.length > 0) return fieldProblems('REG-8', format);
  const domain = emailDomain(email);
  const provider = emailProvider(email);
  if (provider)
    return [
      fail('REG-8', field, provider.kind === 'disposable' ? 'email_disposable' : 'email_public_domain', {
        domain: provider.domain,
      }),
    ];
  const host = website ? hostOf(website) : undefined;
  // A domain staff confirmed as the company's own (allow-list) is not flagged again.
  const allowed = isAllowListed(allowlist, { code: 'email_domain_differs', phrase: domain, scope: host ?? '' });
  if (host && !allowed && !(domain === host || domain.endsWith(`.${host}`) || host.endsWith(`.${domain}`))) {
    return [review('REG-8', field, 'email_domain_differs', { domain, website: host })];
  }
  return [pass('REG-8', field, 'email_business')];
}

// ---- REG-7: physical address in the country ----

/** REG-7 address flags live in address-checks.rules.ts; re-exported for the module's callers. */
export { normaliseForMatch, type WatchlistEntry } from './address-checks.rules.ts';

/**
 * REG-7: one business location. The country must be the registration country and the
 * postcode valid for it; a private residence is refused; post-office boxes, mail drops and virtual
 * offices, forwarders, parcel lockers, logistics suppliers and "care of" addresses are flagged for
 * review with their evidence and line (address-checks.rules.ts).
 */
export function checkLocation(
  location: LocationAnswers,
  registrationCountry: string | undefined,
  watchlist: readonly WatchlistEntry[],
  index: number,
  allowlist: readonly AllowlistEntry[] = [],
): Finding[] {
  const prefix = `locations.${index}.`;
  const findings: Finding[] = [];
  const lines = location.lines.map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) findings.push(fail('REG-7', `${prefix}lines`, 'required'));
  if (lines.some((l) => l.length > 200)) findings.push(fail('REG-7', `${prefix}lines`, 'too_long', { max: 200 }));
  findings.push(...fieldProblems('REG-7', checkName(location.city, 'city', 100), prefix));
  const country = location.country.trim().toUpperCase();
  if (!isCountryCode(country))
    findings.push(fail('REG-7', `${prefix}country`, 'country_code', { value: location.country }));
  else if (registrationCountry && country !== registrationCountry)
    findings.push(fail('REG-7', `${prefix}country`, 'location_outside_country', { country, registrationCountry }));
  const postcode = location.postcode.trim();
  if (postcode.length > 20) findings.push(fail('REG-7', `${prefix}postcode`, 'too_long', { max: 20 }));
  else if (isCountryCode(country) && postcodeValidatorExistsForCountry(country)) {
    if (!postcode) findings.push(fail('REG-7', `${prefix}postcode`, 'required'));
    else if (!postcodeValidator(postcode, country))
      findings.push(fail('REG-7', `${prefix}postcode`, 'postcode_format', { value: postcode, country }));
  }
  if (!(LOCATION_TYPES as readonly string[]).includes(location.type))
    findings.push(fail('REG-7', `${prefix}type`, 'required'));
  else if (location.type === 'residence') findings.push(fail('REG-7', `${prefix}type`, 'location_residence'));
  else if (location.type === 'other') findings.push(review('REG-7', `${prefix}type`, 'location_type_other'));

  // Each flag names its category, the words or provider that gave it away, and the line (1-based).
  // Flags staff confirmed as false alarms (allow-list) are not raised again.
  const scope = addressScope(location);
  for (const flag of detectAddressFlags(location.lines, country, watchlist)) {
    if (isAllowListed(allowlist, { code: `address_${flag.category}`, phrase: flag.evidence, scope })) continue;
    findings.push(
      review('REG-7', `${prefix}lines`, `address_${flag.category}`, {
        evidence: flag.evidence,
        line: flag.line,
        ...(flag.provider ? { provider: flag.provider } : {}),
      }),
    );
  }
  if (!findings.some((f) => f.outcome !== 'pass')) findings.push(pass('REG-7', `${prefix}lines`, 'location_ok'));
  return findings;
}

export function checkLocations(
  answers: ApplicationAnswers['locations'],
  registrationCountry: string | undefined,
  watchlist: readonly WatchlistEntry[],
  allowlist: readonly AllowlistEntry[] = [],
): Finding[] {
  const items = answers?.items ?? [];
  if (items.length === 0) return [fail('REG-7', 'locations', 'location_required')];
  if (items.length > MAX_LOCATIONS) return [fail('REG-7', 'locations', 'too_many', { max: MAX_LOCATIONS })];
  return items.flatMap((location, i) => checkLocation(location, registrationCountry, watchlist, i, allowlist));
}

// ---- Company and contacts (REG-13 step validation) ----

export function checkCompany(company: CompanyAnswers | undefined): Finding[] {
  if (!company) return [fail('REG-13', 'company', 'required')];
  const findings = fieldProblems('REG-13', checkName(company.legalName, 'legal_name', 200), 'company.');
  if (!(LEGAL_FORMS as readonly string[]).includes(company.legalForm))
    findings.push(fail('REG-13', 'company.legal_form', 'required'));
  if (!isCountryCode(company.country))
    findings.push(
      fail('REG-13', 'company.country', company.country ? 'country_code' : 'required', { value: company.country }),
    );
  if (company.website.length > 200) findings.push(fail('REG-13', 'company.website', 'too_long', { max: 200 }));
  else if (company.website && !hostOf(company.website)?.includes('.'))
    findings.push(fail('REG-13', 'company.website', 'url'));
  const number = company.registrationNumber.trim();
  if (!number) findings.push(fail('REG-13', 'company.registration_number', 'required'));
  else if (number.length > 64) findings.push(fail('REG-13', 'company.registration_number', 'too_long', { max: 64 }));
  return findings;
}

export function checkContacts(
  contacts: ApplicationAnswers['contacts'],
  company: CompanyAnswers | undefined,
  allowlist: readonly AllowlistEntry[] = [],
): Finding[] {
  const primary = contacts?.primary;
  if (!primary) return [fail('REG-13', 'contacts', 'required')];
  const findings = fieldProblems('REG-13', checkName(primary.name, 'name'), 'contacts.');
  if (primary.title.length > 120) findings.push(fail('REG-13', 'contacts.title', 'too_long', { max: 120 }));
  findings.push(...checkBusinessEmail(primary.email, company?.website || undefined, 'contacts.email', allowlist));
  const phone = primary.phone.trim();
  if (!phone) findings.push(fail('REG-13', 'contacts.phone', 'required'));
  else if (phone.length > 40) findings.push(fail('REG-13', 'contacts.phone', 'too_long', { max: 40 }));
  else if (company && isCountryCode(company.country) && !safePhoneCheck(phone, company.country))
    findings.push(fail('REG-13', 'contacts.phone', 'phone_for_country', { country: company.country }));
  return findings;
}

function safePhoneCheck(phone: string, country: string): boolean {
  try {
    return isValidPhoneNumber(phone, country as CountryCode);
  } catch {
    return false;
  }
}

// ---- REG-2 / REG-3: distributors and account numbers ----

export interface DistributorFacts {
  id: string;
  legalName: string;
  hqCountry: string;
  territories: string[];
  status: string;
}

/**
 * REG-2: at least one account at an authorised distributor that serves the registration
 * country; every claim outside the territory is refused. REG-3: one of them is designated for
 * on-boarding and training.
 */
export function checkDistributorClaims(
  answers: ApplicationAnswers['distributors'],
  country: string | undefined,
  distributors: ReadonlyMap<string, DistributorFacts>,
): Finding[] {
  const items = answers?.items ?? [];
  if (items.length === 0) return [fail('REG-2', 'distributors', 'claim_required')];
  if (items.length > MAX_CLAIMS) return [fail('REG-2', 'distributors', 'too_many', { max: MAX_CLAIMS })];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const prefix = `distributors.${i}.`;
    const distributor = distributors.get(item.distributorId);
    if (!distributor)
      findings.push(fail('REG-2', `${prefix}distributor`, item.distributorId ? 'distributor_unknown' : 'required'));
    else if (country && !servesCountry(distributor, country))
      findings.push(
        fail('REG-2', `${prefix}distributor`, 'distributor_not_in_territory', {
          distributor: distributor.legalName,
          country,
        }),
      );
    findings.push(...fieldProblems('REG-2', checkAccountNumber(item.accountNumber, 'account_number'), prefix));
    const key = `${item.distributorId}|${item.accountNumber.trim()}`;
    if (seen.has(key)) findings.push(fail('REG-2', `${prefix}account_number`, 'claim_duplicate'));
    seen.add(key);
  });
  const initial = answers?.initialDistributorId ?? '';
  if (!initial) findings.push(fail('REG-3', 'distributors.initial_distributor', 'required'));
  else if (!items.some((i) => i.distributorId === initial))
    findings.push(fail('REG-3', 'distributors.initial_distributor', 'initial_distributor_not_listed'));
  if (!findings.some((f) => f.outcome === 'fail')) findings.push(pass('REG-2', 'distributors', 'claims_ok'));
  return findings;
}

/** What the distributor's account list said about one claim when it was recorded (REG-2). */
export interface ListedClaimCheck {
  distributor: string;
  accountNumber: string;
  nameMatch: { listedName: string | null; score: number | null; matched: boolean } | null;
}

/**
 * REG-2: a claimed account that the distributor's list holds for another company (or for no
 * named company) is not confirmed automatically; the reviewer is told which company the list names.
 */
export function checkListedCompanies(claims: readonly ListedClaimCheck[]): Finding[] {
  return claims.flatMap((claim, i): Finding[] => {
    const match = claim.nameMatch;
    if (!match || match.matched) return [];
    const field = `distributors.${i}.account_number`;
    const params = { distributor: claim.distributor, account: claim.accountNumber };
    if (!match.listedName) return [review('REG-2', field, 'listed_company_unnamed', params)];
    return [
      review('REG-2', field, 'listed_company_differs', {
        ...params,
        listed: match.listedName,
        score: Math.round((match.score ?? 0) * 100),
      }),
    ];
  });
}

// ---- REG-9: added value ----

export function checkAddedValue(answers: ApplicationAnswers['added_value']): Finding[] {
  const findings: Finding[] = [];
  if (!answers?.canDemonstrate) findings.push(fail('REG-9', 'added_value.can_demonstrate', 'attestation_required'));
  if (!answers?.providesServices) findings.push(fail('REG-9', 'added_value.provides_services', 'attestation_required'));
  const description = answers?.servicesDescription.trim() ?? '';
  if (!description) findings.push(fail('REG-9', 'added_value.services_description', 'required'));
  else if (description.length < 20)
    findings.push(fail('REG-9', 'added_value.services_description', 'too_short', { min: 20 }));
  else if (description.length > 2000)
    findings.push(fail('REG-9', 'added_value.services_description', 'too_long', { max: 2000 }));
  if (findings.length === 0) findings.push(pass('REG-9', 'added_value', 'added_value_ok'));
  return findings;
}

// ---- REG-10: key personnel ----

export function checkPersonnel(answers: ApplicationAnswers['personnel']): Finding[] {
  const items = answers?.items ?? [];
  if (items.length === 0) return [fail('REG-10', 'personnel', 'personnel_required')];
  if (items.length > MAX_PERSONNEL) return [fail('REG-10', 'personnel', 'too_many', { max: MAX_PERSONNEL })];
  const findings: Finding[] = [];
  const emails = new Set<string>();
  items.forEach((person, i) => {
    const prefix = `personnel.${i}.`;
    findings.push(
      ...fieldProblems('REG-10', [...checkName(person.name, 'name'), ...checkEmail(person.email, 'email')], prefix),
    );
    if (person.role.length > 120) findings.push(fail('REG-10', `${prefix}role`, 'too_long', { max: 120 }));
    const email = person.email.trim().toLowerCase();
    if (email && emails.has(email)) findings.push(fail('REG-10', `${prefix}email`, 'personnel_duplicate'));
    emails.add(email);
  });
  if (findings.length === 0) findings.push(pass('REG-10', 'personnel', 'personnel_ok'));
  return findings;
}

// ---- One step, or the whole application ----

export interface RuleContext {
  watchlist: readonly WatchlistEntry[];
  /** Confirmed false alarms the address and email checks no longer raise (#11). */
  allowlist?: readonly AllowlistEntry[];
  distributors: ReadonlyMap<string, DistributorFacts>;
}

/** The findings of one step, given everything answered so far (steps depend on the country). */
export function checkStep(step: Step, answers: ApplicationAnswers, context: RuleContext): Finding[] {
  const country = answers.company && isCountryCode(answers.company.country) ? answers.company.country : undefined;
  switch (step) {
    case 'company':
      return checkCompany(answers.company);
    case 'contacts':
      return checkContacts(answers.contacts, answers.company, context.allowlist);
    case 'locations':
      return checkLocations(answers.locations, country, context.watchlist, context.allowlist);
    case 'distributors':
      return checkDistributorClaims(answers.distributors, country, context.distributors);
    case 'added_value':
      return checkAddedValue(answers.added_value);
    case 'personnel':
      return checkPersonnel(answers.personnel);
  }
}

export function checkApplication(answers: ApplicationAnswers, context: RuleContext): Finding[] {
  return STEPS.flatMap((step) => checkStep(step, answers, context));
}

export const blocking = (findings: readonly Finding[]) => findings.filter((f) => f.outcome === 'fail');

// ---- REG-1, REG-6, REG-11: signing and submitting ----

export interface Signature {
  /** The signed-in person is the one confirming signature authority. */
  confirmsAuthority: boolean;
  name: string;
  title: string;
  acceptedAgreementVersion: string;
  consentsToRelease: boolean;
  /** the language and hash of the agreement text shown; omitted, the governing text is recorded. */
  textLanguage?: string | undefined;
  textHash?: string | undefined;
}

/**
 * REG-1: only a person with signature authority submits, with name and title recorded.
 * REG-11: the current agreement version is accepted. REG-6: release of information consented.
 */
export function checkSignature(signature: Signature, currentAgreementVersion: string | undefined): Finding[] {
  const findings: Finding[] = [];
  if (!signature.confirmsAuthority)
    findings.push(fail('REG-1', 'sign.confirms_authority', 'signature_authority_required'));
  findings.push(
    ...fieldProblems(
      'REG-1',
      [...checkName(signature.name, 'signatory_name'), ...checkName(signature.title, 'signatory_title')],
      'sign.',
    ),
  );
  if (!currentAgreementVersion) findings.push(fail('REG-11', 'sign.agreement', 'agreement_unavailable'));
  else if (signature.acceptedAgreementVersion !== currentAgreementVersion)
    findings.push(fail('REG-11', 'sign.agreement', 'agreement_not_current', { version: currentAgreementVersion }));
  if (!signature.consentsToRelease) findings.push(fail('REG-6', 'sign.release_consent', 'release_consent_required'));
  return findings;
}
