import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createDistributor, insertClaim } from '../../../test/helpers/fixtures.ts';
import {
  factsOf,
  instantsFor,
  LISTABILITY_CASES,
  MAINTENANCE_PERIODS,
  type ListabilityCase,
} from '../../../test/helpers/listability-cases.ts';
import type { Executor } from '../../platform/db.ts';
import { isListable, listableUntil, searchPartnerLocations, type StandingFacts } from './index.ts';

// REG-4, REG-14 (decision 066): the Partner Locator filters on partner_locations.listable_until,
// which triggers keep from the partner_listability view. These tests hold the SQL to the rule
// (self-service.rules.ts listableUntil / isListable) on the same cases as the rule's unit test,
// through every kind of write the value depends on.

const REYKJAVIK = { latitude: 64.1466, longitude: -21.9426 };
const LISBON = { latitude: 38.7223, longitude: -9.1393 };

describe('REG-4, REG-14: the listing kept on location rows agrees with isListable', () => {
  let t: TestApp;
  let distributorId: string;
  let claimNumber = 0;

  beforeAll(async () => {
    t = await createTestApp();
    distributorId = (await createDistributor(t.ctx, { hqCountry: 'DE' })).id;
  });
  afterAll(() => t.close());

  const setMaintenanceMonths = (db: Executor, months: number) =>
    db.updateTable('partner_settings').set({ maintenance_months: months }).execute();

  const addClaim = (db: Executor, partnerId: string, status: ListabilityCase['claims'][number]) =>
    insertClaim({ db }, partnerId, distributorId, `LST-${(claimNumber += 1)}`, status);

  async function addLocation(db: Executor, partnerId: string, at: { latitude: number; longitude: number }) {
    const row = await db
      .insertInto('partner_locations')
      .values({
        partner_id: partnerId,
        lines: ['1 Test Street'],
        city: 'Test',
        country: 'IS',
        type: 'office',
        listed: true,
        ...at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function addPartner(db: Executor, c: ListabilityCase, name = c.name): Promise<string> {
    const { id } = await db
      .insertInto('organisations')
      .values({ kind: 'partner', name })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('partners')
      .values({
        organisation_id: id,
        legal_name: name,
        country: 'IS',
        status: c.status,
        registered_at: c.status === 'applicant' ? null : new Date('2025-01-01T00:00:00Z'),
        distributor_info_reviewed_at: c.reviewedAt,
        renewal_due_at: c.termEndsAt,
      })
      .execute();
    return id;
  }

  /** The standing facts of every partner as the database holds them, and the maintenance period. */
  async function factsInDatabase(): Promise<{ facts: Map<string, StandingFacts>; maintenanceMonths: number }> {
    const rows = await t.ctx.db
      .selectFrom('partners as p')
      .select((eb) => [
        'p.organisation_id',
        'p.status',
        'p.renewal_due_at',
        'p.distributor_info_reviewed_at',
        eb
          .exists(
            eb
              .selectFrom('account_claims as c')
              .select('c.id')
              .whereRef('c.partner_id', '=', 'p.organisation_id')
              .where('c.status', '=', 'confirmed'),
          )
          .as('confirmed'),
      ])
      .execute();
    const { maintenance_months } = await t.ctx.db
      .selectFrom('partner_settings')
      .select('maintenance_months')
      .executeTakeFirstOrThrow();
    return {
      maintenanceMonths: maintenance_months,
      facts: new Map(
        rows.map((r) => [
          r.organisation_id,
          {
            status: r.status,
            termEndsAt: r.renewal_due_at,
            distributorInfoReviewedAt: r.distributor_info_reviewed_at,
            hasConfirmedAccount: !!r.confirmed,
          },
        ]),
      ),
    };
  }

  /** Every location row carries its partner's listableUntil, as the rule computes it from the facts. */
  async function expectEveryLocationKept(step: string): Promise<number> {
    const { facts, maintenanceMonths } = await factsInDatabase();
    const locations = await t.ctx.db
      .selectFrom('partner_locations')
      .select(['id', 'partner_id', 'listable_until'])
      .execute();
    for (const l of locations) {
      const expected = listableUntil(facts.get(l.partner_id)!, { maintenanceMonths });
      expect(l.listable_until?.toISOString() ?? null, `${step}: location ${l.id}`).toBe(
        expected?.toISOString() ?? null,
      );
    }
    return locations.length;
  }

  /** Every partner the locator lists around `at` at the moment `now`, over all pages. */
  async function listedAround(at: { latitude: number; longitude: number }, now: Date): Promise<Set<string>> {
    const listed = new Set<string>();
    for (let page = 1; ; page += 1) {
      const found = await searchPartnerLocations(t.ctx, { ...at, radiusKm: 5, page }, now);
      for (const r of found.results) listed.add(r.partnerId);
      if (!found.hasMore) return listed;
    }
  }

  it('REG-4, REG-14: on every case, under every maintenance period, at every moment where it changes, the locator lists exactly the listable partners — without a write', async () => {
    const partners = new Map<string, ListabilityCase>();
    // Written in a session whose time zone is not UTC: the value must not depend on it.
    await t.ctx.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL TIME ZONE 'America/Los_Angeles'`.execute(trx);
      for (const [n, c] of LISTABILITY_CASES.entries()) {
        const id = await addPartner(trx, c);
        partners.set(id, c);
        // Claims before the location for half of the cases, after it for the others.
        if (n % 2 === 0) for (const status of c.claims) await addClaim(trx, id, status);
        await addLocation(trx, id, REYKJAVIK);
        if (n % 2 === 1) for (const status of c.claims) await addClaim(trx, id, status);
      }
    });
    for (const maintenanceMonths of MAINTENANCE_PERIODS) {
      await t.ctx.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL TIME ZONE 'Pacific/Auckland'`.execute(trx);
        await setMaintenanceMonths(trx, maintenanceMonths);
      });
      const settings = { maintenanceMonths };
      await expectEveryLocationKept(`${maintenanceMonths} months`);
      for (const now of instantsFor(settings)) {
        const expected = [...partners].filter(([, c]) => isListable(factsOf(c), now, settings)).map(([id]) => id);
        expect(
          [...(await listedAround(REYKJAVIK, now))].sort(),
          `${maintenanceMonths} months, at ${now.toISOString()}`,
        ).toEqual(expected.sort());
      }
    }
    // Both sides of the rule were seen, and a lapse at the millisecond: listed just before, not at.
    const settings = { maintenanceMonths: 12 };
    await setMaintenanceMonths(t.ctx.db, 12);
    const [ending] = [...partners].filter(([, c]) => c.name === 'term ends before the review falls due');
    const end = listableUntil(factsOf(ending![1]), settings)!;
    expect((await listedAround(REYKJAVIK, new Date(end.getTime() - 1))).has(ending![0])).toBe(true);
    expect((await listedAround(REYKJAVIK, end)).has(ending![0])).toBe(false);
  });

  it('REG-4, REG-14: every write the listing depends on keeps every location row in step, whichever way it is made', async () => {
    const db = t.ctx.db;
    const base = LISTABILITY_CASES[0]!;
    const a = await addPartner(db, base, 'Keep A');
    const b = await addPartner(db, base, 'Keep B');
    const aClaim = await addClaim(db, a, 'confirmed');
    const aLocations = [await addLocation(db, a, LISBON), await addLocation(db, a, LISBON)];
    const bLocation = await addLocation(db, b, LISBON);
    await expectEveryLocationKept('new locations, A with a claim and B without');
    expect((await listedAround(LISBON, new Date('2026-11-28T12:00:00Z'))).has(a)).toBe(true);

    const steps: [string, () => Promise<unknown>][] = [
      [
        'A suspended',
        () => db.updateTable('partners').set({ status: 'suspended' }).where('organisation_id', '=', a).execute(),
      ],
      [
        'A reinstated',
        () => db.updateTable('partners').set({ status: 'registered' }).where('organisation_id', '=', a).execute(),
      ],
      [
        'A renewed',
        () =>
          db
            .updateTable('partners')
            .set({ renewal_due_at: new Date('2028-06-01T00:00:00Z') })
            .where('organisation_id', '=', a)
            .execute(),
      ],
      [
        'A reviewed',
        () =>
          db
            .updateTable('partners')
            .set({ distributor_info_reviewed_at: new Date('2026-11-20T00:00:00Z') })
            .where('organisation_id', '=', a)
            .execute(),
      ],
      [
        'A review cleared',
        () =>
          db
            .updateTable('partners')
            .set({ distributor_info_reviewed_at: null })
            .where('organisation_id', '=', a)
            .execute(),
      ],
      [
        'A reviewed again',
        () =>
          db
            .updateTable('partners')
            .set({ distributor_info_reviewed_at: new Date('2026-11-21T00:00:00Z') })
            .where('organisation_id', '=', a)
            .execute(),
      ],
      [
        'a contact detail changed (no effect)',
        () =>
          db.updateTable('partners').set({ contact_name: 'Someone Else' }).where('organisation_id', '=', a).execute(),
      ],
      [
        'A and B in one statement',
        () =>
          db
            .updateTable('partners')
            .set({ renewal_due_at: new Date('2027-02-01T00:00:00Z') })
            .where('organisation_id', 'in', [a, b])
            .execute(),
      ],
      [
        "A's claim rejected",
        () => db.updateTable('account_claims').set({ status: 'rejected' }).where('id', '=', aClaim).execute(),
      ],
      [
        "A's claim confirmed",
        () => db.updateTable('account_claims').set({ status: 'confirmed' }).where('id', '=', aClaim).execute(),
      ],
      [
        "A's claim moved to B",
        () => db.updateTable('account_claims').set({ partner_id: b }).where('id', '=', aClaim).execute(),
      ],
      ['the claim deleted', () => db.deleteFrom('account_claims').where('id', '=', aClaim).execute()],
      ['a confirmed claim for A', () => addClaim(db, a, 'confirmed')],
      ['a pending claim for B', () => addClaim(db, b, 'pending')],
      ['the maintenance period changed', () => setMaintenanceMonths(db, 2)],
      [
        "one of A's locations moved to B",
        () => db.updateTable('partner_locations').set({ partner_id: b }).where('id', '=', aLocations[1]!).execute(),
      ],
      [
        "B's location edited (no effect)",
        () => db.updateTable('partner_locations').set({ city: 'Lisboa' }).where('id', '=', bLocation).execute(),
      ],
      ['every claim truncated', () => sql`TRUNCATE account_claims`.execute(db)],
      [
        'claims confirmed again in bulk',
        async () => {
          await addClaim(db, a, 'confirmed');
          await addClaim(db, b, 'confirmed');
        },
      ],
      [
        'a bulk load that skips ordinary triggers (session_replication_role = replica)',
        () =>
          db.transaction().execute(async (trx) => {
            await sql`SET LOCAL session_replication_role = replica`.execute(trx);
            await addLocation(trx, a, LISBON);
            await trx.updateTable('partners').set({ status: 'suspended' }).where('organisation_id', '=', b).execute();
          }),
      ],
      ['the maintenance period restored', () => setMaintenanceMonths(db, 12)],
    ];
    let changed = 0;
    let previous = JSON.stringify(
      await db.selectFrom('partner_locations').select(['id', 'listable_until']).orderBy('id').execute(),
    );
    for (const [step, write] of steps) {
      await write();
      await expectEveryLocationKept(step);
      const now = JSON.stringify(
        await db.selectFrom('partner_locations').select(['id', 'listable_until']).orderBy('id').execute(),
      );
      if (now !== previous) changed += 1;
      previous = now;
    }
    // The steps moved the value back and forth, not only kept it at one value.
    expect(changed).toBeGreaterThan(steps.length / 2);
  });

  it('REG-4, REG-14: a claim confirmed while the partner is being suspended does not list it afterwards (PostgreSQL, two sessions)', async (ctx) => {
    if (t.database.engine !== 'postgres' || !t.database.url) return ctx.skip(); // PGlite has one session
    const db = t.ctx.db;
    const partner = await addPartner(db, { ...LISTABILITY_CASES[0]!, claims: [] }, 'Race GmbH');
    const location = await addLocation(db, partner, LISBON);
    const suspender = new pg.Client({ connectionString: t.database.url });
    const confirmer = new pg.Client({ connectionString: t.database.url });
    await suspender.connect();
    await confirmer.connect();
    try {
      await suspender.query('BEGIN');
      await suspender.query(`UPDATE partners SET status = 'suspended' WHERE organisation_id = $1`, [partner]);
      const pid = (await confirmer.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const confirming = confirmer.query(
        `INSERT INTO account_claims (partner_id, distributor_id, account_number, status) VALUES ($1, $2, 'RACE-1', 'confirmed')`,
        [partner, distributorId],
      );
      let settled = false;
      void confirming.then(
        () => (settled = true),
        () => (settled = true),
      );
      // Until the confirming session either waits for the suspension's lock or has finished.
      for (;;) {
        const waiting = await db
          .selectNoFrom(
            sql<boolean>`EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = ${pid} AND wait_event_type = 'Lock')`.as(
              'w',
            ),
          )
          .executeTakeFirstOrThrow();
        if (waiting.w || settled) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await suspender.query('COMMIT');
      await confirming;
    } finally {
      await suspender.end();
      await confirmer.end();
    }
    const row = await db
      .selectFrom('partner_locations')
      .select('listable_until')
      .where('id', '=', location)
      .executeTakeFirstOrThrow();
    expect(row.listable_until).toBeNull();
    await expectEveryLocationKept('after the race');
  });
});
