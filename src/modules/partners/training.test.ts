import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  createDistributor,
  createPartner,
  createStaffAdmin,
  createUser,
  insertClaim,
  testMeta,
} from '../../../test/helpers/fixtures.ts';
import { purchaseEligibilityAt } from '../distributors/index.ts';
import { purchaseRestrictedPartners } from './partners.service.ts';
import {
  saveCourse,
  updateTrainingSettings,
  trainingSettings,
  reportLearningSystemCompletion,
} from './training-admin.service.ts';
import { assignRecertifications, runTrainingJobs, sendTrainingReminders } from './training-jobs.service.ts';
import { seedTrainingDemo } from './training.demo.ts';
import {
  addKeyPerson,
  partnerTraining,
  removeKeyPerson,
  staffTraining,
  trainingRestrictsPurchases,
  trainingStatusOf,
} from './training.service.ts';
import { recordCompletion, reviewCompletion } from './training-completions.service.ts';

const DAY = 86_400_000;
const effective = new Date('2026-01-15T00:00:00Z');
const due = new Date('2027-01-15T00:00:00Z');
const at = (daysBeforeDue: number) => new Date(due.getTime() - daysBeforeDue * DAY);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n');

describe('REG-10 anticorruption training (service, controllable clock)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function registeredPartner() {
    const partner = await createPartner(t.ctx, { country: 'DE' });
    await t.ctx.db
      .updateTable('partners')
      .set({ agreement_effective_at: effective })
      .where('organisation_id', '=', partner.id)
      .execute();
    const admin = await createUser(t.ctx, [{ role: 'partner_admin', organisationId: partner.id }]);
    return { partner, admin };
  }
  const mailsTo = (email: string) =>
    t.ctx.db.selectFrom('outbox').select(['template']).where('recipient', '=', email).orderBy('id').execute();

  it('REG-10: a person added later is due at the later of the partner date and the staff-set grace period', async () => {
    const { partner, admin } = await registeredPartner();
    const early = await addKeyPerson(
      t.ctx,
      admin,
      partner.id,
      { name: 'Early Bird', email: 'early@p.example', role: 'Sales' },
      testMeta,
      new Date('2026-02-01T00:00:00Z'),
    );
    expect(early.dueAt).toEqual(due);
    const late = await addKeyPerson(
      t.ctx,
      admin,
      partner.id,
      { name: 'Late Comer', email: 'late@p.example' },
      testMeta,
      new Date('2026-12-01T00:00:00Z'),
    );
    expect(late.dueAt).toEqual(new Date('2027-03-01T00:00:00Z'));
    const staff = await createStaffAdmin(t.ctx);
    const settings = await trainingSettings(t.ctx.db);
    await updateTrainingSettings(
      t.ctx,
      staff,
      { graceDays: 10, flagAfterDays: 30, restrictNonCompliant: false, version: settings.version },
      testMeta,
    );
    const later = await addKeyPerson(
      t.ctx,
      admin,
      partner.id,
      { name: 'Later', email: 'later@p.example' },
      testMeta,
      new Date('2027-01-10T00:00:00Z'),
    );
    expect(later.dueAt).toEqual(new Date('2027-01-20T00:00:00Z'));
    const current = await trainingSettings(t.ctx.db);
    await updateTrainingSettings(
      t.ctx,
      staff,
      { graceDays: 90, flagAfterDays: 30, restrictNonCompliant: false, version: current.version },
      testMeta,
    );
    await expect(
      updateTrainingSettings(
        t.ctx,
        staff,
        { graceDays: 5, flagAfterDays: 30, restrictNonCompliant: false, version: current.version },
        testMeta,
      ),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      addKeyPerson(t.ctx, admin, partner.id, { name: 'Again', email: 'EARLY@p.example' }, testMeta),
    ).rejects.toMatchObject({ code: 'training_person_exists', status: 409 });
  });

  it('REG-10: each reminder is sent exactly once across two concurrent runs; the overdue one also to partner admins', async () => {
    const { partner, admin } = await registeredPartner();
    await addKeyPerson(t.ctx, admin, partner.id, { name: 'Remi', email: 'remi@p.example' }, testMeta, effective);
    const runTwice = async (now: Date) =>
      (await Promise.all([sendTrainingReminders(t.ctx, now), sendTrainingReminders(t.ctx, now)])).reduce(
        (a, b) => a + b,
        0,
      );
    const mine = async () =>
      (
        await t.ctx.db
          .selectFrom('training_reminders as r')
          .innerJoin('training_assignments as a', 'a.id', 'r.assignment_id')
          .select('r.threshold')
          .where('a.partner_id', '=', partner.id)
          .orderBy('r.sent_at')
          .execute()
      ).map((r) => r.threshold);
    await runTwice(at(120));
    expect(await mine()).toEqual([]);
    for (const [days, expected] of [
      [90, ['90']],
      [60, ['90']],
      [30, ['90', '30']],
      [7, ['90', '30', '7']],
      [0, ['90', '30', '7', 'overdue']],
      [-14, ['90', '30', '7', 'overdue']],
    ] as const) {
      await runTwice(at(days));
      await runTwice(at(days));
      expect(await mine()).toEqual(expected);
    }
    expect((await mailsTo('remi@p.example')).map((m) => m.template)).toEqual([
      'training_reminder',
      'training_reminder',
      'training_reminder',
      'training_overdue',
    ]);
    expect((await mailsTo(admin.email)).map((m) => m.template)).toEqual(['training_overdue_admin']);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('organisation_id', '=', partner.id)
      .where('action', '=', 'training.reminder_sent')
      .execute();
    expect(audit).toHaveLength(4);
  });

  it('REG-10: no reminder after completion, nor after the person is removed', async () => {
    const { partner, admin } = await registeredPartner();
    await addKeyPerson(t.ctx, admin, partner.id, { name: 'Done Early', email: 'done@p.example' }, testMeta, effective);
    const gone = await addKeyPerson(
      t.ctx,
      admin,
      partner.id,
      { name: 'Gone', email: 'gone@p.example' },
      testMeta,
      effective,
    );
    const view = await partnerTraining(t.ctx, admin, partner.id, at(100));
    const done = view.people.find((p) => p.email === 'done@p.example')!;
    await recordCompletion(
      t.ctx,
      admin,
      partner.id,
      done.assignmentId!,
      { courseName: 'FCPA essentials', provider: 'third_party', completedOn: at(100) },
      undefined,
      testMeta,
      at(100),
    );
    await removeKeyPerson(
      t.ctx,
      admin,
      partner.id,
      gone.id,
      view.people.find((p) => p.email === 'gone@p.example')!.version,
      testMeta,
      at(100),
    );
    for (const days of [90, 30, 7, 0]) await sendTrainingReminders(t.ctx, at(days));
    expect(await mailsTo('done@p.example')).toEqual([]);
    expect(await mailsTo('gone@p.example')).toEqual([]);
    // Removal keeps history: the ended assignment still exists.
    const ended = await t.ctx.db
      .selectFrom('training_assignments')
      .select(['ended_at'])
      .where('key_person_id', '=', gone.id)
      .execute();
    expect(ended).toEqual([{ ended_at: at(100) }]);
  });

  it("REG-10: statuses from assigned to verified or rejected (reason for the partner), and the partner's compliance", async () => {
    const { partner, admin } = await registeredPartner();
    const staff = await createStaffAdmin(t.ctx);
    await addKeyPerson(t.ctx, admin, partner.id, { name: 'Ann', email: 'ann@p.example' }, testMeta, effective);
    await addKeyPerson(t.ctx, admin, partner.id, { name: 'Bob', email: 'bob@p.example' }, testMeta, effective);
    const status = async (now: Date) =>
      Object.fromEntries((await partnerTraining(t.ctx, admin, partner.id, now)).people.map((p) => [p.name, p.status]));
    expect(await status(at(60))).toEqual({ Ann: 'assigned', Bob: 'assigned' });
    expect((await partnerTraining(t.ctx, admin, partner.id, at(20))).compliance).toBe('at_risk');
    expect(await status(at(20))).toEqual({ Ann: 'due_soon', Bob: 'due_soon' });
    const people = (await partnerTraining(t.ctx, admin, partner.id, at(20))).people;
    const ann = await recordCompletion(
      t.ctx,
      admin,
      partner.id,
      people.find((p) => p.name === 'Ann')!.assignmentId!,
      { courseName: 'Anti-bribery', provider: 'partner', completedOn: at(21), certificateNumber: 'C-1' },
      { bytes: PDF, name: 'cert.pdf' },
      testMeta,
      at(20),
    );
    const bob = await recordCompletion(
      t.ctx,
      admin,
      partner.id,
      people.find((p) => p.name === 'Bob')!.assignmentId!,
      { courseName: 'Anti-bribery', provider: 'partner', completedOn: at(21) },
      undefined,
      testMeta,
      at(20),
    );
    expect(ann).toMatchObject({ status: 'submitted', certificate: { type: 'application/pdf' } });
    expect(await status(at(19))).toEqual({ Ann: 'awaiting_verification', Bob: 'awaiting_verification' });
    await reviewCompletion(t.ctx, staff, ann.id, { decision: 'verify', version: ann.version }, testMeta, at(18));
    await expect(
      reviewCompletion(t.ctx, staff, bob.id, { decision: 'reject', version: bob.version }, testMeta, at(18)),
    ).rejects.toMatchObject({ status: 422 });
    await reviewCompletion(
      t.ctx,
      staff,
      bob.id,
      { decision: 'reject', reason: 'The certificate names another person.', version: bob.version },
      testMeta,
      at(18),
    );
    await expect(
      reviewCompletion(t.ctx, staff, bob.id, { decision: 'verify', version: bob.version }, testMeta, at(18)),
    ).rejects.toMatchObject({ status: 409 });
    const view = await partnerTraining(t.ctx, admin, partner.id, at(17));
    expect(view.people.map((p) => [p.name, p.status, p.latest?.reviewReason ?? null])).toEqual([
      ['Ann', 'verified', null],
      ['Bob', 'rejected', 'The certificate names another person.'],
    ]);
    expect(view.compliance).toBe('at_risk');
    expect(await mailsTo('bob@p.example')).toEqual([{ template: 'training_evidence_rejected' }]);
    // Bob is reminded again (the rejection reopened his assignment), and becomes overdue.
    expect(await sendTrainingReminders(t.ctx, at(5))).toBeGreaterThanOrEqual(1);
    const overdue = await partnerTraining(t.ctx, admin, partner.id, at(-40));
    expect(overdue).toMatchObject({ compliance: 'non_compliant', nonCompliantSince: due, flagged: true });
    expect(await trainingStatusOf(t.ctx.db, partner.id, at(-40))).toMatchObject({
      compliance: 'non_compliant',
      overdue: 1,
      people: 2,
    });
    expect(await trainingRestrictsPurchases(t.ctx.db, partner.id, at(-40))).toBe(false);
    const flaggedOnly = await staffTraining(t.ctx, staff, { status: 'flagged', partnerId: partner.id }, at(-40));
    expect(flaggedOnly.map((p) => p.partnerId)).toEqual([partner.id]);
    expect(await staffTraining(t.ctx, staff, { status: 'flagged', partnerId: partner.id }, at(-20))).toEqual([]);
  });

  it('REG-10: recertification assigns the next period before the completion runs out, once, and reminds again', async () => {
    const { partner, admin } = await registeredPartner();
    const staff = await createStaffAdmin(t.ctx);
    const course = await saveCourse(
      t.ctx,
      staff,
      undefined,
      { name: 'Vendor FCPA course', provider: 'vendor', languages: ['en'], validityMonths: 12 },
      testMeta,
    );
    const person = await addKeyPerson(
      t.ctx,
      admin,
      partner.id,
      { name: 'Rita', email: 'rita@p.example' },
      testMeta,
      effective,
    );
    const [current] = (await partnerTraining(t.ctx, admin, partner.id, at(200))).people;
    const completedOn = new Date('2026-06-01T00:00:00Z');
    const record = await recordCompletion(
      t.ctx,
      admin,
      partner.id,
      current!.assignmentId!,
      { courseId: course.id, completedOn },
      undefined,
      testMeta,
      new Date('2026-06-02T00:00:00Z'),
    );
    await reviewCompletion(
      t.ctx,
      staff,
      record.id,
      { decision: 'verify', version: record.version },
      testMeta,
      new Date('2026-06-03T00:00:00Z'),
    );
    const runs = async (now: Date) =>
      (await Promise.all([assignRecertifications(t.ctx, now), assignRecertifications(t.ctx, now)])).reduce(
        (a, b) => a + b,
        0,
      );
    expect(await runs(new Date('2027-03-01T00:00:00Z'))).toBe(0);
    expect(await runs(new Date('2027-03-04T00:00:00Z'))).toBe(1);
    expect(await runs(new Date('2027-03-05T00:00:00Z'))).toBe(0);
    const assignments = await t.ctx.db
      .selectFrom('training_assignments')
      .select(['due_at', 'previous_id'])
      .where('key_person_id', '=', person.id)
      .orderBy('due_at')
      .execute();
    expect(assignments.map((a) => a.due_at)).toEqual([due, new Date('2027-06-01T00:00:00Z')]);
    const view = await partnerTraining(t.ctx, admin, partner.id, new Date('2027-03-05T00:00:00Z'));
    expect(view.people[0]).toMatchObject({ dueAt: new Date('2027-06-01T00:00:00Z'), status: 'assigned', latest: null });
    // The 90-day reminder of the new period goes out in the next pass (other tests' people may get theirs too).
    expect(await runTrainingJobs(t.ctx, new Date('2027-03-05T00:00:00Z'))).toMatchObject({ recertified: 0 });
    expect((await mailsTo('rita@p.example')).map((m) => m.template)).toEqual(['training_reminder']);
  });

  it("REG-10: no partner sees another partner's people, and files that are not PDF or images are refused", async () => {
    const { partner, admin } = await registeredPartner();
    const other = await registeredPartner();
    await addKeyPerson(t.ctx, admin, partner.id, { name: 'Pia', email: 'pia@p.example' }, testMeta, effective);
    await expect(partnerTraining(t.ctx, other.admin, partner.id)).rejects.toMatchObject({ status: 404 });
    await expect(
      addKeyPerson(t.ctx, other.admin, partner.id, { name: 'X', email: 'x@p.example' }, testMeta),
    ).rejects.toMatchObject({ status: 404 });
    const [pia] = (await partnerTraining(t.ctx, admin, partner.id)).people;
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    await expect(
      recordCompletion(
        t.ctx,
        admin,
        partner.id,
        pia!.assignmentId!,
        { courseName: 'X', provider: 'vendor', completedOn: effective },
        { bytes: html, name: 'certificate.pdf' },
        testMeta,
      ),
    ).rejects.toMatchObject({ status: 422, violations: [{ field: 'certificate', rule: 'certificate_type' }] });
    // A course id that is not an id at all (a tampered form) names no course: 422, not a 500.
    await expect(
      recordCompletion(
        t.ctx,
        admin,
        partner.id,
        pia!.assignmentId!,
        { courseId: "1' OR '1'='1", courseName: 'X', provider: 'vendor', completedOn: effective },
        undefined,
        testMeta,
      ),
    ).rejects.toMatchObject({ status: 422, violations: [{ field: 'course_id', rule: 'one_of' }] });
    await expect(
      recordCompletion(
        t.ctx,
        other.admin,
        partner.id,
        pia!.assignmentId!,
        { courseName: 'X', provider: 'vendor', completedOn: effective },
        undefined,
        testMeta,
      ),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('REG-10: a learning system reports a completion once per completion id', async () => {
    const { partner, admin } = await registeredPartner();
    const staff = await createStaffAdmin(t.ctx);
    const course = await saveCourse(
      t.ctx,
      staff,
      undefined,
      { name: 'LMS course', provider: 'vendor', languages: ['en', 'ja'] },
      testMeta,
    );
    await addKeyPerson(t.ctx, admin, partner.id, { name: 'Lea', email: 'lea@p.example' }, testMeta, effective);
    const input = {
      system: 'northwind-lms',
      completionId: `lms-${partner.id}`,
      email: 'LEA@p.example',
      courseId: course.id,
      completedOn: new Date('2026-05-05T00:00:00Z'),
    };
    const [a, b] = await Promise.all([
      reportLearningSystemCompletion(t.ctx, staff, input, testMeta),
      reportLearningSystemCompletion(t.ctx, staff, input, testMeta),
    ]);
    expect(a.id).toBe(b.id);
    expect(await reportLearningSystemCompletion(t.ctx, staff, input, testMeta)).toEqual({ id: a.id, created: false });
    expect((await partnerTraining(t.ctx, admin, partner.id)).people[0]).toMatchObject({
      status: 'verified',
      latest: { courseName: 'LMS course' },
    });
    await expect(
      reportLearningSystemCompletion(
        t.ctx,
        staff,
        { ...input, completionId: 'other', email: 'nobody@p.example' },
        testMeta,
      ),
    ).rejects.toMatchObject({ code: 'training_learner_unknown' });
  });

  it('REG-10/REG-4: a flagged partner is restricted from purchasing only when staff choose so', async () => {
    const { partner, admin } = await registeredPartner();
    const staff = await createStaffAdmin(t.ctx);
    const distributor = await createDistributor(t.ctx, { hqCountry: 'DE' });
    await insertClaim(t.ctx, partner.id, distributor.id, `ACC-${partner.id.slice(0, 8)}`, 'confirmed');
    await addKeyPerson(t.ctx, admin, partner.id, { name: 'Olaf', email: 'olaf@p.example' }, testMeta, effective);
    const now = new Date(due.getTime() + 31 * DAY);
    expect(await trainingRestrictsPurchases(t.ctx.db, partner.id, now)).toBe(false);
    const settings = await trainingSettings(t.ctx.db);
    await updateTrainingSettings(
      t.ctx,
      staff,
      { graceDays: 90, flagAfterDays: 30, restrictNonCompliant: true, version: settings.version },
      testMeta,
    );
    try {
      expect(await trainingRestrictsPurchases(t.ctx.db, partner.id, new Date(due.getTime() + 29 * DAY))).toBe(false);
      expect(await trainingRestrictsPurchases(t.ctx.db, partner.id, now)).toBe(true);
      const answer = await purchaseEligibilityAt(t.ctx, distributor.id, `ACC-${partner.id.slice(0, 8)}`, now);
      expect(answer.reasons.map((r) => r.code)).toContain('training_non_compliant');
      const restricted = await purchaseRestrictedPartners(t.ctx.db, 12, now);
      expect(restricted.find((p) => p.partnerId === partner.id)?.reasons).toContain('training_non_compliant');
    } finally {
      const current = await trainingSettings(t.ctx.db);
      await updateTrainingSettings(
        t.ctx,
        staff,
        { graceDays: 90, flagAfterDays: 30, restrictNonCompliant: false, version: current.version },
        testMeta,
      );
    }
  });

  it('REG-10: the demo data shows every status and a flagged partner', async () => {
    const ids: string[] = [];
    for (const domain of ['kranich-systemhaus.example', 'alpenblick-it.example', 'zuerich-netzwerk.example']) {
      const partner = await createPartner(t.ctx, { country: 'DE' });
      await t.ctx.db
        .updateTable('partners')
        .set({ contact_email: `contact@${domain}` })
        .where('organisation_id', '=', partner.id)
        .execute();
      ids.push(partner.id);
    }
    const now = new Date('2026-11-28T12:00:00Z');
    await t.ctx.db.transaction().execute((trx) => seedTrainingDemo(trx, now));
    const staff = await createStaffAdmin(t.ctx);
    const views = await Promise.all(ids.map((id) => partnerTraining(t.ctx, staff, id, now)));
    expect(views.map((v) => v.people.map((p) => p.status).sort())).toEqual([
      ['due_soon', 'verified'],
      ['assigned', 'awaiting_verification'],
      ['overdue', 'rejected'],
    ]);
    expect(views.map((v) => [v.compliance, v.flagged])).toEqual([
      ['at_risk', false],
      ['compliant', false],
      ['non_compliant', true],
    ]);
  });
});
