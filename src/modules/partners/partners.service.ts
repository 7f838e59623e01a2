import type { Executor, Trx } from '../../platform/db.ts';
import { insertOrganisation } from '../accounts/index.ts';
import type { PartnerClaim } from '../distributors/index.ts';
import * as repo from './partners.repository.ts';
import type { LocationFinding, PartnerStatus } from './partners.table.ts';
import { purchaseRestrictionReasons, type PurchaseRestriction } from './partners.rules.ts';
import { overviewRowFromJson, type OverviewRow } from './training.repository.ts';
import { trainingDueAt } from './training.rules.ts';
import { assignInitialKeyPersonnel, trainingRestrictedPartnerIds } from './training.service.ts';

export type { PartnerStatus };

/** A reseller organisation in the programme; `id` is its organisation's id (REG-12). */
export interface Partner {
  id: string;
  legalName: string;
  country: string;
  status: PartnerStatus;
  registeredAt: Date | null;
  initialDistributorId: string | null;
  distributorInfoReviewedAt: Date | null;
  contact: { name: string | null; email: string | null; phone: string | null };
  agreement: { id: string; effectiveAt: Date | null; renewalDueAt: Date | null } | null;
  /** The end of the registration term (renewal_due_at), with or without a recorded agreement. */
  termEndsAt: Date | null;
  version: number;
  createdAt: Date;
}

export interface PartnerLocation {
  id: string;
  partnerId: string;
  lines: string[];
  city: string;
  postcode: string | null;
  country: string;
  type: string;
  /** REG-14: shown in the Partner Locator. */
  listed: boolean;
  latitude: number | null;
  longitude: number | null;
}

/** What an application tells about the applicant company (REG-1, REG-3). */
export interface ApplicantPartnerInput {
  legalName: string;
  country: string;
  initialDistributorId: string | null;
  contact: { name: string; email: string; phone: string };
}

export interface KeyPersonInput {
  name: string;
  email: string;
  role: string;
}

export interface LocationInput {
  lines: string[];
  city: string;
  postcode: string;
  country: string;
  type: string;
}

function toPartner(row: repo.PartnerRow): Partner {
  return {
    id: row.organisation_id,
    legalName: row.legal_name,
    country: row.country,
    status: row.status,
    registeredAt: row.registered_at,
    initialDistributorId: row.initial_distributor_id,
    distributorInfoReviewedAt: row.distributor_info_reviewed_at,
    contact: { name: row.contact_name, email: row.contact_email, phone: row.contact_phone },
    agreement: row.agreement_id
      ? { id: row.agreement_id, effectiveAt: row.agreement_effective_at, renewalDueAt: row.renewal_due_at }
      : null,
    termEndsAt: row.renewal_due_at,
    version: row.version,
    createdAt: row.created_at,
  };
}

const applicantFields = (input: ApplicantPartnerInput) => ({
  legal_name: input.legalName.trim(),
  country: input.country,
  initial_distributor_id: input.initialDistributorId,
  contact_name: input.contact.name.trim(),
  contact_email: input.contact.email.trim(),
  contact_phone: input.contact.phone.trim(),
});

/** A submitted application's company becomes an applicant partner with its own organisation; answers its id. */
export async function createApplicantPartner(trx: Trx, input: ApplicantPartnerInput): Promise<string> {
  const fields = applicantFields(input);
  const organisation = await insertOrganisation(trx, { kind: 'partner', name: fields.legal_name });
  await repo.insertPartner(trx, { organisation_id: organisation.id, ...fields });
  return organisation.id;
}

/** A resubmitted application updates the applicant partner it created the first time. */
export async function updateApplicantPartner(
  trx: Trx,
  partnerId: string,
  input: ApplicantPartnerInput,
  now = new Date(),
): Promise<void> {
  await repo.updateApplicantFields(trx, partnerId, applicantFields(input), now);
}

/** A partner registered from the start, with its review date (demo data and imports). */
export async function createRegisteredPartner(
  trx: Trx,
  input: ApplicantPartnerInput & { registeredAt: Date; distributorInfoReviewedAt: Date | null },
): Promise<string> {
  const fields = applicantFields(input);
  const organisation = await insertOrganisation(trx, { kind: 'partner', name: fields.legal_name });
  await repo.insertPartner(trx, {
    organisation_id: organisation.id,
    ...fields,
    status: 'registered',
    registered_at: input.registeredAt,
    distributor_info_reviewed_at: input.distributorInfoReviewedAt,
  });
  return organisation.id;
}

/**
 * REG-12 approval, the partner's part: registered under the signed agreement version, key
 * personnel assigned anticorruption training due within 12 months of the effective date
 * (REG-10), locations kept as unlisted drafts for the Partner Locator (REG-7, REG-14). The
 * caller's transaction holds it all; distributor information counts as reviewed today (REG-4).
 */
export async function registerPartner(
  trx: Trx,
  input: {
    partnerId: string;
    agreement: { id: string; effectiveAt: Date; renewalDueAt: Date };
    keyPersonnel: readonly KeyPersonInput[];
    locations: readonly LocationInput[];
    now: Date;
  },
): Promise<void> {
  const { partnerId, agreement, now } = input;
  await repo.markRegistered(trx, partnerId, {
    agreement_id: agreement.id,
    agreement_effective_at: agreement.effectiveAt,
    renewal_due_at: agreement.renewalDueAt,
    now,
  });
  await assignInitialKeyPersonnel(trx, partnerId, input.keyPersonnel, trainingDueAt(agreement.effectiveAt), now);
  await repo.insertLocations(
    trx,
    input.locations.map((l) => ({
      partner_id: partnerId,
      lines: l.lines.map((line) => line.trim()).filter(Boolean),
      city: l.city.trim(),
      postcode: l.postcode.trim() || null,
      country: l.country.trim().toUpperCase(),
      type: l.type,
      listed: false,
    })),
  );
}

export async function findPartner(db: Executor, partnerId: string): Promise<Partner | undefined> {
  const row = await repo.partnerById(db, partnerId);
  return row && toPartner(row);
}

/**
 * What the Partner Self Service home reads, in one round trip (#15): the partner; whether each
 * location is listed and what the rule found; its account claims as the distributors module's
 * claimsOfPartner gives them; its key personnel's training rows (trainingStatusFromRows).
 */
export async function findPartnerHome(
  db: Executor,
  partnerId: string,
): Promise<
  | {
      partner: Partner;
      locations: { listed: boolean; findings: LocationFinding[] }[];
      claims: PartnerClaim[];
      trainingRows: OverviewRow[];
    }
  | undefined
> {
  const row = await repo.partnerHome(db, partnerId);
  return (
    row && {
      partner: toPartner(row),
      locations: row.locations,
      claims: row.claims.map((c) => ({
        id: c.id,
        distributorId: c.distributor_id,
        distributorName: c.distributor_name,
        accountNumber: c.account_number,
        status: c.status,
        createdAt: new Date(c.created_at),
        decidedAt: c.decided_at === null ? null : new Date(c.decided_at),
      })),
      trainingRows: row.training.map(overviewRowFromJson),
    }
  );
}

/** The partners a user works for: every partner organisation in which they hold a role. */
export async function partnersOfUser(db: Executor, userId: string): Promise<Partner[]> {
  return (await repo.partnersOfUser(db, userId)).map(toPartner);
}

/** The partner a user works for, when there is one (the first by name if several). */
export async function partnerOfUser(db: Executor, userId: string): Promise<Partner | undefined> {
  return (await partnersOfUser(db, userId))[0];
}

export async function locationsOfPartner(db: Executor, partnerId: string): Promise<PartnerLocation[]> {
  return (await repo.locationsOfPartner(db, partnerId)).map((r) => ({
    id: r.id,
    partnerId: r.partner_id,
    lines: r.lines,
    city: r.city,
    postcode: r.postcode,
    country: r.country,
    type: r.type,
    listed: r.listed,
    latitude: r.latitude,
    longitude: r.longitude,
  }));
}

// ---- Programme figures for the staff dashboard ----

export interface TrainingCompliance {
  assigned: number;
  completed: number;
  dueWithin30Days: number;
  overdue: number;
}

export async function registeredPartnersByCountry(db: Executor): Promise<{ country: string; partners: number }[]> {
  return (await repo.registeredCountByCountry(db)).map((r) => ({ country: r.country, partners: Number(r.n) }));
}

/** REG-10 across the programme: assignments, completions, and those due within 30 days or overdue. */
export async function trainingCompliance(db: Executor, now: Date): Promise<TrainingCompliance> {
  const t = await repo.trainingCounts(db, now, new Date(now.getTime() + 30 * 86_400_000));
  return { assigned: t.assigned, completed: t.completed, dueWithin30Days: t.due_soon, overdue: t.overdue };
}

/** REG-4: registered partners that cannot buy: no confirmed distributor account, review overdue, or restricted for training (REG-10). */
export async function purchaseRestrictedPartners(
  db: Executor,
  reviewMonths: number,
  now: Date,
): Promise<PurchaseRestriction[]> {
  const [facts, training] = await Promise.all([
    repo.purchaseFacts(db, reviewMonths, now),
    trainingRestrictedPartnerIds(db, now),
  ]);
  return facts
    .map((f) => ({
      partnerId: f.organisation_id,
      legalName: f.legal_name,
      country: f.country,
      reasons: purchaseRestrictionReasons({
        hasConfirmedAccount: !f.no_confirmed,
        reviewOverdue: f.review_overdue,
        trainingRestricted: training.has(f.organisation_id),
      }),
    }))
    .filter((p) => p.reasons.length > 0);
}
