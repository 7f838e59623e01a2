import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { bearer, createDistributor, createStaffAdmin, createUser, insertClaim, createPartner, sessionFor, testMeta, type DistributorFixture } from '../../test/helpers/fixtures.ts';
import { createApiKey, ensureVendorOrganisation } from '../modules/accounts/index.ts';

let t: TestApp;
let distributor: DistributorFixture;
let staffKey: string;
beforeAll(async () => {
  t = await createTestApp();
  distributor = await createDistributor(t.ctx, { hqCountry: 'GB' });
  const staff = await createStaffAdmin(t.ctx);
  const vendor = await ensureVendorOrganisation(t.ctx.db, t.ctx.config.vendorName);
  staffKey = (await createApiKey(t.ctx, staff, vendor, 'staff integration', testMeta)).secret;
});
afterAll(() => t.close());

const UUID = '00000000-0000-4000-8000-000000000000';
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, UUID).replace(/\*$/, 'x');
const auditCount = async () => Number((await t.ctx.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('X-3, issue #10 item 1: an API key is its organisation\'s credential, accepted only where security lists it', () => {
  it('walks every registered route: a key is refused on each one whose security does not list apiKey', async () => {
    const sessionOnly = t.app.routeTable.filter((r) => !r.acceptsApiKey && r.method !== 'HEAD');
    expect(sessionOnly.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining(['GET /api/v1/me', 'PATCH /api/v1/me', 'GET /api/v1/applications', 'POST /api/v1/applications', 'GET /account', 'POST /account']));
    const before = await auditCount();
    for (const key of [distributor.apiKey, staffKey]) {
      for (const route of sessionOnly) {
        const res = await t.app.inject({ method: route.method as 'GET', url: concrete(route.url), headers: { ...bearer(key), 'content-type': 'application/json' }, payload: route.method === 'GET' ? undefined : '{}' });
        expect({ route: `${route.method} ${route.url}`, status: res.statusCode, code: res.json().error?.code }).toEqual({ route: `${route.method} ${route.url}`, status: 401, code: 'api_key_not_accepted' });
      }
    }
    expect(await auditCount()).toBe(before);
  });

  it('accepts a key where security lists it, and the OpenAPI document says which operations those are', async () => {
    const keyed = t.app.routeTable.filter((r) => r.acceptsApiKey);
    expect(keyed.length).toBeGreaterThan(5);
    const res = await t.app.inject({ url: `/api/v1/distributor/${distributor.id}/claims`, headers: bearer(distributor.apiKey) });
    expect(res.statusCode).toBe(200);
    const doc = (await t.app.inject('/api/openapi.json')).json();
    expect(doc.components.securitySchemes).toEqual({ session: { type: 'apiKey', in: 'cookie', name: 'pp_session' }, apiKey: { type: 'http', scheme: 'bearer' } });
    expect(doc.paths['/api/v1/me'].get.security).toEqual([{ session: [] }]);
    expect(doc.paths['/api/v1/distributor/{distributorId}/claims'].get.security).toEqual([{ session: [] }, { apiKey: [] }]);
    expect(doc.paths['/api/v1/distributors'].get.security).toEqual([]);
  });

  it('audits a key\'s action as the key, not as the person who created it', async () => {
    const partner = await createPartner(t.ctx, { country: 'GB' });
    const claim = await insertClaim(t.ctx, partner.id, distributor.id, 'ACC-KEY-1');
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/distributor/${distributor.id}/claims/${claim}/decision`, headers: bearer(distributor.apiKey), payload: { decision: 'confirm' } });
    expect(res.statusCode).toBe(200);
    const row = await t.ctx.db.selectFrom('audit_log').select(['actor_user_id', 'actor_label']).where('subject_id', '=', claim).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row.actor_user_id).toBeNull();
    expect(row.actor_label).toMatch(/^api-key:[A-Za-z0-9]{8} \(test key\)$/);
    expect(row.actor_label).not.toContain(distributor.admin.email);
  });

  it('any Authorization scheme other than Bearer authenticates nothing and does not skip CSRF', async () => {
    const user = await createUser(t.ctx);
    const session = await sessionFor(t.ctx, user);
    const res = await t.app.inject({ method: 'POST', url: '/account', headers: { authorization: 'Basic Zm9vOmJhcg==', 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, cookies: { pp_session: session }, payload: 'name=Renamed&language=en' });
    expect(res.statusCode).toBe(403);
    const name = (await t.ctx.db.selectFrom('users').select('name').where('id', '=', user.userId).executeTakeFirstOrThrow()).name;
    expect(name).toBe(user.name);
  });
});
