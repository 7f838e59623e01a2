import { addMonths } from '../../platform/dates.ts';
import type { FieldViolation } from '../../platform/errors.ts';
import type { CompletionStatus, ReminderThreshold, TrainingProvider } from './training.table.ts';

/**
 * REG-10: key personnel complete anticorruption training within 12 months of the agreement's
 * effective date; a person added later gets the later of that date and a staff-set grace
 * period. A completion is current for its course's validity; the person is assigned again
 * before it runs out. Every rule of the training programme is here, once, without I/O.
 */
export const TRAINING_PERIOD_MONTHS = 12;
export const DEFAULT_GRACE_DAYS = 90;
export const DEFAULT_FLAG_AFTER_DAYS = 30;
export const DEFAULT_VALIDITY_MONTHS = 12;
/** Reminders before the due date, then one on the day it becomes overdue (decision 045). */
export const REMINDER_THRESHOLDS: readonly ReminderThreshold[] = ['90', '30', '7', 'overdue'];
/** The next period is assigned this long before a completion runs out: the first reminder's lead. */
export const RECERTIFY_DAYS_BEFORE = 90;
/** "Due soon" on pages and in the partner's status: the 30-day reminder onwards. */
export const DUE_SOON_DAYS = 30;
export const PROVIDERS: readonly TrainingProvider[] = ['vendor', 'partner', 'third_party'];
export const MAX_CERTIFICATE_BYTES = 5 * 1024 * 1024;
export const CERTIFICATE_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];

const DAY_MS = 86_400_000;
const addDays = (date: Date, days: number) => new Date(date.getTime() + days * DAY_MS);

export type PersonTrainingStatus =
  'assigned' | 'due_soon' | 'awaiting_verification' | 'verified' | 'rejected' | 'overdue';
export type PartnerCompliance = 'compliant' | 'at_risk' | 'non_compliant';

/** REG-10: the date by which key personnel complete the training, counted from the agreement's effective date. */
export function trainingDueAt(agreementEffectiveAt: Date): Date {
  return addMonths(agreementEffectiveAt, TRAINING_PERIOD_MONTHS);
}

/** REG-10: a person designated after approval: the later of the partner's due date and the grace period. */
export function dueAtForAddedPerson(agreementEffectiveAt: Date | null, addedAt: Date, graceDays: number): Date {
  const grace = addDays(addedAt, graceDays);
  if (!agreementEffectiveAt) return grace;
  const due = trainingDueAt(agreementEffectiveAt);
  return due > grace ? due : grace;
}

/** REG-10 recertification: a completion is current for its course's validity. */
export function validUntil(completedAt: Date, validityMonths: number): Date {
  return addMonths(completedAt, validityMonths);
}

/** Whether the next period should be assigned now (the completion runs out within the lead time). */
export function recertificationDue(completionValidUntil: Date, now: Date): boolean {
  return addDays(completionValidUntil, -RECERTIFY_DAYS_BEFORE) <= now;
}

/**
 * REG-10: the reminder an open assignment is owed at `now`: the most urgent threshold crossed.
 * Thresholds skipped while the job did not run (or before a late addition) are not sent late.
 */
export function reminderThreshold(dueAt: Date, now: Date): ReminderThreshold | null {
  const daysLeft = (dueAt.getTime() - now.getTime()) / DAY_MS;
  if (daysLeft <= 0) return 'overdue';
  if (daysLeft <= 7) return '7';
  if (daysLeft <= 30) return '30';
  if (daysLeft <= 90) return '90';
  return null;
}

/** The overdue reminder also goes to the partner's administrators. */
export const remindsAdmins = (threshold: ReminderThreshold) => threshold === 'overdue';

/** REG-10: one person's status for their current assignment and its latest completion record. */
export function personStatus(
  assignment: { dueAt: Date },
  latest: { status: CompletionStatus } | null,
  now: Date,
): PersonTrainingStatus {
  if (latest?.status === 'verified') return 'verified';
  if (latest?.status === 'submitted') return 'awaiting_verification';
  if (assignment.dueAt <= now) return 'overdue';
  if (latest?.status === 'rejected') return 'rejected';
  if (assignment.dueAt.getTime() - now.getTime() <= DUE_SOON_DAYS * DAY_MS) return 'due_soon';
  return 'assigned';
}

/** REG-10: a partner is non-compliant while anyone is overdue, at risk while anyone is due soon or rejected. */
export function partnerCompliance(statuses: readonly PersonTrainingStatus[]): PartnerCompliance {
  if (statuses.includes('overdue')) return 'non_compliant';
  if (statuses.includes('due_soon') || statuses.includes('rejected')) return 'at_risk';
  return 'compliant';
}

/** REG-10: flagged to staff once non-compliant for more than the staff-set number of days. */
export function flaggedNonCompliant(nonCompliantSince: Date | null, flagAfterDays: number, now: Date): boolean {
  return nonCompliantSince !== null && now.getTime() - nonCompliantSince.getTime() > flagAfterDays * DAY_MS;
}

/**
 * REG-10 with REG-4 (decision 065): the next moment the clock alone flags the partner, while its
 * people stay as they are: the earliest still-open assignment (not verified, not awaiting
 * verification) that passes its due date plus the flag delay after `now`. Null when none will;
 * a change to the people or their training is a change to the data, announced on its own.
 */
export function flagChangesAt(
  people: readonly { dueAt: Date | null; status: PersonTrainingStatus }[],
  flagAfterDays: number,
  now: Date,
): Date | null {
  let next: number | null = null;
  for (const person of people) {
    if (!person.dueAt || person.status === 'verified' || person.status === 'awaiting_verification') continue;
    // flaggedNonCompliant compares with `>`: the flag is up one millisecond after the delay.
    const at = person.dueAt.getTime() + flagAfterDays * DAY_MS + 1;
    if (at > now.getTime() && (next === null || at < next)) next = at;
  }
  return next === null ? null : new Date(next);
}

/** What a certificate file is, read from its first bytes (never from its name); null when not accepted. */
export function certificateType(head: Uint8Array): CertificateType | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf'; // %PDF-
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  return null;
}

export function checkCertificate(
  file: { size: number; head: Uint8Array; tooLarge?: boolean },
  field = 'certificate',
): FieldViolation[] {
  if (file.size === 0) return [{ field, rule: 'certificate_empty' }];
  if (file.tooLarge || file.size > MAX_CERTIFICATE_BYTES)
    return [{ field, rule: 'certificate_too_large', params: { max: MAX_CERTIFICATE_BYTES / 1024 / 1024 } }];
  if (!certificateType(file.head)) return [{ field, rule: 'certificate_type' }];
  return [];
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
function text(value: string | undefined, field: string, max: number, required = true): FieldViolation[] {
  const v = (value ?? '').trim();
  if (!v) return required ? [{ field, rule: 'required' }] : [];
  if (v.length > max) return [{ field, rule: 'too_long', params: { max } }];
  if (CONTROL.test(v)) return [{ field, rule: 'control_characters' }];
  return [];
}

export interface CompletionInput {
  courseId?: string | undefined;
  courseName?: string | undefined;
  provider?: string | undefined;
  completedOn: Date | undefined;
  certificateNumber?: string | undefined;
}

/** A completion names a course (configured, or another by name with its provider) and a day not in the future. */
export function checkCompletion(input: CompletionInput, now: Date): FieldViolation[] {
  const problems: FieldViolation[] = [];
  if (!input.courseId) {
    problems.push(...text(input.courseName, 'course_name', 200));
    if (!PROVIDERS.includes(input.provider as TrainingProvider)) problems.push({ field: 'provider', rule: 'one_of' });
  }
  if (!input.completedOn) problems.push({ field: 'completed_on', rule: 'date_format' });
  else if (input.completedOn.getTime() > now.getTime()) problems.push({ field: 'completed_on', rule: 'not_in_future' });
  problems.push(...text(input.certificateNumber, 'certificate_number', 100, false));
  return problems;
}

export function checkKeyPerson(input: { name: string; email: string; role?: string | undefined }): FieldViolation[] {
  const problems = [...text(input.name, 'name', 120), ...text(input.role, 'role', 100, false)];
  const email = input.email.trim();
  if (!email) problems.push({ field: 'email', rule: 'required' });
  else if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    problems.push({ field: 'email', rule: 'email_format' });
  return problems;
}

export function checkCourse(input: {
  name: string;
  provider: string;
  languages: readonly string[];
  link?: string | undefined;
  validityMonths: number;
}): FieldViolation[] {
  const problems = [...text(input.name, 'name', 200)];
  if (!PROVIDERS.includes(input.provider as TrainingProvider)) problems.push({ field: 'provider', rule: 'one_of' });
  if (input.languages.some((l) => !['en', 'es', 'fr', 'ja'].includes(l)))
    problems.push({ field: 'languages', rule: 'one_of' });
  const link = (input.link ?? '').trim();
  if (link && !/^https?:\/\/[^\s]+$/.test(link)) problems.push({ field: 'link', rule: 'url' });
  if (!Number.isInteger(input.validityMonths) || input.validityMonths < 1 || input.validityMonths > 120)
    problems.push({ field: 'validity_months', rule: 'range', params: { min: 1, max: 120 } });
  return problems;
}

export function checkSettings(input: { graceDays: number; flagAfterDays: number }): FieldViolation[] {
  const problems: FieldViolation[] = [];
  for (const [field, value] of [
    ['grace_days', input.graceDays],
    ['flag_after_days', input.flagAfterDays],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 730)
      problems.push({ field, rule: 'range', params: { min: 0, max: 730 } });
  }
  return problems;
}

/** A staff reason for rejecting evidence: the partner reads it, so it is required. */
export function checkRejection(reason: string | undefined): FieldViolation[] {
  return text(reason, 'reason', 1000);
}

/** The vendor's own course for a language: one in that language, else the first vendor course. */
export function vendorCourseFor<T extends { provider: TrainingProvider; languages: readonly string[] }>(
  courses: readonly T[],
  language: string,
): T | undefined {
  const vendor = courses.filter((c) => c.provider === 'vendor');
  return vendor.find((c) => c.languages.includes(language)) ?? vendor[0];
}
