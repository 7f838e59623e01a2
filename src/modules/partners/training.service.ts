import { auditActor, can, requirePermission, type Actor } from '../../platform/auth.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import type { Executor, Trx } from '../../platform/db.ts';
import { conflict, notFound, validationFailed } from '../../platform/errors.ts';
import { isUniqueViolation } from '../../platform/pg-errors.ts';
import { recordAudit } from '../audit/index.ts';
import * as partners from './partners.repository.ts';
import * as repo from './training.repository.ts';
import {
  checkKeyPerson,
  dueAtForAddedPerson,
  flagChangesAt,
  flaggedNonCompliant,
  partnerCompliance,
  personStatus,
  type PartnerCompliance,
  type PersonTrainingStatus,
} from './training.rules.ts';
import { trainingSettings } from './training-admin.service.ts';
import type { CompletionStatus } from './training.table.ts';
import './training.errors.ts';

/** A key person's current training, as the partner and staff see it (REG-10). */
export interface PersonTraining {
  keyPersonId: string;
  partner: { id: string; legalName: string; country: string };
  userId: string | null;
  name: string;
  email: string;
  role: string | null;
  version: number;
  assignmentId: string | null;
  dueAt: Date | null;
  status: PersonTrainingStatus;
  latest: {
    id: string;
    status: CompletionStatus;
    completedAt: Date | null;
    courseName: string | null;
    reviewReason: string | null;
  } | null;
}

export interface PartnerTrainingSummary {
  partnerId: string;
  legalName: string;
  country: string;
  compliance: PartnerCompliance;
  /** The earliest due date among overdue people: how long the partner has been non-compliant. */
  nonCompliantSince: Date | null;
  flagged: boolean;
  people: PersonTraining[];
}

export const isStaff = (actor: Actor | null | undefined) => can(actor, 'applications:review');

/** The partner's own users and staff see its people; anyone else is told it does not exist (REG-10, 404). */
export async function requirePartnerView(ctx: AppContext, actor: Actor | null | undefined, partnerId: string) {
  if (!actor || !(isStaff(actor) || can(actor, 'partner:read', partnerId))) throw notFound('Partner');
  const partner = await partners.partnerById(ctx.db, partnerId);
  if (!partner) throw notFound('Partner');
  return { actor, partner };
}

function toPerson(r: repo.OverviewRow, now: Date): PersonTraining {
  const latest = r.completion_id
    ? {
        id: r.completion_id,
        status: r.completion_status!,
        completedAt: r.completed_at,
        courseName: r.course_name,
        reviewReason: r.review_reason,
      }
    : null;
  return {
    keyPersonId: r.key_person_id,
    partner: { id: r.partner_id, legalName: r.legal_name, country: r.country },
    userId: r.user_id,
    name: r.name,
    email: r.email,
    role: r.role,
    version: r.version,
    assignmentId: r.assignment_id,
    dueAt: r.due_at,
    status: r.due_at ? personStatus({ dueAt: r.due_at }, latest, now) : 'assigned',
    latest,
  };
}

/** Groups people by partner with the partner's compliance (REG-10). */
function summarise(people: PersonTraining[], flagAfterDays: number, now: Date): PartnerTrainingSummary[] {
  const byPartner = new Map<string, PartnerTrainingSummary>();
  for (const person of people) {
    const entry = byPartner.get(person.partner.id) ?? {
      partnerId: person.partner.id,
      legalName: person.partner.legalName,
      country: person.partner.country,
      compliance: 'compliant',
      nonCompliantSince: null,
      flagged: false,
      people: [],
    };
    entry.people.push(person);
    byPartner.set(person.partner.id, entry);
  }
  for (const entry of byPartner.values()) {
    entry.compliance = partnerCompliance(entry.people.map((p) => p.status));
    const overdue = entry.people.filter((p) => p.status === 'overdue' && p.dueAt).map((p) => p.dueAt!.getTime());
    entry.nonCompliantSince = overdue.length > 0 ? new Date(Math.min(...overdue)) : null;
    entry.flagged = flaggedNonCompliant(entry.nonCompliantSince, flagAfterDays, now);
  }
  return [...byPartner.values()];
}

async function summaries(
  db: Executor,
  filter: { partnerId?: string | undefined; country?: string | undefined },
  now: Date,
): Promise<PartnerTrainingSummary[]> {
  const [rows, settings] = await Promise.all([repo.overview(db, filter), trainingSettings(db)]);
  return summarise(
    rows.map((r) => toPerson(r, now)),
    settings.flagAfterDays,
    now,
  );
}

/** REG-10 summary for one partner, for the Self Service home's "training due or overdue" task. */
export interface TrainingStatus {
  compliance: PartnerCompliance;
  dueSoon: number;
  overdue: number;
  rejected: number;
  people: number;
  nextDueAt: Date | null;
}

/**
 * REG-10 summary for one partner, for the Self Service home's "training due or overdue" task:
 * no authorisation here, the caller already showed the partner to its own user.
 */
export async function trainingStatusOf(db: Executor, partnerId: string, now = new Date()): Promise<TrainingStatus> {
  return trainingStatusFromRows(db, await repo.overview(db, { partnerId }), now);
}

/** The same from the partner's overview rows read with the rest of its home (#15). */
export async function trainingStatusFromRows(
  db: Executor,
  rows: repo.OverviewRow[],
  now = new Date(),
): Promise<TrainingStatus> {
  const settings = await trainingSettings(db);
  const [summary] = summarise(
    rows.map((r) => toPerson(r, now)),
    settings.flagAfterDays,
    now,
  );
  const people = summary?.people ?? [];
  const open = people
    .filter((p) => p.dueAt && !['verified', 'awaiting_verification'].includes(p.status))
    .map((p) => p.dueAt!.getTime());
  return {
    compliance: summary?.compliance ?? 'compliant',
    dueSoon: people.filter((p) => p.status === 'due_soon').length,
    overdue: people.filter((p) => p.status === 'overdue').length,
    rejected: people.filter((p) => p.status === 'rejected').length,
    people: people.length,
    nextDueAt: open.length > 0 ? new Date(Math.min(...open)) : null,
  };
}

/** The partner's key personnel with their training status (the partner's own users and staff). */
export async function partnerTraining(
  ctx: AppContext,
  actor: Actor | null | undefined,
  partnerId: string,
  now = new Date(),
): Promise<PartnerTrainingSummary> {
  const { partner } = await requirePartnerView(ctx, actor, partnerId);
  const [summary] = await summaries(ctx.db, { partnerId }, now);
  return (
    summary ?? {
      partnerId,
      legalName: partner.legal_name,
      country: partner.country,
      compliance: 'compliant',
      nonCompliantSince: null,
      flagged: false,
      people: [],
    }
  );
}

/** The partner's users a partner admin may designate as key personnel. */
export async function colleaguesOf(
  ctx: AppContext,
  actor: Actor | null | undefined,
  partnerId: string,
): Promise<{ id: string; name: string; email: string }[]> {
  await requirePartnerView(ctx, actor, partnerId);
  return repo.colleagues(ctx.db, partnerId);
}

/** People removed from key personnel: their assignments are kept as history. */
export async function formerKeyPersonnel(ctx: AppContext, actor: Actor | null | undefined, partnerId: string) {
  await requirePartnerView(ctx, actor, partnerId);
  return (await repo.keyPersonnel(ctx.db, partnerId, true))
    .filter((k) => k.removed_at)
    .map((k) => ({
      id: k.id,
      name: k.name,
      email: k.email,
      role: k.role,
      addedAt: k.added_at,
      removedAt: k.removed_at!,
    }));
}

export interface StaffTrainingFilter {
  country?: string | undefined;
  partnerId?: string | undefined;
  status?: PersonTrainingStatus | PartnerCompliance | 'flagged' | undefined;
}

/** REG-10 for staff: partners with their people, filtered by country, partner and a person's or partner's status. */
export async function staffTraining(
  ctx: AppContext,
  actor: Actor | null | undefined,
  filter: StaffTrainingFilter,
  now = new Date(),
): Promise<PartnerTrainingSummary[]> {
  requirePermission(actor, 'applications:review');
  const all = await summaries(ctx.db, { country: filter.country, partnerId: filter.partnerId }, now);
  const status = filter.status;
  if (!status) return all;
  if (status === 'flagged') return all.filter((p) => p.flagged);
  if (status === 'compliant' || status === 'at_risk' || status === 'non_compliant')
    return all.filter((p) => p.compliance === status);
  return all
    .map((p) => ({ ...p, people: p.people.filter((person) => person.status === status) }))
    .filter((p) => p.people.length > 0);
}

/** Every partner whose purchases training restricts now (none unless staff restrict flagged partners). */
export async function trainingRestrictedPartnerIds(db: Executor, now = new Date()): Promise<Set<string>> {
  const settings = await trainingSettings(db);
  if (!settings.restrictNonCompliant) return new Set();
  return new Set((await summaries(db, {}, now)).filter((p) => p.flagged).map((p) => p.partnerId));
}

/** Registered partners by name, for the staff console's partner filter. */
export async function registeredPartnerOptions(
  ctx: AppContext,
  actor: Actor | null | undefined,
): Promise<{ id: string; legalName: string }[]> {
  requirePermission(actor, 'applications:review');
  return (await partners.partnersByStatus(ctx.db, 'registered'))
    .map((p) => ({ id: p.organisation_id, legalName: p.legal_name }))
    .sort((a, b) => a.legalName.localeCompare(b.legalName));
}

/** Partners non-compliant (and flagged) for the staff dashboard. */
export async function trainingFlags(
  db: Executor,
  now = new Date(),
): Promise<{ nonCompliant: number; atRisk: number; flagged: number; restricting: boolean }> {
  const [all, settings] = await Promise.all([summaries(db, {}, now), trainingSettings(db)]);
  return {
    nonCompliant: all.filter((p) => p.compliance === 'non_compliant').length,
    atRisk: all.filter((p) => p.compliance === 'at_risk').length,
    flagged: all.filter((p) => p.flagged).length,
    restricting: settings.restrictNonCompliant,
  };
}

/**
 * REG-10 with REG-4: whether a partner's purchases are restricted for training, i.e. staff chose
 * to restrict flagged partners and this one is flagged. For the distributors' eligibility.
 */
export async function trainingRestrictsPurchases(db: Executor, partnerId: string, now = new Date()): Promise<boolean> {
  return (await trainingRestriction(db, partnerId, now)).restricted;
}

/**
 * trainingRestrictsPurchases, and when the answer next changes by the clock alone (null: not
 * before the data changes), so that a cached eligibility answer expires then (decision 065).
 */
export async function trainingRestriction(
  db: Executor,
  partnerId: string,
  now = new Date(),
): Promise<{ restricted: boolean; changesAt: Date | null }> {
  const settings = await trainingSettings(db);
  if (!settings.restrictNonCompliant) return { restricted: false, changesAt: null };
  const people = (await repo.overview(db, { partnerId })).map((r) => toPerson(r, now));
  const [summary] = summarise(people, settings.flagAfterDays, now);
  return {
    restricted: summary?.flagged ?? false,
    changesAt: summary?.flagged ? null : flagChangesAt(people, settings.flagAfterDays, now),
  };
}

// ---- Key personnel (partner admins; staff may correct) ----

function requireManager(actor: Actor, partnerId: string): void {
  if (!can(actor, 'partner:manage', partnerId) && !can(actor, 'staff:manage'))
    requirePermission(actor, 'partner:manage', partnerId);
}

export interface KeyPersonInput {
  /** A colleague with an account; else name and email describe a person without one. */
  userId?: string | undefined;
  name?: string | undefined;
  email?: string | undefined;
  role?: string | undefined;
}

async function resolvePerson(ctx: AppContext, partnerId: string, input: KeyPersonInput) {
  if (input.userId) {
    const user = await repo.colleague(ctx.db, partnerId, input.userId);
    if (!user) throw validationFailed([{ field: 'user_id', rule: 'colleague_unknown' }]);
    return { user_id: user.id, name: user.name, email: user.email, role: input.role?.trim() || null };
  }
  const problems = checkKeyPerson({ name: input.name ?? '', email: input.email ?? '', role: input.role });
  if (problems.length > 0) throw validationFailed(problems);
  return { user_id: null, name: input.name!.trim(), email: input.email!.trim(), role: input.role?.trim() || null };
}

/** REG-10: designates a key person; they are assigned training due at the later of the partner's date and the grace period. */
export async function addKeyPerson(
  ctx: AppContext,
  actor: Actor | null | undefined,
  partnerId: string,
  input: KeyPersonInput,
  meta: RequestMeta,
  now = new Date(),
): Promise<{ id: string; dueAt: Date }> {
  const { actor: user, partner } = await requirePartnerView(ctx, actor, partnerId);
  requireManager(user, partnerId);
  const person = await resolvePerson(ctx, partnerId, input);
  const settings = await trainingSettings(ctx.db);
  const dueAt = dueAtForAddedPerson(partner.agreement_effective_at, now, settings.graceDays);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const row = await repo.insertKeyPerson(trx, { partner_id: partnerId, ...person, added_at: now });
      await repo.insertAssignment(trx, {
        partner_id: partnerId,
        key_person_id: row.id,
        person_name: row.name,
        person_email: row.email,
        person_role: row.role,
        due_at: dueAt,
      });
      await recordAudit(trx, {
        actor: auditActor(user),
        action: 'training.key_person_added',
        subject: { type: 'key_person', id: row.id },
        organisationId: partnerId,
        ip: meta.ip,
        data: { email: row.email, due: dueAt.toISOString() },
      });
      return { id: row.id, dueAt };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict('training_person_exists', 'This person is already one of the key personnel.');
    throw error;
  }
}

/** Changes a key person's details (optimistic: `version`); their open assignment follows. */
export async function updateKeyPerson(
  ctx: AppContext,
  actor: Actor | null | undefined,
  partnerId: string,
  keyPersonId: string,
  input: KeyPersonInput & { version: number },
  meta: RequestMeta,
): Promise<void> {
  const { actor: user } = await requirePartnerView(ctx, actor, partnerId);
  requireManager(user, partnerId);
  const existing = await repo.keyPersonById(ctx.db, keyPersonId);
  if (!existing || existing.partner_id !== partnerId || existing.removed_at) throw notFound('Key person');
  const person = await resolvePerson(ctx, partnerId, input);
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const row = await repo.updateKeyPerson(trx, keyPersonId, input.version, person);
      if (!row) throw conflict('stale_version', 'Someone changed this person meanwhile; reload and try again.');
      await repo.updateAssignmentPerson(trx, keyPersonId, {
        person_name: row.name,
        person_email: row.email,
        person_role: row.role,
      });
      await recordAudit(trx, {
        actor: auditActor(user),
        action: 'training.key_person_changed',
        subject: { type: 'key_person', id: keyPersonId },
        organisationId: partnerId,
        ip: meta.ip,
        data: { from: existing.email, to: row.email },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict('training_person_exists', 'This person is already one of the key personnel.');
    throw error;
  }
}

/** REG-10: removing a person ends their assignment; both stay as history. */
export async function removeKeyPerson(
  ctx: AppContext,
  actor: Actor | null | undefined,
  partnerId: string,
  keyPersonId: string,
  version: number,
  meta: RequestMeta,
  now = new Date(),
): Promise<void> {
  const { actor: user } = await requirePartnerView(ctx, actor, partnerId);
  requireManager(user, partnerId);
  const existing = await repo.keyPersonById(ctx.db, keyPersonId);
  if (!existing || existing.partner_id !== partnerId || existing.removed_at) throw notFound('Key person');
  await ctx.db.transaction().execute(async (trx) => {
    const row = await repo.removeKeyPerson(trx, keyPersonId, version, now);
    if (!row) throw conflict('stale_version', 'Someone changed this person meanwhile; reload and try again.');
    await repo.endAssignmentsOf(trx, keyPersonId, now);
    await recordAudit(trx, {
      actor: auditActor(user),
      action: 'training.key_person_removed',
      subject: { type: 'key_person', id: keyPersonId },
      organisationId: partnerId,
      ip: meta.ip,
      data: { email: existing.email },
    });
  });
}

/** Approval (REG-12): the key personnel named in the application, each with an assignment due at `dueAt`. */
export async function assignInitialKeyPersonnel(
  trx: Trx,
  partnerId: string,
  people: readonly { name: string; email: string; role: string }[],
  dueAt: Date,
  now: Date,
): Promise<void> {
  for (const p of people) {
    const row = await repo.insertKeyPerson(trx, {
      partner_id: partnerId,
      name: p.name.trim(),
      email: p.email.trim(),
      role: p.role.trim() || null,
      added_at: now,
    });
    await repo.insertAssignment(trx, {
      partner_id: partnerId,
      key_person_id: row.id,
      person_name: row.name,
      person_email: row.email,
      person_role: row.role,
      due_at: dueAt,
    });
  }
}
