import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createStaffAdmin, createUser, sessionFor } from '../../../test/helpers/fixtures.ts';
import { catalogues, type Language } from '../../platform/i18n.ts';

/** The home section, which lives in its own file (locales/<lang>/home.json). */
const home = (lang: Language) => (catalogues[lang] as unknown as Record<string, Record<string, string>>).home!;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('REG-13 the front door', () => {
  it('tells a visitor every eligibility requirement of the programme and that meeting them does not approve', async () => {
    const res = await t.app.inject({ url: '/', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(200);
    const vendor = 'Northwind Networks';
    for (const key of [
      'req_user_id',
      'req_distributor',
      'req_release',
      'req_address',
      'req_email',
      'req_added_value',
      'req_training',
      'req_agreement',
      'no_guarantee',
    ] as const) {
      const text = home('en')[key]!.replaceAll('{{vendor}}', vendor);
      expect(res.body, key).toContain(text);
    }
    expect(res.body).toMatch(/<a href="\/apply" role="button">Begin your application<\/a>/);
    expect(res.body).toContain('<a href="/partners">Find a partner near you</a>');
    expect(res.body).toContain('<a href="/distributors">Find a distributor</a>');
  });

  it('X-1: speaks the visitor’s language', async () => {
    const res = await t.app.inject({ url: '/', headers: { 'accept-language': 'ja' } });
    expect(res.body).toContain(home('ja').begin_application);
    expect(res.body).toContain(home('ja').requirements_title);
  });

  it('shows a signed-in person only the places their roles open', async () => {
    const plain = browser(t.app);
    plain.jar.set('pp_session', await sessionFor(t.ctx, await createUser(t.ctx)));
    const mine = (await plain.get('/')).body;
    expect(mine).toContain('<a href="/apply">Your partner applications</a>');
    expect(mine).not.toContain('<a href="/staff">');
    expect(mine).not.toContain('<a href="/partner">');

    const staff = browser(t.app);
    staff.jar.set('pp_session', await sessionFor(t.ctx, await createStaffAdmin(t.ctx)));
    const theirs = (await staff.get('/')).body;
    expect(theirs).toContain('Review applications, decide, and run the programme.');
  });

  it('answers /favicon.ico with the icon instead of a 404', async () => {
    const res = await t.app.inject({ url: '/favicon.ico' });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/assets/favicon.svg');
    expect((await t.app.inject({ url: '/assets/favicon.svg' })).statusCode).toBe(200);
  });
});
