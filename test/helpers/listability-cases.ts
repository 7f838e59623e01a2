import { listableUntil, type PartnerSettings, type StandingFacts } from '../../src/modules/partners/index.ts';

/**
 * REG-4, REG-14: partners in every standing that decides whether the Partner Locator lists them,
 * shared by the rule's unit test (self-service.rules.test.ts) and the database test that proves
 * the SQL kept on the location rows says the same (src/modules/partners/listability.test.ts).
 * Dates sit around 2026-11-28, with month ends where a month sum taken in the session's time zone
 * or one that runs over into the next month would differ from the rule (decision 070).
 */
export interface ListabilityCase {
  name: string;
  status: StandingFacts['status'];
  termEndsAt: Date | null;
  reviewedAt: Date | null;
  claims: ('confirmed' | 'pending' | 'rejected')[];
}

const at = (iso: string) => new Date(iso);
const good = {
  status: 'registered',
  termEndsAt: at('2027-06-01T00:00:00Z'),
  reviewedAt: at('2026-06-01T00:00:00Z'),
  claims: ['confirmed'],
} as const satisfies Omit<ListabilityCase, 'name'>;

export const LISTABILITY_CASES: ListabilityCase[] = [
  { name: 'in good standing', ...good, claims: ['confirmed'] },
  { name: 'no term end', ...good, termEndsAt: null, reviewedAt: at('2026-03-15T08:00:00Z'), claims: ['confirmed'] },
  {
    name: 'term ends before the review falls due',
    ...good,
    termEndsAt: at('2026-12-10T00:00:00Z'),
    claims: ['confirmed'],
  },
  {
    name: 'review falls due before the term ends',
    ...good,
    termEndsAt: at('2027-09-01T00:00:00Z'),
    reviewedAt: at('2025-12-20T09:30:00Z'),
    claims: ['confirmed'],
  },
  { name: 'lapsed', ...good, termEndsAt: at('2026-11-01T00:00:00Z'), claims: ['confirmed'] },
  { name: 'review overdue', ...good, termEndsAt: null, reviewedAt: at('2025-10-01T00:00:00Z'), claims: ['confirmed'] },
  { name: 'never reviewed', ...good, reviewedAt: null, claims: ['confirmed'] },
  {
    name: 'reviewed on 31 October, late evening UTC',
    ...good,
    termEndsAt: null,
    reviewedAt: at('2026-10-31T22:30:00Z'),
    claims: ['confirmed'],
  },
  {
    name: 'reviewed on 31 October a year earlier',
    ...good,
    termEndsAt: null,
    reviewedAt: at('2025-10-31T23:30:00Z'),
    claims: ['confirmed'],
  },
  // Decision 070: the target month lacks the day (31 January + 1 month is 28 February, not
  // 3 March; a leap day plus 12 or 13 months is 28 February or 29 March), at the last
  // millisecond of the day.
  {
    name: 'reviewed on 31 January, last millisecond',
    ...good,
    termEndsAt: null,
    reviewedAt: at('2026-01-31T23:59:59.999Z'),
    claims: ['confirmed'],
  },
  {
    name: 'reviewed on a leap day',
    ...good,
    termEndsAt: at('2027-12-01T00:00:00Z'),
    reviewedAt: at('2024-02-29T12:00:00Z'),
    claims: ['confirmed'],
  },
  { name: 'suspended', ...good, status: 'suspended', claims: ['confirmed'] },
  { name: 'terminated', ...good, status: 'terminated', claims: ['confirmed'] },
  { name: 'applicant', ...good, status: 'applicant', claims: ['confirmed'] },
  { name: 'no claim', ...good, claims: [] },
  { name: 'a pending claim only', ...good, claims: ['pending'] },
  { name: 'a rejected claim only', ...good, claims: ['rejected'] },
  { name: 'a rejected and a confirmed claim', ...good, claims: ['rejected', 'confirmed'] },
];

/** The maintenance periods the cases are checked under (months; 1 and 13 reach month ends). */
export const MAINTENANCE_PERIODS = [12, 1, 13];

export function factsOf(c: ListabilityCase): StandingFacts {
  return {
    status: c.status,
    termEndsAt: c.termEndsAt,
    distributorInfoReviewedAt: c.reviewedAt,
    hasConfirmedAccount: c.claims.includes('confirmed'),
  };
}

/**
 * The moments to look at: every case's listableUntil and the millisecond before it (where the
 * listing must change), and a few fixed ones before, between and after them.
 */
export function instantsFor(settings: PartnerSettings): Date[] {
  const times = new Set<number>(
    ['2025-06-01T00:00:00Z', '2026-11-28T12:00:00Z', '2030-01-01T00:00:00Z'].map((s) => Date.parse(s)),
  );
  for (const c of LISTABILITY_CASES) {
    const until = listableUntil(factsOf(c), settings);
    if (until) for (const t of [until.getTime() - 1, until.getTime()]) times.add(t);
  }
  return [...times].sort((a, b) => a - b).map((t) => new Date(t));
}
