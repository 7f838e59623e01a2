import { describe, expect, it } from 'vitest';
import {
  certificateType,
  checkCertificate,
  checkCompletion,
  dueAtForAddedPerson,
  flagChangesAt,
  flaggedNonCompliant,
  partnerCompliance,
  personStatus,
  recertificationDue,
  reminderThreshold,
  trainingDueAt,
  validUntil,
  vendorCourseFor,
} from './training.rules.ts';

const DAY = 86_400_000;
const now = new Date('2026-11-28T12:00:00Z');
const days = (n: number) => new Date(now.getTime() + n * DAY);

describe('REG-10 training rules', () => {
  it('REG-10: due 12 months after the effective date; a later addition gets the later of that and the grace period', () => {
    const effective = new Date('2026-03-01T00:00:00Z');
    expect(trainingDueAt(effective)).toEqual(new Date('2027-03-01T00:00:00Z'));
    // Added early: the partner's date is later than the 90-day grace.
    expect(dueAtForAddedPerson(effective, new Date('2026-04-01T00:00:00Z'), 90)).toEqual(
      new Date('2027-03-01T00:00:00Z'),
    );
    // Added a month before the partner's date: 90 days from the day they were added.
    expect(dueAtForAddedPerson(effective, new Date('2027-02-01T00:00:00Z'), 90)).toEqual(
      new Date('2027-05-02T00:00:00Z'),
    );
    expect(dueAtForAddedPerson(effective, new Date('2027-02-01T00:00:00Z'), 10)).toEqual(
      new Date('2027-03-01T00:00:00Z'),
    );
    expect(dueAtForAddedPerson(null, now, 90)).toEqual(days(90));
  });

  it('REG-10: a completion is current for its validity and the next period is assigned 90 days before it runs out', () => {
    const done = new Date('2026-01-10T00:00:00Z');
    expect(validUntil(done, 12)).toEqual(new Date('2027-01-10T00:00:00Z'));
    expect(validUntil(done, 24)).toEqual(new Date('2028-01-10T00:00:00Z'));
    expect(recertificationDue(days(91), now)).toBe(false);
    expect(recertificationDue(days(90), now)).toBe(true);
  });

  it('REG-10: reminds at 90, 30 and 7 days before the due date and on the day it becomes overdue', () => {
    expect(reminderThreshold(days(120), now)).toBeNull();
    expect(reminderThreshold(days(90), now)).toBe('90');
    expect(reminderThreshold(days(31), now)).toBe('90');
    expect(reminderThreshold(days(30), now)).toBe('30');
    expect(reminderThreshold(days(8), now)).toBe('30');
    expect(reminderThreshold(days(7), now)).toBe('7');
    expect(reminderThreshold(days(0.5), now)).toBe('7');
    expect(reminderThreshold(now, now)).toBe('overdue');
    expect(reminderThreshold(days(-40), now)).toBe('overdue');
  });

  it('REG-10: a person is assigned, due soon, awaiting verification, verified, rejected or overdue', () => {
    expect(personStatus({ dueAt: days(60) }, null, now)).toBe('assigned');
    expect(personStatus({ dueAt: days(30) }, null, now)).toBe('due_soon');
    expect(personStatus({ dueAt: days(-1) }, null, now)).toBe('overdue');
    expect(personStatus({ dueAt: days(-1) }, { status: 'submitted' }, now)).toBe('awaiting_verification');
    expect(personStatus({ dueAt: days(-1) }, { status: 'verified' }, now)).toBe('verified');
    expect(personStatus({ dueAt: days(60) }, { status: 'rejected' }, now)).toBe('rejected');
    // A rejected record does not stop the clock.
    expect(personStatus({ dueAt: days(-1) }, { status: 'rejected' }, now)).toBe('overdue');
  });

  it('REG-10: a partner is compliant, at risk or non-compliant, and flagged after the staff-set number of days', () => {
    expect(partnerCompliance([])).toBe('compliant');
    expect(partnerCompliance(['verified', 'assigned', 'awaiting_verification'])).toBe('compliant');
    expect(partnerCompliance(['verified', 'due_soon'])).toBe('at_risk');
    expect(partnerCompliance(['rejected'])).toBe('at_risk');
    expect(partnerCompliance(['due_soon', 'overdue'])).toBe('non_compliant');
    expect(flaggedNonCompliant(null, 30, now)).toBe(false);
    expect(flaggedNonCompliant(days(-30), 30, now)).toBe(false);
    expect(flaggedNonCompliant(days(-31), 30, now)).toBe(true);
    expect(flaggedNonCompliant(days(-1), 0, now)).toBe(true);
  });

  it('#15/REG-10: the clock flags a partner one millisecond after an open assignment is overdue by the delay', () => {
    const person = (dueAt: Date | null, status: 'assigned' | 'overdue' | 'verified' | 'awaiting_verification') => ({
      dueAt,
      status,
    });
    const at = flagChangesAt([person(days(10), 'assigned'), person(days(-5), 'overdue')], 30, now);
    expect(at).toEqual(new Date(days(25).getTime() + 1));
    expect(flaggedNonCompliant(days(-5), 30, new Date(at!.getTime() - 1))).toBe(false);
    expect(flaggedNonCompliant(days(-5), 30, at!)).toBe(true);
    // Completed or submitted training, a date long passed, or nobody: nothing ahead.
    expect(
      flagChangesAt([person(days(10), 'verified'), person(days(10), 'awaiting_verification')], 30, now),
    ).toBeNull();
    expect(flagChangesAt([person(days(-40), 'overdue'), person(null, 'assigned')], 30, now)).toBeNull();
  });

  it('REG-10: a certificate is a PDF, PNG or JPEG by its content, whatever its name', () => {
    const bytes = (...b: number[]) => Uint8Array.from(b);
    expect(certificateType(new TextEncoder().encode('%PDF-1.7\n'))).toBe('application/pdf');
    expect(certificateType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('image/png');
    expect(certificateType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(certificateType(new TextEncoder().encode('<html><script>alert(1)</script>'))).toBeNull();
    expect(certificateType(new TextEncoder().encode('PDF'))).toBeNull();
    expect(checkCertificate({ size: 0, head: bytes() })).toEqual([{ field: 'certificate', rule: 'certificate_empty' }]);
    expect(checkCertificate({ size: 10, head: bytes(0x4d, 0x5a) })).toEqual([
      { field: 'certificate', rule: 'certificate_type' },
    ]);
    expect(checkCertificate({ size: 10, head: bytes(0xff, 0xd8, 0xff), tooLarge: true })[0]?.rule).toBe(
      'certificate_too_large',
    );
  });

  it('REG-10: a completion names a course and a day that is not in the future', () => {
    expect(checkCompletion({ courseId: 'c', completedOn: now }, now)).toEqual([]);
    expect(checkCompletion({ completedOn: days(1) }, now).map((p) => `${p.field}:${p.rule}`)).toEqual([
      'course_name:required',
      'provider:one_of',
      'completed_on:not_in_future',
    ]);
    expect(
      checkCompletion({ courseName: 'FCPA basics', provider: 'third_party', completedOn: undefined }, now),
    ).toEqual([{ field: 'completed_on', rule: 'date_format' }]);
  });

  it("REG-10: the vendor's own course is shown in the assignee's language when it has one", () => {
    const courses = [
      { id: 'p', provider: 'partner' as const, languages: ['ja'] },
      { id: 'v-en', provider: 'vendor' as const, languages: ['en', 'es'] },
      { id: 'v-ja', provider: 'vendor' as const, languages: ['ja'] },
    ];
    expect(vendorCourseFor(courses, 'ja')?.id).toBe('v-ja');
    expect(vendorCourseFor(courses, 'es')?.id).toBe('v-en');
    expect(vendorCourseFor(courses, 'fr')?.id).toBe('v-en');
    expect(vendorCourseFor([], 'fr')).toBeUndefined();
  });
});
