import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  createDistributor,
  createPartner,
  createUser,
  insertClaim,
  sessionFor,
  testMeta,
} from '../../../test/helpers/fixtures.ts';
import type { Actor } from '../../platform/auth.ts';
import { saveStep, startApplication, submitApplication } from '../registration/registration.service.ts';
import type { Step } from '../registration/registration.rules.ts';

let t: TestApp;
let admin: Actor;
let adminCookie: string;
let staffKey: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await createUser(t.ctx, [{ role: 'staff_admin', organisationId: null }]);
  adminCookie = await sessionFor(t.ctx, admin);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/staff/api-keys',
    cookies: { pp_session: adminCookie },
    payload: { name: 'CRM integration' },
  });
  staffKey = res.json().secret;
});
afterAll(() => t.close());

const asKey = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${staffKey}` }, payload: payload as never });
const asAdmin = (method: 'GET' | 'POST', url: string, payload?: unknown, contentType?: string) =>
  t.app.inject({
    method,
    url,
    cookies: { pp_session: adminCookie },
    payload: payload as never,
    headers: contentType ? { 'content-type': contentType } : {},
  });

describe('staff console API', () => {
  it('REG-11: publishes agreement versions; the newest effective one is current and a version is never reused', async () => {
    const first = await asAdmin('POST', '/api/v1/staff/agreements', {
      version: '2026.1',
      governingLanguage: 'en',
      texts: { en: { title: 'ICPA', body: 'Version one.' } },
      effectiveAt: '2026-01-01T00:00:00Z',
    });
    expect(first.statusCode).toBe(201);
    await asAdmin('POST', '/api/v1/staff/agreements', {
      version: '2026.2',
      governingLanguage: 'en',
      texts: { en: { title: 'ICPA', body: 'Version two.' } },
      effectiveAt: '2026-06-01T00:00:00Z',
    });
    await asAdmin('POST', '/api/v1/staff/agreements', {
      version: '2099.1',
      governingLanguage: 'en',
      texts: { en: { title: 'ICPA', body: 'Future.' } },
      effectiveAt: '2099-01-01T00:00:00Z',
    });
    expect((await t.app.inject('/api/v1/agreements/current')).json()).toMatchObject({
      version: '2026.2',
      governingLanguage: 'en',
      texts: [{ language: 'en', body: 'Version two.' }],
    });
    const again = await asAdmin('POST', '/api/v1/staff/agreements', {
      version: '2026.2',
      governingLanguage: 'en',
      texts: { en: { title: 'x', body: 'y' } },
      effectiveAt: '2026-07-01T00:00:00Z',
    });
    expect(again.statusCode).toBe(422);
    expect(again.json().error.fields[0].rule).toBe('agreement_version_taken');
    // X-1: texts per language; the governing language's are required, the others' statements default.
    const missing = await asAdmin('POST', '/api/v1/staff/agreements', {
      version: '2026.5',
      governingLanguage: 'fr',
      texts: { en: { title: 'ICPA', body: 'Terms.' } },
      effectiveAt: '2026-07-01T00:00:00Z',
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.fields.map((f: { field: string }) => f.field)).toEqual([
      'texts.fr.title',
      'texts.fr.body',
    ]);
    // A staff API key reads but cannot publish.
    expect(
      (
        await asKey('POST', '/api/v1/staff/agreements', {
          version: '2026.3',
          governingLanguage: 'en',
          texts: { en: { title: 'x', body: 'y' } },
          effectiveAt: '2026-07-01T00:00:00Z',
        })
      ).statusCode,
    ).toBe(403);
  });

  it('screens names against an imported denied-party list, transliterated and order-insensitive, as review findings', async () => {
    const csv = readFileSync('data-files/denied-parties-sample.csv', 'utf8');
    const imported = (await asAdmin('POST', '/api/v1/staff/denied-parties/import', csv, 'text/csv')).json();
    expect(imported).toMatchObject({ imported: 7, rejected: 0 });
    expect((await asAdmin('POST', '/api/v1/staff/denied-parties/import', csv, 'text/csv')).json().imported).toBe(0);

    const distributor = await createDistributor(t.ctx, { hqCountry: 'DE' });
    const applicant = await createUser(t.ctx, [], 'ops@severny-export.example');
    const app = await startApplication(t.ctx, applicant, testMeta);
    const answers = {
      company: {
        legalName: 'Severny Eksport OOO',
        legalForm: 'limited_company',
        country: 'DE',
        website: 'https://severny-export.example',
        registrationNumber: 'HRB 7',
      },
      contacts: {
        primary: {
          name: 'Blackwood Victor',
          email: 'ops@severny-export.example',
          phone: '+49 30 901820',
          title: 'CEO',
        },
      },
      locations: {
        items: [{ lines: ['Alexanderplatz 1'], city: 'Berlin', postcode: '10178', country: 'DE', type: 'office' }],
      },
      distributors: {
        items: [{ distributorId: distributor.id, accountNumber: 'S-1' }],
        initialDistributorId: distributor.id,
      },
      added_value: {
        canDemonstrate: true,
        providesServices: true,
        servicesDescription: 'Demonstrations and professional services.',
      },
      personnel: { items: [{ name: 'Ivan Petrov', email: 'ivan@severny-export.example', role: 'Sales' }] },
    };
    let version = app.version;
    for (const step of Object.keys(answers) as Step[])
      version = (
        await saveStep(
          t.ctx,
          applicant,
          app.id,
          step,
          answers[step as keyof typeof answers] as never,
          version,
          testMeta,
        )
      ).application.version;
    await submitApplication(
      t.ctx,
      applicant,
      app.id,
      {
        confirmsAuthority: true,
        name: 'Victor',
        title: 'CEO',
        acceptedAgreementVersion: '2026.2',
        consentsToRelease: true,
      },
      undefined,
      testMeta,
    );

    const detail = (await asKey('GET', `/api/v1/staff/applications/${app.id}`)).json();
    const screened = detail.screening.map(
      (h: { screened: string; entry: { name: string } }) => `${h.screened} → ${h.entry.name}`,
    );
    expect(screened).toEqual(
      expect.arrayContaining(['Severny Eksport OOO → ООО «Северный Экспорт»', 'Blackwood Victor → Victor Blackwood']),
    );
    expect(detail.consents.map((c: { kind: string }) => c.kind).sort()).toEqual([
      'icpa',
      'release_of_information',
      'signature_authority',
    ]);
    expect(detail.claims).toEqual([expect.objectContaining({ accountNumber: 'S-1', status: 'pending' })]);
    const queue = (await asKey('GET', '/api/v1/staff/applications?country=de')).json();
    expect(queue.map((e: { id: string }) => e.id)).toContain(app.id);
  });

  it('X-4: filters the audit log, exports it as CSV and reports the chain intact', async () => {
    const filtered = (await asKey('GET', '/api/v1/staff/audit?action=agreement.published')).json();
    expect(filtered.length).toBe(3);
    expect(filtered.every((r: { action: string }) => r.action === 'agreement.published')).toBe(true);
    const byActor = (await asKey('GET', `/api/v1/staff/audit?actorUserId=${admin.userId}&from=2020-01-01`)).json();
    expect(byActor.length).toBeGreaterThanOrEqual(4);
    const csv = await asAdmin('GET', '/api/v1/staff/audit.csv?action=agreement.published');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.trim().split('\n')).toHaveLength(4);
    expect((await asKey('GET', '/api/v1/staff/audit/verify')).json()).toMatchObject({ ok: true });
    const stranger = await sessionFor(t.ctx, await createUser(t.ctx));
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/staff/audit', cookies: { pp_session: stranger } })).statusCode,
    ).toBe(403);
  });

  it('REG-4/REG-10: the dashboard counts the funnel, partners by country, training and purchase-restricted partners', async () => {
    const distributor = await createDistributor(t.ctx, { hqCountry: 'FR' });
    const ok = await createPartner(t.ctx, { country: 'FR' });
    await insertClaim(t.ctx, ok.id, distributor.id, 'F-1', 'confirmed');
    const restricted = await createPartner(t.ctx, {
      country: 'FR',
      legalName: 'Restricted SARL',
      reviewedAt: new Date('2020-01-01'),
    });
    await t.ctx.db
      .insertInto('training_assignments')
      .values([
        { partner_id: ok.id, person_name: 'A', person_email: 'a@x.example', due_at: new Date(Date.now() - 86_400_000) },
        {
          partner_id: ok.id,
          person_name: 'B',
          person_email: 'b@x.example',
          due_at: new Date(Date.now() + 5 * 86_400_000),
        },
        {
          partner_id: ok.id,
          person_name: 'C',
          person_email: 'c@x.example',
          due_at: new Date(Date.now() + 5 * 86_400_000),
          completed_at: new Date(),
        },
      ])
      .execute();
    const board = (await asKey('GET', '/api/v1/staff/dashboard')).json();
    expect(board.funnel).toMatchObject({ submitted: 1, drafts: 0 });
    expect(board.partnersByCountry).toContainEqual({ country: 'FR', partners: 2 });
    expect(board.training).toEqual({ assigned: 3, completed: 1, dueWithin30Days: 1, overdue: 1 });
    expect(board.purchaseRestricted).toContainEqual({
      partnerId: restricted.id,
      legalName: 'Restricted SARL',
      country: 'FR',
      reasons: ['no_confirmed_account', 'review_overdue'],
    });
    expect(board.purchaseRestricted.map((p: { partnerId: string }) => p.partnerId)).not.toContain(ok.id);
  });
});
