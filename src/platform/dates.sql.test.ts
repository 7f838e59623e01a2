import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { createDistributor, createPartner, insertClaim } from '../../test/helpers/fixtures.ts';
import { down, up } from '../migrations/2026_12_03_0900_clamped_add_months.ts';
import { addMonths } from './dates.ts';
import type { Executor } from './db.ts';

// REG-4, REG-10, REG-12, REG-14 (decision 070): SQL counts calendar months with pp_add_months,
// TypeScript with addMonths; the Locator's listable_until (SQL) and the pages' due dates (TS) must
// name the same instant whatever the session's TimeZone.

const INSTANTS = [
  '2026-01-31T00:00:00.000Z',
  '2026-01-31T23:59:59.999Z',
  '2026-01-30T12:00:00.000Z',
  '2026-01-29T23:30:00.000Z',
  '2028-01-31T10:00:00.000Z',
  '2024-02-29T00:00:00.000Z',
  '2024-02-29T23:59:59.999Z',
  '2026-02-28T23:59:59.999Z',
  '2026-03-31T00:00:00.001Z',
  '2026-05-31T18:45:30.500Z',
  '2026-08-31T23:00:00.000Z',
  '2026-10-31T22:30:00.000Z',
  '2026-11-30T06:00:00.000Z',
  '2026-12-31T23:59:59.999Z',
  '2026-11-21T12:00:00.000Z',
  '1999-12-31T23:59:59.999Z',
];
const MONTHS = [0, 1, 2, 3, 6, 11, 12, 13, 24, 48, -1, -2, -12, -13];
const TIME_ZONES = ['UTC', 'Pacific/Auckland', 'America/Los_Angeles', 'Asia/Kolkata'];

describe('REG-4, REG-10, REG-12, REG-14: pp_add_months counts months as addMonths does', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it.each(TIME_ZONES)(
    'REG-4, REG-10, REG-12, REG-14: every instant plus every month count, with the session in %s',
    async (zone) => {
      const pairs = INSTANTS.flatMap((at) => MONTHS.map((months) => ({ at, months })));
      const rows = await t.ctx.db.transaction().execute(async (trx) => {
        await sql`SELECT set_config('TimeZone', ${zone}, true)`.execute(trx);
        const result = await sql<{ n: number; sum: Date }>`
          SELECT p.n::int AS n, pp_add_months(p.at, p.months) AS sum
          FROM unnest(${pairs.map((p) => p.at)}::timestamptz[], ${pairs.map((p) => p.months)}::int[])
               WITH ORDINALITY AS p(at, months, n)
          ORDER BY p.n`.execute(trx);
        return result.rows;
      });
      expect(rows).toHaveLength(pairs.length);
      for (const [i, { at, months }] of pairs.entries())
        expect(new Date(rows[i]!.sum).toISOString(), `${at} + ${months} months in ${zone}`).toBe(
          addMonths(new Date(at), months).toISOString(),
        );
    },
  );

  it('REG-4, REG-14: the migration recomputes stored listable_until from the overflowing rule, and its down restores it', async () => {
    const distributor = await createDistributor(t.ctx, { hqCountry: 'DE' });
    const partner = await createPartner(t.ctx, { country: 'DE', reviewedAt: new Date('2026-01-31T23:30:00Z') });
    await insertClaim(t.ctx, partner.id, distributor.id, 'MONTH-END-1', 'confirmed');
    const location = await t.ctx.db
      .insertInto('partner_locations')
      .values({ partner_id: partner.id, lines: ['1 Rue'], city: 'Berlin', country: 'DE', type: 'office', listed: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    const listableUntil = async (db: Executor) =>
      (
        await db
          .selectFrom('partner_locations')
          .select('listable_until')
          .where('id', '=', location.id)
          .executeTakeFirstOrThrow()
      ).listable_until?.toISOString();

    const seen = await t.ctx.db
      .transaction()
      .execute(async (trx) => {
        await sql`SET LOCAL TIME ZONE 'Pacific/Auckland'`.execute(trx);
        await trx.updateTable('partner_settings').set({ maintenance_months: 1 }).execute();
        const clamped = await listableUntil(trx);
        await down(trx as unknown as Kysely<unknown>);
        const overflowing = await listableUntil(trx);
        await up(trx as unknown as Kysely<unknown>);
        const again = await listableUntil(trx);
        throw Object.assign(new Error('roll back'), { seen: { clamped, overflowing, again } });
      })
      .catch((e: { seen?: Record<string, string | undefined> }) => e.seen);
    expect(seen).toEqual({
      clamped: '2026-02-28T23:30:00.000Z',
      overflowing: '2026-03-03T23:30:00.000Z',
      again: '2026-02-28T23:30:00.000Z',
    });
  });
});
