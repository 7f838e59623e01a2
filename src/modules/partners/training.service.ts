import { sql } from 'kysely';
import { brandOf, type AppContext } from '../../platform/context.ts';
import { isLanguage } from '../../platform/i18n.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import { REMINDER_DAYS_BEFORE, reminderDue } from './training.rules.ts';

/**
 * REG-10: emails the reminders that are due and records each in the same transaction, so a
 * crash never sends one twice or loses one. Safe to run from several processes: each
 * assignment is locked while it is handled.
 */
export async function sendTrainingReminders(ctx: AppContext, now = new Date()): Promise<number> {
  const candidates = await ctx.db
    .selectFrom('training_assignments as t')
    .innerJoin('partners as p', 'p.organisation_id', 't.partner_id')
    .select(['t.id'])
    .where('t.completed_at', 'is', null)
    .where('p.status', '=', 'registered')
    .where('t.due_at', '<=', new Date(now.getTime() + REMINDER_DAYS_BEFORE[0] * 86_400_000))
    .limit(500)
    .execute();
  let sent = 0;
  for (const { id } of candidates) {
    sent += await ctx.db.transaction().execute(async (trx) => {
      const a = await trx
        .selectFrom('training_assignments as t')
        .innerJoin('partners as p', 'p.organisation_id', 't.partner_id')
        // the person's own language when they have an account, else English.
        .leftJoin('users as u', (join) => join.on(sql`lower(u.email)`, '=', sql`lower(t.person_email)`))
        .select(['t.id', 't.partner_id', 't.person_name', 't.person_email', 't.due_at', 't.completed_at', 't.reminders_sent', 't.last_reminder_at', 'p.legal_name', 'u.language'])
        .where('t.id', '=', id)
        .forUpdate('t')
        .executeTakeFirstOrThrow();
      const kind = reminderDue({ dueAt: a.due_at, completedAt: a.completed_at, remindersSent: a.reminders_sent, lastReminderAt: a.last_reminder_at }, now);
      if (!kind) return 0;
      const thresholds = REMINDER_DAYS_BEFORE.filter((d) => (a.due_at.getTime() - now.getTime()) / 86_400_000 <= d).length;
      await trx
        .updateTable('training_assignments')
        .set({ reminders_sent: kind === 'before_due' ? thresholds : a.reminders_sent, last_reminder_at: now })
        .where('id', '=', id)
        .execute();
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
