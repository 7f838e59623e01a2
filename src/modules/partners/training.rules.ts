import { addMonths } from '../../platform/dates.ts';

/**
 * REG-10: key personnel complete anticorruption training within 12 months of the agreement's
 * effective date. Reminders go out 60, 30 and 7 days before the due date, then weekly while
 * the training is overdue.
 */
export const REMINDER_DAYS_BEFORE = [60, 30, 7] as const;
export const TRAINING_PERIOD_MONTHS = 12;
const DAY_MS = 86_400_000;
const OVERDUE_REMINDER_EVERY_DAYS = 7;

export type TrainingStatus = 'completed' | 'overdue' | 'due_soon' | 'assigned';

export function trainingStatus(assignment: { dueAt: Date; completedAt: Date | null }, now: Date): TrainingStatus {
  if (assignment.completedAt) return 'completed';
  if (assignment.dueAt <= now) return 'overdue';
  if (assignment.dueAt.getTime() - now.getTime() <= 30 * DAY_MS) return 'due_soon';
  return 'assigned';
}

/**
 * Whether a reminder is due now: one per threshold crossed since the last reminder, and weekly
 * once overdue. `remindersSent` counts the pre-due reminders already sent.
 */
export function reminderDue(assignment: { dueAt: Date; completedAt: Date | null; remindersSent: number; lastReminderAt: Date | null }, now: Date): 'before_due' | 'overdue' | null {
  if (assignment.completedAt) return null;
  const daysLeft = (assignment.dueAt.getTime() - now.getTime()) / DAY_MS;
  if (daysLeft <= 0) {
    const last = assignment.lastReminderAt?.getTime() ?? 0;
    return last <= assignment.dueAt.getTime() || now.getTime() - last >= OVERDUE_REMINDER_EVERY_DAYS * DAY_MS ? 'overdue' : null;
  }
  return thresholdsCrossed(assignment.dueAt, now) > assignment.remindersSent ? 'before_due' : null;
}

/** REG-10: the date by which key personnel complete the training, counted from the agreement's effective date. */
export function trainingDueAt(agreementEffectiveAt: Date): Date {
  return addMonths(agreementEffectiveAt, TRAINING_PERIOD_MONTHS);
}

/** REG-10: the pre-due reminders already covered at `now` (used to record which thresholds a reminder answered). */
export function thresholdsCrossed(dueAt: Date, now: Date): number {
  const daysLeft = (dueAt.getTime() - now.getTime()) / DAY_MS;
  return REMINDER_DAYS_BEFORE.filter((d) => daysLeft <= d).length;
}

/** How far ahead reminders look: the earliest threshold. */
export function reminderHorizon(now: Date): Date {
  return new Date(now.getTime() + REMINDER_DAYS_BEFORE[0] * DAY_MS);
}
