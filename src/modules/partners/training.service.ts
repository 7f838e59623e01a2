import { brandOf, type AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { isLanguage } from '../../platform/i18n.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import * as repo from './partners.repository.ts';
import { reminderDue, reminderHorizon, thresholdsCrossed, trainingStatus, type TrainingStatus } from './training.rules.ts';

/** A key person's anticorruption training (REG-10), as the partner and staff see it. */
export interface TrainingAssignment {
  id: string;
  partnerId: string;
  person: { name: string; email: string; role: string | null };
  course: string;
  dueAt: Date;
  completedAt: Date | null;
  provider: 'partner' | 'vendor' | 'third_party' | null;
  evidence: string | null;
  status: TrainingStatus;
}

/** REG-10: a partner's training assignments, earliest due first, with their status at `now`. */
export async function trainingOfPartner(db: Executor, partnerId: string, now = new Date()): Promise<TrainingAssignment[]> {
  const rows = await repo.trainingOfPartner(db, partnerId);
  return rows.map((r) => ({
    id: r.id,
    partnerId: r.partner_id,
    person: { name: r.person_name, email: r.person_email, role: r.person_role },
    course: r.course,
    dueAt: r.due_at,
    completedAt: r.completed_at,
    provider: r.provider,
    evidence: r.evidence,
    status: trainingStatus({ dueAt: r.due_at, completedAt: r.completed_at }, now),
  }));
}

/**
 * REG-10: emails the reminders that are due and records each in the same transaction, so a
 * crash never sends one twice or loses one. Safe to run from several processes: each
 * assignment is locked while it is handled.
 */
export async function sendTrainingReminders(ctx: AppContext, now = new Date()): Promise<number> {
  const candidates = await repo.reminderCandidates(ctx.db, reminderHorizon(now));
  let sent = 0;
  for (const id of candidates) {
    sent += await ctx.db.transaction().execute(async (trx) => {
      const a = await repo.lockAssignmentForReminder(trx, id);
      const kind = reminderDue({ dueAt: a.due_at, completedAt: a.completed_at, remindersSent: a.reminders_sent, lastReminderAt: a.last_reminder_at }, now);
      if (!kind) return 0;
      await repo.recordReminder(trx, id, kind === 'before_due' ? thresholdsCrossed(a.due_at, now) : a.reminders_sent, now);
      await enqueueEmail(trx, brandOf(ctx.config), {
        to: a.person_email,
        language: isLanguage(a.language) ? a.language : 'en',
        template: kind === 'overdue' ? 'training_overdue' : 'training_reminder',
        recipientName: a.person_name,
        vars: { company: a.legal_name, due: a.due_at.toISOString().slice(0, 10) },
      });
      await recordAudit(trx, { actor: SYSTEM_ACTOR, action: `training.${kind === 'overdue' ? 'overdue_reminder' : 'reminder'}_sent`, subject: { type: 'training_assignment', id }, organisationId: a.partner_id, data: { email: a.person_email, due: a.due_at.toISOString() } });
      return 1;
    });
  }
  return sent;
}
