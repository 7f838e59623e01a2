import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  createDistributor,
  createStaffAdmin,
  createUser,
  sessionFor,
  type DistributorFixture,
} from '../../../test/helpers/fixtures.ts';

let t: TestApp;
let eurodist: DistributorFixture;
let adminCookie: string;

beforeAll(async () => {
  t = await createTestApp();
  eurodist = await createDistributor(t.ctx, { hqCountry: 'DE' });
  adminCookie = await sessionFor(t.ctx, eurodist.admin);
});
afterAll(() => t.close());

const call = (method: 'GET' | 'POST' | 'DELETE', url: string, cookie: string, payload?: unknown) =>
  t.app.inject({ method, url, cookies: { pp_session: cookie }, payload: payload as never });

describe('distributor users', () => {
  it('a distributor administrator gives an existing account a role, and removes it again', async () => {
    const colleague = await createUser(t.ctx, [], 'colleague@eurodist.example');
    expect(
      (
        await call('POST', `/api/v1/distributor/${eurodist.id}/users`, adminCookie, {
          email: 'COLLEAGUE@eurodist.example',
          role: 'distributor_user',
        })
      ).statusCode,
    ).toBe(204);
    const users = (await call('GET', `/api/v1/distributor/${eurodist.id}/users`, adminCookie)).json();
    expect(users).toContainEqual(
      expect.objectContaining({ email: 'colleague@eurodist.example', roles: ['distributor_user'] }),
    );
    // The colleague now works for the distributor.
    const colleagueCookie = await sessionFor(t.ctx, colleague);
    expect((await call('GET', `/api/v1/distributor/${eurodist.id}/claims`, colleagueCookie)).statusCode).toBe(200);
    // …but cannot manage its users.
    expect((await call('GET', `/api/v1/distributor/${eurodist.id}/users`, colleagueCookie)).statusCode).toBe(404);
    expect(
      (await call('DELETE', `/api/v1/distributor/${eurodist.id}/users/${colleague.userId}`, adminCookie)).statusCode,
    ).toBe(204);
    expect((await call('GET', `/api/v1/distributor/${eurodist.id}/claims`, colleagueCookie)).statusCode).toBe(404);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', colleague.userId)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['distributor.user_added', 'distributor.user_removed']);
  });

  it('refuses an address without a confirmed account, naming the field, and keeps the last administrator', async () => {
    const res = await call('POST', `/api/v1/distributor/${eurodist.id}/users`, adminCookie, {
      email: 'nobody@eurodist.example',
      role: 'distributor_admin',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.fields).toEqual([
      { field: 'email', rule: 'account_required', message: expect.stringContaining('No confirmed account') },
    ]);
    const last = await call('DELETE', `/api/v1/distributor/${eurodist.id}/users/${eurodist.admin.userId}`, adminCookie);
    expect(last.statusCode).toBe(409);
    expect(last.json().error.code).toBe('last_admin');
  });

  it('programme staff add the first administrator from the portal page', async () => {
    const fresh = await createDistributor(t.ctx, { hqCountry: 'FR' });
    await createUser(t.ctx, [], 'boss@fresh.example');
    const staff = browser(t.app);
    staff.jar.set('pp_session', await sessionFor(t.ctx, await createStaffAdmin(t.ctx)));
    const page = await staff.get(`/distributor/${fresh.id}/users`);
    expect(page.statusCode).toBe(200);
    const added = await staff.post(`/distributor/${fresh.id}/users`, {
      email: 'boss@fresh.example',
      role: 'distributor_admin',
    });
    expect(added.statusCode).toBe(303);
    const after = await staff.get(`/distributor/${fresh.id}/users`);
    expect(after.body).toContain('boss@fresh.example');
    const bad = await staff.post(`/distributor/${fresh.id}/users`, {
      email: 'not-an-email',
      role: 'distributor_admin',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('value="not-an-email"');
  });
});
