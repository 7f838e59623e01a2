import { isUuid } from '../../platform/ids.ts';
import { auditActor, requirePermission, type Actor } from '../../platform/auth.ts';
import { announceChange } from '../../platform/cache.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import type { Executor, Trx } from '../../platform/db.ts';
import { conflict, notFound, validationFailed } from '../../platform/errors.ts';
import { isLanguage } from '../../platform/i18n.ts';
import { insertGrant } from '../accounts/index.ts';
import { recordAudit } from '../audit/index.ts';
import { announceNewPartner, ELIGIBILITY_TOPIC } from '../distributors/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import { registerPartner } from '../partners/index.ts';
import type { ApplicationAnswers, Finding } from '../registration/index.ts';
import { verdictsOf, type FindingVerdict } from './flags.service.ts';
import * as repo from './review.repository.ts';
import {
  approvalDates,
  businessDaysBetween,
  checkDecision,
  CHECKLIST_ITEMS,
  isOverdue,
  isVisibleToStaff,
  namesToScreen,
  screenNames,
  statusAfter,
  type DecisionInput,
  type ScreeningHit,
} from './review.rules.ts';

export interface QueueFilter {
  status?: 'submitted' | 'info_requested' | undefined;
  country?: string | undefined;
  assigned?: 'me' | 'unassigned' | undefined;
  sort?: 'oldest' | 'newest' | 'flags' | undefined;
}

export interface QueueEntry {
  id: string;
  reference: string;
  legalName: string | null;
  country: string | null;
  status: string;
  submittedAt: Date | null;
  ageBusinessDays: number;
  overdue: boolean;
  flags: number;
  reviewer: { id: string; name: string } | null;
}

/** The review queue: submitted applications with their age against the 15-business-day target. */
export async function reviewQueue(
  ctx: AppContext,
  actor: Actor | null,
  filter: QueueFilter = {},
  now = new Date(),
): Promise<QueueEntry[]> {
  const staff = requirePermission(actor, 'applications:review');
  const rows = await repo.queueRows(ctx.db, {
    statuses: filter.status ? [filter.status] : ['submitted', 'info_requested'],
    country: filter.country?.toUpperCase(),
    reviewerId: filter.assigned === 'me' ? staff.userId : filter.assigned === 'unassigned' ? null : undefined,
    newestFirst: filter.sort === 'newest',
  });
  const entries = rows.map((r) => {
    const age = r.submitted_at ? businessDaysBetween(r.submitted_at, now) : 0;
    return {
      id: r.id,
      reference: r.reference,
      legalName: r.legal_name,
      country: r.country,
      status: r.status,
      submittedAt: r.submitted_at,
      ageBusinessDays: age,
      overdue: isOverdue(r.status, age),
      flags: Number(r.flags),
      reviewer: r.reviewer_id ? { id: r.reviewer_id, name: r.reviewer_name ?? '' } : null,
    };
  });
  return filter.sort === 'flags' ? entries.sort((a, b) => b.flags - a.flags) : entries;
}

/** The application, if staff may see it; an unknown id or a draft is not found. */
async function staffApplication(db: Executor, id: string): Promise<repo.ApplicationRow> {
  // Checked first: an id that is not a UUID would reach PostgreSQL and answer 500.
  const application = isUuid(id) ? await repo.applicationById(db, id) : undefined;
  if (!application || !isVisibleToStaff(application.status)) throw notFound('Application');
  return application;
}

/** A reviewer takes an application; taking one that a colleague holds needs `takeOver`. */
export async function claimApplication(
  ctx: AppContext,
  actor: Actor | null,
  id: string,
  takeOver: boolean,
  meta: RequestMeta,
): Promise<void> {
  const staff = requirePermission(actor, 'applications:review');
  await staffApplication(ctx.db, id);
  await ctx.db.transaction().execute(async (trx) => {
    const current = await repo.lockAssignment(trx, id);
    if (current && current.reviewer_id !== staff.userId && !takeOver)
      throw conflict(
        'already_claimed',
        'A colleague is reviewing this application. Take it over only if you agreed to.',
      );
    await repo.assignReviewer(trx, id, staff.userId, new Date());
    await recordAudit(trx, {
      actor: auditActor(staff),
      action: 'application.claimed',
      subject: { type: 'application', id },
      ip: meta.ip,
      data: { from: current?.reviewer_id ?? null },
    });
  });
}

export async function setChecklistItem(
  ctx: AppContext,
  actor: Actor | null,
  id: string,
  item: string,
  checked: boolean,
  meta: RequestMeta,
): Promise<void> {
  const staff = requirePermission(actor, 'applications:review');
  if (!(CHECKLIST_ITEMS as readonly string[]).includes(item))
    throw validationFailed([{ field: 'item', rule: 'checklist_item_unknown' }]);
  // Without this an unknown id reached the foreign key and answered 500.
  await staffApplication(ctx.db, id);
  await ctx.db.transaction().execute(async (trx) => {
    if (checked) await repo.tickItem(trx, id, item, staff.userId);
    else await repo.untickItem(trx, id, item);
    await recordAudit(trx, {
      actor: auditActor(staff),
      action: checked ? 'review.checklist_ticked' : 'review.checklist_unticked',
      subject: { type: 'application', id },
      ip: meta.ip,
      data: { item },
    });
  });
}

export interface ReviewDetail {
  id: string;
  reference: string;
  status: string;
  answers: ApplicationAnswers;
  findings: Finding[];
  /** Reviewers' current verdicts on the flags (#11). */
  feedback: FindingVerdict[];
  submittedAt: Date | null;
  ageBusinessDays: number;
  agreementVersion: string | null;
  signatory: { name: string; title: string } | null;
  consents: {
    kind: string;
    acceptedAt: Date;
    ip: string | null;
    userAgent: string | null;
    textVersion: string;
    textHash: string;
    language: string;
    user: string;
  }[];
  claims: { distributor: string; accountNumber: string; status: string; decidedAt: Date | null }[];
  checklist: { item: string; checked: boolean }[];
  screening: ScreeningHit[];
  decisions: {
    decision: string;
    internalReason: string | null;
    question: string | null;
    decidedBy: string;
    decidedAt: Date;
  }[];
  reviewer: { id: string; name: string } | null;
  applicantAnswer: string | null;
  members: { name: string; email: string; role: string }[];
}

/** Everything a reviewer needs in one view, including what only staff may read (REG-12). */
export async function reviewDetail(
  ctx: AppContext,
  actor: Actor | null,
  id: string,
  now = new Date(),
): Promise<ReviewDetail> {
  requirePermission(actor, 'applications:review');
  const application = await staffApplication(ctx.db, id);
  const [submission, consents, claims, checked, decisions, reviewer, members, denied, feedback] = await Promise.all([
    repo.latestSubmissionWithAgreement(ctx.db, id),
    repo.consentsWithUser(ctx.db, id),
    application.partner_id ? repo.claimsOfPartner(ctx.db, application.partner_id) : Promise.resolve([]),
    repo.checkedItems(ctx.db, id),
    repo.decisionsOf(ctx.db, id),
    repo.reviewerOf(ctx.db, id),
    repo.membersOf(ctx.db, id),
    repo.deniedParties(ctx.db),
    verdictsOf(ctx.db, id),
  ]);
  const answers = submission?.answers ?? application.answers;
  const checkedItems = new Set(checked);
  return {
    id: application.id,
    reference: application.reference,
    status: application.status,
    answers,
    findings: submission?.findings ?? [],
    feedback,
    submittedAt: application.submitted_at,
    ageBusinessDays: application.submitted_at ? businessDaysBetween(application.submitted_at, now) : 0,
    agreementVersion: submission?.version ?? null,
    signatory:
      application.signatory_name && application.signatory_title
        ? { name: application.signatory_name, title: application.signatory_title }
        : null,
    consents: consents.map((c) => ({
      kind: c.kind,
      acceptedAt: c.accepted_at,
      ip: c.ip,
      userAgent: c.user_agent,
      textVersion: c.text_version,
      textHash: c.text_hash,
      language: c.language,
      user: c.email,
    })),
    claims: claims.map((c) => ({
      distributor: c.legal_name,
      accountNumber: c.account_number,
      status: c.status,
      decidedAt: c.decided_at,
    })),
    checklist: CHECKLIST_ITEMS.map((item) => ({ item, checked: checkedItems.has(item) })),
    screening: screenNames(
      namesToScreen(answers),
      denied.map((d) => ({
        name: d.name,
        normalisedName: d.normalised_name,
        country: d.country,
        source: d.source,
        listDate: d.list_date ? new Date(d.list_date).toISOString().slice(0, 10) : null,
      })),
    ),
    decisions: decisions.map((d) => ({
      decision: d.decision,
      internalReason: d.internal_reason,
      question: d.question,
      decidedBy: d.name,
      decidedAt: d.decided_at,
    })),
    reviewer: reviewer ? { id: reviewer.id, name: reviewer.name } : null,
    applicantAnswer: application.applicant_answer,
    members: members.map((m) => ({ name: m.name, email: m.email, role: m.role })),
  };
}

/**
 * REG-12: approve, decline or request more information. The status change is conditional on
 * the application still awaiting a decision, so of two reviewers deciding at once one wins and
 * the other gets a 409. Everything an approval creates happens in the same transaction.
 */
export async function decideApplication(
  ctx: AppContext,
  actor: Actor | null,
  id: string,
  input: DecisionInput,
  meta: RequestMeta,
  now = new Date(),
): Promise<{ status: string }> {
  const staff = requirePermission(actor, 'applications:decide');
  const application = await staffApplication(ctx.db, id);
  const checked = await repo.checkedItems(ctx.db, id);
  const problems = checkDecision(input, application.status, checked);
  if (problems.some((p) => p.rule === 'not_awaiting_decision'))
    throw conflict(
      'already_decided',
      `This application is ${application.status.replace('_', ' ')}; it is not awaiting a decision.`,
    );
  if (problems.length > 0) throw validationFailed(problems);
  const status = statusAfter(input.decision);
  const question = status === 'info_requested' ? input.question!.trim() : null;

  await ctx.db.transaction().execute(async (trx) => {
    const moved = await repo.moveSubmitted(trx, id, {
      status,
      decided_at: status === 'info_requested' ? null : now,
      staff_question: question,
      now,
    });
    if (!moved) throw conflict('already_decided', 'Another reviewer decided this application a moment ago.');
    const decisionId = await repo.insertDecision(trx, {
      application_id: id,
      decision: status,
      internal_reason: input.decision === 'decline' ? input.internalReason!.trim() : null,
      question,
      decided_by: staff.userId,
    });
    if (status === 'approved') await approve(trx, ctx, application, now);
    // The internal reason stays in application_decisions; the audit row points to it.
    await recordAudit(trx, {
      actor: auditActor(staff),
      action: `application.${status}`,
      subject: { type: 'application', id },
      organisationId: application.partner_id,
      ip: meta.ip,
      data: { decisionId, reference: application.reference },
    });
    await notifyApplicants(
      trx,
      ctx,
      id,
      status,
      application.reference,
      application.legal_name ?? application.reference,
    );
  });
  return { status };
}

/** REG-12 approval: partner registered, agreement dates, training (REG-10), draft listing (REG-7), on-boarding notice (REG-3), roles. */
async function approve(trx: Trx, ctx: AppContext, application: repo.ApplicationRow, now: Date): Promise<void> {
  const partnerId = application.partner_id!;
  const submission = await repo.latestSubmissionWithAgreement(trx, application.id);
  if (!submission) throw new Error(`application ${application.id} has no submission`);
  const dates = approvalDates(now);
  await registerPartner(trx, {
    partnerId,
    agreement: { id: submission.agreement_id, effectiveAt: dates.effectiveAt, renewalDueAt: dates.renewalDueAt },
    keyPersonnel: submission.answers.personnel?.items ?? [],
    locations: submission.answers.locations?.items ?? [],
    now,
  });
  for (const person of await repo.membersOf(trx, application.id)) {
    await insertGrant(trx, {
      user_id: person.user_id,
      role: 'partner_admin',
      organisation_id: partnerId,
      granted_by: null,
    });
    if (person.user_id === application.signatory_user_id)
      await insertGrant(trx, {
        user_id: person.user_id,
        role: 'partner_signatory',
        organisation_id: partnerId,
        granted_by: null,
      });
  }
  await announceNewPartner(trx, ctx, partnerId);
  await announceChange(trx, ELIGIBILITY_TOPIC);
}

/** Emails everyone working on the application. A decline says only that it was declined (REG-12). */
async function notifyApplicants(
  trx: Trx,
  ctx: AppContext,
  applicationId: string,
  status: 'approved' | 'declined' | 'info_requested',
  reference: string,
  company: string,
): Promise<void> {
  for (const person of await repo.membersOf(trx, applicationId)) {
    await enqueueEmail(trx, brandOf(ctx.config), {
      to: person.email,
      language: isLanguage(person.language) ? person.language : 'en',
      template: `application_${status}`,
      recipientName: person.name,
      actionUrl: `${ctx.config.publicUrl}/apply/${applicationId}/status`,
      vars: { reference, company },
    });
  }
}
