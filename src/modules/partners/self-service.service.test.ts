import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, latestLinkTo, pathOf, type TestApp } from '../../../test/helpers/app.ts';
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
import type { Actor } from '../../platform/auth.ts';
import { acceptInvitation, inviteColleague, removeColleague, setColleagueRoles } from './colleagues.service.ts';
import { removeLocation, saveLocation, setLocationListed } from './locations.service.ts';
import { sendPartnerNotices, updatePartnerSettings } from './self-service.service.ts';
import { isListablePartner } from './self-service.repository.ts';

const DAY = 86_400_000;
const location = {
  lines: ['Hauptstraße 5'],
  city: 'München',
  postcode: '80331',
  type: 'office',
  phone: '+49 89 123456',
  email: 'info@example.test',
  website: 'https://example.test',
  services: ['sales', 'support'],
};

describe('Partner Self Service (issue #12)', () => {
  let t: TestApp;
  let dist: DistributorFixture;
  beforeAll(async () => {
    t = await createTestApp();
    dist = await createDistributor(t.ctx, { hqCountry: 'DE' });
  });
  afterAll(() => t.close());

  async function partnerWithAdmin(options: { termEndsAt?: Date; reviewedAt?: Date; confirmed?: boolean } = {}) {
    const partner = await createPartner(t.ctx, {
      country: 'DE',
      ...(options.reviewedAt ? { reviewedAt: options.reviewedAt } : {}),
    });
    await t.ctx.db
      .updateTable('partners')
      .set({ renewal_due_at: options.termEndsAt ?? new Date(Date.now() + 300 * DAY) })
      .where('organisation_id', '=', partner.id)
      .execute();
    const admin = await createUser(t.ctx, [{ role: 'partner_admin', organisationId: partner.id }]);
    const account = `ACC-${partner.id.slice(0, 8)}`;
    if (options.confirmed !== false) await insertClaim(t.ctx, partner.id, dist.id, account, 'confirmed');
    return { partner, admin, account };
  }
  const eligibility = async (account: string) =>
    (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/purchase-eligibility?account=${account}`,
        headers: bearer(dist.apiKey),
      })
    ).json();

  it('REG-4: purchase eligibility says lapsed once the term ended without a renewal, and the Locator view drops the partner', async () => {
    const { partner, account } = await partnerWithAdmin({ termEndsAt: new Date(Date.now() - DAY) });
    const answer = await eligibility(account);
    expect(answer.eligible).toBe(false);
    expect(answer.reasons.map((r: { code: string }) => r.code)).toEqual(['lapsed']);
    expect(await isListablePartner(t.ctx.db, partner.id)).toBe(false);
  });

  it('REG-4: the maintenance period is the staff setting, read by eligibility and the Locator view', async () => {
    const { partner, account } = await partnerWithAdmin({ reviewedAt: new Date(Date.now() - 70 * DAY) });
    expect((await eligibility(account)).eligible).toBe(true);
    expect(await isListablePartner(t.ctx.db, partner.id)).toBe(true);
    const staff = await createUser(t.ctx, [{ role: 'staff_admin', organisationId: null }]);
    await updatePartnerSettings(t.ctx, staff, { maintenanceMonths: 2 }, testMeta);
    try {
      await expect
        .poll(async () => (await eligibility(account)).reasons.map((r: { code: string }) => r.code), { timeout: 1500 })
        .toEqual(['review_overdue']);
      expect(await isListablePartner(t.ctx.db, partner.id)).toBe(false);
      await expect(updatePartnerSettings(t.ctx, staff, { maintenanceMonths: 0 }, testMeta)).rejects.toMatchObject({
        status: 422,
      });
    } finally {
      await updatePartnerSettings(t.ctx, staff, { maintenanceMonths: 12 }, testMeta);
    }
  });

  it('REG-4: without a confirmed claim the partner is restricted and not listable; a review restarts the clock', async () => {
    const { partner, admin } = await partnerWithAdmin({
      confirmed: false,
      reviewedAt: new Date(Date.now() - 400 * DAY),
    });
    const cookie = await sessionFor(t.ctx, admin);
    const before = (
      await t.app.inject({ method: 'GET', url: `/api/v1/partner/${partner.id}`, cookies: { pp_session: cookie } })
    ).json();
    expect(before.standing.reasons).toEqual(['no_confirmed_account', 'review_overdue']);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/partner/${partner.id}/accounts/review`,
          cookies: { pp_session: cookie },
        })
      ).statusCode,
    ).toBe(204);
    const after = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/partner/${partner.id}/accounts`,
        cookies: { pp_session: cookie },
      })
    ).json();
    expect(after.standing.reasons).toEqual(['no_confirmed_account']);
    expect(await isListablePartner(t.ctx.db, partner.id)).toBe(false);
  });

  it('REG-4: restriction and renewal notices are emailed exactly once across two concurrent job runs', async () => {
    const { partner, admin } = await partnerWithAdmin({ termEndsAt: new Date(Date.now() + 20 * DAY) });
    const counts = await Promise.all([sendPartnerNotices(t.ctx), sendPartnerNotices(t.ctx)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);
    await sendPartnerNotices(t.ctx);
    const mails = await t.ctx.db
      .selectFrom('outbox')
      .select(['template'])
      .where('recipient', '=', admin.email)
      .orderBy('template')
      .execute();
    // 20 days before the term ends: the 30-day restriction notice and the 60-day renewal notice, once each.
    expect(mails.map((m) => m.template)).toEqual(['partner_renewal_due', 'partner_restriction_ahead']);
    const notices = await t.ctx.db
      .selectFrom('partner_notices')
      .select(['kind', 'threshold'])
      .where('partner_id', '=', partner.id)
      .orderBy('kind')
      .execute();
    expect(notices).toEqual([
      { kind: 'renewal', threshold: 60 },
      { kind: 'restriction', threshold: 30 },
    ]);
    // Seven days before, the 7-day notice follows, once.
    await Promise.all([
      sendPartnerNotices(t.ctx, new Date(Date.now() + 14 * DAY)),
      sendPartnerNotices(t.ctx, new Date(Date.now() + 14 * DAY)),
    ]);
    expect(
      (
        await t.ctx.db
          .selectFrom('outbox')
          .select('id')
          .where('recipient', '=', admin.email)
          .where('template', '=', 'partner_restriction_ahead')
          .execute()
      ).length,
    ).toBe(2);
  });

  it('#16.3 REG-4: every partner due is told, however many candidates there are (not only the first page)', async () => {
    const due = await Promise.all(
      Array.from({ length: 5 }, () => partnerWithAdmin({ termEndsAt: new Date(Date.now() + 45 * DAY) })),
    );
    // Pages of two candidates: one fixed page would reach at most two of the five, at every run.
    await sendPartnerNotices(t.ctx, new Date(), 2);
    const told = await t.ctx.db
      .selectFrom('outbox')
      .select('recipient')
      .where(
        'recipient',
        'in',
        due.map((d) => d.admin.email),
      )
      .where('template', '=', 'partner_renewal_due')
      .execute();
    expect(told.map((m) => m.recipient).sort()).toEqual(due.map((d) => d.admin.email).sort());
  });

  it('the last admin cannot be removed or lose the admin role; with a second admin it can', async () => {
    const { partner, admin } = await partnerWithAdmin();
    await expect(removeColleague(t.ctx, admin, partner.id, admin.userId, testMeta)).rejects.toMatchObject({
      code: 'last_partner_admin',
      status: 409,
    });
    await expect(
      setColleagueRoles(t.ctx, admin, partner.id, admin.userId, ['partner_member'], testMeta),
    ).rejects.toMatchObject({ code: 'last_partner_admin' });
    const second = await createUser(t.ctx, [{ role: 'partner_member', organisationId: partner.id }]);
    await setColleagueRoles(t.ctx, admin, partner.id, second.userId, ['partner_admin', 'partner_signatory'], testMeta);
    await removeColleague(t.ctx, admin, partner.id, admin.userId, testMeta);
    const roles = await t.ctx.db
      .selectFrom('user_roles')
      .select(['user_id', 'role'])
      .where('organisation_id', '=', partner.id)
      .orderBy('role')
      .execute();
    expect(roles).toEqual([
      { user_id: second.userId, role: 'partner_admin' },
      { user_id: second.userId, role: 'partner_signatory' },
    ]);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('organisation_id', '=', partner.id)
      .where('action', 'like', 'partner.colleague%')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['partner.colleague_removed', 'partner.colleague_roles_set']);
  });

  it('REG-7: the last listed location cannot be unlisted or removed; flags are kept for staff', async () => {
    const { partner, admin } = await partnerWithAdmin();
    const first = await saveLocation(t.ctx, admin, partner.id, undefined, location, testMeta);
    const second = await saveLocation(
      t.ctx,
      admin,
      partner.id,
      undefined,
      { ...location, lines: ['Postfach 1234'] },
      testMeta,
    );
    expect(second.flags.map((f) => f.code)).toEqual(['address_po_box']);
    await expect(
      saveLocation(t.ctx, admin, partner.id, undefined, { ...location, type: 'residence' }, testMeta),
    ).rejects.toMatchObject({ status: 422 });
    await setLocationListed(t.ctx, admin, partner.id, first.id, true, testMeta);
    await expect(setLocationListed(t.ctx, admin, partner.id, first.id, false, testMeta)).rejects.toMatchObject({
      code: 'last_listed_location',
      status: 409,
    });
    await expect(removeLocation(t.ctx, admin, partner.id, first.id, testMeta)).rejects.toMatchObject({
      code: 'last_listed_location',
    });
    await setLocationListed(t.ctx, admin, partner.id, second.id, true, testMeta);
    await setLocationListed(t.ctx, admin, partner.id, first.id, false, testMeta);
    await removeLocation(t.ctx, admin, partner.id, first.id, testMeta);
    const left = await t.ctx.db
      .selectFrom('partner_locations')
      .select(['id', 'listed', 'services', 'latitude'])
      .where('partner_id', '=', partner.id)
      .execute();
    expect(left).toEqual([{ id: second.id, listed: true, services: ['sales', 'support'], latitude: 48.13743 }]); // REG-14: placed by the gazetteer (München) when saved
  });

  it('invitations: only the invited, confirmed address joins; an expired one does not block a new one', async () => {
    const { partner, admin } = await partnerWithAdmin();
    const invitee = 'New.Colleague@Example.test';
    await inviteColleague(t.ctx, admin, partner.id, { email: invitee, role: 'partner_signatory' }, testMeta);
    await expect(
      inviteColleague(
        t.ctx,
        admin,
        partner.id,
        { email: 'new.colleague@example.test', role: 'partner_member' },
        testMeta,
      ),
    ).rejects.toMatchObject({ code: 'invitation_pending' });
    const link = pathOf(await latestLinkTo(t.ctx, invitee));
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;
    const stranger = await createUser(t.ctx);
    await expect(acceptInvitation(t.ctx, stranger, token, testMeta)).rejects.toMatchObject({
      code: 'invitation_not_for_you',
      status: 403,
    });
    const invited: Actor = await createUser(t.ctx, [], 'new.colleague@example.test');
    await expect(acceptInvitation(t.ctx, { ...invited, emailVerified: false }, token, testMeta)).rejects.toMatchObject({
      code: 'email_not_verified',
    });
    expect(await acceptInvitation(t.ctx, invited, token, testMeta)).toBe(partner.id);
    await expect(acceptInvitation(t.ctx, invited, token, testMeta)).rejects.toMatchObject({ code: 'token_invalid' });
    expect(
      await t.ctx.db.selectFrom('user_roles').select('role').where('user_id', '=', invited.userId).execute(),
    ).toEqual([{ role: 'partner_signatory' }]);

    await inviteColleague(t.ctx, admin, partner.id, { email: 'later@example.test', role: 'partner_member' }, testMeta);
    await t.ctx.db
      .updateTable('partner_invitations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('email', '=', 'later@example.test')
      .execute();
    await inviteColleague(t.ctx, admin, partner.id, { email: 'later@example.test', role: 'partner_member' }, testMeta);
    const states = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/partner/${partner.id}/colleagues`,
        cookies: { pp_session: await sessionFor(t.ctx, admin) },
      })
    ).json();
    expect(
      states.invitations
        .filter((i: { email: string }) => i.email === 'later@example.test')
        .map((i: { state: string }) => i.state),
    ).toEqual(['pending', 'expired']);
  });

  it('invitations: the link shows a page naming the company and the inviter; joining is a POST with CSRF', async () => {
    const { partner, admin } = await partnerWithAdmin();
    await inviteColleague(
      t.ctx,
      admin,
      partner.id,
      { email: 'page.joiner@example.test', role: 'partner_member' },
      testMeta,
    );
    const link = pathOf(await latestLinkTo(t.ctx, 'page.joiner@example.test'));
    const joiner = await createUser(t.ctx, [], 'page.joiner@example.test');
    const client = browser(t.app);
    client.jar.set('pp_session', await sessionFor(t.ctx, joiner));
    const page = await client.get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(partner.legalName);
    expect(page.body).toContain(admin.name);
    expect(
      await t.ctx.db.selectFrom('user_roles').select('role').where('user_id', '=', joiner.userId).execute(),
    ).toEqual([]);
    // The secret is a `token` parameter, never a path segment (decision 061); the form posts it back.
    expect(link).toMatch(/^\/partner\/join\?token=[A-Za-z0-9_-]{43}$/);
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;
    expect((await client.post('/partner/join', { token }, { csrf: false })).statusCode).toBe(403);
    const joined = await client.post('/partner/join', { token });
    expect(joined.statusCode).toBe(303);
    expect(joined.headers.location).toBe(`/partner/${partner.id}?notice=joined`);
    expect(
      await t.ctx.db.selectFrom('user_roles').select('role').where('user_id', '=', joiner.userId).execute(),
    ).toEqual([{ role: 'partner_member' }]);
  });

  it('issue #12 item 8: a partner’s API answers 404 for another partner’s resources', async () => {
    const mine = await partnerWithAdmin();
    const theirs = await partnerWithAdmin();
    const theirLocation = await saveLocation(t.ctx, theirs.admin, theirs.partner.id, undefined, location, testMeta);
    const theirClaim = (
      await t.ctx.db
        .selectFrom('account_claims')
        .select('id')
        .where('partner_id', '=', theirs.partner.id)
        .executeTakeFirstOrThrow()
    ).id;
    const cookie = await sessionFor(t.ctx, mine.admin);
    const call = (method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, cookies: { pp_session: cookie }, ...(payload ? { payload } : {}) });
    for (const suffix of ['', '/colleagues', '/accounts', '/locations', '/renewal'])
      expect((await call('GET', `/api/v1/partner/${theirs.partner.id}${suffix}`)).statusCode).toBe(404);
    expect(
      (
        await call('PUT', `/api/v1/partner/${theirs.partner.id}/locations/${theirLocation.id}/listing`, {
          listed: true,
        })
      ).statusCode,
    ).toBe(404);
    // Their resources through my own partner's path are not found either.
    expect(
      (await call('PUT', `/api/v1/partner/${mine.partner.id}/locations/${theirLocation.id}/listing`, { listed: true }))
        .statusCode,
    ).toBe(404);
    expect((await call('DELETE', `/api/v1/partner/${mine.partner.id}/locations/${theirLocation.id}`)).statusCode).toBe(
      404,
    );
    expect((await call('DELETE', `/api/v1/partner/${mine.partner.id}/accounts/${theirClaim}`)).statusCode).toBe(404);
    expect(
      (await call('DELETE', `/api/v1/partner/${mine.partner.id}/colleagues/${theirs.admin.userId}`)).statusCode,
    ).toBe(404);
    expect((await call('GET', `/partner/${theirs.partner.id}`)).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/partner/${mine.partner.id}`)).statusCode).toBe(200);
    expect(
      await t.ctx.db
        .selectFrom('partner_locations')
        .select('listed')
        .where('id', '=', theirLocation.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ listed: false });
  });

  it('a partner member reads but cannot change; the pages render for an admin', async () => {
    const { partner, admin } = await partnerWithAdmin();
    const member = await createUser(t.ctx, [{ role: 'partner_member', organisationId: partner.id }]);
    const memberCookie = await sessionFor(t.ctx, member);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/partner/${partner.id}/locations`,
          cookies: { pp_session: memberCookie },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/partner/${partner.id}/accounts/review`,
          cookies: { pp_session: memberCookie },
        })
      ).statusCode,
    ).toBe(403);
    const cookie = await sessionFor(t.ctx, admin);
    for (const path of ['', '/colleagues', '/accounts', '/locations', '/locations/new', '/renewal']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/partner/${partner.id}${path}`,
        cookies: { pp_session: cookie },
        headers: { accept: 'text/html' },
      });
      expect(res.statusCode, path).toBe(200);
    }
  });
});
