import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  approvalDates,
  businessDaysBetween,
  checkDecision,
  CHECKLIST_ITEMS,
  isOpen,
  isOverdue,
  isVisibleToStaff,
  namesToScreen,
  statusAfter,
} from './review.rules.ts';

describe('REG-12 review rules', () => {
  it('REG-12: each decision moves a submitted application to its own status', () => {
    expect(statusAfter('approve')).toBe('approved');
    expect(statusAfter('decline')).toBe('declined');
    expect(statusAfter('request_info')).toBe('info_requested');
  });

  it('REG-12: only a submitted application awaits a decision, and approval needs the whole checklist', () => {
    expect(checkDecision({ decision: 'approve' }, 'approved', [...CHECKLIST_ITEMS]).map((p) => p.rule)).toEqual([
      'not_awaiting_decision',
    ]);
    expect(checkDecision({ decision: 'approve' }, 'submitted', CHECKLIST_ITEMS.slice(1)).map((p) => p.rule)).toEqual([
      'checklist_incomplete',
    ]);
    expect(checkDecision({ decision: 'approve' }, 'submitted', [...CHECKLIST_ITEMS])).toEqual([]);
  });

  it('REG-12: staff see submitted applications, never drafts; open ones can be claimed and checked', () => {
    expect(isVisibleToStaff('draft')).toBe(false);
    expect(isVisibleToStaff('declined')).toBe(true);
    expect(isOpen('submitted')).toBe(true);
    expect(isOpen('info_requested')).toBe(true);
    expect(isOpen('approved')).toBe(false);
  });

  it('REG-12: overdue past 15 business days while submitted, not while waiting for the applicant', () => {
    expect(isOverdue('submitted', 15)).toBe(false);
    expect(isOverdue('submitted', 16)).toBe(true);
    expect(isOverdue('info_requested', 30)).toBe(false);
  });

  it('REG-12: an approval makes the agreement effective now, due for renewal in 12 months', () => {
    const now = new Date('2026-11-28T10:00:00Z');
    expect(approvalDates(now)).toEqual({ effectiveAt: now, renewalDueAt: new Date('2027-11-28T10:00:00Z') });
  });

  it('screens the company, its primary contact and every key person, skipping empty names', () => {
    const names = namesToScreen({
      company: { legalName: 'Acme GmbH', legalForm: 'gmbh', country: 'DE', website: '', registrationNumber: '' },
      contacts: { primary: { name: '', email: 'a@acme.example', phone: '', title: '' } },
      personnel: {
        items: [
          { name: 'Pat', email: 'p@acme.example', role: '' },
          { name: 'Kim', email: 'k@acme.example', role: '' },
        ],
      },
    });
    expect(names).toEqual([
      { field: 'company.legal_name', name: 'Acme GmbH' },
      { field: 'personnel.0.name', name: 'Pat' },
      { field: 'personnel.1.name', name: 'Kim' },
    ]);
  });

  it('REG-12, #15: business days in constant time count exactly the weekdays a day-by-day walk counts', () => {
    const walk = (from: Date, to: Date) => {
      if (to <= from) return 0;
      let days = 0;
      const cursor = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
      const end = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate()));
      while (cursor < end) {
        cursor.setUTCDate(cursor.getUTCDate() + 1);
        if (cursor.getUTCDay() !== 0 && cursor.getUTCDay() !== 6) days += 1;
      }
      return days;
    };
    const instant = fc.date({
      min: new Date('2020-01-01T00:00:00Z'),
      max: new Date('2030-12-31T23:59:59Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instant, instant, (from, to) => businessDaysBetween(from, to) === walk(from, to)),
      {
        numRuns: 2000,
      },
    );
    // Friday evening to Monday morning is one business day; a Saturday to the next Saturday is five.
    expect(businessDaysBetween(new Date('2026-11-27T18:00:00Z'), new Date('2026-11-30T08:00:00Z'))).toBe(1);
    expect(businessDaysBetween(new Date('2026-11-28T10:00:00Z'), new Date('2026-12-05T10:00:00Z'))).toBe(5);
  });
});
