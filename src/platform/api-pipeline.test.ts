import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import {
  bearer,
  createDistributor,
  createPartner,
  insertClaim,
  type DistributorFixture,
} from '../../test/helpers/fixtures.ts';

// Issue #15 (decision 073): an API-key request whose key is in the cache passes route security
// and the actor hook without a promise (callback hooks; the actor comes from the cache
// synchronously). Everything a client relies on must be the same on that path as on the one that
// asks the database: the answer, the error shape, the headers.

let t: TestApp;
let dist: DistributorFixture;

beforeAll(async () => {
  t = await createTestApp();
  dist = await createDistributor(t.ctx, { hqCountry: 'DE' });
  const partner = await createPartner(t.ctx, { country: 'DE' });
  await insertClaim(t.ctx, partner.id, dist.id, 'PIPE-1', 'confirmed');
});
afterAll(() => t.close());

const get = (url: string, key?: string) =>
  t.app.inject({ method: 'GET', url, headers: key === undefined ? {} : bearer(key) });

describe('#15: the short pipeline of API-key requests', () => {
  it('#15/REG-4: a key asked again (from the cache) gets the same answer and headers as the first time', async () => {
    const first = await get('/api/v1/purchase-eligibility?account=PIPE-1', dist.apiKey);
    const again = await get('/api/v1/purchase-eligibility?account=PIPE-1', dist.apiKey);
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    for (const res of [first, again]) {
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('#15/X-3: a key that cannot be valid, and an unknown one asked twice (cached as unknown), get 401 invalid_api_key', async () => {
    const unknown = `pp_abcdefgh_${'x'.repeat(40)}`;
    for (const key of ['not-a-key', unknown, unknown]) {
      const res = await get('/api/v1/purchase-eligibility?account=PIPE-1', key);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'invalid_api_key', message: expect.any(String) } });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('#15/X-3: a cached key on an operation whose security does not list keys is refused before it is used', async () => {
    await get('/api/v1/purchase-eligibility?account=PIPE-1', dist.apiKey);
    const route = t.app.routeTable.find((r) => r.method === 'GET' && r.url.startsWith('/api/v1/') && !r.acceptsApiKey);
    expect(route).toBeDefined();
    const res = await get(route!.url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000'), dist.apiKey);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('api_key_not_accepted');
  });

  it('#15: text no field may hold is refused on the cached path as on the other (400 invalid_text)', async () => {
    const res = await get('/api/v1/purchase-eligibility?account=PIPE%01', dist.apiKey);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'invalid_text',
      fields: [{ field: 'account', rule: 'control_characters' }],
    });
  });

  it('#15: the documentation keeps no-store while API answers do not get its hook', async () => {
    expect((await get('/api/docs')).headers['cache-control']).toBe('no-store');
    const api = await get('/api/v1/purchase-eligibility?account=PIPE-1', dist.apiKey);
    expect(api.headers['cache-control']).not.toBe('no-store');
  });
});
