import { readFileSync } from 'node:fs';
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributorApiTypes, TYPES_FILE } from '../scripts/openapi-types.ts';
import { DEMO_API_KEY, seedDemo } from '../src/demo/seed-demo.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import type { paths } from './generated/distributor-api.d.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.ctx);
});
afterAll(async () => t?.close());

/** fetch over app.inject (no socket), so every answer also passes the OpenAPI check of the test app. */
async function injectFetch(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const payload = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  const res = await t.app.inject({
    method: request.method as 'GET',
    url: `${url.pathname}${url.search}`,
    headers: Object.fromEntries(request.headers),
    ...(payload ? { payload } : {}),
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers.set(name, String(value));
  return new Response(res.statusCode === 204 ? null : new Uint8Array(res.rawPayload), {
    status: res.statusCode,
    headers,
  });
}

describe('the generated client (issue #17, X-3)', () => {
  it('the committed client types are those generated from the served document (npm run openapi:types)', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json();
    expect(await distributorApiTypes(doc), 'stale: run `npm run openapi:types`').toBe(readFileSync(TYPES_FILE, 'utf8'));
  });

  it('REG-2, REG-4: drives the distributor integration with openapi-fetch as an ERP would, with the demo API key', async () => {
    const erp = createClient<paths>({
      baseUrl: 'http://portal.test',
      headers: { authorization: `Bearer ${DEMO_API_KEY}` },
      fetch: injectFetch,
    });

    const me = await erp.GET('/api/v1/distributor');
    const eurodist = me.data?.find((d) => d.code === 'EURODIST');
    expect(eurodist?.legalName).toBe('EuroDist Networks GmbH');
    const distributorId = eurodist!.id;

    // Purchase eligibility of a listed, registered reseller; an unknown number is a typed error.
    const eligible = await erp.GET('/api/v1/purchase-eligibility', { params: { query: { account: 'EDN-100001' } } });
    expect(eligible.data).toMatchObject({
      account: 'EDN-100001',
      eligible: true,
      partner: { legalName: 'Kranich Systemhaus GmbH' },
    });
    const unknown = await erp.GET('/api/v1/purchase-eligibility', { params: { query: { account: 'NO-SUCH-1' } } });
    expect(unknown.response.status).toBe(404);
    expect(unknown.error?.error.code).toBe('account_unknown');

    // The claims waiting for the distributor: Alpenblick's number is not on the list yet.
    const pending = await erp.GET('/api/v1/distributor/{distributorId}/claims', {
      params: { path: { distributorId }, query: { status: 'pending' } },
    });
    const claim = pending.data?.find((c) => c.accountNumber === 'AT-2026-0042');
    expect(claim?.reseller.legalName).toBe('Alpenblick IT GmbH');

    // The account list upload proves it; the upload's status is readable afterwards.
    const csv =
      'account_number,reseller_name,country,status\nEDN-100001,Kranich Systemhaus GmbH,DE,active\nAT-2026-0042,Alpenblick IT GmbH,AT,active\n';
    const upload = await erp.POST('/api/v1/distributor/{distributorId}/account-lists', {
      params: { path: { distributorId } },
      body: csv as never,
      bodySerializer: (body) => body as string,
      headers: { 'content-type': 'text/csv' },
    });
    expect(upload.error).toBeUndefined();
    expect(upload.data).toMatchObject({ status: 'done', rowsWritten: 2, claimsConfirmed: 1 });
    const status = await erp.GET('/api/v1/distributor/{distributorId}/account-lists/{uploadId}', {
      params: { path: { distributorId, uploadId: upload.data!.uploadId } },
    });
    expect(status.data).toMatchObject({ status: 'done', rowsRead: 2, finishedAt: expect.any(String) });

    const after = await erp.GET('/api/v1/distributor/{distributorId}/claims', {
      params: { path: { distributorId }, query: { status: 'confirmed' } },
    });
    expect(after.data?.map((c) => c.accountNumber)).toContain('AT-2026-0042');
    // Deciding a claim that is no longer pending is a typed 409.
    const late = await erp.POST('/api/v1/distributor/{distributorId}/claims/{claimId}/decision', {
      params: { path: { distributorId, claimId: claim!.id } },
      body: { decision: 'reject' },
    });
    expect(late.response.status).toBe(409);
    expect(late.error?.error.code).toEqual(expect.any(String));
  });
});
