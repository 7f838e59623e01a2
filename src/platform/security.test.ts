import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import {
  bearer,
  createDistributor,
  createStaffAdmin,
  createUser,
  insertClaim,
  createPartner,
  sessionFor,
  testMeta,
  type DistributorFixture,
} from '../../test/helpers/fixtures.ts';
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
const auditCount = async () =>
  Number(
    (
      await t.ctx.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("X-3, issue #10 item 1: an API key is its organisation's credential, accepted only where security lists it", () => {
  it('walks every registered route: a key is refused on each one whose security does not list apiKey', async () => {
    const sessionOnly = t.app.routeTable.filter((r) => !r.acceptsApiKey && r.method !== 'HEAD');
    expect(sessionOnly.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining([
        'GET /api/v1/me',
        'PATCH /api/v1/me',
        'GET /api/v1/applications',
        'POST /api/v1/applications',
        'GET /account',
        'POST /account',
      ]),
    );
    const before = await auditCount();
    for (const key of [distributor.apiKey, staffKey]) {
      for (const route of sessionOnly) {
        const res = await t.app.inject({
          method: route.method as 'GET',
          url: concrete(route.url),
          headers: { ...bearer(key), 'content-type': 'application/json' },
          payload: route.method === 'GET' ? undefined : '{}',
        });
        expect({ route: `${route.method} ${route.url}`, status: res.statusCode, code: res.json().error?.code }).toEqual(
          { route: `${route.method} ${route.url}`, status: 401, code: 'api_key_not_accepted' },
        );
      }
    }
    expect(await auditCount()).toBe(before);
  });

  it('accepts a key where security lists it, and the OpenAPI document says which operations those are', async () => {
    const keyed = t.app.routeTable.filter((r) => r.acceptsApiKey);
    expect(keyed.length).toBeGreaterThan(5);
    const res = await t.app.inject({
      url: `/api/v1/distributor/${distributor.id}/claims`,
      headers: bearer(distributor.apiKey),
    });
    expect(res.statusCode).toBe(200);
    const doc = (await t.app.inject('/api/openapi.json')).json();
    expect(doc.components.securitySchemes).toMatchObject({
      session: { type: 'apiKey', in: 'cookie', name: 'pp_session' },
      apiKey: { type: 'http', scheme: 'bearer' },
    });
    expect(doc.paths['/api/v1/me'].get.security).toEqual([{ session: [] }]);
    expect(doc.paths['/api/v1/distributor/{distributorId}/claims'].get.security).toEqual([
      { session: [] },
      { apiKey: [] },
    ]);
    expect(doc.paths['/api/v1/distributors'].get.security).toEqual([]);
  });

  it("audits a key's action as the key, not as the person who created it", async () => {
    const partner = await createPartner(t.ctx, { country: 'GB' });
    const claim = await insertClaim(t.ctx, partner.id, distributor.id, 'ACC-KEY-1');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/distributor/${distributor.id}/claims/${claim}/decision`,
      headers: bearer(distributor.apiKey),
      payload: { decision: 'confirm' },
    });
    expect(res.statusCode).toBe(200);
    const row = await t.ctx.db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'actor_label'])
      .where('subject_id', '=', claim)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.actor_user_id).toBeNull();
    expect(row.actor_label).toMatch(/^api-key:[A-Za-z0-9]{8} \(test key\)$/);
    expect(row.actor_label).not.toContain(distributor.admin.email);
  });

  it('any Authorization scheme other than Bearer authenticates nothing and does not skip CSRF', async () => {
    const user = await createUser(t.ctx);
    const session = await sessionFor(t.ctx, user);
    const res = await t.app.inject({
      method: 'POST',
      url: '/account',
      headers: {
        authorization: 'Basic Zm9vOmJhcg==',
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
      },
      cookies: { pp_session: session },
      payload: 'name=Renamed&language=en',
    });
    expect(res.statusCode).toBe(403);
    const name = (
      await t.ctx.db.selectFrom('users').select('name').where('id', '=', user.userId).executeTakeFirstOrThrow()
    ).name;
    expect(name).toBe(user.name);
  });
});

describe('issue #10 item 4: framework-level errors have the error shape and the security headers', () => {
  const expectShape = (
    res: { statusCode: number; headers: Record<string, unknown>; body: string },
    status: number,
    code: string,
  ) => {
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body)).toEqual({ error: { code, message: expect.any(String) } });
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  };

  it('400 for a malformed %-escape in the path', async () => {
    expectShape(
      await t.app.inject({ url: '/api/v1/distributors/%E0%A4%A', headers: { accept: 'application/json' } }),
      400,
      'bad_url',
    );
  });

  it('#16.5: 400 error page for a form posted to an address with a malformed %-escape (was a 500)', async () => {
    // The router refuses the address before the cookies are parsed; the page must still render.
    for (const url of ['/partner/%ED%A0%83/accounts', '/staff/distributors/%C2%'])
      for (const cookie of ['', 'pp_session=whatever']) {
        const res = await t.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie },
          payload: '_csrf=x&name=y',
        });
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.body).toMatch(/<h1>[^<]+<\/h1>/);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      }
  });

  it('414 for a path parameter over the router limit', async () => {
    expectShape(
      await t.app.inject({ url: `/api/v1/distributors/${'a'.repeat(200)}`, headers: { accept: 'application/json' } }),
      414,
      'uri_too_long',
    );
  });

  it('431 for oversized headers, answered on the raw socket', async () => {
    const { request } = await import('node:http');
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await new Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>(
        (resolve, reject) => {
          const req = request(`${address}/healthz`, { headers: { 'x-big': 'x'.repeat(20_000) } }, (r) => {
            let body = '';
            r.on('data', (c: Buffer) => (body += c.toString()));
            r.on('end', () => resolve({ statusCode: r.statusCode ?? 0, headers: r.headers, body }));
          });
          req.on('error', reject);
          req.end();
        },
      );
      expectShape(res, 431, 'headers_too_large');
    } finally {
      await t.app.server.close();
    }
  });

  it('a 500 never shows the error text, even when the error handler itself fails', async () => {
    const app = (await import('../app.ts')).buildApp;
    const { testConfig } = await import('../../test/helpers/app.ts');
    const other = await app({ config: testConfig(), db: t.ctx.db, logger: false });
    other.get('/boom', async () => {
      throw Object.assign(new Error('secret internal detail'), { validation: 'not-an-array' });
    });
    await other.ready();
    const res = await other.inject({ url: '/boom', headers: { accept: 'application/json' } });
    await other.close();
    expectShape(res, 500, 'server_error');
    expect(res.body).not.toContain('secret internal detail');
  });
});

describe('issue #10 item 6: CSRF tokens are bound to the session; only an API key without a session skips them', () => {
  it('a token issued to one session is refused with another session', async () => {
    const { browser } = await import('../../test/helpers/app.ts');
    const attacker = await createUser(t.ctx);
    const victim = await createUser(t.ctx);
    const attackerBrowser = browser(t.app);
    attackerBrowser.jar.set('pp_session', await sessionFor(t.ctx, attacker));
    const page = await attackerBrowser.get('/account');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const victimSession = await sessionFor(t.ctx, victim);
    const res = await t.app.inject({
      method: 'POST',
      url: '/account',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      cookies: { pp_session: victimSession, pp_csrf: attackerBrowser.jar.get('pp_csrf')! },
      payload: new URLSearchParams({ _csrf: token, name: 'Pwned', language: 'en' }).toString(),
    });
    expect(res.statusCode).toBe(403);
    expect(
      (await t.ctx.db.selectFrom('users').select('name').where('id', '=', victim.userId).executeTakeFirstOrThrow())
        .name,
    ).toBe(victim.name);
    // The attacker's own session still works with its own token.
    const own = await attackerBrowser.post('/account', { name: 'Attacker Renamed', language: 'en' });
    expect(own.statusCode).toBe(303);
  });

  it('an API key request with a session cookie still needs the form token', async () => {
    const user = await createUser(t.ctx);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/distributor/${distributor.id}/claims/00000000-0000-4000-8000-000000000000/decision`,
      headers: { ...bearer(distributor.apiKey), 'content-type': 'application/x-www-form-urlencoded' },
      cookies: { pp_session: await sessionFor(t.ctx, user) },
      payload: 'decision=confirm',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf');
  });
});

describe('issue #10 item 7: /api/docs forbids framing and caching', () => {
  it('sends frame-ancestors none, form-action self and no-store', async () => {
    const res = await t.app.inject({ url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).toContain("form-action 'self'");
    expect(res.headers['content-security-policy']).not.toContain("frame-ancestors 'self'");
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('issue #10 item 7: the invitation API is rate limited like the page', () => {
  it('REG-1: answers 429 after 10 invitations a minute', async () => {
    const session = await sessionFor(t.ctx, await createUser(t.ctx));
    const app = (
      await t.app.inject({ method: 'POST', url: '/api/v1/applications', cookies: { pp_session: session } })
    ).json();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/applications/${app.id}/invitations`,
        cookies: { pp_session: session },
        payload: { email: `signer${i}@corp.example` },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});
