import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  createDistributor,
  createUser,
  sessionFor,
  testMeta,
  type DistributorFixture,
} from '../../../test/helpers/fixtures.ts';
import { checkLocation } from './registration.rules.ts';
import { publishAgreement } from './agreements.service.ts';
import { SHIPPED_WATCHLIST } from './watchlist.ts';

let t: TestApp;
let eurodist: DistributorFixture;
let cookie: string;

beforeAll(async () => {
  t = await createTestApp();
  eurodist = await createDistributor(t.ctx, { hqCountry: 'DE', territories: ['AT'], legalName: 'EuroDist GmbH' });
  await publishAgreement(
    t.ctx,
    await createUser(t.ctx, [{ role: 'staff_admin', organisationId: null }]),
    {
      version: '2026.1',
      governingLanguage: 'en',
      texts: { en: { title: 'ICPA', body: 'Terms.' } },
      effectiveAt: new Date('2026-01-01'),
    },
    testMeta,
  );
  cookie = await sessionFor(t.ctx, await createUser(t.ctx, [], 'dana@fabrikam.example'));
});
afterAll(() => t.close());

const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, withCookie = true) =>
  t.app.inject({ method, url, payload: payload as never, cookies: withCookie ? { pp_session: cookie } : {} });

describe('REG pre-check API', () => {
  it('REG-8/REG-7/REG-2: checks whatever part of an application it is given, without signing in', async () => {
    const res = await call(
      'POST',
      '/api/v1/registration/pre-check',
      {
        country: 'AT',
        email: 'someone@hotmail.com',
        address: { lines: ['Postfach 12'], city: 'Wien', postcode: '1010', country: 'AT' },
        locationType: 'office',
        distributors: [{ distributorId: eurodist.id, accountNumber: 'A-1' }],
      },
      false,
    );
    expect(res.statusCode).toBe(200);
    const findings = res.json().findings as { rule: string; outcome: string; field: string; message: string }[];
    expect(findings).toContainEqual({
      rule: 'REG-8',
      outcome: 'fail',
      field: 'contacts.email',
      code: 'email_public_domain',
      params: { domain: 'hotmail.com' },
      message: expect.stringContaining('hotmail.com'),
    });
    expect(findings.find((f) => f.rule === 'REG-7' && f.outcome === 'review')?.message).toContain('Postfach');
    expect(findings).toContainEqual(expect.objectContaining({ rule: 'REG-2', outcome: 'pass' }));
    const outside = (
      await call(
        'POST',
        '/api/v1/registration/pre-check',
        { country: 'FR', distributors: [{ distributorId: eurodist.id, accountNumber: 'A-1' }] },
        false,
      )
    ).json();
    expect(outside.findings).toEqual([
      {
        rule: 'REG-2',
        outcome: 'fail',
        field: 'distributors.0.distributor',
        code: 'distributor_not_in_territory',
        params: { distributor: 'EuroDist GmbH', country: 'FR' },
        message: expect.stringContaining('REG-2'),
      },
    ]);
  });

  it("REG-7/REG-8: answers with the same findings, rule IDs and evidence as the wizard, in the caller's language", async () => {
    const address = {
      lines: ['Kühne + Nagel, Zolllager Halle 3', 'c/o Spedition Nord GmbH'],
      city: 'Hamburg',
      postcode: '21129',
      country: 'DE',
    };
    const wizard = checkLocation({ ...address, type: 'office' }, 'DE', [...SHIPPED_WATCHLIST], 0).filter(
      (f) => f.outcome === 'review',
    );
    expect(wizard.length).toBeGreaterThan(1);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/registration/pre-check',
      headers: { 'accept-language': 'ja' },
      payload: { country: 'DE', email: 'Ops+Partner@T-Online.DE', address, locationType: 'office' },
    });
    expect(res.statusCode).toBe(200);
    const findings = res.json().findings as {
      rule: string;
      outcome: string;
      field: string;
      code: string;
      params?: Record<string, unknown>;
      message: string;
    }[];
    const flags = findings.filter((f) => f.rule === 'REG-7' && f.outcome === 'review');
    expect(flags.map(({ rule, outcome, field, code, params }) => ({ rule, outcome, field, code, params }))).toEqual(
      wizard,
    );
    const careOf = flags.find((f) => f.code === 'address_care_of')!;
    expect(careOf.params).toEqual({ evidence: 'c/o Spedition Nord GmbH', line: 2 });
    expect(careOf.message).toContain('2行目「c/o Spedition Nord GmbH」');
    expect(findings.find((f) => f.rule === 'REG-8')).toMatchObject({
      outcome: 'fail',
      code: 'email_public_domain',
      params: { domain: 't-online.de' },
      message: expect.stringContaining('フリーメール'),
    });
    const spanish = await t.app.inject({
      method: 'POST',
      url: '/api/v1/registration/pre-check',
      headers: { 'accept-language': 'es' },
      payload: {
        address: { lines: ['', 'Packstation 143'], city: 'Berlin', postcode: '10117', country: 'DE' },
        locationIndex: 1,
      },
    });
    // The second location of the form, second line: named as the wizard names it.
    expect(spanish.json().findings.find((f: { code: string }) => f.code === 'address_pickup_point')).toMatchObject({
      field: 'locations.1.lines',
      params: { line: 2 },
      message: expect.stringMatching(/\(2\), línea 2: «Packstation 143» .*punto de recogida/),
    });
  });

  it('stays rate-limited: the 61st pre-check in a minute from one address is refused with 429', async () => {
    const precheck = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/registration/pre-check',
        remoteAddress: '203.0.113.61',
        payload: { email: 'ann@contoso.example' },
      });
    for (let i = 0; i < 60; i++) expect((await precheck()).statusCode).toBe(200);
    const limited = await precheck();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
  });

  it('refuses unknown fields and absurd sizes with the field named', async () => {
    const res = await call('POST', '/api/v1/registration/pre-check', { email: 'x'.repeat(5000) }, false);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields[0]).toMatchObject({ field: 'email', rule: 'maxLength' });
  });
});

describe('REG-13 application API', () => {
  it('REG-13: creates, saves each step with findings, reviews, submits once and reports the status', async () => {
    const created = await call('POST', '/api/v1/applications');
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    let { version } = created.json();
    const steps: [string, unknown][] = [
      [
        'company',
        {
          legalName: 'Fabrikam <b>GmbH</b>',
          legalForm: 'limited_company',
          country: 'DE',
          website: 'https://fabrikam.example',
          registrationNumber: 'HRB 9',
        },
      ],
      ['contacts', { primary: { name: 'Dana', email: 'dana@fabrikam.example', phone: '+49 30 901820', title: 'CEO' } }],
      [
        'locations',
        { items: [{ lines: ['Hauptstraße 1'], city: 'Berlin', postcode: '10117', country: 'DE', type: 'office' }] },
      ],
      [
        'distributors',
        { items: [{ distributorId: eurodist.id, accountNumber: 'FAB-1' }], initialDistributorId: eurodist.id },
      ],
      [
        'added-value',
        {
          canDemonstrate: true,
          providesServices: true,
          servicesDescription: 'Demonstrations at customer sites and installation services.',
        },
      ],
      ['personnel', { items: [{ name: 'Dana', email: 'dana@fabrikam.example', role: 'Owner' }] }],
    ];
    for (const [step, answers] of steps) {
      const res = await call('PUT', `/api/v1/applications/${id}/${step}`, { version, answers });
      expect(res.statusCode, step).toBe(200);
      expect(
        res.json().findings.filter((f: { outcome: string }) => f.outcome === 'fail'),
        step,
      ).toEqual([]);
      version = res.json().application.version;
    }
    const stale = await call('PUT', `/api/v1/applications/${id}/company`, { version: 1, answers: steps[0]![1] });
    expect(stale.statusCode).toBe(409);
    const review = (await call('GET', `/api/v1/applications/${id}/review`)).json();
    expect(review.agreement.version).toBe('2026.1');
    expect(review.application.completedSteps).toHaveLength(6);
    const body = {
      confirmsAuthority: true,
      name: 'Dana',
      title: 'CEO',
      acceptedAgreementVersion: '2026.1',
      consentsToRelease: true,
    };
    const first = await call('POST', `/api/v1/applications/${id}/submit`, body);
    expect(first.statusCode).toBe(201);
    const again = await call('POST', `/api/v1/applications/${id}/submit`, body);
    expect(again.statusCode).toBe(200);
    expect(again.json().created).toBe(false);
    const status = (await call('GET', `/api/v1/applications/${id}/status`)).json();
    expect(status).toMatchObject({ status: 'submitted', staffQuestion: null });
    expect(status.message).toContain('15 business days');
    // Stored as typed; the JSON API returns it as data, never as markup.
    expect((await call('GET', `/api/v1/applications/${id}`)).json().legalName).toBe('Fabrikam <b>GmbH</b>');
  });

  it('REG-13: names each failing field and rule when submitting an incomplete application', async () => {
    const { id } = (await call('POST', '/api/v1/applications')).json();
    const res = await call('POST', `/api/v1/applications/${id}/submit`, {
      confirmsAuthority: true,
      name: 'Dana',
      title: 'CEO',
      acceptedAgreementVersion: '2026.1',
      consentsToRelease: true,
    });
    expect(res.statusCode).toBe(422);
    const fields = res.json().error.fields.map((f: { field: string; rule: string }) => `${f.field}:${f.rule}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        'company:required',
        'locations:location_required',
        'distributors:claim_required',
        'personnel:personnel_required',
      ]),
    );
  });

  it('keeps applications private to the people working on them', async () => {
    const { id } = (await call('POST', '/api/v1/applications')).json();
    const stranger = await sessionFor(t.ctx, await createUser(t.ctx));
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/applications/${id}`,
      cookies: { pp_session: stranger },
    });
    expect(res.statusCode).toBe(404);
    expect((await call('GET', `/api/v1/applications/${id}`, undefined, false)).statusCode).toBe(401);
  });

  it('#10 REG-1: joining through the API is refused to anyone but the invited, confirmed address', async () => {
    const app = (await call('POST', '/api/v1/applications')).json() as { id: string };
    expect(
      (await call('POST', `/api/v1/applications/${app.id}/invitations`, { email: 'erin@fabrikam.example' })).statusCode,
    ).toBe(202);
    const mail = await t.ctx.db
      .selectFrom('outbox')
      .select('text_body')
      .where('recipient', '=', 'erin@fabrikam.example')
      .executeTakeFirstOrThrow();
    const token = /token=([\w-]+)/.exec(mail.text_body)![1]!;
    const other = await sessionFor(t.ctx, await createUser(t.ctx, [], 'mallory@fabrikam.example'));
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/applications/join',
      payload: { token },
      cookies: { pp_session: other },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('invitation_not_for_you');
    const erin = await sessionFor(t.ctx, await createUser(t.ctx, [], 'Erin@Fabrikam.example'));
    const joined = await t.app.inject({
      method: 'POST',
      url: '/api/v1/applications/join',
      payload: { token },
      cookies: { pp_session: erin },
    });
    expect(joined.statusCode).toBe(200);
    expect(joined.json()).toEqual({ applicationId: app.id });
  });
});
