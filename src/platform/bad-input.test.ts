import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, type TestApp } from '../../test/helpers/app.ts';
import {
  bearer,
  createDistributor,
  createPartner,
  createStaffAdmin,
  createUser,
  insertClaim,
  sessionFor,
  type DistributorFixture,
} from '../../test/helpers/fixtures.ts';
import { readCsv, requireCsvBody } from './csv.ts';
import { safeReturnPath, textRule, textViolations } from './text.rules.ts';

let t: TestApp;
let distributor: DistributorFixture;
let staffSession: string;
let userSession: string;
let applicationId: string;
let claimId: string;
beforeAll(async () => {
  t = await createTestApp();
  distributor = await createDistributor(t.ctx, { hqCountry: 'GB' });
  staffSession = await sessionFor(t.ctx, await createStaffAdmin(t.ctx));
  userSession = await sessionFor(t.ctx, await createUser(t.ctx));
  const app = await t.app.inject({ method: 'POST', url: '/api/v1/applications', cookies: { pp_session: userSession } });
  applicationId = app.json().id;
  const partner = await createPartner(t.ctx, { country: 'GB' });
  claimId = await insertClaim(t.ctx, partner.id, distributor.id, 'ACC-BAD-1');
});
afterAll(() => t.close());

const NUL = 'a\u0000b';
const LONE = '\ud800x';
const json = (value: unknown) => JSON.stringify(value);
const auditCount = async () =>
  Number(
    (
      await t.ctx.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('text rules', () => {
  it('refuses NUL and other controls but keeps tab, CR and LF; refuses unpaired surrogates', () => {
    expect(textRule('line one\r\nline\ttwo')).toBeNull();
    expect(textRule('日本語 😀')).toBeNull();
    expect(textRule(NUL)).toBe('control_characters');
    expect(textRule('\u001b[31m')).toBe('control_characters');
    expect(textRule(LONE)).toBe('unpaired_surrogate');
    expect(textViolations({ a: { b: ['ok', NUL] } })).toEqual([{ field: 'a.b.1', rule: 'control_characters' }]);
  });

  it('issue #10 item 5: only same-origin paths without control characters or backslashes survive', () => {
    for (const evil of [
      '/\t/evil.example/',
      '/\n/evil.example',
      '//evil.example',
      '/\\evil.example',
      '/a\\b',
      'https://evil.example',
      '/caf\u00e9',
      '/a\r\nSet-Cookie: x=1',
      ' /x',
    ])
      expect(safeReturnPath(evil), JSON.stringify(evil)).toBe('/');
    expect(safeReturnPath('/apply/abc?step=company&x=%20')).toBe('/apply/abc?step=company&x=%20');
  });
});

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  url: () => string;
  payload?: string;
  type?: string;
  auth?: () => Record<string, string>;
  cookies?: () => Record<string, string>;
  status: number;
  field?: string;
  rule?: string;
}

const staff = () => ({ pp_session: staffSession });
const user = () => ({ pp_session: userSession });
const step = (answers: unknown, version: unknown = 1) => json({ version, answers });
const company = (over: Record<string, unknown>) => ({
  legalName: 'Acme Ltd',
  legalForm: '',
  country: 'GB',
  website: '',
  registrationNumber: '',
  ...over,
});
const version = (v: string) => `{"version": ${v}}`;

const cases: Case[] = [
  {
    name: 'NUL in sign-in email',
    method: 'POST',
    url: () => '/api/v1/auth/sign-in',
    payload: json({ email: NUL, password: 'x' }),
    status: 400,
    field: 'email',
    rule: 'control_characters',
  },
  {
    name: 'lone surrogate in sign-in password',
    method: 'POST',
    url: () => '/api/v1/auth/sign-in',
    payload: '{"email":"a@b.example","password":"\\ud800"}',
    status: 400,
    field: 'password',
    rule: 'unpaired_surrogate',
  },
  {
    name: 'NUL in sign-up name',
    method: 'POST',
    url: () => '/api/v1/auth/sign-up',
    payload: json({ name: NUL, email: 'n@corp.example', password: 'long enough password' }),
    status: 400,
    field: 'name',
    rule: 'control_characters',
  },
  {
    name: 'lone surrogate in sign-up email',
    method: 'POST',
    url: () => '/api/v1/auth/sign-up',
    payload: '{"name":"N","email":"\\udc00@corp.example","password":"long enough password"}',
    status: 400,
    field: 'email',
    rule: 'unpaired_surrogate',
  },
  {
    name: 'NUL in an inquiry',
    method: 'POST',
    url: () => `/api/v1/distributors/${distributor.id}/inquiries`,
    payload: json({ name: 'N', email: 'n@corp.example', message: NUL }),
    status: 400,
    field: 'message',
    rule: 'control_characters',
  },
  {
    name: 'NUL in a claim note',
    method: 'POST',
    url: () => `/api/v1/distributor/${distributor.id}/claims/${claimId}/decision`,
    auth: () => bearer(distributor.apiKey),
    payload: json({ decision: 'reject', note: NUL }),
    status: 400,
    field: 'note',
    rule: 'control_characters',
  },
  {
    name: 'NUL in an application step',
    method: 'PUT',
    url: () => `/api/v1/applications/${applicationId}/company`,
    cookies: user,
    payload: step(company({ legalName: NUL })),
    status: 400,
    field: 'answers.legalName',
    rule: 'control_characters',
  },
  {
    name: 'lone surrogate in an application step',
    method: 'PUT',
    url: () => `/api/v1/applications/${applicationId}/company`,
    cookies: user,
    payload: step(company({ website: '\ud83d' })),
    status: 400,
    field: 'answers.website',
    rule: 'unpaired_surrogate',
  },
  {
    name: 'NUL in an audit filter',
    method: 'GET',
    url: () => '/api/v1/staff/audit?action=a%00b',
    cookies: staff,
    status: 400,
    field: 'action',
    rule: 'control_characters',
  },
  {
    name: 'NUL in an audit CSV filter',
    method: 'GET',
    url: () => '/api/v1/staff/audit.csv?action=a%00b',
    cookies: staff,
    status: 400,
    field: 'action',
    rule: 'control_characters',
  },
  {
    name: 'company country "DEU"',
    method: 'PUT',
    url: () => `/api/v1/applications/${applicationId}/company`,
    cookies: user,
    payload: step(company({ country: 'DEU' })),
    status: 400,
    field: 'answers.country',
    rule: 'maxLength',
  },
  {
    name: 'version 2^31',
    method: 'PUT',
    url: () => `/api/v1/applications/${applicationId}/company`,
    cookies: user,
    payload: step(company({}), 2 ** 31),
    status: 400,
    field: 'version',
    rule: 'maximum',
  },
  {
    name: 'version 1e300',
    method: 'POST',
    url: () => `/api/v1/staff/distributors/${distributor.id}/retire`,
    cookies: staff,
    payload: version('1e300'),
    status: 400,
    field: 'version',
    rule: 'maximum',
  },
  {
    name: 'version "Infinity"',
    method: 'POST',
    url: () => `/api/v1/staff/distributors/${distributor.id}/retire`,
    cookies: staff,
    payload: version('"Infinity"'),
    status: 400,
    field: 'version',
  },
  {
    name: 'CSV import without a body',
    method: 'POST',
    url: () => '/api/v1/staff/distributors/import',
    cookies: staff,
    type: 'text/csv',
    status: 400,
  },
  {
    name: 'denied-party list without a body',
    method: 'POST',
    url: () => '/api/v1/staff/denied-parties/import',
    cookies: staff,
    type: 'text/csv',
    status: 400,
  },
];

describe('issue #10 item 3: bad input is a 4xx naming the field and the rule, and writes nothing', () => {
  it.each(cases)('$name', async (c) => {
    const before = await auditCount();
    const res = await t.app.inject({
      method: c.method,
      url: c.url(),
      headers: {
        accept: 'application/json',
        ...(c.payload !== undefined || c.type ? { 'content-type': c.type ?? 'application/json' } : {}),
        ...c.auth?.(),
      },
      cookies: c.cookies?.() ?? {},
      ...(c.payload !== undefined ? { payload: c.payload } : {}),
    });
    expect(res.statusCode, res.body).toBe(c.status);
    const error = res.json().error;
    expect(error.code).toBeTruthy();
    if (c.field)
      expect(error.fields, res.body).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: c.field, ...(c.rule ? { rule: c.rule } : {}) })]),
      );
    expect(await auditCount()).toBe(before);
  });

  it('a NUL in a page form (sign-in, sign-up) is a 400 page, not a 500', async () => {
    for (const url of ['/sign-in', '/sign-up']) {
      const b = browser(t.app);
      await b.get(url);
      const res = await b.post(url, {
        email: 'a\u0000@corp.example',
        password: 'long enough password',
        name: 'N',
        language: 'en',
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('text/html');
    }
  });

  it('a company country "DEU" on the page form is a finding on the form, not a 500', async () => {
    const b = browser(t.app);
    b.jar.set('pp_session', userSession);
    await b.get('/apply');
    const started = await b.post('/apply', {});
    const id = /^\/apply\/([0-9a-f-]{36})\/company$/.exec(started.headers.location as string)![1]!;
    const page = await b.get(`/apply/${id}/company`);
    const version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
    const res = await b.post(`/apply/${id}/company`, {
      version,
      action: 'continue',
      'company.legal_name': 'Acme GmbH',
      'company.legal_form': '',
      'company.country': 'DEU',
      'company.website': '',
      'company.registration_number': '',
    });
    expect(res.statusCode).toBeLessThan(500);
    const row = await t.ctx.db
      .selectFrom('applications')
      .select('country')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.country).toBeNull();
  });

  it('readCsv refuses a missing body with 400 csv_empty instead of a TypeError', async () => {
    const read = async () => {
      for await (const row of readCsv(undefined, { required: ['a'] }, [])) void row;
    };
    await expect(read()).rejects.toMatchObject({ code: 'csv_empty', status: 400 });
    expect(() => requireCsvBody(undefined)).toThrow(expect.objectContaining({ code: 'csv_empty' }));
  });

  it('a CSV cell with a control character is reported by line and column and the row is skipped', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/distributor/${distributor.id}/account-lists`,
      headers: { ...bearer(distributor.apiKey), 'content-type': 'text/csv' },
      payload: 'account_number,reseller_name\nA-1,Good\nA-2,Bad\u0000name\n',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.stringify(res.json())).toContain('reseller_name');
  });

  it('a return_to with CR, LF or non-ASCII falls back to / on POST /language and POST /sign-in', async () => {
    for (const evil of ['/a\r\nx', '/caf\u00e9', '/\t/evil.example/']) {
      const b = browser(t.app);
      await b.get('/');
      const language = await b.post('/language', { language: 'fr', return_to: evil });
      expect(language.statusCode).toBe(303);
      expect(language.headers.location).toBe('/');
    }
    const email = `rt-${Date.now()}@corp.example`;
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-up',
      payload: { name: 'R T', email, password: 'long enough password' },
    });
    await t.ctx.db.updateTable('users').set({ email_verified_at: new Date() }).where('email', '=', email).execute();
    const b = browser(t.app);
    await b.get('/sign-in');
    const res = await b.post('/sign-in', { email, password: 'long enough password', return_to: '/caf\u00e9\r\n' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
  });
});
