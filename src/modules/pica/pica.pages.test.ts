import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, latestLinkTo, pathOf, type TestApp } from '../../../test/helpers/app.ts';
import { createPartner, createStaffAdmin, createUser, sessionFor, testMeta } from '../../../test/helpers/fixtures.ts';
import { csrfTokenOf, postFile } from '../../../test/helpers/forms.ts';
import type { Actor } from '../../platform/auth.ts';
import { createContract, saveContractType, setPartnerSettings } from './contracts.service.ts';

let t: TestApp;
let staff: Actor;
let partnerId: string;
const contractNumber = `KR-${Date.now() % 1_000_000}`;

const as = async (actor: Actor) => {
  const b = browser(t.app);
  b.jar.set('pp_session', await sessionFor(t.ctx, actor));
  return b;
};

beforeAll(async () => {
  t = await createTestApp();
  staff = await createStaffAdmin(t.ctx);
  await saveContractType(
    t.ctx,
    staff,
    { code: 'PSS', name: 'Partner support', qualifiesPica: true, entitlements: ['software_downloads', 'bug_search'] },
    testMeta,
  );
  const partner = await createPartner(t.ctx, { country: 'DE', legalName: 'Kranich Test GmbH' });
  partnerId = partner.id;
  await createContract(
    t.ctx,
    staff,
    {
      number: contractNumber,
      partnerId,
      typeCode: 'PSS',
      customerName: 'Fabrikam',
      startsOn: '2026-01-01',
      endsOn: '2030-12-31',
    },
    testMeta,
  );
}, 60_000);
afterAll(() => t.close());

describe('PICA pages and API', () => {
  it('PICA-1, PICA-3: staff see which condition is missing and set own-brand support and the agreement', async () => {
    const b = await as(staff);
    const before = await b.get('/staff/pica');
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain('It has not signed the PICA contract agreement.');
    expect(before.body).toContain('It does not sell its own brand of support.');
    const saved = await b.post(`/staff/pica/partners/${partnerId}/settings`, {
      own_brand_support: 'yes',
      agreement_signed_on: '2026-02-01',
    });
    expect(saved.statusCode).toBe(303);
    const api = await b.json('GET', `/api/v1/pica/partners/${partnerId}`);
    expect(api.json()).toMatchObject({ ownBrandSupport: true, gaps: [] });
  });

  it('PICA-1: staff import contracts from a CSV on the page, with a report of rejected rows', async () => {
    const b = await as(staff);
    const page = await b.get('/staff/pica/contracts');
    const csv = `number,partner_id,type,customer,starts_on,ends_on\nIMP-1,${partnerId},PSS,Contoso,2026-01-01,2027-01-01\nIMP-2,${partnerId},NOPE,,2026-01-01,2027-01-01\n`;
    const res = await postFile(t.app, b.jar, '/staff/pica/contracts/import', csrfTokenOf(page.body), {
      filename: 'contracts.csv',
      content: csv,
      type: 'text/csv',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('2 rows read: 1 created, 0 updated, 1 rejected.');
    const api = await b.json('GET', `/api/v1/pica/contracts?partnerId=${partnerId}`);
    expect(
      api
        .json()
        .map((c: { number: string }) => c.number)
        .sort(),
    ).toEqual(['IMP-1', contractNumber].sort());
  });

  it('PICA-4, PICA-5, PICA-6, PICA-8: request, approval (reason never shown), sponsorship, registration in Spanish, confirmation and tool access', async () => {
    await setPartnerSettings(
      t.ctx,
      staff,
      partnerId,
      { ownBrandSupport: true, agreementSignedOn: '2026-02-01' },
      testMeta,
    );
    const member = await createUser(t.ctx, [{ role: 'partner_member', organisationId: partnerId }]);
    const m = await as(member);
    expect((await m.get('/pica/administrator')).body).toContain('Register to be a PICA administrator');
    const wrong = await m.post('/pica/administrator', {
      partner_id: partnerId,
      job_title: 'Support lead',
      contract_numbers: contractNumber,
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('add the active contract(s) IMP-1');
    expect(
      (
        await m.post('/pica/administrator', {
          partner_id: partnerId,
          job_title: 'Support lead',
          contract_numbers: `${contractNumber}\nIMP-1`,
        })
      ).statusCode,
    ).toBe(303);

    const s = await as(staff);
    const queue = await s.json('GET', '/api/v1/pica/administrator-requests?status=pending');
    const requestId = queue.json()[0].id as string;
    expect((await s.get(`/staff/pica/requests/${requestId}`)).body).toContain(member.email);
    const decided = await s.post(`/staff/pica/requests/${requestId}/decision`, {
      decision: 'approve',
      internal_reason: 'secret staff note',
    });
    expect(decided.statusCode).toBe(303);
    const mail = await t.ctx.db
      .selectFrom('outbox')
      .select(['subject', 'sender', 'text_body'])
      .where('recipient', '=', member.email)
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('You are now a PICA administrator for Kranich Test GmbH');
    expect(mail.sender).toBe('web-help@northwind.example');
    expect(mail.text_body).not.toContain('secret staff note');
    const own = await m.json('GET', '/api/v1/pica/administrator');
    expect(JSON.stringify(own.json())).not.toContain('secret staff note');

    // The new role is in the session's next request.
    const sponsor = await m.post('/pica/admin/sponsor', {
      customer_name: 'Fabrikam SA',
      country: 'ES',
      email_domains: 'fabrikam.example',
      contract_number: contractNumber,
      purchase_reference: 'PO-1',
      attest_purchase: 'yes',
      valid_days: '30',
    });
    expect(sponsor.statusCode).toBe(201);
    const number = /id="registration-number"[^>]*>([^<]+)</.exec(sponsor.body)![1]!.trim();
    const key = /id="verification-key"[^>]*>([^<]+)</.exec(sponsor.body)![1]!.trim();
    expect(number).toMatch(/^\d{4} \d{4} \d{4}$/);

    const u = browser(t.app);
    await u.get('/pica/register', { 'accept-language': 'es' });
    const bad = await u.post('/pica/register', {
      name: 'Ana García',
      email: 'ana@fabrikam.example',
      password: 'una contraseña larga',
      language: 'es',
      access_type: 'pica_customer',
      registration_number: number,
      verification_key: 'WRONG-KEY',
    });
    expect(bad.statusCode).toBe(422);
    const started = await u.post('/pica/register', {
      name: 'Ana García',
      email: 'ana@fabrikam.example',
      password: 'una contraseña larga',
      language: 'es',
      access_type: 'pica_customer',
      registration_number: number,
      verification_key: key,
    });
    expect(started.headers.location).toBe('/pica/register/details');
    await u.get('/pica/register/details');
    expect((await u.post('/pica/register/details', { job_title: 'Ingeniera de redes' })).headers.location).toBe(
      '/pica/register/sent',
    );
    const sent = await u.get('/pica/register/sent');
    expect(sent.body).toContain('ana@fabrikam.example');
    const link = await latestLinkTo(t.ctx, 'ana@fabrikam.example');
    const confirmMail = await t.ctx.db
      .selectFrom('outbox')
      .select(['language'])
      .where('recipient', '=', 'ana@fabrikam.example')
      .executeTakeFirstOrThrow();
    expect(confirmMail.language).toBe('es');
    const done = await u.get(pathOf(link));
    expect(done.statusCode).toBe(200);
    expect((await u.get(pathOf(link))).statusCode).toBe(400);

    const ana = await t.ctx.db
      .selectFrom('users')
      .select(['id'])
      .where('email', '=', 'ana@fabrikam.example')
      .executeTakeFirstOrThrow();
    const a = browser(t.app);
    a.jar.set('pp_session', await sessionFor(t.ctx, { userId: ana.id } as Actor));
    const access = await a.json('GET', '/api/v1/pica/access');
    const [entry] = access.json() as { id: string; tools: { tool: string; enabled: boolean }[] }[];
    expect(entry!.tools.map((x) => x.tool)).toEqual(['bug_search', 'software_downloads']);
    const page = await a.get('/pica/access');
    expect(page.body).toContain('Descargas de software');
    expect((await a.post(`/pica/access/${entry!.id}/tools/bug_search`, { enabled: 'no' })).statusCode).toBe(303);
    const admins = await m.json('GET', '/api/v1/pica/sponsored-users');
    expect(admins.json()[0].tools.find((x: { tool: string }) => x.tool === 'bug_search').enabled).toBe(false);
  });

  it("PICA-5: through the API another partner's administrator gets 404 for a sponsorship, and the key is only in the issuing answer", async () => {
    await setPartnerSettings(
      t.ctx,
      staff,
      partnerId,
      { ownBrandSupport: true, agreementSignedOn: '2026-02-01' },
      testMeta,
    );
    const mine = await as(await createUser(t.ctx, [{ role: 'pica_admin', organisationId: partnerId }]));
    const issued = await mine.json('POST', '/api/v1/pica/sponsorships', {
      customerName: 'Contoso Retail',
      country: 'FR',
      emailDomains: ['contoso-retail.example'],
      purchaseReference: 'PO-9',
      attestPurchase: true,
      contractNumber,
      validDays: 10,
    });
    expect(issued.statusCode).toBe(201);
    const { sponsorship, verificationKey } = issued.json() as { sponsorship: { id: string }; verificationKey: string };
    expect(verificationKey).toMatch(/^[2-9A-Z]{4}(-[2-9A-Z]{4}){4}$/);
    const read = await mine.json('GET', `/api/v1/pica/sponsorships/${sponsorship.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.body).not.toContain(verificationKey);

    const other = await createPartner(t.ctx, { country: 'FR' });
    const theirs = await as(await createUser(t.ctx, [{ role: 'pica_admin', organisationId: other.id }]));
    for (const [method, url] of [
      ['GET', `/api/v1/pica/sponsorships/${sponsorship.id}`],
      ['POST', `/api/v1/pica/sponsorships/${sponsorship.id}/revoke`],
      ['POST', `/api/v1/pica/sponsorships/${sponsorship.id}/key`],
    ] as const) {
      expect((await theirs.json(method, url)).statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await theirs.get(`/pica/admin/sponsorships/${sponsorship.id}`)).statusCode).toBe(404);
  });

  it('PICA-6: the verify API answers wrong pairs alike and locks a number after five misses', async () => {
    const c = browser(t.app);
    const first = await c.json('POST', '/api/v1/pica/registrations/verify', {
      registrationNumber: '4929 1234 5670',
      verificationKey: 'ABCD',
    });
    expect(first.statusCode).toBe(400);
    expect(first.json().error.code).toBe('registration_invalid');
    for (let i = 0; i < 4; i += 1)
      await c.json('POST', '/api/v1/pica/registrations/verify', {
        registrationNumber: '4929 1234 5670',
        verificationKey: 'ABCD',
      });
    const locked = await c.json('POST', '/api/v1/pica/registrations/verify', {
      registrationNumber: '4929 1234 5670',
      verificationKey: 'ABCD',
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('registration_locked');
  });

  it('PICA-9: help and guides in every language, with the help mailbox', async () => {
    for (const [path, lang, text] of [
      ['/pica/help', 'fr', 'Questions et réponses'],
      ['/pica/guide/administrators', 'ja', 'PICA 管理者ガイド'],
      ['/pica/guide/end-users', 'es', 'Guía para clientes de socios'],
    ] as const) {
      const res = await browser(t.app).get(path, { 'accept-language': lang });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(text);
      expect(res.body).toContain('mailto:web-help@northwind.example');
    }
  });
});
