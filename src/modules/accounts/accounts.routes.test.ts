import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, latestLinkTo, type TestApp } from '../../../test/helpers/app.ts';
import { verifyAuditChain } from '../audit/index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('REG-1 account API (X-3)', () => {
  it('REG-1: signs up, confirms, signs in, reads and changes the account, signs out', async () => {
    const api = browser(t.app);
    const created = await api.json('POST', '/api/v1/auth/sign-up', {
      name: 'Kenji Sato',
      email: 'kenji@fabrikam.example',
      password: 'a long enough passphrase',
      language: 'ja',
    });
    expect(created.statusCode).toBe(202);
    expect(created.json()).toEqual({ status: 'accepted' });

    // The confirmation email is written in the account's language.
    const mail = await t.ctx.db
      .selectFrom('outbox')
      .select(['language', 'template'])
      .where('recipient', '=', 'kenji@fabrikam.example')
      .executeTakeFirstOrThrow();
    expect(mail).toEqual({ language: 'ja', template: 'verify' });

    const token = new URL(await latestLinkTo(t.ctx, 'kenji@fabrikam.example')).searchParams.get('token')!;
    expect((await api.json('POST', '/api/v1/auth/verify-email', { token })).statusCode).toBe(204);
    expect((await api.json('POST', '/api/v1/auth/verify-email', { token })).json().error.code).toBe('token_invalid');

    const signedIn = await api.json('POST', '/api/v1/auth/sign-in', {
      email: 'kenji@fabrikam.example',
      password: 'a long enough passphrase',
    });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().account.emailVerified).toBe(true);

    const me = await api.json('GET', '/api/v1/me');
    expect(me.json()).toMatchObject({ email: 'kenji@fabrikam.example', name: 'Kenji Sato', roles: [] });

    const changed = await api.json('PATCH', '/api/v1/me', { language: 'fr' });
    expect(changed.json()).toMatchObject({ language: 'fr', name: 'Kenji Sato' });

    expect((await api.json('POST', '/api/v1/auth/sign-out')).statusCode).toBe(204);
    expect((await api.json('GET', '/api/v1/me')).statusCode).toBe(401);
  });

  it('issue #10: a sign-up with a taken address answers like a new one and emails the owner instead', async () => {
    const body = {
      name: 'Ines Owner',
      email: 'ines@fabrikam.example',
      password: 'a long enough passphrase',
      language: 'es',
    };
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-up', payload: body });
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-up',
      payload: { ...body, name: 'Mallory', email: 'INES@fabrikam.example' },
    });
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    expect(second.json()).toEqual(first.json());
    const mails = await t.ctx.db
      .selectFrom('outbox')
      .select(['template', 'language', 'text_body'])
      .where('recipient', '=', 'ines@fabrikam.example')
      .orderBy('id')
      .execute();
    expect(mails.map((m) => m.template)).toEqual(['verify', 'signup_existing']);
    expect(mails[1]!.language).toBe('es');
    expect(mails[1]!.text_body).toContain('http://portal.test/sign-in');
    const users = await t.ctx.db
      .selectFrom('users')
      .select('name')
      .where('email', 'ilike', 'ines@fabrikam.example')
      .execute();
    expect(users).toEqual([{ name: 'Ines Owner' }]);
  });

  it('REG-1: answers bad sign-up input with 422, naming each field, rule and message, and writes nothing', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-up',
      payload: { name: ' ', email: 'nope', password: 'short', language: 'de' },
    });
    expect(res.statusCode).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe('validation_failed');
    expect(error.fields).toEqual([
      { field: 'name', rule: 'required', message: 'Full name is required.' },
      {
        field: 'email',
        rule: 'email_format',
        message: 'Email address must be an email address like name@company.com.',
      },
      { field: 'password', rule: 'too_short', message: 'Password must be at least 12 characters.' },
      {
        field: 'language',
        rule: 'language_unsupported',
        message: 'Language preference must be one of English, Español, Français, 日本語.',
      },
    ]);
    expect(await t.ctx.db.selectFrom('users').select('id').where('email', '=', 'nope').execute()).toHaveLength(0);
  });

  it('refuses a JSON sign-in with the wrong password without saying which part was wrong', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'nobody@fabrikam.example', password: 'whatever it is' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toEqual({
      code: 'invalid_credentials',
      message: 'The email address or password is not right.',
    });
  });

  it('throttles sign-in per network address across accounts', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.9' };
    let last = 0;
    // 30 failures from one address, spread over many accounts, block the address.
    for (let i = 0; i < 31; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers,
        remoteAddress: '203.0.113.9',
        payload: { email: `spray${i}@fabrikam.example`, password: 'guess guess guess' },
      });
      last = res.statusCode;
      if (last === 429) {
        expect(res.json().error.code).toBe('throttled_ip');
        expect(res.json().error.message).toMatch(/Try again in 15 minutes/);
        break;
      }
    }
    expect(last).toBe(429);
  });

  it('X-4: every account change above left an intact audit chain', async () => {
    const actions = await t.ctx.db.selectFrom('audit_log').select('action').execute();
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'account.created',
        'account.email_verified',
        'session.started',
        'account.settings_changed',
        'session.ended',
      ]),
    );
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });
});
