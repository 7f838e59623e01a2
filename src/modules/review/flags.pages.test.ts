import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { submittedApplication } from '../../../test/helpers/applications.ts';
import {
  createDistributor,
  createUser,
  sessionFor,
  testMeta,
  type DistributorFixture,
} from '../../../test/helpers/fixtures.ts';
import type { Actor } from '../../platform/auth.ts';
import { publishAgreement } from '../registration/index.ts';

let t: TestApp;
let eurodist: DistributorFixture;
let reviewer: Actor;

beforeAll(async () => {
  t = await createTestApp();
  eurodist = await createDistributor(t.ctx, { hqCountry: 'DE', territories: ['DE'], legalName: 'EuroDist GmbH' });
  reviewer = await createUser(t.ctx, [{ role: 'staff_reviewer', organisationId: null }], 'rui@vendor.example');
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
});
afterAll(() => t.close());

async function as(actor: Actor) {
  const b = browser(t.app);
  b.jar.set('pp_session', await sessionFor(t.ctx, actor));
  return b;
}

const submitted = (name: string, email: string, lines = ['Regus Business Centre', 'Friedrichstraße 123']) =>
  submittedApplication(t.ctx, { name, email, lines, distributorId: eurodist.id });

const key = { rule: 'REG-7', code: 'address_mail_drop', field: 'locations.0.lines' };
const poBox = { ...key, code: 'address_po_box' };

describe('#11 flag verdicts and lists: pages', () => {
  it('REG-7: a reviewer marks a flag as a false alarm and allow-lists it with plain forms; the verdict is shown', async () => {
    const id = await submitted('Pages GmbH', 'p@pages.example');
    const b = await as(reviewer);
    const page = await b.get(`/staff/applications/${id}`);
    expect(page.body).toContain(`action="/staff/applications/${id}/findings/verdict"`);
    expect(page.body).not.toContain('/findings/allowlist');
    // Without the form's token nothing is recorded.
    expect(
      (
        await b.post(
          `/staff/applications/${id}/findings/verdict`,
          { ...key, verdict: 'false_alarm', previous: '' },
          { csrf: false },
        )
      ).statusCode,
    ).toBe(403);
    const saved = await b.post(`/staff/applications/${id}/findings/verdict`, {
      ...key,
      verdict: 'false_alarm',
      note: 'Own office',
      previous: '',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/staff/applications/${id}?notice=verdict_saved#findings-heading`);
    const after = await b.get(`/staff/applications/${id}?notice=verdict_saved`);
    expect(after.body).toContain('Your verdict on the flag was saved.');
    expect(after.body).toContain('False alarm</strong>');
    expect(after.body).toContain(`action="/staff/applications/${id}/findings/allowlist"`);
    // A form from before a colleague's change is not applied.
    const stale = await b.post(`/staff/applications/${id}/findings/verdict`, {
      ...key,
      verdict: 'confirmed',
      previous: '',
    });
    expect(stale.headers.location).toContain('notice=verdict_changed');
    await b.get(`/staff/applications/${id}`);
    const allowed = await b.post(`/staff/applications/${id}/findings/allowlist`, { ...key, where: 'everywhere' });
    expect(allowed.headers.location).toContain('notice=allowlisted');
    const lists = await b.get('/staff/flags');
    expect(lists.statusCode).toBe(200);
    expect(lists.body).toContain('Regus');
    expect(lists.body).toContain('Own office');
  });

  it('REG-7: staff add a provider to the watchlist and remove it; bad input is named in the page language', async () => {
    const b = await as(reviewer);
    await b.get('/staff/flags');
    const bad = await b.post('/staff/flags/watchlist', { kind: 'pickup_point', name: '', country: '', note: '' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('<a href="#field-name">Provider name or street address is required.</a>');
    const added = await b.post('/staff/flags/watchlist', {
      kind: 'forwarding',
      name: 'Shipito Berlin',
      country: 'DE',
      note: '',
    });
    expect(added.headers.location).toContain('notice=watchlist_added');
    const page = await b.get('/staff/flags');
    const removeUrl = new RegExp('action="(/staff/flags/watchlist/[0-9a-f-]+/delete)"').exec(page.body)![1]!;
    expect((await b.post(removeUrl, {})).headers.location).toContain('notice=watchlist_removed');
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'watchlist.%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['watchlist.added', 'watchlist.removed']);
  });

  it('shows the flag table on the dashboard', async () => {
    const b = await as(reviewer);
    const page = await b.get('/staff');
    expect(page.body).toContain('id="flag-rates-heading"');
    expect(page.body).toContain('Mail drop or virtual office');
  });

  it('gives people who are not staff 403 on the pages and the API, and unknown applications 404', async () => {
    // A PO box: the Regus false alarm of the first test is allow-listed everywhere by now.
    const id = await submitted('Guarded GmbH', 'g@guarded.example', ['Postfach 1140']);
    const partner = await as(await createUser(t.ctx, []));
    expect((await partner.get('/staff/flags')).statusCode).toBe(403);
    expect((await partner.json('GET', '/api/v1/staff/allowlist')).statusCode).toBe(403);
    expect((await partner.json('GET', '/api/v1/staff/watchlist')).statusCode).toBe(403);
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/staff/applications/${id}/findings/verdict`,
      cookies: { pp_session: partner.jar.get('pp_session')! },
      payload: { ...key, verdict: 'confirmed' },
    });
    expect(put.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/staff/allowlist' })).statusCode).toBe(401);
    const staff = await as(reviewer);
    const cookie = staff.jar.get('pp_session')!;
    const unknown = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/staff/applications/00000000-0000-4000-8000-000000000000/findings/verdict',
      cookies: { pp_session: cookie },
      payload: { ...key, verdict: 'confirmed' },
    });
    expect(unknown.statusCode).toBe(404);
    const ok = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/staff/applications/${id}/findings/verdict`,
      cookies: { pp_session: cookie },
      payload: { ...poBox, verdict: 'confirmed' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ ...poBox, verdict: 'confirmed', reviewer: expect.any(String) });
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/staff/applications/${id}`,
      cookies: { pp_session: cookie },
    });
    expect(detail.json().feedback).toEqual([expect.objectContaining({ verdict: 'confirmed' })]);
    const dash = await t.app.inject({ method: 'GET', url: '/api/v1/staff/dashboard', cookies: { pp_session: cookie } });
    expect(dash.json().flagKinds).toContainEqual(
      expect.objectContaining({ code: 'address_po_box', confirmed: 1, confirmationRate: 1 }),
    );
  });
});
