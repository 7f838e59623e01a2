import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { verifyAuditChain } from '../modules/audit/index.ts';
import { countriesServed } from '../modules/distributors/index.ts';
import { currentAgreementView } from '../modules/registration/index.ts';
import { DEMO_DISTRIBUTORS } from './demo-distributors.ts';
import { DEMO_ACCOUNT_LIST, DEMO_API_KEY, DEMO_PASSWORD, seedDemo } from './seed-demo.ts';
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

describe('issue #17 item 1: a realistic demo programme', () => {
  it('REG-12: has an application in every status, each submitted one with its submission', async () => {
    await seedDemo(t.ctx);
    const apps = await t.ctx.db.selectFrom('applications').select(['id', 'status', 'submitted_at']).execute();
    expect(new Set(apps.map((a) => a.status))).toEqual(
      new Set(['draft', 'submitted', 'info_requested', 'approved', 'declined']),
    );
    const submissions = await t.ctx.db.selectFrom('application_submissions').select('application_id').execute();
    for (const a of apps.filter((x) => x.status !== 'draft'))
      expect(submissions.map((s) => s.application_id)).toContain(a.id);
    const decisions = await t.ctx.db.selectFrom('application_decisions').select('decision').execute();
    expect(decisions.map((d) => d.decision).sort()).toEqual(['approved', 'declined', 'info_requested']);
  });

  it('REG-11, X-1: has two agreement versions, each in the four languages; 2026.1 is current', async () => {
    const versions = await t.ctx.db
      .selectFrom('agreements as a')
      .innerJoin('agreement_texts as x', 'x.agreement_id', 'a.id')
      .select(['a.version', 'x.language', 'a.effective_at'])
      .where('a.kind', '=', 'icpa')
      .execute();
    for (const version of ['2025.1', '2026.1'])
      expect(
        versions
          .filter((v) => v.version === version)
          .map((v) => v.language)
          .sort(),
      ).toEqual(['en', 'es', 'fr', 'ja']);
    expect((await currentAgreementView(t.ctx))?.version).toBe('2026.1');
    expect((await t.app.inject({ method: 'GET', url: '/agreements/2025.1?lang=ja' })).statusCode).toBe(200);
  });

  it('REG-4: has partners restricted for each reason, a renewal due within 60 days and a lapsed term', async () => {
    expect((await eligibility('AT-2026-0042')).json().reasons.map((r: { code: string }) => r.code)).toContain(
      'claim_pending',
    );
    expect((await eligibility('EDN-100002')).json().reasons.map((r: { code: string }) => r.code)).toContain(
      'review_overdue',
    );
    expect((await eligibility('EDN-100004')).json()).toMatchObject({ eligible: true, reasons: [] });
    expect((await eligibility('EDN-100005')).json()).toMatchObject({ eligible: false, reasons: [{ code: 'lapsed' }] });
    const terms = await t.ctx.db
      .selectFrom('partners')
      .select(['legal_name', 'renewal_due_at'])
      .where('renewal_due_at', 'is not', null)
      .execute();
    const now = Date.now();
    const inDays = (d: Date | null) => (d!.getTime() - now) / 86_400_000;
    expect(terms.some((p) => inDays(p.renewal_due_at) < 0)).toBe(true);
    expect(terms.some((p) => inDays(p.renewal_due_at) > 0 && inDays(p.renewal_due_at) <= 60)).toBe(true);
  });

  it('PICA-5, PICA-6: has sponsorships in every ledger state and an end user with entitlements', async () => {
    const rows = await t.ctx.db
      .selectFrom('pica_sponsorships')
      .select(['revoked_at', 'expires_at', 'uses', 'max_uses', 'key_hash'])
      .execute();
    const state = (s: (typeof rows)[number]) =>
      s.revoked_at
        ? 'revoked'
        : s.max_uses !== null && s.uses >= s.max_uses
          ? 'used'
          : s.expires_at.getTime() <= Date.now()
            ? 'expired'
            : 'pending';
    expect(new Set(rows.map(state))).toEqual(new Set(['pending', 'used', 'expired', 'revoked']));
    // Keys are stored as hashes only.
    for (const r of rows) expect(r.key_hash).toMatch(/^[0-9a-f]{64}$/);
    const tools = await t.ctx.db
      .selectFrom('pica_access_tools as t')
      .innerJoin('pica_access as a', 'a.id', 't.access_id')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .select(['t.tool', 'a.status'])
      .where('u.email', '=', 'end-user@fabrikam-logistik.example')
      .execute();
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.every((x) => x.status === 'active')).toBe(true);
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
      'end user',
      'distributor',
      'reviewer',
      'programme administrator',
    ]);
    expect(banner).toContain('admin@northwind.example');
  });
});
