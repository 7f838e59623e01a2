import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createPartner } from '../../../test/helpers/fixtures.ts';
import { reminderDue, trainingStatus } from './training.rules.ts';
import { sendTrainingReminders } from './training.service.ts';

const DAY = 86_400_000;
const now = new Date('2026-11-21T12:00:00Z');
const due = (days: number) => new Date(now.getTime() + days * DAY);

describe('REG-10 training reminders (rules)', () => {
  it('REG-10: classifies assignments as assigned, due soon, overdue or completed', () => {
    expect(trainingStatus({ dueAt: due(90), completedAt: null }, now)).toBe('assigned');
    expect(trainingStatus({ dueAt: due(10), completedAt: null }, now)).toBe('due_soon');
    expect(trainingStatus({ dueAt: due(-1), completedAt: null }, now)).toBe('overdue');
    expect(trainingStatus({ dueAt: due(-1), completedAt: now }, now)).toBe('completed');
  });

  it('REG-10: reminds at 60, 30 and 7 days before the due date, once each, then weekly when overdue', () => {
    const base = { completedAt: null, lastReminderAt: null };
    expect(reminderDue({ ...base, dueAt: due(90), remindersSent: 0 }, now)).toBeNull();
    expect(reminderDue({ ...base, dueAt: due(59), remindersSent: 0 }, now)).toBe('before_due');
    expect(reminderDue({ ...base, dueAt: due(59), remindersSent: 1 }, now)).toBeNull();
    expect(reminderDue({ ...base, dueAt: due(6), remindersSent: 2 }, now)).toBe('before_due');
    expect(reminderDue({ ...base, dueAt: due(-1), remindersSent: 3, lastReminderAt: due(-7) }, now)).toBe('overdue');
    expect(reminderDue({ ...base, dueAt: due(-10), remindersSent: 3, lastReminderAt: due(-2) }, now)).toBeNull();
    expect(reminderDue({ ...base, dueAt: due(-10), remindersSent: 3, lastReminderAt: due(-8) }, now)).toBe('overdue');
    expect(reminderDue({ ...base, dueAt: due(-10), remindersSent: 3, lastReminderAt: due(-8), completedAt: now }, now)).toBeNull();
  });
});

describe('REG-10 training reminders (service)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('REG-10: emails due reminders once, with audit rows, and none for completed training', async () => {
    const partner = await createPartner(t.ctx, { country: 'DE' });
    await t.ctx.db.insertInto('training_assignments').values([
      { partner_id: partner.id, person_name: 'Soon', person_email: 'soon@p.example', due_at: due(20) },
      { partner_id: partner.id, person_name: 'Late', person_email: 'late@p.example', due_at: due(-3) },
      { partner_id: partner.id, person_name: 'Far', person_email: 'far@p.example', due_at: due(200) },
      { partner_id: partner.id, person_name: 'Done', person_email: 'done@p.example', due_at: due(5), completed_at: now },
    ]).execute();
    expect(await sendTrainingReminders(t.ctx, now)).toBe(2);
    expect(await sendTrainingReminders(t.ctx, now)).toBe(0);
    const mails = await t.ctx.db.selectFrom('outbox').select(['recipient', 'template']).orderBy('recipient').execute();
    expect(mails).toEqual([
      { recipient: 'late@p.example', template: 'training_overdue' },
      { recipient: 'soon@p.example', template: 'training_reminder' },
    ]);
    const soon = await t.ctx.db.selectFrom('training_assignments').select(['reminders_sent']).where('person_email', '=', 'soon@p.example').executeTakeFirstOrThrow();
    expect(soon.reminders_sent).toBe(2);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('action', 'like', 'training.%').execute();
    expect(audit).toHaveLength(2);
  });
});
