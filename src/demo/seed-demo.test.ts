import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { verifyAuditChain } from '../modules/audit/index.ts';
import { countriesServed } from '../modules/distributors/index.ts';
import { DEMO_ACCOUNT_LIST, DEMO_API_KEY, DEMO_DISTRIBUTORS, DEMO_PASSWORD, seedDemo } from './seed-demo.ts';
import { startupBanner } from './demo-logins.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const eligibility = (account: string, key = DEMO_API_KEY) =>
  t.app.inject({
    method: 'GET',
    url: `/api/v1/purchase-eligibility?account=${encodeURIComponent(account)}`,
    headers: { authorization: `Bearer ${key}` },
  });

describe('demo data', () => {
  it('loads once into an empty database, with audit rows, and never again', async () => {
    const first = await seedDemo(t.ctx);
    expect(first).toEqual({ accounts: 4, distributors: DEMO_DISTRIBUTORS.length, resellers: 3 });
    expect(await seedDemo(t.ctx)).toBeUndefined();
    expect(await t.ctx.db.selectFrom('distributors').select('id').execute()).toHaveLength(DEMO_DISTRIBUTORS.length);
    const audit = await verifyAuditChain(t.ctx.db);
    expect(audit.ok).toBe(true);
    const actions = (await t.ctx.db.selectFrom('audit_log').select('action').execute()).map((r) => r.action);
    expect(actions.filter((a) => a === 'distributor.created')).toHaveLength(DEMO_DISTRIBUTORS.length);
    expect(actions).toEqual(
      expect.arrayContaining([
        'api_key.created',
        'account_list.uploaded',
        'demo.partner_created',
        'claim.confirmed',
        'claim.created',
      ]),
    );
  });

  it('REG-5: has authorised distributors in at least 10 countries, some across several', async () => {
    const countries = new Set(DEMO_DISTRIBUTORS.flatMap((d) => countriesServed(d)));
    expect(countries.size).toBeGreaterThanOrEqual(10);
    const nordic = await t.app.inject({ method: 'GET', url: '/api/v1/distributors?country=IS' });
    expect(nordic.json().distributors.map((d: { code: string }) => d.code)).toEqual(['NORDLYS']);
    const austria = await t.app.inject({ method: 'GET', url: '/api/v1/distributors?country=AT' });
    expect(austria.json().distributors[0]).toMatchObject({
      code: 'EURODIST',
      legalName: 'EuroDist Networks GmbH',
      countriesServed: ['AT', 'CH', 'DE'],
    });
  });

  it('REG-4: the demo API key answers purchase eligibility for EuroDist accounts', async () => {
    expect(DEMO_API_KEY).toMatch(/^pp_demokey0_[A-Za-z0-9_-]{43}$/);
    const eligible = await eligibility('EDN-100001');
    expect(eligible.statusCode).toBe(200);
    expect(eligible.json()).toMatchObject({
      account: 'EDN-100001',
      eligible: true,
      partner: { legalName: 'Kranich Systemhaus GmbH', country: 'DE', status: 'registered' },
      reasons: [],
    });
    expect((await eligibility('AT-2026-0042')).json()).toMatchObject({
      eligible: false,
      reasons: [{ code: 'claim_pending' }],
    });
    expect((await eligibility('EDN-100002')).json()).toMatchObject({
      eligible: false,
      reasons: [{ code: 'review_overdue' }],
    });
    expect((await eligibility('EDN-100003')).json().reasons.map((r: { code: string }) => r.code)).toEqual([
      'not_a_partner',
      'account_closed',
    ]);
    expect((await eligibility('NO-SUCH-ACCOUNT')).statusCode).toBe(404);
    expect(DEMO_ACCOUNT_LIST.length).toBeGreaterThan(5);
  });
});

describe('issue #17 item 1: the start-up banner', () => {
  it('prints the address and one demo sign-in per role present in the database', async () => {
    await seedDemo(t.ctx);
    const banner = await startupBanner(t.ctx.db, 'http://127.0.0.1:3000', DEMO_PASSWORD);
    expect(banner).toContain('Partner Portal is running at http://127.0.0.1:3000');
    expect(banner).toContain(`password ${DEMO_PASSWORD}`);
    const roles = banner
      .split('\n')
      .slice(2)
      .map((line) => line.trim().split(/\s{2,}/)[0]);
    expect(roles).toEqual([
      'applicant',
      'partner administrator',
      'PICA administrator',
      'distributor',
      'reviewer',
      'programme administrator',
    ]);
    expect(banner).toContain('admin@northwind.example');
  });
});
