import { brandOf, type AppContext } from '../../platform/context.ts';
import { isLanguage } from '../../platform/i18n.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import * as repo from './training.repository.ts';
import * as reminders from './training-reminders.repository.ts';
import { recertificationDue, reminderThreshold, remindsAdmins, validUntil } from './training.rules.ts';

const DAY_MS = 86_400_000;

/**
 * REG-10 recertification: when a completion's validity runs out within the lead time, the
 * person is assigned the next period, due when it runs out. Safe to run from several
 * processes: the next assignment names the previous one, which is unique.
 */
export async function assignRecertifications(ctx: AppContext, now = new Date()): Promise<number> {
  let assigned = 0;
  for (const c of await reminders.recertificationCandidates(ctx.db)) {
    const until = validUntil(c.completed_at, c.validity_months);
    if (!recertificationDue(until, now)) continue;
    assigned += await ctx.db.transaction().execute(async (trx) => {
      const row = await repo.insertAssignment(trx, {
        partner_id: c.partner_id,
        key_person_id: c.key_person_id,
        person_name: c.person_name,
        person_email: c.person_email,
        person_role: c.person_role,
        due_at: until,
        previous_id: c.id,
      });
      if (!row) return 0;
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'training.recertification_assigned',
        subject: { type: 'training_assignment', id: row.id },
        organisationId: c.partner_id,
        data: { previous: c.id, due: until.toISOString() },
      });
      return 1;
    });
  }
  return assigned;
}

/**
 * REG-10 reminders at 90, 30 and 7 days before the due date and on the day it becomes overdue
 * (that one to the partner's administrators too). Each (assignment, threshold) is claimed by
 * inserting its row in the transaction that writes the outbox rows, so two processes running
 * the job at once send it exactly once (decision 045). Completed or ended assignments get none.
 */
export async function sendTrainingReminders(ctx: AppContext, now = new Date()): Promise<number> {
  const candidates = await reminders.reminderCandidates(ctx.db, new Date(now.getTime() + 90 * DAY_MS));
  const sent = await reminders.sentReminders(
    ctx.db,
    candidates.map((c) => c.id),
  );
  let count = 0;
  for (const candidate of candidates) {
    const threshold = reminderThreshold(candidate.due_at, now);
    if (!threshold || sent.has(`${candidate.id}:${threshold}`)) continue;
    count += await ctx.db.transaction().execute(async (trx) => {
      const facts = await reminders.reminderFacts(trx, candidate.id);
      if (!facts || facts.completed_at || facts.ended_at) return 0;
      if (!(await reminders.claimReminder(trx, candidate.id, threshold, now))) return 0;
      const brand = brandOf(ctx.config);
      const vars = {
        company: facts.legal_name,
        due: facts.due_at.toISOString().slice(0, 10),
        person: facts.person_name,
      };
      const actionUrl = `${ctx.config.publicUrl}/partner/training`;
      const overdue = threshold === 'overdue';
      await enqueueEmail(trx, brand, {
        to: facts.person_email,
        language: isLanguage(facts.language) ? facts.language : 'en',
        template: overdue ? 'training_overdue' : 'training_reminder',
        recipientName: facts.person_name,
        vars,
      });
      const admins = remindsAdmins(threshold) ? await reminders.partnerAdmins(trx, facts.partner_id) : [];
      for (const admin of admins.filter((a) => a.email.toLowerCase() !== facts.person_email.toLowerCase())) {
        await enqueueEmail(trx, brand, {
          to: admin.email,
          language: isLanguage(admin.language) ? admin.language : 'en',
          template: 'training_overdue_admin',
          recipientName: admin.name,
          actionUrl,
          vars,
        });
      }
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'training.reminder_sent',
        subject: { type: 'training_assignment', id: candidate.id },
        organisationId: facts.partner_id,
        data: { threshold, email: facts.person_email, admins: admins.length, due: facts.due_at.toISOString() },
      });
      return 1;
    });
  }
  return count;
}

/** The hourly pass: assign recertifications first, so their reminders go out in the same pass. */
export async function runTrainingJobs(
  ctx: AppContext,
  now = new Date(),
): Promise<{ recertified: number; reminders: number }> {
  const recertified = await assignRecertifications(ctx, now);
  return { recertified, reminders: await sendTrainingReminders(ctx, now) };
}
