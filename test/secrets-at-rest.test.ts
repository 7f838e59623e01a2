import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, DEMO_API_KEY, DEMO_PASSWORD } from '../src/demo/seed-demo.ts';
import { deliverDue } from '../src/modules/outbox/index.ts';
import { smtpTransport, type MailTransport } from '../src/platform/mail.ts';
import { browser, createTestApp, type TestApp } from './helpers/app.ts';
import { captureMail, type MailCapture } from './helpers/mail-capture.ts';

/**
 * #16.6 secrets at rest (ARCHITECTURE.md convention 8): a demo programme plus everything that
 * hands a person a secret — sign-ups and their confirmation links, sign-ins (API and page),
 * password resets, API keys of a distributor and of staff, PICA verification keys issued,
 * re-issued and redeemed (API and page, with the page's draft cookie), signatory and colleague
 * invitations — with every email delivered over SMTP to a local server. Each secret is taken as
 * its recipient gets it (a Set-Cookie, a JSON answer, a link in an email). Then every column of
 * every table (listed from information_schema, so a new table is covered) and every line the app
 * logged are searched for each secret: in clear, and re-encoded as base64 or hex. Only hashes may
 * be kept; a delivered email keeps its text but not the secret in its link.
 */
let t: TestApp;
let mail: MailCapture;
let transport: MailTransport;
const logs: string[] = [];

/** Every secret the run handed out, and what it was. */
const secrets = new Map<string, string>();
const keep = (value: string | undefined, what: string) => {
  if (value && value.length >= 12 && !secrets.has(value)) secrets.set(value, what);
  return value ?? '';
};

const unique = () => randomBytes(4).toString('hex');
const password = () => `Pw-${randomBytes(9).toString('base64url')}`;
let address = 0;

/** app.inject, keeping every secret an answer hands out: cookies, keys and tokens in JSON. */
async function send(options: InjectOptions): Promise<LightMyRequestResponse> {
  address += 1;
  const res = await t.app.inject({ remoteAddress: `10.9.${address >> 8}.${address & 255}`, ...options });
  for (const c of res.cookies as { name: string; value: string }[])
    if (['pp_session', 'pp_csrf', 'pp_pica_draft'].includes(c.name)) keep(c.value, `${c.name} cookie`);
  if (String(res.headers['content-type']).startsWith('application/json') && res.body) {
    const walk = (value: unknown, key = ''): void => {
      if (typeof value === 'string' && /secret|key$|token/i.test(key)) keep(value, `${key} in an answer`);
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
    };
    walk(res.json());
  }
  return res;
}

const json = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, cookie: string, payload?: unknown) =>
  send({
    method,
    url,
    headers: { accept: 'application/json', ...(cookie ? { cookie: `pp_session=${cookie}` } : {}) },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });

/** Delivers every queued email over SMTP, as the worker does. */
async function deliver(): Promise<void> {
  const options = { db: t.ctx.db, transport, from: t.ctx.config.mailFrom, messageIdDomain: 'portal.test' };
  while ((await deliverDue(options)) > 0);
}

/** The secret in the link of the newest email to `to` (its `token` parameter). */
async function tokenMailedTo(to: string, what: string): Promise<string> {
  await deliver();
  const message = mail.latestTo(to);
  const token = /token=([A-Za-z0-9_-]{16,})/.exec(message?.raw ?? '')?.[1];
  if (!token) throw new Error(`no link with a secret in the last email to ${to}`);
  return keep(token, what);
}

async function signIn(email: string, pass: string): Promise<string> {
  const res = await json('POST', '/api/v1/auth/sign-in', '', { email, password: pass });
  expect(res.statusCode, res.body).toBe(200);
  return (res.cookies as { name: string; value: string }[]).find((c) => c.name === 'pp_session')!.value;
}

/** A new account through the API: sign-up, the confirmation link (resent once), sign-in. */
async function newAccount(name: string, email: string): Promise<{ email: string; password: string; session: string }> {
  const pass = keep(password(), 'a password');
  expect((await json('POST', '/api/v1/auth/sign-up', '', { name, email, password: pass })).statusCode).toBe(202);
  await tokenMailedTo(email, 'an email confirmation token');
  expect((await json('POST', '/api/v1/auth/resend-verification', '', { email })).statusCode).toBe(202);
  const token = await tokenMailedTo(email, 'an email confirmation token (resent)');
  expect((await json('POST', '/api/v1/auth/verify-email', '', { token })).statusCode).toBe(204);
  return { email, password: pass, session: await signIn(email, pass) };
}

const idOf = async (query: Promise<{ id: string } | undefined>) => (await query)!.id;

beforeAll(async () => {
  mail = await captureMail();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  // The production log level, so that every request line is there to be read.
  t = await createTestApp({ SMTP_URL: mail.url }, { logger: { level: 'info', stream } });
  transport = smtpTransport(mail.url, { ignoreTLS: true });
  keep(t.ctx.config.sessionSecret, 'SESSION_SECRET');
  keep(DEMO_PASSWORD, 'the demo password');
  keep(DEMO_API_KEY, 'the demo API key');
  await seedDemo(t.ctx);
}, 120_000);

afterAll(async () => {
  transport?.close();
  await mail?.close();
  await t?.close();
});

/** Every form the secret may be kept in: as it is, base64, base64url, hex, and its bytes re-encoded. */
function disguises(secret: string): [string, string][] {
  const forms: [string, string][] = [['in clear', secret]];
  const text = Buffer.from(secret, 'utf8');
  forms.push(['as base64', text.toString('base64')], ['as base64url', text.toString('base64url')]);
  forms.push(['as hex', text.toString('hex')]);
  const parts = [secret, ...(/^pp_[A-Za-z0-9]+_(.+)$/.exec(secret)?.slice(1) ?? [])];
  for (const part of parts) {
    if (part !== secret) forms.push(['(its random part) in clear', part]);
    const bytes = Buffer.from(part, 'base64url');
    if (/^[A-Za-z0-9_-]{16,}$/.test(part) && bytes.toString('base64url') === part)
      forms.push(['decoded, as hex', bytes.toString('hex')], ['decoded, as base64', bytes.toString('base64')]);
  }
  return forms.filter(([, f]) => f.length >= 12);
}

describe('#16.6 secrets at rest', () => {
  it('#16.6: after a demo run, no table, outbox body or log line holds a session id, API key, email token, verification key or password', async () => {
    const db = t.ctx.db;
    // ---- people: sign-up, confirmation, sign-in (API and page), password reset ----
    const ann = await newAccount('Ann Applicant', `ann-${unique()}@contoso-${unique()}.example`);
    const sam = await newAccount('Sam Signatory', `sam-${unique()}@contoso-${unique()}.example`);
    const cole = await newAccount('Cole Colleague', `cole-${unique()}@kranich-systemhaus.example`);
    const page = browser(t.app);
    await page.get('/sign-in');
    const signedIn = await page.post('/sign-in', { email: ann.email, password: ann.password });
    expect(signedIn.statusCode, signedIn.body).toBe(303);
    keep(page.jar.get('pp_session'), 'pp_session cookie (page sign-in)');
    keep(page.jar.get('pp_csrf'), 'pp_csrf cookie (page)');

    expect((await json('POST', '/api/v1/auth/password-reset', '', { email: sam.email })).statusCode).toBe(202);
    const reset = await tokenMailedTo(sam.email, 'a password reset token');
    // The link is opened first (a page with the form), then the new password is sent.
    expect((await send({ url: `/reset-password?token=${reset}`, headers: { accept: 'text/html' } })).statusCode).toBe(
      200,
    );
    sam.password = keep(password(), 'a new password');
    expect(
      (await json('POST', '/api/v1/auth/password-reset/confirm', '', { token: reset, password: sam.password }))
        .statusCode,
    ).toBe(204);
    sam.session = await signIn(sam.email, sam.password);

    // ---- a signatory invitation, accepted ----
    const app = await json('POST', '/api/v1/applications', ann.session);
    expect(app.statusCode, app.body).toBe(201);
    const invited = await json('POST', `/api/v1/applications/${app.json().id}/invitations`, ann.session, {
      email: sam.email,
    });
    expect(invited.statusCode, invited.body).toBeLessThan(300);
    const join = await tokenMailedTo(sam.email, 'a signatory invitation token');
    expect((await json('POST', '/api/v1/applications/join', sam.session, { token: join })).statusCode).toBe(200);

    // ---- API keys: a distributor's and staff's ----
    const distributorSession = await signIn('distributor@eurodist.example', DEMO_PASSWORD);
    const eurodist = await idOf(
      db.selectFrom('distributors').select('id').where('code', '=', 'EURODIST').executeTakeFirst(),
    );
    const distributorKey = await json('POST', `/api/v1/distributor/${eurodist}/api-keys`, distributorSession, {
      name: 'Orders',
    });
    expect(distributorKey.statusCode, distributorKey.body).toBe(201);
    const staffSession = await signIn('admin@northwind.example', DEMO_PASSWORD);
    const staffKey = await json('POST', '/api/v1/staff/api-keys', staffSession, { name: 'Learning system' });
    expect(staffKey.statusCode, staffKey.body).toBe(201);
    // Both keys work: they are real credentials.
    for (const key of [distributorKey.json().secret, staffKey.json().secret])
      expect((await send({ url: '/api/v1/distributor', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(
        200,
      );

    // ---- partner colleague invitation: sent, resent, opened and accepted on the page ----
    const partnerSession = await signIn('partner@kranich-systemhaus.example', DEMO_PASSWORD);
    const kranich = await idOf(
      db.selectFrom('organisations').select('id').where('name', '=', 'Kranich Systemhaus GmbH').executeTakeFirst(),
    );
    const colleague = await json('POST', `/api/v1/partner/${kranich}/invitations`, partnerSession, {
      email: cole.email,
      role: 'partner_member',
    });
    expect(colleague.statusCode, colleague.body).toBe(201);
    await tokenMailedTo(cole.email, 'a colleague invitation token');
    expect(
      (await json('POST', `/api/v1/partner/${kranich}/invitations/${colleague.json().id}/resend`, partnerSession))
        .statusCode,
    ).toBeLessThan(300);
    const invitation = await tokenMailedTo(cole.email, 'a colleague invitation token (resent)');
    const colePage = browser(t.app);
    await colePage.get('/sign-in');
    await colePage.post('/sign-in', { email: cole.email, password: cole.password });
    expect((await colePage.get(`/partner/join?token=${invitation}`)).statusCode).toBe(200);
    expect((await colePage.post('/partner/join', { token: invitation })).statusCode).toBe(303);

    // ---- PICA: a key issued, re-issued and redeemed through the API; another through the pages ----
    const picaSession = await signIn('pica-admin@kranich-systemhaus.example', DEMO_PASSWORD);
    const sponsor = async (customer: string, domain: string) => {
      const res = await json('POST', '/api/v1/pica/sponsorships', picaSession, {
        customerName: customer,
        country: 'DE',
        emailDomains: [domain],
        purchaseReference: `PO-${unique()}`,
        attestPurchase: true,
        contractNumber: 'KR-PICA-2026-001',
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { sponsorship: { id: string; registrationNumber: string }; verificationKey: string };
    };
    const first = await sponsor(`Contoso ${unique()} AG`, 'contoso-pica.example');
    const reissued = await json('POST', `/api/v1/pica/sponsorships/${first.sponsorship.id}/key`, picaSession, {});
    expect(reissued.statusCode, reissued.body).toBeLessThan(300);
    const endUser = { email: `eve-${unique()}@contoso-pica.example`, password: keep(password(), 'a password') };
    const registered = await json('POST', '/api/v1/pica/registrations', '', {
      name: 'Eve Enduser',
      email: endUser.email,
      password: endUser.password,
      registrationNumber: first.sponsorship.registrationNumber,
      verificationKey: reissued.json().verificationKey,
      jobTitle: 'Network engineer',
      attestEmployment: true,
    });
    expect(registered.statusCode, registered.body).toBeLessThan(300);
    const confirm = await tokenMailedTo(endUser.email, 'a PICA confirmation token');
    expect((await json('POST', '/api/v1/pica/registrations/confirm', '', { token: confirm })).statusCode).toBeLessThan(
      300,
    );
    await signIn(endUser.email, endUser.password);

    const second = await sponsor(`Litware ${unique()} GmbH`, 'litware-pica.example');
    const visitor = browser(t.app);
    await visitor.get('/pica/register');
    const pageUser = { email: `lee-${unique()}@litware-pica.example`, password: keep(password(), 'a password') };
    const started = await visitor.post('/pica/register', {
      name: 'Lee Litware',
      email: pageUser.email,
      password: pageUser.password,
      language: 'en',
      access_type: 'pica_customer',
      registration_number: second.sponsorship.registrationNumber,
      verification_key: second.verificationKey,
    });
    expect(started.statusCode, started.body.slice(0, 500)).toBe(303);
    keep(visitor.jar.get('pp_pica_draft'), 'pp_pica_draft cookie');
    await visitor.get('/pica/register/details');
    expect(
      (await visitor.post('/pica/register/details', { job_title: 'Buyer', attest_employment: 'yes' })).statusCode,
    ).toBe(303);
    const pageConfirm = await tokenMailedTo(pageUser.email, 'a PICA confirmation token (page)');
    expect((await visitor.get(`/pica/register/confirm?token=${pageConfirm}`)).statusCode).toBe(200);

    // ---- every email out, then read everything the portal keeps ----
    await deliver();
    const kinds = new Set(secrets.values());
    for (const kind of [
      'pp_session cookie',
      'an email confirmation token',
      'a password reset token',
      'secret in an answer',
      'verificationKey in an answer',
      'a signatory invitation token',
      'a colleague invitation token',
      'a PICA confirmation token',
      'pp_pica_draft cookie',
      'a password',
    ])
      expect(kinds, `the run handed out no ${kind}`).toContain(kind);

    const columns = (
      await sql<{ table_name: string; column_name: string }>`
        SELECT c.table_name, c.column_name FROM information_schema.columns c
          JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
         ORDER BY c.table_name, c.ordinal_position`.execute(db)
    ).rows;
    const tables = Map.groupBy(columns, (c) => c.table_name);
    const kept: { where: string; text: string }[] = [];
    for (const [table, cols] of tables) {
      const list = cols.map((c) => `"${c.column_name}"::text AS "${c.column_name}"`).join(', ');
      const rows = (await sql.raw<Record<string, string | null>>(`SELECT ${list} FROM "${table}"`).execute(db)).rows;
      for (const c of cols) {
        const text = rows.map((r) => r[c.column_name] ?? '').join('\n');
        if (text) kept.push({ where: `${table}.${c.column_name}`, text });
      }
    }
    kept.push({ where: 'the log', text: logs.join('') });
    expect(tables.size, 'tables read').toBeGreaterThan(40);
    expect(
      kept.some((k) => k.where === 'outbox.text_body' && k.text.includes('removed-after-delivery')),
      'delivered emails are kept, with their links redacted',
    ).toBe(true);

    const found: string[] = [];
    for (const [secret, what] of secrets)
      for (const [how, form] of disguises(secret))
        for (const { where, text } of kept) {
          const hit = how.includes('hex') ? text.toLowerCase().includes(form.toLowerCase()) : text.includes(form);
          if (hit) found.push(`${what} ${how} in ${where}`);
        }
    expect(found, `${secrets.size} secrets searched in ${kept.length} columns and the log`).toEqual([]);
  }, 120_000);
});
