import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createDistributor, createPartner, insertClaim } from '../../../test/helpers/fixtures.ts';
import { createDb } from '../../platform/db.ts';
import { searchPartnerLocations } from './index.ts';
import { searchListedLocations } from './locator.repository.ts';
import { distanceKm, PAGE_SIZE, type Coordinates } from './locator.rules.ts';

// Decision 066, "2026-11-29": the exact distance is checked on the page's rows in Node, and the
// live first page compares with the database's now(), so that PostgreSQL keeps its generic plan.

const CENTRE = { latitude: 50.1, longitude: 8.7 };
const RADIUS_KM = 40;

/** A repeatable scatter over a square of ±0.6° (about ±65 km): the box's corners lie beyond the radius. */
function scatter(n: number): Coordinates[] {
  let seed = 15;
  const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 1.2 - 0.6;
  return Array.from({ length: n }, () => ({
    latitude: CENTRE.latitude + next(),
    longitude: CENTRE.longitude + next() / Math.cos((CENTRE.latitude * Math.PI) / 180),
  }));
}

describe('#15 Partner Locator: the radius checked on the page, the plan kept', () => {
  let t: TestApp;
  const points = scatter(300);
  const idAt = new Map<string, Coordinates>();

  beforeAll(async () => {
    t = await createTestApp();
    const partner = await createPartner(t.ctx, { country: 'DE', legalName: 'Scatter Systeme GmbH' });
    const distributor = await createDistributor(t.ctx, { hqCountry: 'DE' });
    await insertClaim(t.ctx, partner.id, distributor.id, 'SCATTER-1', 'confirmed');
    const rows = await t.ctx.db
      .insertInto('partner_locations')
      .values(
        points.map((p, i) => ({
          partner_id: partner.id,
          lines: [`${i} Scatter Street`],
          city: `Scatter ${i}`,
          postcode: null,
          country: 'DE',
          type: 'office',
          listed: true,
          latitude: p.latitude,
          longitude: p.longitude,
        })),
      )
      .returning(['id', 'latitude', 'longitude'])
      .execute();
    for (const r of rows) idAt.set(r.id, { latitude: r.latitude!, longitude: r.longitude! });
    await sql`ANALYZE partner_locations`.execute(t.ctx.db);
  });
  afterAll(() => t.close());

  it('#15, REG-14: every page holds exactly the locations within the radius, nearest first, and says when it is the last', async () => {
    const expected = [...idAt]
      .map(([id, at]) => ({ id, km: distanceKm(CENTRE, at) }))
      .filter((r) => r.km <= RADIUS_KM)
      .sort((a, b) => a.km - b.km);
    // Many points lie in the box but beyond the radius: the check in Node has rows to drop.
    expect(expected.length).toBeGreaterThan(3 * PAGE_SIZE);
    expect(expected.length).toBeLessThan(points.length * 0.8);
    const seen: { id: string; km: number }[] = [];
    for (let page = 1; ; page += 1) {
      const found = await searchPartnerLocations(t.ctx, { ...CENTRE, radiusKm: RADIUS_KM, page });
      seen.push(...found.results.map((r) => ({ id: r.locationId, km: r.distanceKm! })));
      if (!found.hasMore) {
        expect(found.total).toBe(expected.length);
        break;
      }
      expect(found.results).toHaveLength(PAGE_SIZE);
    }
    expect(seen.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(seen.map((r) => r.km)).toEqual(expected.map((r) => Math.round(r.km * 10) / 10));
  });

  it('#15: a page of the box past the radius keeps only the rows within it (the row that says "more" too)', async () => {
    const rows = await searchListedLocations(t.ctx.db, {
      centre: CENTRE,
      radiusKm: 5,
      country: null,
      name: null,
      limit: PAGE_SIZE + 1,
      offset: 0,
    });
    const within = [...idAt.values()].filter((at) => distanceKm(CENTRE, at) <= 5).length;
    expect(rows).toHaveLength(Math.min(within, PAGE_SIZE + 1));
    for (const r of rows) expect(r.distance_km).toBeLessThanOrEqual(5);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    '#15: on a server the live first page settles on a generic plan instead of being planned on every call',
    async () => {
      // One connection, so that every search below meets the statement the first one prepared.
      const db = createDb({ url: t.database.url!, poolSize: 1 });
      try {
        for (let i = 0; i < 8; i += 1)
          await searchListedLocations(db, {
            centre: { latitude: CENTRE.latitude + i * 0.01, longitude: CENTRE.longitude },
            radiusKm: RADIUS_KM,
            country: null,
            name: null,
            limit: PAGE_SIZE + 1,
            offset: 0,
          });
        const [plans] = (
          await sql<{ generic_plans: string; custom_plans: string }>`SELECT generic_plans, custom_plans
            FROM pg_prepared_statements WHERE name = ${`pp_locator_first_${PAGE_SIZE + 1}`}`.execute(db)
        ).rows;
        // PostgreSQL plans the first five executions for their values, then compares. (On a table
        // this small a moment passed as a parameter settles on a generic plan too; on 200,000
        // locations it never did, decision 066 "2026-11-29".)
        expect(Number(plans!.generic_plans)).toBeGreaterThan(0);
        expect(Number(plans!.custom_plans)).toBeLessThanOrEqual(5);
      } finally {
        await db.destroy();
      }
    },
  );
});
