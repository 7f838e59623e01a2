import { formField } from '../../platform/request-meta.ts';
import type {
  ApplicationAnswers,
  CompanyAnswers,
  ContactAnswers,
  DistributorClaimAnswers,
  LocationAnswers,
  Signature,
  Step,
} from './registration.rules.ts';

// The wizard's forms name their inputs with the rules' field paths (`company.legal_name`,
// `locations.0.city`), so a finding's field is also the id of the input it is about.

/** The HTML maxlength of each input; the rules refuse anything longer with a clear limit. */
export const FIELD_MAX = {
  legalName: 200,
  website: 200,
  registrationNumber: 64,
  name: 120,
  title: 120,
  email: 254,
  phone: 40,
  line: 200,
  city: 100,
  postcode: 20,
  accountNumber: 64,
  role: 120,
  servicesDescription: 2000,
  applicantAnswer: 4000,
} as const;

/** More rows than any rule accepts are not read from a form (the rules' own maxima are lower). */
const MAX_ROWS = 60;

/** A repeated group's rows as typed, including the empty ones a page offered. */
export interface Rows<T> {
  items: T[];
  /** Rows the person left empty: they are not saved, but "Add another" keeps them on the page. */
  empty: number;
}

function text(body: unknown, name: string): string {
  return formField(body, name);
}

const checked = (body: unknown, name: string) => ['yes', 'on', 'true'].includes(text(body, name));

/** The indices of a repeated group that appear in the form body, in order. */
function rowIndices(body: unknown, group: string): number[] {
  const pattern = new RegExp(`^${group}\\.(\\d{1,3})\\.`);
  const indices = new Set<number>();
  for (const key of Object.keys((body as Record<string, unknown> | null) ?? {})) {
    const index = Number(pattern.exec(key)?.[1] ?? NaN);
    if (Number.isInteger(index) && index < MAX_ROWS) indices.add(index);
  }
  return [...indices].sort((a, b) => a - b);
}

export function parseCompany(body: unknown): CompanyAnswers {
  return {
    legalName: text(body, 'company.legal_name'),
    legalForm: text(body, 'company.legal_form'),
    country: text(body, 'company.country').trim().toUpperCase(),
    website: text(body, 'company.website').trim(),
    registrationNumber: text(body, 'company.registration_number'),
  };
}

export function parseContacts(body: unknown): { primary: ContactAnswers } {
  return {
    primary: {
      name: text(body, 'contacts.name'),
      title: text(body, 'contacts.title'),
      email: text(body, 'contacts.email'),
      phone: text(body, 'contacts.phone'),
    },
  };
}

export function parseLocations(body: unknown): Rows<LocationAnswers> {
  const rows: Rows<LocationAnswers> = { items: [], empty: 0 };
  for (const i of rowIndices(body, 'locations')) {
    const field = (name: string) => text(body, `locations.${i}.${name}`);
    const lines = [field('line1'), field('line2')];
    const location = {
      lines,
      city: field('city'),
      postcode: field('postcode'),
      country: field('country').trim().toUpperCase(),
      type: field('type'),
    };
    // The country select always has a value, so a row counts as empty when nothing else does.
    if (!lines.some((l) => l.trim()) && !location.city.trim() && !location.postcode.trim() && !location.type)
      rows.empty++;
    else rows.items.push({ ...location, lines: lines[1]!.trim() ? lines : [lines[0]!] });
  }
  return rows;
}

export function parseDistributors(body: unknown): Rows<DistributorClaimAnswers> & { initialDistributorId: string } {
  const rows: Rows<DistributorClaimAnswers> = { items: [], empty: 0 };
  const chosen = text(body, 'distributors.initial_distributor');
  let initialDistributorId = '';
  for (const i of rowIndices(body, 'distributors')) {
    const claim = {
      distributorId: text(body, `distributors.${i}.distributor`),
      accountNumber: text(body, `distributors.${i}.account_number`),
    };
    if (!claim.distributorId && !claim.accountNumber.trim()) {
      rows.empty++;
      continue;
    }
    // The radio button of a row designates that row's distributor (REG-3).
    if (chosen === String(i)) initialDistributorId = claim.distributorId;
    rows.items.push(claim);
  }
  return { ...rows, initialDistributorId };
}

export function parseAddedValue(body: unknown): NonNullable<ApplicationAnswers['added_value']> {
  return {
    canDemonstrate: checked(body, 'added_value.can_demonstrate'),
    providesServices: checked(body, 'added_value.provides_services'),
    servicesDescription: text(body, 'added_value.services_description'),
  };
}

export function parsePersonnel(body: unknown): Rows<{ name: string; email: string; role: string }> {
  const rows: Rows<{ name: string; email: string; role: string }> = { items: [], empty: 0 };
  for (const i of rowIndices(body, 'personnel')) {
    const person = {
      name: text(body, `personnel.${i}.name`),
      email: text(body, `personnel.${i}.email`),
      role: text(body, `personnel.${i}.role`),
    };
    if (!person.name.trim() && !person.email.trim() && !person.role.trim()) rows.empty++;
    else rows.items.push(person);
  }
  return rows;
}

/** One step's answers from its form, in the shape saveStep takes, and the empty rows left over. */
export function parseStep(step: Step, body: unknown): { answers: ApplicationAnswers[Step]; emptyRows: number } {
  switch (step) {
    case 'company':
      return { answers: parseCompany(body), emptyRows: 0 };
    case 'contacts':
      return { answers: parseContacts(body), emptyRows: 0 };
    case 'locations': {
      const { items, empty } = parseLocations(body);
      return { answers: { items }, emptyRows: empty };
    }
    case 'distributors': {
      const { items, empty, initialDistributorId } = parseDistributors(body);
      return { answers: { items, initialDistributorId }, emptyRows: empty };
    }
    case 'added_value':
      return { answers: parseAddedValue(body), emptyRows: 0 };
    case 'personnel': {
      const { items, empty } = parsePersonnel(body);
      return { answers: { items }, emptyRows: empty };
    }
  }
}

/** The signing form (REG-1, REG-6, REG-11) and, when staff asked a question, the answer. */
export function parseSignature(body: unknown): { signature: Signature; applicantAnswer: string } {
  return {
    signature: {
      confirmsAuthority: checked(body, 'sign.confirms_authority'),
      name: text(body, 'sign.signatory_name'),
      title: text(body, 'sign.signatory_title'),
      // The version is sent only when its box is ticked: accepting means "this version".
      acceptedAgreementVersion: checked(body, 'sign.agreement') ? text(body, 'sign.agreement_version') : '',
      consentsToRelease: checked(body, 'sign.release_consent'),
      // which text the page showed, so the consent records exactly that and a stale page is refused.
      textLanguage: text(body, 'sign.text_language') || undefined,
      textHash: text(body, 'sign.text_hash') || undefined,
    },
    applicantAnswer: text(body, 'applicant_answer'),
  };
}
