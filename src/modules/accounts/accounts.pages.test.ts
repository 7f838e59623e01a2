import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, latestLinkTo, pathOf, type TestApp } from '../../../test/helpers/app.ts';
import { hashSecret } from '../../platform/tokens.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const signUpFields = (email: string) => ({
  name: 'Maya Lopez',
  email,
  password: 'correct horse battery',
  language: 'en',
});

async function signedUpAndVerified(email: string) {
  const b = browser(t.app);
  await b.get('/sign-up');
  const res = await b.post('/sign-up', signUpFields(email));
  expect(res.statusCode).toBe(303);
  const verify = await b.get(pathOf(await latestLinkTo(t.ctx, email)));
  expect(verify.statusCode).toBe(303);
  return b;
}

describe('REG-1 account: sign up, confirm, sign in, sign out (pages)', () => {
  it('REG-1: signs up, emails a confirmation link, and refuses sign-in until the email is confirmed', async () => {
    const b = browser(t.app);
    await b.get('/sign-up');
    const res = await b.post('/sign-up', signUpFields('maya@contoso.example'));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/verify-email/sent');

    await b.get('/sign-in');
    const early = await b.post('/sign-in', { email: 'maya@contoso.example', password: 'correct horse battery' });
    expect(early.statusCode).toBe(403);
    expect(early.body).toContain('Confirm your email address first');

    const link = await latestLinkTo(t.ctx, 'maya@contoso.example');
    expect(link).toMatch(/^http:\/\/portal\.test\/verify-email\?token=/);
    const verified = await b.get(pathOf(link));
    expect(verified.statusCode).toBe(303);
    expect(verified.headers.location).toBe('/sign-in?notice=email_verified');

    // The link works once.
    const again = await b.get(pathOf(link));
    expect(again.statusCode).toBe(400);

    await b.get('/sign-in');
    const signedIn = await b.post('/sign-in', { email: 'MAYA@contoso.example', password: 'correct horse battery' });
    expect(signedIn.statusCode).toBe(303);
    const account = await b.get('/account');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('maya@contoso.example');

    const out = await b.post('/sign-out', {});
    expect(out.headers.location).toBe('/?notice=signed_out');
    const after = await b.get('/account');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/sign-in?return_to=%2Faccount');
  });

  it('stores only hashes of the confirmation token and the session id', async () => {
    const b = await signedUpAndVerified('hash@contoso.example');
    await b.get('/sign-in');
    await b.post('/sign-in', { email: 'hash@contoso.example', password: 'correct horse battery' });
    const sessionId = b.jar.get('pp_session')!;
    expect(sessionId).toBeTruthy();
    const rows = await t.ctx.db.selectFrom('sessions').select('id_hash').execute();
    expect(rows.map((r) => r.id_hash)).toContain(hashSecret(sessionId));
    expect(rows.map((r) => r.id_hash)).not.toContain(sessionId);
  });

  it('sets the session cookie HttpOnly and SameSite=Lax, and rotates it at sign-in', async () => {
    const b = await signedUpAndVerified('rotate@contoso.example');
    await b.get('/sign-in');
    const first = await b.post('/sign-in', { email: 'rotate@contoso.example', password: 'correct horse battery' });
    const cookie = (first.cookies as { name: string; httpOnly?: boolean; sameSite?: string }[]).find(
      (c) => c.name === 'pp_session',
    )!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const firstId = b.jar.get('pp_session');
    await b.get('/sign-in');
    await b.post('/sign-in', { email: 'rotate@contoso.example', password: 'correct horse battery' });
    const secondId = b.jar.get('pp_session');
    expect(secondId).not.toBe(firstId);
    // The replaced session no longer works.
    const stale = await t.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { pp_session: firstId! } });
    expect(stale.statusCode).toBe(401);
  });

  it('keeps what was typed and names each field and rule on a bad sign-up, writing nothing', async () => {
    const b = browser(t.app);
    await b.get('/sign-up');
    const res = await b.post('/sign-up', {
      name: '<b>Bold</b>',
      email: 'not-an-email',
      password: 'short',
      language: 'xx',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('href="#field-email"');
    expect(res.body).toContain('Email address must be an email address');
    expect(res.body).toContain('Password must be at least 12 characters');
    expect(res.body).toContain('Language preference must be one of');
    expect(res.body).toContain('value="not-an-email"');
    // HTML typed into a field comes back as text, never markup.
    expect(res.body).toContain('value="&lt;b>Bold&lt;/b>"');
    expect(res.body).not.toContain('<b>Bold</b>');
    // The password is never echoed.
    expect(res.body).not.toContain('value="short"');
    const users = await t.ctx.db.selectFrom('users').select('email').where('email', '=', 'not-an-email').execute();
    expect(users).toHaveLength(0);
  });

  it('issue #10: never says an address has an account: a second sign-up looks like the first, and the owner is emailed', async () => {
    await signedUpAndVerified('twice@contoso.example');
    const b = browser(t.app);
    await b.get('/sign-up');
    const res = await b.post('/sign-up', signUpFields('TWICE@contoso.example'));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/verify-email/sent');
    const users = await t.ctx.db
      .selectFrom('users')
      .select('email')
      .where('email', 'ilike', 'twice@contoso.example')
      .execute();
    expect(users).toHaveLength(1);
    const last = await t.ctx.db
      .selectFrom('outbox')
      .select('template')
      .where('recipient', '=', 'twice@contoso.example')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.template).toBe('signup_existing');
  });

  it('refuses a form post without its CSRF token', async () => {
    const b = browser(t.app);
    await b.get('/sign-up');
    const res = await b.post('/sign-up', signUpFields('csrf@contoso.example'), { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('This form has expired');
    const users = await t.ctx.db
      .selectFrom('users')
      .select('email')
      .where('email', '=', 'csrf@contoso.example')
      .execute();
    expect(users).toHaveLength(0);
  });

  it('resets a password through the emailed link and ends existing sessions', async () => {
    const b = await signedUpAndVerified('reset@contoso.example');
    await b.get('/sign-in');
    await b.post('/sign-in', { email: 'reset@contoso.example', password: 'correct horse battery' });
    const oldSession = b.jar.get('pp_session')!;

    const other = browser(t.app);
    await other.get('/forgot-password');
    const asked = await other.post('/forgot-password', { email: 'reset@contoso.example' });
    expect(asked.body).toContain('a reset link is on its way');
    const link = await latestLinkTo(t.ctx, 'reset@contoso.example');
    const form = await other.get(pathOf(link));
    expect(form.statusCode).toBe(200);
    const token = new URL(link).searchParams.get('token')!;
    const weak = await other.post('/reset-password', { token, password: 'short' });
    expect(weak.statusCode).toBe(422);
    const done = await other.post('/reset-password', { token, password: 'a brand new passphrase' });
    expect(done.statusCode).toBe(303);

    const stale = await t.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { pp_session: oldSession } });
    expect(stale.statusCode).toBe(401);
    await other.get('/sign-in');
    expect(
      (await other.post('/sign-in', { email: 'reset@contoso.example', password: 'correct horse battery' })).statusCode,
    ).toBe(401);
    expect(
      (await other.post('/sign-in', { email: 'reset@contoso.example', password: 'a brand new passphrase' })).statusCode,
    ).toBe(303);
  });

  it('answers a reset request for an unknown address exactly like a known one', async () => {
    const b = browser(t.app);
    await b.get('/forgot-password');
    const res = await b.post('/forgot-password', { email: 'nobody@contoso.example' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('a reset link is on its way');
    const sent = await t.ctx.db
      .selectFrom('outbox')
      .select('id')
      .where('recipient', '=', 'nobody@contoso.example')
      .execute();
    expect(sent).toHaveLength(0);
  });
});

describe('sign-in throttling', () => {
  it('issue #10: slows the address that guessed after 5 failures, but never locks the owner out from elsewhere', async () => {
    await signedUpAndVerified('throttle@contoso.example');
    const b = browser(t.app);
    await b.get('/sign-in');
    for (let i = 0; i < 5; i++) {
      const res = await b.post('/sign-in', { email: 'throttle@contoso.example', password: `wrong password ${i}` });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await b.post('/sign-in', { email: 'throttle@contoso.example', password: 'correct horse battery' });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toMatch(/Too many failed sign-in attempts for this account\. Try again in 1 minute/);
    // The owner, from another network, signs in at once.
    const owner = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      remoteAddress: '198.51.100.7',
      payload: { email: 'throttle@contoso.example', password: 'correct horse battery' },
    });
    expect(owner.statusCode).toBe(200);
  });
});

describe('X-1 languages', () => {
  it('X-1: serves the page in the Accept-Language language, and the switcher overrides it', async () => {
    const b = browser(t.app);
    const french = await b.get('/sign-in', { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' });
    expect(french.body).toContain('<html lang="fr"');
    await b.post('/language', { language: 'ja', return_to: '/sign-in' });
    const japanese = await b.get('/sign-in', { 'accept-language': 'fr' });
    expect(japanese.body).toContain('<html lang="ja"');
  });

  it("X-1: keeps a signed-in user's language preference across sessions", async () => {
    const b = await signedUpAndVerified('lang@contoso.example');
    await b.get('/sign-in');
    await b.post('/sign-in', { email: 'lang@contoso.example', password: 'correct horse battery' });
    await b.get('/account');
    await b.post('/language', { language: 'es', return_to: '/account' });
    const fresh = browser(t.app);
    await fresh.get('/sign-in');
    await fresh.post('/sign-in', { email: 'lang@contoso.example', password: 'correct horse battery' });
    fresh.jar.delete('pp_lang');
    const page = await fresh.get('/account', { 'accept-language': 'en' });
    expect(page.body).toContain('<html lang="es"');
  });
});
