import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  createDistributor,
  createPartner,
  createStaffAdmin,
  createUser,
  insertClaim,
  sessionFor,
} from '../../../test/helpers/fixtures.ts';
import { cacheFor } from '../../platform/cache.ts';
import { findPlace, normalisePlaceName } from './gazetteer.ts';
import { FIRST_PAGE_TTL_MS, PARTNER_LOCATOR_TOPIC } from './locator.service.ts';
import { geocode, searchPartnerLocations } from './index.ts';
import { boundingBox, checkCoordinates, checkSearch, distanceKm } from './locator.rules.ts';
import { DEMO_LOCATOR_PLACES } from './locator.demo.ts';

const MUNICH = { latitude: 48.13743, longitude: 11.57549 };

describe('REG-14 locator rules and gazetteer', () => {
  it('REG-14: haversine distance matches known city distances', () => {
    expect(distanceKm(MUNICH, { latitude: 52.52437, longitude: 13.41053 })).toBeCloseTo(504, -1); // Berlin
    expect(distanceKm(MUNICH, MUNICH)).toBe(0);
  });

  it('REG-14: the bounding box holds every point of the radius, and wraps at the antimeridian', () => {
    const box = boundingBox(MUNICH, 50);
    for (const bearing of [0, 45, 90, 135, 180, 225, 270, 315]) {
      const rad = (bearing * Math.PI) / 180;
      const p = {
        latitude: MUNICH.latitude + (49.9 / 111.2) * Math.cos(rad),
        longitude: MUNICH.longitude + ((49.9 / 111.2) * Math.sin(rad)) / Math.cos((MUNICH.latitude * Math.PI) / 180),
      };
      expect(distanceKm(MUNICH, p)).toBeLessThan(50.5);
      expect(p.latitude).toBeGreaterThanOrEqual(box.minLatitude);
      expect(p.latitude).toBeLessThanOrEqual(box.maxLatitude);
      expect(p.longitude).toBeGreaterThanOrEqual(box.minLongitude);
      expect(p.longitude).toBeLessThanOrEqual(box.maxLongitude);
    }
    const fiji = boundingBox({ latitude: -17.7, longitude: 179.9 }, 100);
    expect(fiji.minLongitude).toBeGreaterThan(fiji.maxLongitude);
  });

  it('REG-14: a bad radius, latitude or page names the field', () => {
    expect(checkSearch({ place: 'Munich', radiusKm: '0' }).violations).toMatchObject([
      { field: 'radius', rule: 'number_between', params: { min: 1, max: 500 } },
    ]);
    expect(checkSearch({ latitude: '91', longitude: '11' }).violations).toMatchObject([
      { field: 'latitude', rule: 'number_between' },
    ]);
    expect(checkSearch({ latitude: '48' }).violations).toMatchObject([{ field: 'longitude', rule: 'required' }]);
    expect(checkSearch({ name: 'x', page: '51' }).violations).toMatchObject([
      { field: 'page', rule: 'integer_between', params: { max: 50 } },
    ]);
    expect(checkSearch({ name: 'x', page: '1.5' }).violations).toMatchObject([
      { field: 'page', rule: 'integer_between' },
    ]);
    expect(checkSearch({ country: 'XX' }).violations).toMatchObject([{ field: 'country', rule: 'country_code' }]);
    expect(checkSearch({}).violations).toMatchObject([{ field: 'place', rule: 'search_criteria_required' }]);
    expect(checkSearch({ place: ' Munich ', country: 'de' }).criteria).toEqual({
      place: 'Munich',
      centre: null,
      radiusKm: 50,
      country: 'DE',
      name: null,
      page: 1,
    });
    expect(checkCoordinates({ latitude: '48.1', longitude: '' }).violations).toMatchObject([
      { field: 'longitude', rule: 'required' },
    ]);
  });

  it('REG-14: the gazetteer is case- and accent-insensitive and knows common local names', () => {
    expect(normalisePlaceName('  MÜNCHEN ')).toBe('munchen');
    for (const name of ['Munich', 'munich', 'München', 'Munchen', 'MUNCHEN'])
      expect(findPlace(name, 'DE')?.name, name).toBe('Munich');
    expect(findPlace('Cologne')?.country).toBe('DE');
    expect(findPlace('Saint-Étienne', 'FR')?.name).toBe('Saint-Étienne');
    expect(findPlace('Paris', 'US')?.country).toBe('US'); // the country narrows the place
    expect(findPlace('Nowhereville Xyz')).toBeUndefined();
    expect(geocode({ city: 'München', postcode: '80802', country: 'DE' })).toMatchObject({
      place: 'Munich',
      country: 'DE',
      latitude: MUNICH.latitude,
      longitude: MUNICH.longitude,
    });
    expect(geocode({ city: 'Atlantis', country: 'GR' })).toBeUndefined();
  });

  it('REG-14, #15: the demo locations stand where the gazetteer places their cities', () => {
    // The demo seed stores these positions instead of loading the gazetteer at the first start.
    expect(DEMO_LOCATOR_PLACES.length).toBeGreaterThan(10);
    for (const { city, country, at } of DEMO_LOCATOR_PLACES) {
      const found = geocode({ city, country });
      expect(found, `${city} (${country})`).toBeDefined();
      expect([found!.latitude, found!.longitude], `${city} (${country})`).toEqual(at);
    }
  });
});

describe('REG-14 Partner Locator search', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  const addLocation = async (
    partnerId: string,
    city: string,
    at: { latitude: number; longitude: number } | null,
    listed = true,
    country = 'DE',
  ) => {
    const row = await t.ctx.db
      .insertInto('partner_locations')
      .values({
        partner_id: partnerId,
        lines: [`1 ${city} Street`],
        city,
        postcode: null,
        country,
        type: 'office',
        listed,
        latitude: at?.latitude ?? null,
        longitude: at?.longitude ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };

  beforeAll(async () => {
    t = await createTestApp();
    const alpha = await createPartner(t.ctx, { country: 'DE', legalName: 'Alpha Bavaria GmbH' });
    const beta = await createPartner(t.ctx, { country: 'DE', legalName: 'Beta Systeme GmbH' });
    const suspended = await createPartner(t.ctx, {
      country: 'DE',
      legalName: 'Suspended Sales GmbH',
      status: 'suspended',
    });
    const applicant = await createPartner(t.ctx, {
      country: 'DE',
      legalName: 'Applicant Angebot GmbH',
      status: 'applicant',
    });
    const gamma = await createPartner(t.ctx, { country: 'FR', legalName: 'Gamma Conseil SARL' });
    const many = await createPartner(t.ctx, { country: 'DE', legalName: 'Pagina Berlin GmbH' });
    // REG-4: only partners in good standing are listed, so each listed one has a confirmed
    // account; Restricted Rabatt has none and its Munich office must never appear.
    const distributor = await createDistributor(t.ctx, { hqCountry: 'DE', territories: ['FR'] });
    for (const [n, p] of [alpha, beta, suspended, applicant, gamma, many].entries())
      await insertClaim(t.ctx, p.id, distributor.id, `LOC-${n}`, 'confirmed');
    const restricted = await createPartner(t.ctx, { country: 'DE', legalName: 'Restricted Rabatt GmbH' });
    await addLocation(restricted.id, 'München', MUNICH);
    ids.alpha = alpha.id;
    ids.alphaMunich = await addLocation(alpha.id, 'München', MUNICH);
    ids.alphaFreising = await addLocation(alpha.id, 'Freising', { latitude: 48.40351, longitude: 11.74876 }); // 32 km
    ids.alphaAugsburg = await addLocation(alpha.id, 'Augsburg', { latitude: 48.37154, longitude: 10.89851 }); // 57 km
    ids.alphaUnlisted = await addLocation(alpha.id, 'Garching', { latitude: 48.24896, longitude: 11.65101 }, false);
    ids.betaPasing = await addLocation(beta.id, 'Pasing', { latitude: 48.15, longitude: 11.46 }); // 9 km
    await addLocation(suspended.id, 'München', MUNICH);
    await addLocation(applicant.id, 'München', MUNICH);
    ids.gammaParis = await addLocation(gamma.id, 'Paris', { latitude: 48.85341, longitude: 2.3488 }, true, 'FR');
    for (let i = 0; i < 25; i += 1)
      await addLocation(many.id, `Berlin ${i}`, { latitude: 52.52 + i * 0.001, longitude: 13.4 });
  });
  afterAll(() => t.close());

  const search = (input: Parameters<typeof searchPartnerLocations>[1]) => searchPartnerLocations(t.ctx, input);

  it('REG-14: a radius search finds every listed location within it, nearest first, and none beyond', async () => {
    const found = await search({ place: 'Munich', radiusKm: 50 });
    expect(found.centre).toMatchObject({ place: 'Munich', country: 'DE' });
    expect(found.results.map((r) => r.locationId)).toEqual([ids.alphaMunich, ids.betaPasing, ids.alphaFreising]);
    expect(found.results.map((r) => r.distanceKm)).toEqual([
      0,
      expect.closeTo(8.5, 0) as number,
      expect.closeTo(32, 0) as number,
    ]);
    expect(found.total).toBe(3);
    const wider = await search({ place: 'München', radiusKm: 60 });
    expect(wider.results.map((r) => r.locationId)).toContain(ids.alphaAugsburg);
    expect(wider.results.at(-1)!.distanceKm).toBeGreaterThan(50);
  });

  it('REG-14: unlisted locations, and partners that are not registered, are hidden', async () => {
    const found = await search({ place: 'Munich', radiusKm: 100 });
    const names = found.results.map((r) => r.partnerName);
    expect(names).not.toContain('Suspended Sales GmbH');
    expect(names).not.toContain('Applicant Angebot GmbH');
    expect(found.results.map((r) => r.locationId)).not.toContain(ids.alphaUnlisted);
  });

  it('REG-14: every listed location of a partner is found by name, not only its head office', async () => {
    const found = await search({ name: 'alpha bav', page: 1 });
    expect(found.results.map((r) => r.city).sort()).toEqual(['Augsburg', 'Freising', 'München']);
    expect(found.results.every((r) => r.distanceKm === null)).toBe(true);
    // Name and radius together; "%" is a literal character, not a wildcard.
    expect((await search({ place: 'Munich', name: 'Beta' })).results.map((r) => r.locationId)).toEqual([
      ids.betaPasing,
    ]);
    expect((await search({ name: '%' })).total).toBe(0);
  });

  it('REG-14: a country filter keeps only locations in that country', async () => {
    const found = await search({ country: 'FR' });
    expect(found.results.map((r) => r.locationId)).toEqual([ids.gammaParis]);
    expect(
      (await search({ latitude: 48.5, longitude: 7, radiusKm: 500, country: 'FR' })).results.map((r) => r.country),
    ).toEqual(['FR']);
  });

  it('REG-14: results come in pages of 20 with the total', async () => {
    const first = await search({ place: 'Berlin', radiusKm: 10 });
    expect(first).toMatchObject({ total: null, hasMore: true, page: 1, pageSize: 20 });
    expect(first.results).toHaveLength(20);
    const second = await search({ place: 'Berlin', radiusKm: 10, page: 2 });
    expect(second).toMatchObject({ total: 25, hasMore: false, page: 2 });
    expect(second.results).toHaveLength(5);
    const all = [...first.results, ...second.results].map((r) => r.locationId);
    expect(new Set(all).size).toBe(25);
    const distances = [...first.results, ...second.results].map((r) => r.distanceKm!);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
  });

  it('REG-14: GET /api/v1/partners/search answers JSON; a bad radius or latitude is a 400 naming the field', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/api/v1/partners/search?place=Munich&radius=50' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ total: 3, centre: { place: 'Munich' } });
    expect(ok.json().results[0]).toMatchObject({
      locationId: ids.alphaMunich,
      partnerName: 'Alpha Bavaria GmbH',
      distanceKm: 0,
      position: MUNICH,
    });
    const radius = await t.app.inject({ method: 'GET', url: '/api/v1/partners/search?place=Munich&radius=5000' });
    expect(radius.statusCode).toBe(400);
    expect(radius.json().error.fields).toMatchObject([{ field: 'radius' }]);
    const latitude = await t.app.inject({ method: 'GET', url: '/api/v1/partners/search?latitude=123&longitude=11' });
    expect(latitude.statusCode).toBe(400);
    expect(latitude.json().error.fields).toMatchObject([{ field: 'latitude' }]);
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/partners/search' });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.fields).toMatchObject([{ field: 'place', rule: 'search_criteria_required' }]);
  });

  it('REG-14: an unknown place answers "We could not find that place", not a 500', async () => {
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/partners/search?place=Xyzzyville' });
    expect(api.statusCode).toBe(422);
    expect(api.json().error).toMatchObject({
      code: 'place_not_found',
      fields: [{ field: 'place', rule: 'place_not_found' }],
    });
    expect(api.json().error.message).toContain('We could not find that place');
    const page = await browser(t.app).get('/partners?place=Xyzzyville&radius=50');
    expect(page.statusCode).toBe(422);
    expect(page.body).toContain('We could not find that place: “Xyzzyville”');
    expect(page.body).toContain('href="#field-place"');
  });

  it('REG-14: the page lists the results with distances, a map with a text alternative, and pages', async () => {
    const page = await browser(t.app).get('/partners?place=M%C3%BCnchen&radius=50');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('3 partner locations within 50 km of Munich');
    expect(page.body).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="locator-map-title"/);
    expect(page.body).toContain('Map of the 3 partner locations on this page');
    expect(page.body.indexOf('Alpha Bavaria GmbH')).toBeLessThan(page.body.indexOf('Beta Systeme GmbH'));
    expect(page.body).toContain('32.2 km away');
    const berlin = await browser(t.app).get('/partners?place=Berlin&radius=10');
    expect(berlin.body).toContain('More than 20 partner locations within 10 km of Berlin');
    expect(berlin.body).toContain('Page 1');
    expect(berlin.body).toContain('href="/partners?place=Berlin&amp;radius=10&amp;page=2"');
    const spanish = await browser(t.app).get('/partners?place=Munich', { 'accept-language': 'es' });
    expect(spanish.body).toContain('ubicaciones de partners a menos de 50 km de Munich');
    const bad = await browser(t.app).get('/partners?place=Munich&radius=abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Distance must be a number from 1 to 500.');
  });

  it('REG-14, decision 066: a first page found by place is kept until a listing changes or its first partner lapses', async () => {
    const PORTO = { latitude: 41.14961, longitude: -8.61099 };
    const distributor = await createDistributor(t.ctx, { hqCountry: 'PT' });
    const porto = await createPartner(t.ctx, { country: 'PT', legalName: 'Porto Informática Lda' });
    await insertClaim(t.ctx, porto.id, distributor.id, 'PORTO-1', 'confirmed');
    const location = await addLocation(porto.id, 'Porto', PORTO, true, 'PT');
    const found = async () => (await search({ place: 'Porto', radiusKm: 10 })).results.map((r) => r.locationId);
    /** Searches until `check` holds (a change reaches the cache by a notification after its commit). */
    const eventually = async (check: (ids: string[]) => boolean) => {
      for (let tries = 0; tries < 100; tries += 1) {
        const ids = await found();
        if (check(ids)) return ids;
        await new Promise((r) => setTimeout(r, 50));
      }
      return found();
    };
    expect(await eventually((ids) => ids.includes(location))).toContain(location);
    // The setup's own notifications may still be on their way (PostgreSQL delivers them after the
    // commit): wait until they stop clearing the cache, then keep the page again.
    const kept = cacheFor(t.ctx.db, PARTNER_LOCATOR_TOPIC, FIRST_PAGE_TTL_MS);
    for (let stable = 0, last = kept.generation; stable < 3;) {
      await new Promise((r) => setTimeout(r, 100));
      stable = kept.generation === last ? stable + 1 : 0;
      last = kept.generation;
    }
    await found();
    expect(kept.size).toBeGreaterThan(0);

    // Unlisted with the announcing trigger off: the kept page still shows it, so it was kept.
    await sql`ALTER TABLE partner_locations DISABLE TRIGGER partner_locations_announce_locator`.execute(t.ctx.db);
    await t.ctx.db.updateTable('partner_locations').set({ listed: false }).where('id', '=', location).execute();
    await sql`ALTER TABLE partner_locations ENABLE ALWAYS TRIGGER partner_locations_announce_locator`.execute(t.ctx.db);
    expect(await found()).toContain(location);
    // Any announced change drops it: here the partner's name.
    await t.ctx.db
      .updateTable('partners')
      .set({ legal_name: 'Porto Informática SA' })
      .where('organisation_id', '=', porto.id)
      .execute();
    expect(await eventually((ids) => !ids.includes(location))).not.toContain(location);

    // A partner whose term ends in two seconds: the kept page ends with it, without any write.
    await t.ctx.db
      .updateTable('partners')
      .set({ renewal_due_at: new Date(Date.now() + 2000) })
      .where('organisation_id', '=', porto.id)
      .execute();
    await t.ctx.db.updateTable('partner_locations').set({ listed: true }).where('id', '=', location).execute();
    expect(await eventually((ids) => ids.includes(location))).toContain(location);
    await new Promise((r) => setTimeout(r, 2100));
    expect(await found()).not.toContain(location);
  });

  it('REG-14, decision 066: the index function gives exactly earthdistance’s point, and the planner inlines it', async () => {
    const points = [
      [MUNICH.latitude, MUNICH.longitude],
      [-33.86785, 151.20732],
      [89.9, -179.99],
      [-90, 180],
      [0, 0],
    ];
    for (const [latitude, longitude] of points) {
      const { same } = await t.ctx.db
        .selectNoFrom(
          sql<boolean>`location_earth(${latitude}::float8, ${longitude}::float8)::cube = ll_to_earth(${latitude}::float8, ${longitude}::float8)::cube`.as(
            'same',
          ),
        )
        .executeTakeFirstOrThrow();
      expect(same, `${latitude}, ${longitude}`).toBe(true);
    }
    expect(
      (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM partner_locations WHERE location_earth(latitude, longitude) IS NULL AND latitude IS NOT NULL`.execute(
          t.ctx.db,
        )
      ).rows[0]!.n,
    ).toBe(0);
    // Inlined: the plan shows the arithmetic, not a call per row (a SET clause would prevent it).
    const plan = await sql<{
      'QUERY PLAN': string;
    }>`EXPLAIN (VERBOSE, COSTS OFF) SELECT location_earth(latitude, longitude) FROM partner_locations`.execute(
      t.ctx.db,
    );
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toContain('radians(latitude)');
    expect(text).not.toContain('location_earth(');
  });

  it('REG-14: programme staff correct a location’s coordinates; others may not', async () => {
    const staff = await createStaffAdmin(t.ctx);
    const member = await createUser(t.ctx, [{ role: 'partner_admin', organisationId: ids.alpha! }]);
    const url = `/api/v1/partners/locations/${ids.alphaAugsburg}/coordinates`;
    const denied = await t.app.inject({
      method: 'PUT',
      url,
      payload: { latitude: 48.1, longitude: 11.5 },
      cookies: { pp_session: await sessionFor(t.ctx, member) },
    });
    expect(denied.statusCode).toBe(403);
    const cookies = { pp_session: await sessionFor(t.ctx, staff) };
    const bad = await t.app.inject({ method: 'PUT', url, payload: { latitude: 100, longitude: 11.5 }, cookies });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toMatchObject([{ field: 'latitude' }]);
    const ok = await t.app.inject({ method: 'PUT', url, payload: { latitude: 48.2, longitude: 11.6 }, cookies });
    expect(ok.statusCode).toBe(200);
    expect((await search({ place: 'Munich', radiusKm: 20 })).results.map((r) => r.locationId)).toContain(
      ids.alphaAugsburg,
    );
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'data'])
      .where('subject_id', '=', ids.alphaAugsburg!)
      .execute();
    expect(audit).toMatchObject([
      { action: 'partner_location.coordinates_set', data: { to: { latitude: 48.2, longitude: 11.6 } } },
    ]);
    // The staff form: shows the gazetteer's suggestion, and re-renders a bad value with its message.
    const b = browser(t.app);
    b.jar.set('pp_session', cookies.pp_session);
    const form = await b.get(`/staff/partner-locations/${ids.alphaFreising}/coordinates`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('The gazetteer places Freising at latitude');
    const invalid = await b.post(`/staff/partner-locations/${ids.alphaFreising}/coordinates`, {
      latitude: 'north',
      longitude: '11.7',
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('Latitude must be a number from -90 to 90.');
    const saved = await b.post(`/staff/partner-locations/${ids.alphaFreising}/coordinates`, {
      latitude: '48.4',
      longitude: '11.75',
    });
    expect(saved.statusCode).toBe(303);
  });
});
