import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from '../../platform/dates.ts';
import { browser, createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  bearer,
  createDistributor,
  createPartner,
  createUser,
  insertClaim,
  sessionFor,
  testMeta,
  type DistributorFixture,
} from '../../../test/helpers/fixtures.ts';
import { confirmRenewal, renewalsForStaff } from './renewal.service.ts';
import { isListablePartner } from './self-service.repository.ts';

const DAY = 86_400_000;
const ALL = ['business_email', 'locations', 'distributor_accounts', 'added_value'];

describe('issue #12 item 6: annual renewal', () => {
  let t: TestApp;
  let dist: DistributorFixture;
  beforeAll(async () => {
    t = await createTestApp();
    dist = await createDistributor(t.ctx, { hqCountry: 'FR' });
  });
  afterAll(() => t.close());

  async function partnerEnding(termEndsAt: Date) {
    const partner = await createPartner(t.ctx, { country: 'FR' });
    await t.ctx.db
      .updateTable('partners')
      .set({ renewal_due_at: termEndsAt })
      .where('organisation_id', '=', partner.id)
      .execute();
    const admin = await createUser(t.ctx, [{ role: 'partner_admin', organisationId: partner.id }]);
    const account = `R-${partner.id.slice(0, 8)}`;
    await insertClaim(t.ctx, partner.id, dist.id, account, 'confirmed');
    return { partner, admin, account };
  }

  it('opens 60 days before the end, needs every confirmation, and extends the term by 12 months once', async () => {
    const early = await partnerEnding(new Date(Date.now() + 90 * DAY));
    await expect(
      confirmRenewal(t.ctx, early.admin, early.partner.id, { confirmed: ALL, agreementAccepted: false }, testMeta),
    ).rejects.toMatchObject({ code: 'renewal_not_due', status: 409 });

    const end = new Date(Date.now() + 30 * DAY);
    const { partner, admin } = await partnerEnding(end);
    await expect(
      confirmRenewal(t.ctx, admin, partner.id, { confirmed: ['locations'], agreementAccepted: false }, testMeta),
    ).rejects.toMatchObject({ status: 422 });
    const results = await Promise.allSettled([
      confirmRenewal(t.ctx, admin, partner.id, { confirmed: ALL, agreementAccepted: false }, testMeta),
      confirmRenewal(t.ctx, admin, partner.id, { confirmed: ALL, agreementAccepted: false }, testMeta),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { status: 409 } });
    const row = await t.ctx.db
      .selectFrom('partners')
      .select(['renewal_due_at', 'last_renewed_at'])
      .where('organisation_id', '=', partner.id)
      .executeTakeFirstOrThrow();
    // A year on, as addMonths counts it (a 29 February term end renews to 28 February).
    expect(row.renewal_due_at).toEqual(addMonths(end, 12));
    expect(row.last_renewed_at).not.toBeNull();
    expect(
      await t.ctx.db
        .selectFrom('audit_log')
        .select('action')
        .where('organisation_id', '=', partner.id)
        .where('action', '=', 'partner.renewed')
        .execute(),
    ).toHaveLength(1);
  });

  it('a lapsed partner is restricted (eligibility says lapsed) and unlisted until it renews', async () => {
    const { partner, admin, account } = await partnerEnding(new Date(Date.now() - 2 * DAY));
    const check = async () =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/purchase-eligibility?account=${account}`,
          headers: bearer(dist.apiKey),
        })
      ).json();
    expect((await check()).reasons.map((r: { code: string }) => r.code)).toEqual(['lapsed']);
    expect(await isListablePartner(t.ctx.db, partner.id)).toBe(false);
    const { termEndsAt } = await confirmRenewal(
      t.ctx,
      admin,
      partner.id,
      { confirmed: ALL, agreementAccepted: false },
      testMeta,
    );
    expect(termEndsAt.getTime()).toBeGreaterThan(Date.now() + 360 * DAY);
    await expect.poll(async () => (await check()).eligible, { timeout: 1500 }).toBe(true);
    expect(await isListablePartner(t.ctx.db, partner.id)).toBe(true);
  });

  it('programme staff see renewals due and lapsed, and change the maintenance period on the page', async () => {
    const due = await partnerEnding(new Date(Date.now() + 10 * DAY));
    const lapsed = await partnerEnding(new Date(Date.now() - 10 * DAY));
    const reviewer = await createUser(t.ctx, [{ role: 'staff_reviewer', organisationId: null }]);
    const entries = await renewalsForStaff(t.ctx, reviewer);
    expect(entries.find((e) => e.partnerId === due.partner.id)?.state).toBe('due');
    expect(entries.find((e) => e.partnerId === lapsed.partner.id)?.state).toBe('lapsed');
    await expect(renewalsForStaff(t.ctx, due.admin)).rejects.toMatchObject({ status: 403 });

    const admin = await createUser(t.ctx, [{ role: 'staff_admin', organisationId: null }]);
    const client = browser(t.app);
    client.jar.set('pp_session', await sessionFor(t.ctx, admin));
    const page = await client.get('/staff/renewals');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(due.partner.legalName);
    const bad = await client.post('/staff/renewals/settings', { maintenance_months: '0' });
    expect(bad.statusCode).toBe(422);
    const saved = await client.post('/staff/renewals/settings', { maintenance_months: '18' });
    expect(saved.statusCode).toBe(303);
    expect(
      (await t.ctx.db.selectFrom('partner_settings').select('maintenance_months').executeTakeFirstOrThrow())
        .maintenance_months,
    ).toBe(18);
  });
});
