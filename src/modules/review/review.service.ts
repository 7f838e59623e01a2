import { isUuid } from '../../platform/ids.ts';
import { sql } from 'kysely';
import { auditActor, requirePermission, type Actor } from '../../platform/auth.ts';
import { announceChange } from '../../platform/cache.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import type { Trx } from '../../platform/db.ts';
import { conflict, notFound, validationFailed } from '../../platform/errors.ts';
import { isLanguage } from '../../platform/i18n.ts';
import { insertGrant } from '../accounts/index.ts';
import { recordAudit } from '../audit/index.ts';
import { announceNewPartner, ELIGIBILITY_TOPIC } from '../distributors/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import type { ApplicationAnswers, Finding } from '../registration/index.ts';
import { approvalDates, businessDaysBetween, checkDecision, CHECKLIST_ITEMS, REVIEW_TARGET_BUSINESS_DAYS, screenNames, type DecisionInput, type ScreeningHit } from './review.rules.ts';


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
export async function reviewQueue(ctx: AppContext, actor: Actor | null, filter: QueueFilter = {}, now = new Date()): Promise<QueueEntry[]> {
  const staff = requirePermission(actor, 'applications:review');
  let query = ctx.db
    .selectFrom('applications as a')
    .leftJoin('application_assignments as g', 'g.application_id', 'a.id')
    .leftJoin('users as r', 'r.id', 'g.reviewer_id')
    .select([
      'a.id',
      'a.reference',
      'a.legal_name',
      'a.country',
      'a.status',
      'a.submitted_at',
      'g.reviewer_id',
      'r.name as reviewer_name',
      sql<number>`coalesce((SELECT count(*)::int FROM application_submissions s, jsonb_array_elements(s.findings) f
        WHERE s.application_id = a.id AND f->>'outcome' = 'review'
          AND s.sequence = (SELECT max(sequence) FROM application_submissions WHERE application_id = a.id)), 0)`.as('flags'),
    ])
    .where('a.status', 'in', filter.status ? [filter.status] : ['submitted', 'info_requested']);
  if (filter.country) query = query.where('a.country', '=', filter.country.toUpperCase());
  if (filter.assigned === 'me') query = query.where('g.reviewer_id', '=', staff.userId);
  if (filter.assigned === 'unassigned') query = query.where('g.reviewer_id', 'is', null);
  const rows = await query.orderBy('a.submitted_at', filter.sort === 'newest' ? 'desc' : 'asc').limit(500).execute();
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
      overdue: r.status === 'submitted' && age > REVIEW_TARGET_BUSINESS_DAYS,
      flags: Number(r.flags),
      reviewer: r.reviewer_id ? { id: r.reviewer_id, name: r.reviewer_name ?? '' } : null,
    };
  });
  return filter.sort === 'flags' ? entries.sort((a, b) => b.flags - a.flags) : entries;
}

/** A reviewer takes an application; taking one that a colleague holds needs `takeOver`. */
export async function claimApplication(ctx: AppContext, actor: Actor | null, id: string, takeOver: boolean, meta: RequestMeta): Promise<void> {
  const staff = requirePermission(actor, 'applications:review');
  const application = isUuid(id) ? await ctx.db.selectFrom('applications').select(['id', 'status']).where('id', '=', id).executeTakeFirst() : undefined;
  if (!application || application.status === 'draft') throw notFound('Application');
  await ctx.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('application_assignments').select('reviewer_id').where('application_id', '=', id).forUpdate().executeTakeFirst();
    if (current && current.reviewer_id !== staff.userId && !takeOver) throw conflict('already_claimed', 'A colleague is reviewing this application. Take it over only if you agreed to.');
    await trx
      .insertInto('application_assignments')
      .values({ application_id: id, reviewer_id: staff.userId, claimed_at: new Date() })
      .onConflict((oc) => oc.column('application_id').doUpdateSet({ reviewer_id: staff.userId, claimed_at: new Date() }))
      .execute();
    await recordAudit(trx, { actor: auditActor(staff), action: 'application.claimed', subject: { type: 'application', id }, ip: meta.ip, data: { from: current?.reviewer_id ?? null } });
  });
}

export async function setChecklistItem(ctx: AppContext, actor: Actor | null, id: string, item: string, checked: boolean, meta: RequestMeta): Promise<void> {
  const staff = requirePermission(actor, 'applications:review');
  if (!(CHECKLIST_ITEMS as readonly string[]).includes(item)) throw validationFailed([{ field: 'item', rule: 'checklist_item_unknown' }]);
  // Without this an unknown id reached the foreign key and answered 500.
  const application = isUuid(id) ? await ctx.db.selectFrom('applications').select('status').where('id', '=', id).executeTakeFirst() : undefined;
  if (!application || application.status === 'draft') throw notFound('Application');
  await ctx.db.transaction().execute(async (trx) => {
    if (checked) await trx.insertInto('review_checklist').values({ application_id: id, item, checked_by: staff.userId }).onConflict((oc) => oc.columns(['application_id', 'item']).doNothing()).execute();
    else await trx.deleteFrom('review_checklist').where('application_id', '=', id).where('item', '=', item).execute();
    await recordAudit(trx, { actor: auditActor(staff), action: checked ? 'review.checklist_ticked' : 'review.checklist_unticked', subject: { type: 'application', id }, ip: meta.ip, data: { item } });
  });
}

export interface ReviewDetail {
  id: string;
  reference: string;
  status: string;
  answers: ApplicationAnswers;
  findings: Finding[];
  submittedAt: Date | null;
  ageBusinessDays: number;
  agreementVersion: string | null;
  signatory: { name: string; title: string } | null;
  consents: { kind: string; acceptedAt: Date; ip: string | null; userAgent: string | null; textVersion: string; textHash: string; user: string }[];
  claims: { distributor: string; accountNumber: string; status: string; decidedAt: Date | null }[];
  checklist: { item: string; checked: boolean }[];
  screening: ScreeningHit[];
  decisions: { decision: string; internalReason: string | null; question: string | null; decidedBy: string; decidedAt: Date }[];
  reviewer: { id: string; name: string } | null;
  applicantAnswer: string | null;
  members: { name: string; email: string; role: string }[];
}

/** Everything a reviewer needs in one view, including what only staff may read (REG-12). */
export async function reviewDetail(ctx: AppContext, actor: Actor | null, id: string, now = new Date()): Promise<ReviewDetail> {
  requirePermission(actor, 'applications:review');
  const application = isUuid(id) ? await ctx.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (!application || application.status === 'draft') throw notFound('Application');
  const [submission, consents, claims, checked, decisions, assignment, members, denied] = await Promise.all([
    ctx.db.selectFrom('application_submissions as s').innerJoin('agreements as g', 'g.id', 's.agreement_id').select(['s.findings', 's.answers', 'g.version']).where('s.application_id', '=', id).orderBy('s.sequence', 'desc').limit(1).executeTakeFirst(),
    ctx.db.selectFrom('consents as c').innerJoin('users as u', 'u.id', 'c.user_id').select(['c.kind', 'c.accepted_at', 'c.ip', 'c.user_agent', 'c.text_version', 'c.text_hash', 'u.email']).where('c.application_id', '=', id).orderBy('c.accepted_at').execute(),
    application.partner_id
      ? ctx.db.selectFrom('account_claims as c').innerJoin('distributors as d', 'd.id', 'c.distributor_id').select(['d.legal_name', 'c.account_number', 'c.status', 'c.decided_at']).where('c.partner_id', '=', application.partner_id).orderBy('d.legal_name').execute()
      : Promise.resolve([]),
    ctx.db.selectFrom('review_checklist').select('item').where('application_id', '=', id).execute(),
    ctx.db.selectFrom('application_decisions as d').innerJoin('users as u', 'u.id', 'd.decided_by').select(['d.decision', 'd.internal_reason', 'd.question', 'u.name', 'd.decided_at']).where('d.application_id', '=', id).orderBy('d.decided_at').execute(),
    ctx.db.selectFrom('application_assignments as g').innerJoin('users as u', 'u.id', 'g.reviewer_id').select(['u.id', 'u.name']).where('g.application_id', '=', id).executeTakeFirst(),
    ctx.db.selectFrom('application_members as m').innerJoin('users as u', 'u.id', 'm.user_id').select(['u.name', 'u.email', 'm.role']).where('m.application_id', '=', id).execute(),
    ctx.db.selectFrom('denied_parties').select(['name', 'normalised_name', 'country', 'source', 'list_date']).execute(),
  ]);
  const answers = submission?.answers ?? application.answers;
  const names = [
    { field: 'company.legal_name', name: answers.company?.legalName ?? '' },
    { field: 'contacts.name', name: answers.contacts?.primary.name ?? '' },
    ...(answers.personnel?.items ?? []).map((p, i) => ({ field: `personnel.${i}.name`, name: p.name })),
  ];
  const checkedItems = new Set(checked.map((c) => c.item));
  return {
    id: application.id,
    reference: application.reference,
    status: application.status,
    answers,
    findings: submission?.findings ?? [],
    submittedAt: application.submitted_at,
    ageBusinessDays: application.submitted_at ? businessDaysBetween(application.submitted_at, now) : 0,
    agreementVersion: submission?.version ?? null,
    signatory: application.signatory_name && application.signatory_title ? { name: application.signatory_name, title: application.signatory_title } : null,
    consents: consents.map((c) => ({ kind: c.kind, acceptedAt: c.accepted_at, ip: c.ip, userAgent: c.user_agent, textVersion: c.text_version, textHash: c.text_hash, user: c.email })),
    claims: claims.map((c) => ({ distributor: c.legal_name, accountNumber: c.account_number, status: c.status, decidedAt: c.decided_at })),
    checklist: CHECKLIST_ITEMS.map((item) => ({ item, checked: checkedItems.has(item) })),
    screening: screenNames(
      names.filter((n) => n.name),
      denied.map((d) => ({ name: d.name, normalisedName: d.normalised_name, country: d.country, source: d.source, listDate: d.list_date ? new Date(d.list_date).toISOString().slice(0, 10) : null })),
    ),
    decisions: decisions.map((d) => ({ decision: d.decision, internalReason: d.internal_reason, question: d.question, decidedBy: d.name, decidedAt: d.decided_at })),
    reviewer: assignment ? { id: assignment.id, name: assignment.name } : null,
    applicantAnswer: application.applicant_answer,
    members,
  };
}

/**
 * REG-12: approve, decline or request more information. The status change is conditional on
 * the application still awaiting a decision, so of two reviewers deciding at once one wins and
 * the other gets a 409. Everything an approval creates happens in the same transaction.
 */
export async function decideApplication(ctx: AppContext, actor: Actor | null, id: string, input: DecisionInput, meta: RequestMeta, now = new Date()): Promise<{ status: string }> {
  const staff = requirePermission(actor, 'applications:decide');
  const application = isUuid(id) ? await ctx.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (!application || application.status === 'draft') throw notFound('Application');
  const checked = (await ctx.db.selectFrom('review_checklist').select('item').where('application_id', '=', id).execute()).map((c) => c.item);
  const problems = checkDecision(input, application.status, checked);
  if (problems.some((p) => p.rule === 'not_awaiting_decision')) throw conflict('already_decided', `This application is ${application.status.replace('_', ' ')}; it is not awaiting a decision.`);
  if (problems.length > 0) throw validationFailed(problems);
  const status = input.decision === 'approve' ? 'approved' : input.decision === 'decline' ? 'declined' : 'info_requested';

  await ctx.db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable('applications')
      .set((eb) => ({
        status,
        decided_at: status === 'info_requested' ? null : now,
        staff_question: status === 'info_requested' ? input.question!.trim() : null,
        version: eb('version', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', id)
      .where('status', '=', 'submitted')
      .returning('id')
      .executeTakeFirst();
    if (!moved) throw conflict('already_decided', 'Another reviewer decided this application a moment ago.');
    const decision = await trx
      .insertInto('application_decisions')
      .values({ application_id: id, decision: status, internal_reason: input.decision === 'decline' ? input.internalReason!.trim() : null, question: status === 'info_requested' ? input.question!.trim() : null, decided_by: staff.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (status === 'approved') await approve(trx, ctx, application.id, application.partner_id!, now);
    // The internal reason stays in application_decisions; the audit row points to it.
    await recordAudit(trx, { actor: auditActor(staff), action: `application.${status}`, subject: { type: 'application', id }, organisationId: application.partner_id, ip: meta.ip, data: { decisionId: decision.id, reference: application.reference } });
    await notifyApplicants(trx, ctx, id, status, application.reference, application.legal_name ?? application.reference);
  });
  return { status };
}

/** REG-12 approval: partner registered, agreement dates, training (REG-10), draft listing (REG-7), on-boarding notice (REG-3), roles. */
async function approve(trx: Trx, ctx: AppContext, applicationId: string, partnerId: string, now: Date): Promise<void> {
  const submission = await trx.selectFrom('application_submissions').select(['answers', 'agreement_id']).where('application_id', '=', applicationId).orderBy('sequence', 'desc').limit(1).executeTakeFirstOrThrow();
  const dates = approvalDates(now);
  await trx
    .updateTable('partners')
    .set((eb) => ({ status: 'registered', registered_at: now, agreement_id: submission.agreement_id, agreement_effective_at: dates.effectiveAt, renewal_due_at: dates.renewalDueAt, distributor_info_reviewed_at: now, version: eb('version', '+', 1), updated_at: now }))
    .where('organisation_id', '=', partnerId)
    .execute();
  const answers = submission.answers;
  for (const person of answers.personnel?.items ?? []) {
    await trx.insertInto('training_assignments').values({ partner_id: partnerId, person_name: person.name.trim(), person_email: person.email.trim(), person_role: person.role.trim() || null, due_at: dates.trainingDueAt }).execute();
  }
  for (const location of answers.locations?.items ?? []) {
    await trx.insertInto('partner_locations').values({ partner_id: partnerId, lines: location.lines.map((l) => l.trim()).filter(Boolean), city: location.city.trim(), postcode: location.postcode.trim() || null, country: location.country.trim().toUpperCase(), type: location.type, listed: false }).execute();
  }
  const people = await trx.selectFrom('application_members').select(['user_id', 'role']).where('application_id', '=', applicationId).execute();
  const signatory = await trx.selectFrom('applications').select('signatory_user_id').where('id', '=', applicationId).executeTakeFirstOrThrow();
  for (const person of people) {
    await insertGrant(trx, { user_id: person.user_id, role: 'partner_admin', organisation_id: partnerId, granted_by: null });
    if (person.user_id === signatory.signatory_user_id) await insertGrant(trx, { user_id: person.user_id, role: 'partner_signatory', organisation_id: partnerId, granted_by: null });
  }
  await announceNewPartner(trx, ctx, partnerId);
  await announceChange(trx, ELIGIBILITY_TOPIC);
}

/** Emails everyone working on the application. A decline says only that it was declined (REG-12). */
async function notifyApplicants(trx: Trx, ctx: AppContext, applicationId: string, status: 'approved' | 'declined' | 'info_requested', reference: string, company: string): Promise<void> {
  const people = await trx.selectFrom('application_members as m').innerJoin('users as u', 'u.id', 'm.user_id').select(['u.email', 'u.name', 'u.language']).where('m.application_id', '=', applicationId).execute();
  for (const person of people) {
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

