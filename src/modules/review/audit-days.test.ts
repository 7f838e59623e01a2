import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createStaffAdmin, sessionFor } from '../../../test/helpers/fixtures.ts';
import { auditSearchDay } from '../audit/audit.rules.ts';

/**
 * X-4, #16.5: the audit search's days (`from`, `to`) that PostgreSQL would refuse (year 0000, or
 * a `to` whose next midnight is past year 9999) are the caller's error, naming the field and the
 * rule — they reached the database as a 500 (found with the data-exception backstop's log).
 */
let t: TestApp;
let cookie: string;
beforeAll(async () => {
  t = await createTestApp();
  cookie = `pp_session=${await sessionFor(t.ctx, await createStaffAdmin(t.ctx))}`;
});
afterAll(() => t.close());

describe('X-4 audit search days', () => {
  it('X-4, #16.5: a search day is a calendar day of the years 1900 to 9998', () => {
    expect(auditSearchDay('2026-11-29')).toEqual(new Date('2026-11-29T00:00:00Z'));
    for (const bad of ['0000-01-01', '1899-12-31', '9999-12-31', '2026-02-30', 'x'])
      expect(auditSearchDay(bad), bad).toBeUndefined();
  });

  it('X-4, #16.5: the API answers 422 naming the field and the date_format rule', async () => {
    for (const [query, field] of [
      ['from=0000-01-01', 'from'],
      ['to=9999-12-31', 'to'],
    ] as const) {
      const res = await t.app.inject({ url: `/api/v1/staff/audit?${query}`, headers: { cookie } });
      expect(res.statusCode, query).toBe(422);
      expect(res.json().error.fields).toEqual([expect.objectContaining({ field, rule: 'date_format' })]);
    }
  });

  it('X-4, #16.5: the page shows the field error instead of searching', async () => {
    for (const query of ['from=0000-01-01', 'to=9999-12-31']) {
      const res = await t.app.inject({ url: `/staff/audit?${query}`, headers: { cookie, accept: 'text/html' } });
      expect(res.statusCode, query).toBeLessThan(500);
      expect(res.body).toContain('error-summary');
    }
  });
});
