import { describe, expect, it } from 'vitest';
import { addMonths, parseDay } from './dates.ts';

// REG-4, REG-10, REG-12, REG-14 (decision 070): review due dates, training validity, agreement
// terms, renewals and the Locator's listable_until all count calendar months with addMonths.
const CASES: [from: string, months: number, expected: string][] = [
  // Month ends clamp to the target month's last day instead of running over.
  ['2026-01-31T10:00:00.000Z', 1, '2026-02-28T10:00:00.000Z'],
  ['2028-01-31T10:00:00.000Z', 1, '2028-02-29T10:00:00.000Z'],
  ['2026-08-31T00:00:00.000Z', 6, '2027-02-28T00:00:00.000Z'],
  ['2026-03-31T12:00:00.000Z', 1, '2026-04-30T12:00:00.000Z'],
  ['2026-10-31T22:30:00.000Z', 1, '2026-11-30T22:30:00.000Z'],
  ['2026-05-31T00:00:00.000Z', 4, '2026-09-30T00:00:00.000Z'],
  ['2026-01-30T00:00:00.000Z', 1, '2026-02-28T00:00:00.000Z'],
  ['2026-01-28T00:00:00.000Z', 1, '2026-02-28T00:00:00.000Z'],
  // Leap days: a year on is 28 February; four years on is 29 February again.
  ['2024-02-29T08:15:00.000Z', 12, '2025-02-28T08:15:00.000Z'],
  ['2024-02-29T08:15:00.000Z', 48, '2028-02-29T08:15:00.000Z'],
  ['2024-02-29T08:15:00.000Z', 24, '2026-02-28T08:15:00.000Z'],
  ['2023-02-28T00:00:00.000Z', 12, '2024-02-28T00:00:00.000Z'],
  // 12 and 24 months land on the same day when it exists.
  ['2026-11-21T12:00:00.000Z', 12, '2027-11-21T12:00:00.000Z'],
  ['2026-12-31T23:59:59.999Z', 12, '2027-12-31T23:59:59.999Z'],
  ['2026-12-31T23:59:59.999Z', 24, '2028-12-31T23:59:59.999Z'],
  // Across year ends, both ways.
  ['2026-11-30T06:00:00.000Z', 3, '2027-02-28T06:00:00.000Z'],
  ['2026-12-31T23:59:59.999Z', 2, '2027-02-28T23:59:59.999Z'],
  // Negative months clamp the same way.
  ['2026-03-31T09:00:00.000Z', -1, '2026-02-28T09:00:00.000Z'],
  ['2028-03-31T09:00:00.000Z', -1, '2028-02-29T09:00:00.000Z'],
  ['2027-01-31T00:00:00.000Z', -2, '2026-11-30T00:00:00.000Z'],
  ['2026-01-15T00:00:00.000Z', -13, '2024-12-15T00:00:00.000Z'],
  ['2026-06-30T18:45:30.500Z', -12, '2025-06-30T18:45:30.500Z'],
  // Zero months is the same instant.
  ['2026-01-31T23:59:59.999Z', 0, '2026-01-31T23:59:59.999Z'],
];

describe('addMonths', () => {
  it.each(CASES)(
    'REG-4, REG-10, REG-12, REG-14: %s plus %i months is %s (a missing day is the month’s last, time of day kept)',
    (from, months, expected) => {
      expect(addMonths(new Date(from), months).toISOString()).toBe(expected);
    },
  );

  it('REG-4, REG-10, REG-12, REG-14: leaves its argument unchanged', () => {
    const from = new Date('2026-01-31T10:00:00.000Z');
    addMonths(from, 1);
    expect(from.toISOString()).toBe('2026-01-31T10:00:00.000Z');
  });

  it('REG-4, REG-10, REG-12, REG-14: refuses a fraction of a month, which SQL’s integer months cannot count', () => {
    expect(() => addMonths(new Date('2026-01-31T10:00:00.000Z'), 1.5)).toThrow(RangeError);
  });
});

describe('parseDay', () => {
  const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
  it('PICA-1, REG-10, X-4, #16.5: a typed day is a calendar day of the years 1900 to 9999', () => {
    expect(parseDay('2026-01-15')).toEqual(day('2026-01-15'));
    expect(parseDay(' 2026-01-15 ')).toEqual(day('2026-01-15'));
    expect(parseDay('1900-01-01')).toEqual(day('1900-01-01'));
    expect(parseDay('9999-12-31')).toEqual(day('9999-12-31'));
    for (const bad of ['0000-01-01', '1899-12-31', '2026-02-30', '10000-01-01', '2026-1-5', '', 'NaN'])
      expect(parseDay(bad), bad).toBeUndefined();
  });
});
