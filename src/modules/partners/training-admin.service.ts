import { auditActor, requirePermission, type Actor } from '../../platform/auth.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { cacheFor, SETTINGS_TOPIC, SETTINGS_TTL_MS } from '../../platform/cache.ts';
import type { Db, Executor } from '../../platform/db.ts';
import { AppError, conflict, forbidden, notFound, validationFailed } from '../../platform/errors.ts';
import { recordAudit } from '../audit/index.ts';
import * as repo from './training.repository.ts';
import {
  checkCompletion,
  checkCourse,
  checkSettings,
  DEFAULT_VALIDITY_MONTHS,
  vendorCourseFor,
} from './training.rules.ts';
import type { TrainingProvider } from './training.table.ts';
import './training.errors.ts';

// REG-10 programme administration: staff settings, accepted courses, and completions reported
// by learning systems.

export interface TrainingSettings {
  graceDays: number;
  flagAfterDays: number;
  restrictNonCompliant: boolean;
  version: number;
}

export interface Course {
  id: string;
  name: string;
  provider: TrainingProvider;
  languages: string[];
  link: string | null;
  validityMonths: number;
  active: boolean;
}

/**
 * Read by every Partner Self Service home and training overview, changed by staff now and then:
 * kept for SETTINGS_TTL_MS and dropped by every update (SETTINGS_TOPIC, #15, decision 064).
 * Inside a transaction they are read afresh. Callers must not change what they get.
 */
export async function trainingSettings(db: Executor): Promise<TrainingSettings> {
  const read = async (): Promise<TrainingSettings> => {
    const s = await repo.settings(db);
    return {
      graceDays: s.grace_days,
      flagAfterDays: s.flag_after_days,
      restrictNonCompliant: s.restrict_non_compliant,
      version: s.version,
    };
  };
  if (db.isTransaction) return read();
  const cache = cacheFor<TrainingSettings>(db as Db, SETTINGS_TOPIC, SETTINGS_TTL_MS, 2, { eager: true });
  const kept = cache.get('training');
  if (kept) return kept;
  const generation = cache.generation;
  const settings = await read();
  cache.set('training', settings, { generation });
  return settings;
}

/** The settings as programme staff read them; only administrators change them (#16.4). */
export async function trainingSettingsForStaff(
  ctx: AppContext,
  actor: Actor | null | undefined,
): Promise<TrainingSettings> {
  requirePermission(actor, 'applications:review');
  return trainingSettings(ctx.db);
}

export async function updateTrainingSettings(
  ctx: AppContext,
  actor: Actor | null | undefined,
  input: Omit<TrainingSettings, 'version'> & { version: number },
  meta: RequestMeta,
  now = new Date(),
): Promise<TrainingSettings> {
  const user = requirePermission(actor, 'staff:manage');
  const problems = checkSettings(input);
  if (problems.length > 0) throw validationFailed(problems);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await repo.updateSettings(
      trx,
      input.version,
      {
        grace_days: input.graceDays,
        flag_after_days: input.flagAfterDays,
        restrict_non_compliant: input.restrictNonCompliant,
      },
      now,
    );
    if (!row) throw conflict('stale_version', 'The settings were changed meanwhile; reload and try again.');
    await recordAudit(trx, {
      actor: auditActor(user),
      action: 'training.settings_changed',
      subject: { type: 'training_settings', id: 'training' },
      ip: meta.ip,
      data: {
        graceDays: input.graceDays,
        flagAfterDays: input.flagAfterDays,
        restrictNonCompliant: input.restrictNonCompliant,
      },
    });
    return {
      graceDays: row.grace_days,
      flagAfterDays: row.flag_after_days,
      restrictNonCompliant: row.restrict_non_compliant,
      version: row.version,
    };
  });
}

const toCourse = (r: repo.CourseRow): Course => ({
  id: r.id,
  name: r.name,
  provider: r.provider,
  languages: r.languages,
  link: r.link,
  validityMonths: r.validity_months,
  active: r.active,
});

/** The accepted courses (anyone signed in may read them: partners choose one when recording). */
export async function listCourses(db: Executor, activeOnly = true): Promise<Course[]> {
  return (await repo.courses(db, activeOnly)).map(toCourse);
}

/** Every course, inactive ones too, for programme staff (#16.4: not for partners or distributors). */
export async function coursesForStaff(ctx: AppContext, actor: Actor | null | undefined): Promise<Course[]> {
  requirePermission(actor, 'applications:review');
  return listCourses(ctx.db, false);
}

/** REG-10: the vendor's own course shown to an assignee, in their language when it has one. */
export async function vendorCourse(db: Executor, language: string): Promise<Course | undefined> {
  return vendorCourseFor(await listCourses(db), language);
}

export interface CourseInput {
  name: string;
  provider: string;
  languages: string[];
  link?: string | undefined;
  validityMonths?: number | undefined;
  active?: boolean | undefined;
}

export async function saveCourse(
  ctx: AppContext,
  actor: Actor | null | undefined,
  id: string | undefined,
  input: CourseInput,
  meta: RequestMeta,
): Promise<Course> {
  const user = requirePermission(actor, 'staff:manage');
  const validityMonths = input.validityMonths ?? DEFAULT_VALIDITY_MONTHS;
  const problems = checkCourse({ ...input, validityMonths });
  if (problems.length > 0) throw validationFailed(problems);
  const values = {
    name: input.name.trim(),
    provider: input.provider as TrainingProvider,
    languages: [...new Set(input.languages)],
    link: input.link?.trim() || null,
    validity_months: validityMonths,
    active: input.active ?? true,
  };
  return ctx.db.transaction().execute(async (trx) => {
    const row = id ? await repo.updateCourse(trx, id, values) : await repo.insertCourse(trx, values);
    if (!row) throw notFound('Course');
    await recordAudit(trx, {
      actor: auditActor(user),
      action: id ? 'training.course_changed' : 'training.course_added',
      subject: { type: 'training_course', id: row.id },
      ip: meta.ip,
      data: { name: row.name, validityMonths },
    });
    return toCourse(row);
  });
}

export interface LearningSystemCompletion {
  system: string;
  completionId: string;
  email: string;
  partnerId?: string | undefined;
  courseId: string;
  completedOn: Date | undefined;
  certificateNumber?: string | undefined;
}

/**
 * REG-10: a learning system reports a completion with a staff-issued API key; idempotent by the
 * system's own completion id. Such records are verified at once: the vendor's system saw the course.
 */
export async function reportLearningSystemCompletion(
  ctx: AppContext,
  actor: Actor | null | undefined,
  input: LearningSystemCompletion,
  meta: RequestMeta,
  now = new Date(),
): Promise<{ id: string; created: boolean }> {
  const user = requirePermission(actor, 'applications:review');
  // Over HTTP only the vendor's API key reaches this (the operation declares apiKey alone, and
  // route-security.ts refuses a session there); tests and the CLI call it with a staff actor.
  if (user.via && !user.grants.some((g) => g.role === 'staff_reviewer' || g.role === 'staff_admin')) throw forbidden();
  const existing = await repo.completionByExternalId(ctx.db, input.system, input.completionId);
  if (existing) return { id: existing, created: false };
  const problems = checkCompletion(
    { courseId: input.courseId, completedOn: input.completedOn, certificateNumber: input.certificateNumber },
    now,
  );
  const course = await repo.courseById(ctx.db, input.courseId);
  if (!course) problems.push({ field: 'course_id', rule: 'one_of' });
  if (problems.length > 0) throw validationFailed(problems);
  const candidates = (await repo.openAssignmentsByEmail(ctx.db, input.email)).filter(
    (a) => !input.partnerId || a.partner_id === input.partnerId,
  );
  if (candidates.length !== 1)
    throw new AppError(
      'training_learner_unknown',
      'No single open training assignment matches this email (give partnerId when the person supports several partners).',
      422,
    );
  const assignment = candidates[0]!;
  return ctx.db.transaction().execute(async (trx) => {
    const id = await repo.insertCompletion(trx, {
      assignment_id: assignment.id,
      course_id: course!.id,
      course_name: course!.name,
      provider: course!.provider,
      completed_at: input.completedOn!,
      certificate_number: input.certificateNumber?.trim() || null,
      status: 'verified',
      reviewed_at: now,
      source: 'learning_system',
      external_system: input.system,
      external_id: input.completionId,
      recorded_by: user.userId,
      recorded_at: now,
    });
    // A concurrent report of the same completion won: answer its id.
    if (!id) return { id: (await repo.completionByExternalId(trx, input.system, input.completionId))!, created: false };
    await repo.setAssignmentCompleted(trx, assignment.id, input.completedOn!);
    await recordAudit(trx, {
      actor: auditActor(user),
      action: 'training.completion_reported',
      subject: { type: 'training_completion', id },
      organisationId: assignment.partner_id,
      ip: meta.ip,
      data: { system: input.system, completionId: input.completionId },
    });
    return { id, created: true };
  });
}
