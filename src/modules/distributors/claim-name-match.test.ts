import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  bearer,
  createDistributor,
  createPartner,
  sessionFor,
  type DistributorFixture,
} from '../../../test/helpers/fixtures.ts';
import { claimAccount } from './claims.service.ts';

// REG-2 (issue #9): an account claim is confirmed by the distributor's list only when the list
// names the applicant's company; otherwise the distributor decides, seeing both names.

let t: TestApp;
let eurodist: DistributorFixture;

beforeAll(async () => {
  t = await createTestApp();
  eurodist = await createDistributor(t.ctx, {
    hqCountry: 'DE',
    territories: ['AT'],
    legalName: 'EuroDist Networks AG',
  });
  const csv = [
    'account_number,reseller_name,country,status',
    'EDN-100004,Bergmann Elektro GmbH,DE,active',
    'EDN-100005,Donau Datentechnik GmbH,AT,active',
    'EDN-100006,,DE,active',
    'EDN-100007,Kranich Systemhaus,DE,active',
  ].join('\n');
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/distributor/${eurodist.id}/account-lists`,
    headers: { ...bearer(eurodist.apiKey), 'content-type': 'text/csv' },
    payload: csv,
  });
  expect(res.json()).toMatchObject({ status: 'done', rowsWritten: 4, claimsConfirmed: 0, claimsNameMismatch: 0 });
});
afterAll(() => t.close());

const claim = async (partner: { id: string; country: string }, accountNumber: string) =>
  t.ctx.db
    .transaction()
    .execute((trx) =>
      claimAccount(trx, partner, { distributorId: eurodist.id, accountNumber }, { userId: null, label: 'test' }),
    );

const stored = (id: string) =>
  t.ctx.db
    .selectFrom('account_claims')
    .select(['status', 'decision_source', 'listed_name', 'name_match_score', 'name_matched'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('REG-2 account claims and the listed company', () => {
  it('REG-2: leaves pending a claim of an account the list holds for another company, recording the listed name and score', async () => {
    const reseller = await createPartner(t.ctx, { country: 'DE', legalName: 'Nordlicht IT GmbH', status: 'applicant' });
    const result = await claim(reseller, 'EDN-100004');
    expect(result.status).toBe('pending');
    expect(result.nameMatch).toMatchObject({ listedName: 'Bergmann Elektro GmbH', matched: false });
    expect(await stored(result.id)).toMatchObject({
      status: 'pending',
      decision_source: null,
      listed_name: 'Bergmann Elektro GmbH',
      name_matched: false,
    });
    expect((await stored(result.id)).name_match_score).toBeLessThan(0.9);
  });

  it('REG-2: confirms at once a claim whose listed company is the applicant under another legal form', async () => {
    const reseller = await createPartner(t.ctx, {
      country: 'DE',
      legalName: 'Kranich Systemhaus GmbH',
      status: 'applicant',
    });
    const result = await claim(reseller, 'EDN-100007');
    expect(result.status).toBe('confirmed');
    expect(await stored(result.id)).toEqual({
      status: 'confirmed',
      decision_source: 'list',
      listed_name: 'Kranich Systemhaus',
      name_match_score: 1,
      name_matched: true,
    });
  });

  it('REG-2: leaves pending a claim of a listed account that has no company name on the list', async () => {
    const reseller = await createPartner(t.ctx, { country: 'DE', legalName: 'Ohne Namen GmbH', status: 'applicant' });
    const result = await claim(reseller, 'EDN-100006');
    expect(result).toMatchObject({ status: 'pending', nameMatch: { listedName: null, score: null, matched: false } });
  });

  it('REG-2: a list upload confirms pending claims under the applicant’s name only, and counts the others', async () => {
    const right = await createPartner(t.ctx, {
      country: 'AT',
      legalName: 'Alpenblick Software GmbH',
      status: 'applicant',
    });
    const wrong = await createPartner(t.ctx, { country: 'AT', legalName: 'Wiener Netzwerk AG', status: 'applicant' });
    const rightClaim = await claim(right, 'EDN-200001');
    const wrongClaim = await claim(wrong, 'EDN-200002');
    expect([rightClaim.status, wrongClaim.status]).toEqual(['pending', 'pending']);
    const csv = [
      'account_number,reseller_name,country,status',
      'EDN-200001,ALPENBLICK SOFTWARE,AT,active',
      'EDN-200002,Graz Netz GmbH,AT,active',
    ].join('\n');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/distributor/${eurodist.id}/account-lists`,
      headers: { ...bearer(eurodist.apiKey), 'content-type': 'text/csv' },
      payload: csv,
    });
    // Every pending claim of a listed account is checked again: the two earlier ones still do not match.
    expect(res.json()).toMatchObject({ status: 'done', claimsConfirmed: 1, claimsNameMismatch: 3 });
    expect(await stored(rightClaim.id)).toMatchObject({
      status: 'confirmed',
      decision_source: 'list',
      name_matched: true,
    });
    expect(await stored(wrongClaim.id)).toMatchObject({
      status: 'pending',
      listed_name: 'Graz Netz GmbH',
      name_matched: false,
    });
  });

  it('REG-2: the distributor sees both names side by side on the claims screen and in the API', async () => {
    const b = browser(t.app);
    b.jar.set('pp_session', await sessionFor(t.ctx, eurodist.admin));
    const page = await b.get(`/distributor/${eurodist.id}/claims`);
    expect(page.statusCode).toBe(200);
    const row = /<tr><td><a [^>]*>Wiener Netzwerk AG<\/a><\/td>.*?<\/tr>/s.exec(page.body)?.[0] ?? '';
    expect(row).toContain('Graz Netz GmbH');
    expect(row).toMatch(/Differs from the reseller’s name \(\d+% similar\)/);
    const api = await t.app.inject({
      method: 'GET',
      url: `/api/v1/distributor/${eurodist.id}/claims?status=pending`,
      headers: bearer(eurodist.apiKey),
    });
    const listed = (
      api.json() as { reseller: { legalName: string }; listedName: string | null; nameMatch: unknown }[]
    ).find((c) => c.reseller.legalName === 'Wiener Netzwerk AG');
    expect(listed).toMatchObject({
      listedName: 'Graz Netz GmbH',
      nameMatch: { listedName: 'Graz Netz GmbH', matched: false },
    });
  });
});
