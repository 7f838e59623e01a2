import { auditActor, can, requirePermission, type Actor } from '../../platform/auth.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import { AppError, conflict, notFound, validationFailed } from '../../platform/errors.ts';
import { isLanguage } from '../../platform/i18n.ts';
import { recordAudit } from '../audit/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import * as repo from './training.repository.ts';
import * as reminders from './training-reminders.repository.ts';
import { certificateType, checkCompletion, checkRejection, type CertificateType } from './training.rules.ts';
import { isStaff, requirePartnerView } from './training.service.ts';
import type { CompletionStatus, TrainingProvider } from './training.table.ts';
import './training.errors.ts';

// REG-10 completion records: recorded by the person or a partner admin, with an optional
// certificate checked by its content; verified or rejected (with a reason the partner reads) by staff.

export interface CompletionRecord {
  id: string;
  assignmentId: string;
  partnerId: string;
  legalName: string;
  person: { name: string; email: string };
  courseId: string | null;
  courseName: string;
  provider: TrainingProvider;
  completedAt: Date;
  certificateNumber: string | null;
  certificate: { type: string; name: string | null } | null;
  status: CompletionStatus;
  /** Staff's reason for a rejection: meant to be read by the partner. */
  reviewReason: string | null;
  reviewedAt: Date | null;
  source: 'manual' | 'learning_system';
  recordedAt: Date;
  version: number;
}

// ---- Completions and evidence ----

export interface CompletionInput {
  courseId?: string | undefined;
  courseName?: string | undefined;
  provider?: string | undefined;
  completedOn: Date | undefined;
  certificateNumber?: string | undefined;
}

export function toCompletion(r: repo.CompletionWithPartner): CompletionRecord {
  return {
    id: r.id,
    assignmentId: r.assignment_id,
    partnerId: r.partner_id,
    legalName: r.legal_name,
    person: { name: r.person_name, email: r.person_email },
    courseId: r.course_id,
    courseName: r.course_name,
    provider: r.provider,
    completedAt: r.completed_at,
    certificateNumber: r.certificate_number,
    certificate:
      r.has_certificate && r.certificate_type ? { type: r.certificate_type, name: r.certificate_name } : null,
    status: r.status,
    reviewReason: r.review_reason,
    reviewedAt: r.reviewed_at,
    source: r.source,
    recordedAt: r.recorded_at,
    version: r.version,
  };
}

/** The open assignment a completion is recorded against, checked against the partner and the actor. */
async function openAssignment(ctx: AppContext, actor: Actor, partnerId: string, assignmentId: string) {
  const assignment = await repo.assignmentById(ctx.db, assignmentId);
  if (!assignment || assignment.partner_id !== partnerId) throw notFound('Training assignment');
  const person = assignment.key_person_id ? await repo.keyPersonById(ctx.db, assignment.key_person_id) : undefined;
  const self = person && (person.user_id === actor.userId || person.email.toLowerCase() === actor.email.toLowerCase());
  // The person themself, a partner admin for them, or staff.
  if (!self && !can(actor, 'partner:manage', partnerId) && !isStaff(actor))
    requirePermission(actor, 'partner:manage', partnerId);
  if (assignment.ended_at)
    throw new AppError('training_assignment_closed', 'This person is no longer one of the key personnel.', 409);
  return assignment;
}

/** REG-10: records a completion (awaiting staff verification), with an optional certificate checked by its content. */
export async function recordCompletion(
  ctx: AppContext,
  actor: Actor | null | undefined,
  partnerId: string,
  assignmentId: string,
  input: CompletionInput,
  certificate: { bytes: Buffer; name: string } | undefined,
  meta: RequestMeta,
  now = new Date(),
): Promise<CompletionRecord> {
  const { actor: user } = await requirePartnerView(ctx, actor, partnerId);
  await openAssignment(ctx, user, partnerId, assignmentId);
  const problems = checkCompletion(input, now);
  const course = input.courseId ? await repo.courseById(ctx.db, input.courseId) : undefined;
  if (input.courseId && !course) problems.push({ field: 'course_id', rule: 'one_of' });
  let type: CertificateType | null = null;
  if (certificate) {
    type = certificateType(certificate.bytes.subarray(0, 16));
    if (certificate.bytes.length === 0) problems.push({ field: 'certificate', rule: 'certificate_empty' });
    else if (!type) problems.push({ field: 'certificate', rule: 'certificate_type' });
  }
  if (problems.length > 0) throw validationFailed(problems);
  const id = await ctx.db.transaction().execute(async (trx) => {
    const completionId = await repo.insertCompletion(trx, {
      assignment_id: assignmentId,
      course_id: course?.id ?? null,
      course_name: course?.name ?? input.courseName!.trim(),
      provider: course?.provider ?? (input.provider as TrainingProvider),
      completed_at: input.completedOn!,
      certificate_number: input.certificateNumber?.trim() || null,
      certificate: certificate && type ? certificate.bytes : null,
      certificate_type: type,
      certificate_name: certificate ? certificate.name.slice(0, 200) : null,
      recorded_by: user.userId,
      recorded_at: now,
    });
    await repo.setAssignmentCompleted(trx, assignmentId, input.completedOn!);
    await recordAudit(trx, {
      actor: auditActor(user),
      action: 'training.completion_recorded',
      subject: { type: 'training_completion', id: completionId! },
      organisationId: partnerId,
      ip: meta.ip,
      data: { assignment: assignmentId, course: course?.name ?? input.courseName ?? '', certificate: type ?? 'none' },
    });
    return completionId!;
  });
  return toCompletion((await repo.completionById(ctx.db, id))!);
}

export async function completionsOfPartner(
  ctx: AppContext,
  actor: Actor | null | undefined,
  partnerId: string,
): Promise<CompletionRecord[]> {
  await requirePartnerView(ctx, actor, partnerId);
  const people = await repo.keyPersonnel(ctx.db, partnerId, true);
  const assignments = await repo.assignmentsOf(
    ctx.db,
    people.map((p) => p.id),
  );
  return (
    await repo.completionsOfAssignments(
      ctx.db,
      assignments.map((a) => a.id),
    )
  ).map(toCompletion);
}

export async function completionsAwaitingVerification(
  ctx: AppContext,
  actor: Actor | null | undefined,
): Promise<CompletionRecord[]> {
  requirePermission(actor, 'applications:review');
  return (await repo.completionsAwaitingVerification(ctx.db)).map(toCompletion);
}

/** REG-10: staff verify a record or reject it with a reason the partner reads (emailed to the person). */
export async function reviewCompletion(
  ctx: AppContext,
  actor: Actor | null | undefined,
  completionId: string,
  input: { decision: 'verify' | 'reject'; reason?: string | undefined; version: number },
  meta: RequestMeta,
  now = new Date(),
): Promise<CompletionRecord> {
  const user = requirePermission(actor, 'applications:decide');
  const existing = await repo.completionById(ctx.db, completionId);
  if (!existing) throw notFound('Training completion');
  if (input.decision === 'reject') {
    const problems = checkRejection(input.reason);
    if (problems.length > 0) throw validationFailed(problems);
  }
  await ctx.db.transaction().execute(async (trx) => {
    const reviewed = await repo.reviewCompletion(trx, completionId, input.version, {
      status: input.decision === 'verify' ? 'verified' : 'rejected',
      review_reason: input.decision === 'reject' ? input.reason!.trim() : null,
      reviewed_by: user.userId,
      reviewed_at: now,
    });
    if (!reviewed) throw conflict('training_already_reviewed', 'This record was already verified or rejected.');
    if (input.decision === 'reject') {
      // The assignment is open again unless an earlier record still counts.
      const stillValid = await repo.latestValidCompletion(trx, existing.assignment_id);
      await repo.setAssignmentCompleted(trx, existing.assignment_id, stillValid?.completed_at ?? null);
      const facts = await reminders.reminderFacts(trx, existing.assignment_id);
      if (facts) {
        await enqueueEmail(trx, brandOf(ctx.config), {
          to: facts.person_email,
          language: isLanguage(facts.language) ? facts.language : 'en',
          template: 'training_evidence_rejected',
          recipientName: facts.person_name,
          actionUrl: `${ctx.config.publicUrl}/partner/training`,
          vars: {
            company: facts.legal_name,
            reason: input.reason!.trim(),
            due: facts.due_at.toISOString().slice(0, 10),
          },
        });
      }
    }
    await recordAudit(trx, {
      actor: auditActor(user),
      action: input.decision === 'verify' ? 'training.completion_verified' : 'training.completion_rejected',
      subject: { type: 'training_completion', id: completionId },
      organisationId: existing.partner_id,
      ip: meta.ip,
      data: input.decision === 'reject' ? { reason: input.reason!.trim() } : {},
    });
  });
  return toCompletion((await repo.completionById(ctx.db, completionId))!);
}

/** A certificate for download: only to the partner's own users and staff; typed as checked on upload. */
export async function certificateFile(
  ctx: AppContext,
  actor: Actor | null | undefined,
  completionId: string,
): Promise<{ bytes: Buffer; type: string; filename: string }> {
  const row = await repo.certificateOf(ctx.db, completionId);
  if (!row?.certificate || !row.certificate_type) throw notFound('Certificate');
  await requirePartnerView(ctx, actor, row.partner_id);
  const ext = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' }[row.certificate_type];
  return {
    bytes: row.certificate,
    type: row.certificate_type,
    filename: `certificate-${completionId.slice(0, 8)}.${ext}`,
  };
}
