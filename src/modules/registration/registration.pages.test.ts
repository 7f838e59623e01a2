import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, latestLinkTo, pathOf, type TestApp } from '../../../test/helpers/app.ts';
import {
  createDistributor,
  createStaffAdmin,
  createUser,
  sessionFor,
  testMeta,
  type DistributorFixture,
} from '../../../test/helpers/fixtures.ts';
import type { Actor } from '../../platform/auth.ts';
import { announceChange, APPLICATION_VIEWS_TOPIC } from '../../platform/cache.ts';
import { releaseOfInformationText, signatureAuthorityText } from './agreement-texts.rules.ts';
import { getApplication } from './registration.service.ts';
import { publishAgreement } from './agreements.service.ts';

let t: TestApp;
let eurodist: DistributorFixture;
let nordic: DistributorFixture;
let retired: DistributorFixture;

const VENDOR = 'Northwind Networks';

beforeAll(async () => {
  t = await createTestApp();
  eurodist = await createDistributor(t.ctx, { hqCountry: 'DE', territories: ['AT'], legalName: 'EuroDist GmbH' });
  nordic = await createDistributor(t.ctx, { hqCountry: 'SE', legalName: 'Nordic Dist AB' });
  retired = await createDistributor(t.ctx, { hqCountry: 'DE', legalName: 'Old Dist GmbH', status: 'retired' });
  const staff = await createStaffAdmin(t.ctx);
  await publishAgreement(
    t.ctx,
    staff,
    {
      version: '2026.1',
      governingLanguage: 'en',
      texts: { en: { title: 'Indirect Channel Partner Agreement', body: 'The terms of the agreement.\nClause 2.' } },
      effectiveAt: new Date('2026-01-01'),
    },
    testMeta,
  );
});
afterAll(() => t.close());

type Browser = ReturnType<typeof browser>;

/** A browser signed in as a new verified user. */
async function signedIn(email?: string): Promise<{ b: Browser; actor: Actor }> {
  const actor = await createUser(t.ctx, [], email);
  const b = browser(t.app);
  b.jar.set('pp_session', await sessionFor(t.ctx, actor));
  return { b, actor };
}

const tokenOf = (link: string) => new URL(link, 'http://localhost').searchParams.get('token') ?? '';
const versionIn = (html: string) => /name="version" value="(\d+)"/.exec(html)?.[1] ?? '';

/** Starts an application and answers with its id. */
async function start(b: Browser): Promise<string> {
  await b.get('/apply');
  const res = await b.post('/apply', {});
  expect(res.statusCode).toBe(303);
  const id = /^\/apply\/([0-9a-f-]{36})\/company$/.exec(res.headers.location as string)?.[1];
  expect(id).toBeDefined();
  return id!;
}

/** Opens a step's page (for the form token and version) and posts its form. */
async function postStep(b: Browser, id: string, step: string, fields: Record<string, string>) {
  const page = await b.get(`/apply/${id}/${step}`);
  expect(page.statusCode).toBe(200);
  return b.post(`/apply/${id}/${step}`, { version: versionIn(page.body), action: 'continue', ...fields });
}

const company = (overrides: Record<string, string> = {}) => ({
  'company.legal_name': 'Contoso Systems GmbH',
  'company.legal_form': 'limited_company',
  'company.country': 'DE',
  'company.website': 'https://contoso-systems.example',
  'company.registration_number': 'HRB 123456',
  ...overrides,
});
const contacts = (overrides: Record<string, string> = {}) => ({
  'contacts.name': 'Carla Applicant',
  'contacts.title': 'Sales Director',
  'contacts.email': 'carla@contoso-systems.example',
  'contacts.phone': '+49 30 901820',
  ...overrides,
});
const location = (i: number, overrides: Record<string, string> = {}) => ({
  [`locations.${i}.line1`]: 'Friedrichstraße 123',
  [`locations.${i}.line2`]: '',
  [`locations.${i}.city`]: 'Berlin',
  [`locations.${i}.postcode`]: '10117',
  [`locations.${i}.country`]: 'DE',
  [`locations.${i}.type`]: 'office',
  ...Object.fromEntries(Object.entries(overrides).map(([k, v]) => [`locations.${i}.${k}`, v])),
});
const emptyLocation = (i: number) => ({
  [`locations.${i}.line1`]: '',
  [`locations.${i}.line2`]: '',
  [`locations.${i}.city`]: '',
  [`locations.${i}.postcode`]: '',
  [`locations.${i}.country`]: 'DE',
  [`locations.${i}.type`]: '',
});
const distributors = (distributorId: string) => ({
  'distributors.0.distributor': distributorId,
  'distributors.0.account_number': 'CONTOSO-1',
  'distributors.1.distributor': '',
  'distributors.1.account_number': '',
  'distributors.initial_distributor': '0',
});
const addedValue = {
  'added_value.can_demonstrate': 'yes',
  'added_value.provides_services': 'yes',
  'added_value.services_description': 'Demonstrations on site, installation, and managed support contracts.',
};
const personnel = {
  'personnel.0.name': 'Carla Applicant',
  'personnel.0.email': 'carla@contoso-systems.example',
  'personnel.0.role': 'Account lead',
  'personnel.1.name': '',
  'personnel.1.email': '',
  'personnel.1.role': '',
};
const signature = {
  'sign.confirms_authority': 'yes',
  'sign.signatory_name': 'Carla Applicant',
  'sign.signatory_title': 'Managing Director',
  'sign.agreement': 'yes',
  'sign.agreement_version': '2026.1',
  'sign.release_consent': 'yes',
};

/** Completes every step of a new application; answers with its id. */
async function completedApplication(b: Browser): Promise<string> {
  const id = await start(b);
  for (const [step, fields] of [
    ['company', company()],
    ['contacts', contacts()],
    ['locations', location(0)],
    ['distributors', distributors(eurodist.id)],
    ['added_value', addedValue],
    ['personnel', personnel],
  ] as const) {
    const res = await postStep(b, id, step, fields);
    expect(res.statusCode, `${step}: ${res.body.slice(0, 2000)}`).toBe(303);
  }
  return id;
}

/** The text of the error summary's items. */
const summaryItems = (html: string) =>
  [
    ...(/<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '').matchAll(/<a href="[^"]*">([^<]*)<\/a>/g),
  ].map((m) => m[1] ?? '');
const decode = (s: string) =>
  s
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');

describe('REG-13 Partner Registration Tool (pages)', () => {
  it('REG-13: an anonymous visitor is sent to sign in, and comes back to the page asked for', async () => {
    const b = browser(t.app);
    const list = await b.get('/apply');
    expect(list.statusCode).toBe(303);
    expect(list.headers.location).toBe('/sign-in?return_to=%2Fapply');
    const step = await b.get('/apply/00000000-0000-4000-8000-000000000000/company');
    expect(step.headers.location).toBe('/sign-in?return_to=%2Fapply%2F00000000-0000-4000-8000-000000000000%2Fcompany');
    const join = await b.get('/apply/join?token=abc');
    expect(join.headers.location).toBe(`/sign-in?return_to=${encodeURIComponent('/apply/join?token=abc')}`);
  });

  it('REG-13, REG-1, REG-6, REG-11: saves each step, shows progress and the summary, submits once and shows the submitted status', async () => {
    const { b, actor } = await signedIn('carla@contoso-systems.example');
    const home = await b.get('/');
    expect(home.body).toContain('href="/apply"');
    const id = await start(b);

    const first = await b.get(`/apply/${id}/company`);
    expect(first.body).toMatch(/<nav aria-label="Application progress"[^>]*>\s*<ol>/);
    expect(first.body).toContain(`href="/apply/${id}/company" aria-current="step"`);
    expect(first.body).toMatch(/name="version" value="\d+"/);
    expect(first.body).toMatch(/maxlength="200"/i);

    const saved = await postStep(b, id, 'company', company());
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/apply/${id}/contacts?notice=step_saved`);
    const next = await b.get(saved.headers.location as string);
    expect(next.body).toContain('Your answers are saved.');
    expect(next.body).toContain(`href="/apply/${id}/contacts" aria-current="step"`);
    // The completed step carries its marker in the progress list.
    expect(next.body).toMatch(
      new RegExp(
        `<li class="completed"><a href="/apply/${id}/company">Company</a><span class="step-status"> \\(completed\\)</span>`,
      ),
    );

    for (const [step, fields, nextStep] of [
      ['contacts', contacts(), 'locations'],
      ['locations', location(0), 'distributors'],
      ['distributors', distributors(eurodist.id), 'added_value'],
      ['added_value', addedValue, 'personnel'],
      ['personnel', personnel, 'review'],
    ] as const) {
      const res = await postStep(b, id, step, fields);
      expect(res.statusCode, step).toBe(303);
      expect(res.headers.location).toBe(`/apply/${id}/${nextStep}?notice=step_saved`);
    }
    const application = await getApplication(t.ctx, actor, id);
    expect(application.completedSteps).toEqual([
      'company',
      'contacts',
      'locations',
      'distributors',
      'added_value',
      'personnel',
    ]);
    expect(application.answers.distributors).toEqual({
      items: [{ distributorId: eurodist.id, accountNumber: 'CONTOSO-1' }],
      initialDistributorId: eurodist.id,
    });
    expect(application.answers.locations?.items).toEqual([
      { lines: ['Friedrichstraße 123'], city: 'Berlin', postcode: '10117', country: 'DE', type: 'office' },
    ]);

    // REG-13: the summary of every answer, REG-11 the current agreement, REG-6 the release text in full.
    const review = await b.get(`/apply/${id}/review`);
    expect(review.statusCode).toBe(200);
    const text = decode(review.body);
    for (const answer of [
      'Contoso Systems GmbH',
      'HRB 123456',
      'carla@contoso-systems.example',
      'Friedrichstraße 123',
      'EuroDist GmbH, account CONTOSO-1',
      'Account lead',
    ])
      expect(text).toContain(answer);
    expect(text).toContain('Indirect Channel Partner Agreement, version 2026.1');
    expect(review.body).toMatch(
      /<div class="agreement-text" tabindex="0" role="region" aria-labelledby="agreement-title" lang="en">The terms of the agreement.\nClause 2.<\/div>/,
    );
    expect(text).toContain('I have read and accept the Indirect Channel Partner Agreement version 2026.1.');
    expect(review.body).toContain('name="sign.agreement_version" value="2026.1"');
    expect(text).toContain(releaseOfInformationText(VENDOR));
    expect(text).toContain(signatureAuthorityText(VENDOR));
    expect(text).not.toContain('To complete before you submit');

    // A double click: two posts of the same form make one submission, and both land on the status page.
    const [one, two] = [await b.post(`/apply/${id}/submit`, signature), await b.post(`/apply/${id}/submit`, signature)];
    expect([one.statusCode, two.statusCode]).toEqual([303, 303]);
    expect(one.headers.location).toBe(`/apply/${id}/status`);
    expect(two.headers.location).toBe(`/apply/${id}/status`);
    const submissions = await t.ctx.db
      .selectFrom('application_submissions')
      .select('id')
      .where('application_id', '=', id)
      .execute();
    expect(submissions).toHaveLength(1);

    const status = await b.get(`/apply/${id}/status`);
    expect(status.statusCode).toBe(200);
    expect(status.body).toContain('Submitted');
    expect(status.body).toContain('decisions are normally made within 15 business days');
    // A submitted application can no longer be edited: its steps lead to the status page.
    const step = await b.get(`/apply/${id}/company`);
    expect(step.headers.location).toBe(`/apply/${id}/status`);
    const late = await b.post(`/apply/${id}/company`, {
      version: '99',
      ...company({ 'company.legal_name': 'Changed later' }),
    });
    expect(late.headers.location).toBe(`/apply/${id}/status`);
    expect((await getApplication(t.ctx, actor, id)).legalName).toBe('Contoso Systems GmbH');
    const list = await b.get('/apply');
    expect(list.body).toContain(application.reference);
    expect(list.body).toContain(`href="/apply/${id}/status"`);

    const receipt = await t.ctx.db
      .selectFrom('outbox')
      .select(['subject', 'text_body'])
      .where('recipient', '=', 'carla@contoso-systems.example')
      .where('template', '=', 'application_receipt')
      .executeTakeFirstOrThrow();
    expect(receipt.subject).toBe(`Application ${application.reference} received`);
    expect(receipt.text_body).toContain('15 business days');
  });

  it('REG-8, REG-13: a failing step answers 422, keeps what was typed, names the field and the rule, and is saved as a draft', async () => {
    const { b, actor } = await signedIn();
    const id = await start(b);
    await postStep(b, id, 'company', company());
    const res = await postStep(
      b,
      id,
      'contacts',
      contacts({ 'contacts.email': 'carla@gmail.com', 'contacts.phone': '12', 'contacts.name': '' }),
    );
    expect(res.statusCode).toBe(422);
    expect(summaryItems(res.body).map(decode)).toEqual([
      'Contact name is required.',
      'Business email address uses the public email domain gmail.com; enter your business email address, not a webmail address.',
      'Phone number is not a valid phone number for DE; include the international dialling code, for example +44 20 7946 0000.',
    ]);
    expect(res.body).toContain('href="#field-contacts.email"');
    expect(res.body).toMatch(
      /id="field-contacts.email" name="contacts.email" type="email" value="carla@gmail.com"[^>]*aria-invalid="true"/,
    );
    expect(res.body).toContain('value="Sales Director"');
    expect(res.body).toContain('value="12"');
    const application = await getApplication(t.ctx, actor, id);
    expect(application.answers.contacts?.primary.email).toBe('carla@gmail.com');
    expect(application.completedSteps).toEqual(['company']);
  });

  it('REG-7: a PO box is flagged for review but the step completes; a private residence is refused', async () => {
    const { b, actor } = await signedIn();
    const id = await start(b);
    await postStep(b, id, 'company', company());
    const residence = await postStep(b, id, 'locations', location(0, { type: 'residence' }));
    expect(residence.statusCode).toBe(422);
    expect(summaryItems(residence.body).map(decode)).toEqual([
      'Location type (1) cannot be a private residence; give your actual business location.',
    ]);

    const res = await postStep(b, id, 'locations', location(0, { line1: 'PO Box 12', line2: 'Friedrichstraße 123' }));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/apply/${id}/distributors?notice=step_saved_flagged`);
    expect((await getApplication(t.ctx, actor, id)).completedSteps).toContain('locations');
    const page = await b.get(`/apply/${id}/locations`);
    expect(decode(page.body)).toContain(
      'Address (1), line 1: "PO Box 12" is a post-office box or another postal service address, not business premises. A reviewer will check this address.',
    );
    expect(page.body).toContain('Points a reviewer will check');
    expect(page.body).toContain('value="PO Box 12"');
    const review = await b.get(`/apply/${id}/review`);
    expect(decode(review.body)).toContain('Address (1), line 1: "PO Box 12" is a post-office box');
  });

  it('REG-13: HTML typed into a field is shown as text, never as markup', async () => {
    const { b } = await signedIn();
    const id = await start(b);
    const res = await postStep(
      b,
      id,
      'company',
      company({ 'company.legal_name': '<script>alert(1)</script><b>Bold</b>', 'company.registration_number': '' }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).not.toContain('<b>Bold</b>');
    expect(res.body).toContain('value="&lt;script>alert(1)&lt;/script>&lt;b>Bold&lt;/b>"');
    const review = await b.get(`/apply/${id}/review`);
    expect(review.body).not.toContain('<script>alert(1)</script>');
    expect(review.body).toContain('&lt;script>alert(1)&lt;/script>&lt;b>Bold&lt;/b>');
  });

  it('REG-13: absurd sizes are refused with the limit named', async () => {
    const { b } = await signedIn();
    const id = await start(b);
    const page = await b.get(`/apply/${id}/company`);
    expect(page.body).toMatch(/name="company.legal_name"[^>]*maxlength="200"/i);
    const res = await postStep(
      b,
      id,
      'company',
      company({
        'company.legal_name': 'x'.repeat(5000),
        'company.website': `https://${'a'.repeat(5000)}.example`,
        'company.registration_number': '9'.repeat(500),
      }),
    );
    expect(res.statusCode).toBe(422);
    expect(summaryItems(res.body)).toEqual([
      'Legal name must be at most 200 characters.',
      'Website must be at most 200 characters.',
      'Registration or tax number must be at most 64 characters.',
    ]);
    await postStep(b, id, 'company', company());
    const locations = await postStep(
      b,
      id,
      'locations',
      location(0, { line1: 'y'.repeat(1000), postcode: '1'.repeat(100) }),
    );
    expect(locations.statusCode).toBe(422);
    expect(summaryItems(locations.body)).toEqual([
      'Address (1) must be at most 200 characters.',
      'Postcode (1) must be at most 20 characters.',
    ]);
    const description = await postStep(b, id, 'added_value', {
      ...addedValue,
      'added_value.services_description': 'z'.repeat(10_000),
    });
    expect(summaryItems(description.body)).toEqual(['Description of your services must be at most 2000 characters.']);
  });

  it('REG-2, REG-3: the distributors step offers active distributors serving the country, links to the locator, and adds rows', async () => {
    const { b, actor } = await signedIn();
    const id = await start(b);
    await postStep(b, id, 'company', company({ 'company.country': 'AT' }));
    const page = await b.get(`/apply/${id}/distributors`);
    expect(page.body).toContain(`<option value="${eurodist.id}">EuroDist GmbH</option>`);
    expect(page.body).not.toContain(nordic.id);
    expect(page.body).not.toContain(retired.id);
    expect(page.body).toContain('href="/distributors?country=AT"');

    // "Add another" saves and offers one more empty row.
    const added = await b.post(`/apply/${id}/distributors`, {
      version: versionIn(page.body),
      action: 'add',
      'distributors.0.distributor': eurodist.id,
      'distributors.0.account_number': 'AT-1',
      'distributors.1.distributor': '',
      'distributors.1.account_number': '',
      'distributors.initial_distributor': '0',
    });
    expect(added.statusCode).toBe(200);
    expect(added.body).toContain('name="distributors.2.account_number"');
    expect(added.body).not.toContain('name="distributors.3.account_number"');
    expect(added.body).not.toContain('error-summary');
    expect((await getApplication(t.ctx, actor, id)).answers.distributors?.items).toEqual([
      { distributorId: eurodist.id, accountNumber: 'AT-1' },
    ]);

    // A distributor outside the territory (posted by hand) and a duplicate are refused with REG messages.
    const res = await b.post(`/apply/${id}/distributors`, {
      version: versionIn(added.body),
      action: 'continue',
      'distributors.0.distributor': eurodist.id,
      'distributors.0.account_number': 'AT-1',
      'distributors.1.distributor': nordic.id,
      'distributors.1.account_number': 'N-1',
      'distributors.2.distributor': eurodist.id,
      'distributors.2.account_number': 'AT-1',
      'distributors.initial_distributor': '1',
    });
    expect(res.statusCode).toBe(422);
    expect(summaryItems(res.body).map(decode)).toEqual([
      'Nordic Dist AB is not located in or authorised to sell in AT; choose a distributor that serves the country of registration.',
      'Account number (3) repeats a distributor and account number already listed.',
    ]);
    // What was typed stays, including the choice of the initial distributor.
    expect(res.body).toMatch(/name="distributors.initial_distributor" value="1" checked/);
  });

  it('REG-7, REG-13: "Add another" on locations keeps rows and a stale version answers 409 keeping what was typed', async () => {
    const { b } = await signedIn();
    const id = await start(b);
    await postStep(b, id, 'company', company());
    const page = await b.get(`/apply/${id}/locations`);
    const version = versionIn(page.body);
    const added = await b.post(`/apply/${id}/locations`, {
      version,
      action: 'add',
      ...location(0),
      ...emptyLocation(1),
    });
    expect(added.statusCode).toBe(200);
    expect(added.body).toContain('name="locations.2.line1"');
    expect(added.body).toContain('value="Friedrichstraße 123"');
    // The empty rows default to the registration country.
    expect(added.body).toMatch(
      /id="field-locations.2.country" name="locations.2.country"[^>]*>[\s\S]*?<option value="DE" selected/,
    );

    const stale = await b.post(`/apply/${id}/locations`, {
      version,
      action: 'continue',
      ...location(0, { city: 'Hamburg', postcode: '20095' }),
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('This application was changed in another window or by a colleague');
    expect(stale.body).toContain('value="Hamburg"');
  });

  it('REG-13: a person who is not a member gets 404 on every page of someone else’s application', async () => {
    const owner = await signedIn();
    const id = await completedApplication(owner.b);
    const { b } = await signedIn();
    await b.get('/apply');
    for (const path of [`/apply/${id}`, `/apply/${id}/company`, `/apply/${id}/review`, `/apply/${id}/status`]) {
      expect((await b.get(path)).statusCode, path).toBe(404);
    }
    expect((await b.post(`/apply/${id}/company`, { version: '1', ...company() })).statusCode).toBe(404);
    expect((await b.post(`/apply/${id}/submit`, signature)).statusCode).toBe(404);
    expect((await b.post(`/apply/${id}/invite`, { email: 'x@contoso.example' })).statusCode).toBe(404);
    expect((await b.get('/apply/not-an-id/company')).statusCode).toBe(404);
    expect((await owner.b.get(`/apply/${id}/nonsense`)).statusCode).toBe(404);
  });

  it('REG-1, REG-6, REG-11: submitting without authority, agreement or consent re-renders the summary at 422 with each rule named', async () => {
    const { b } = await signedIn();
    const id = await completedApplication(b);
    await b.get(`/apply/${id}/review`);
    const res = await b.post(`/apply/${id}/submit`, {
      'sign.signatory_name': 'Carla <i>Applicant</i>',
      'sign.signatory_title': '',
      'sign.agreement_version': '2026.1',
    });
    expect(res.statusCode).toBe(422);
    expect(summaryItems(res.body).map(decode)).toEqual([
      'Signature authority must be confirmed: only a person who can sign for the legal entity can submit. Without it, invite a colleague who can.',
      'Your title is required.',
      'Indirect Channel Partner Agreement must be accepted in its current version, 2026.1.',
      'Release of information must be agreed to submit the application.',
    ]);
    expect(res.body).toContain('value="Carla &lt;i>Applicant&lt;/i>"');
    expect(res.body).toContain('href="#field-sign.confirms_authority"');
  });

  it('REG-1: a preparer invites a colleague by email, who joins with the link and can submit', async () => {
    const { b } = await signedIn();
    const id = await completedApplication(b);
    await b.get(`/apply/${id}/review`);
    const bad = await b.post(`/apply/${id}/invite`, { email: 'not an email' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain("Your colleague's email address must be an email address like name@company.com.");
    const res = await b.post(`/apply/${id}/invite`, { email: 'boss@contoso-systems.example' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/apply/${id}/review?notice=invited`);
    const mail = await t.ctx.db
      .selectFrom('outbox')
      .select(['subject'])
      .where('recipient', '=', 'boss@contoso-systems.example')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toMatch(/asks you to sign a partner application for Contoso Systems GmbH$/);
    const link = pathOf(await latestLinkTo(t.ctx, 'boss@contoso-systems.example'));
    expect(link).toMatch(/^\/apply\/join\?token=/);

    const boss = await signedIn('boss@contoso-systems.example');
    expect((await boss.b.get(`/apply/${id}/review`)).statusCode).toBe(404);
    const confirm = await boss.b.get(link);
    expect(confirm.statusCode).toBe(200);
    const joined = await boss.b.post('/apply/join', { token: tokenOf(link) });
    expect(joined.statusCode).toBe(303);
    expect(joined.headers.location).toBe(`/apply/${id}/review?notice=joined`);
    const review = await boss.b.get(joined.headers.location as string);
    expect(review.body).toContain('You joined this application.');
    expect(review.body).toContain('invited signatory');
    const submitted = await boss.b.post(`/apply/${id}/submit`, { ...signature, 'sign.signatory_name': 'Bob Boss' });
    expect(submitted.headers.location).toBe(`/apply/${id}/status`);
    const again = await boss.b.get(link);
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('This invitation cannot be used');
  });

  it('REG-12, REG-13: more information requested shows staff’s question; the answer is required to resubmit', async () => {
    const { b } = await signedIn();
    const id = await completedApplication(b);
    await b.get(`/apply/${id}/review`);
    await b.post(`/apply/${id}/submit`, signature);
    await t.ctx.db
      .updateTable('applications')
      .set({ status: 'info_requested', staff_question: 'Is the <b>Berlin</b> office open to customers?' })
      .where('id', '=', id)
      .execute();
    // Staff's decision, written here by hand, announces itself as moveSubmitted does (decision 064).
    await announceChange(t.ctx.db, APPLICATION_VIEWS_TOPIC);

    const status = await b.get(`/apply/${id}/status`);
    expect(status.body).toContain('More information requested');
    expect(status.body).toContain('Is the &lt;b>Berlin&lt;/b> office open to customers?');
    expect(status.body).toContain(`href="/apply/${id}/review"`);

    const review = await b.get(`/apply/${id}/review`);
    expect(review.body).toContain('Question from the programme staff');
    expect(review.body).toContain('name="applicant_answer"');
    const missing = await b.post(`/apply/${id}/submit`, signature);
    expect(missing.statusCode).toBe(422);
    expect(summaryItems(missing.body)).toEqual(['Your answer is required.']);
    const tooLong = await b.post(`/apply/${id}/submit`, { ...signature, applicant_answer: 'a'.repeat(5000) });
    expect(summaryItems(tooLong.body)).toEqual(['Your answer must be at most 4000 characters.']);
    const answered = await b.post(`/apply/${id}/submit`, { ...signature, applicant_answer: 'Yes, from 9 to 5.' });
    expect(answered.headers.location).toBe(`/apply/${id}/status`);
    const row = await t.ctx.db
      .selectFrom('applications')
      .select(['status', 'applicant_answer'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'submitted', applicant_answer: 'Yes, from 9 to 5.' });
  });

  it('REG-12: a declined applicant sees only the generic message, never a reason', async () => {
    const { b } = await signedIn();
    const id = await completedApplication(b);
    await b.get(`/apply/${id}/review`);
    await b.post(`/apply/${id}/submit`, signature);
    await t.ctx.db
      .updateTable('applications')
      .set({ status: 'declined', staff_question: 'INTERNAL: watchlisted address', decided_at: new Date() })
      .where('id', '=', id)
      .execute();
    // Staff's decision, written here by hand, announces itself as moveSubmitted does (decision 064).
    await announceChange(t.ctx.db, APPLICATION_VIEWS_TOPIC);
    const status = await b.get(`/apply/${id}/status`);
    expect(status.body).toContain(
      'Your application was not approved. The programme does not disclose the reasons for its decisions.',
    );
    expect(status.body).not.toContain('INTERNAL');
    const list = await b.get('/apply');
    expect(list.body).toContain('Not approved');
    expect(list.body).not.toContain('INTERNAL');
  });

  it('X-1: the wizard speaks the applicant’s language', async () => {
    const { b } = await signedIn();
    const id = await start(b);
    const page = await b.get(`/apply/${id}/company`, {
      cookie: `${[...b.jar].map(([k, v]) => `${k}=${v}`).join('; ')}`,
      'accept-language': 'ja',
    });
    // The actor's saved preference (en) wins over the header; switch it like the footer does.
    expect(page.body).toContain('lang="en"');
    await b.post('/language', { language: 'ja', return_to: `/apply/${id}/company` });
    const ja = await b.get(`/apply/${id}/company`);
    expect(ja.body).toContain('lang="ja"');
    expect(ja.body).toContain('保存して次へ');
    expect(ja.body).toContain('正式名称');
  });
  it('#10 REG-1: following an invitation link changes nothing; it shows what is asked and who asks', async () => {
    const owner = await signedIn();
    const id = await completedApplication(owner.b);
    await owner.b.get(`/apply/${id}/review`);
    const invited = `signer-${Date.now()}@contoso-systems.example`;
    await owner.b.post(`/apply/${id}/invite`, { email: invited });
    const link = pathOf(await latestLinkTo(t.ctx, invited));
    const signer = await signedIn(invited);
    const page = await signer.b.get(link);
    expect(page.statusCode).toBe(200);
    expect(decode(page.body)).toContain(
      `${owner.actor.name} invited you to review, accept and submit the partner application`,
    );
    expect(page.body).toContain('Contoso Systems GmbH');
    expect(page.body).toMatch(/<form method="post" action="\/apply\/join">[\s\S]*name="_csrf"[\s\S]*name="token"/);
    expect((await signer.b.get(`/apply/${id}/review`)).statusCode).toBe(404);
    const members = await t.ctx.db
      .selectFrom('application_members')
      .select('user_id')
      .where('application_id', '=', id)
      .execute();
    expect(members.map((m) => m.user_id)).toEqual([owner.actor.userId]);
  });

  it('#10 REG-1: only the invited, confirmed address can accept, by a form post with its CSRF token', async () => {
    const owner = await signedIn();
    const id = await completedApplication(owner.b);
    await owner.b.get(`/apply/${id}/review`);
    const stamp = Date.now();
    // Invited with capitals; the account's address is lower case (addresses compare case-insensitively).
    const invited = `Signer-${stamp}@Contoso-Systems.example`;
    await owner.b.post(`/apply/${id}/invite`, { email: invited });
    const link = pathOf(await latestLinkTo(t.ctx, invited));
    const memberIds = async () =>
      (
        await t.ctx.db.selectFrom('application_members').select('user_id').where('application_id', '=', id).execute()
      ).map((m) => m.user_id);

    const intruder = await signedIn();
    const refused = await intruder.b.get(link);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('This invitation was sent to a different email address.');
    expect(refused.body).not.toContain('Contoso Systems GmbH');
    const forced = await intruder.b.post('/apply/join', { token: tokenOf(link) });
    expect(forced.statusCode).toBe(403);
    expect((await intruder.b.get(`/apply/${id}/review`)).statusCode).toBe(404);

    const unconfirmed = await signedIn(`unconfirmed-${stamp}@contoso-systems.example`);
    await owner.b.post(`/apply/${id}/invite`, { email: `unconfirmed-${stamp}@contoso-systems.example` });
    await t.ctx.db
      .updateTable('users')
      .set({ email_verified_at: null })
      .where('id', '=', unconfirmed.actor.userId)
      .execute();
    const unconfirmedLink = pathOf(await latestLinkTo(t.ctx, `unconfirmed-${stamp}@contoso-systems.example`));
    const notYet = await unconfirmed.b.get(unconfirmedLink);
    expect(notYet.statusCode).toBe(403);
    expect(notYet.body).toContain('Confirm your email address before you accept the invitation.');

    const signer = await signedIn(invited.toLowerCase());
    await signer.b.get(link);
    const withoutToken = await signer.b.post('/apply/join', { token: tokenOf(link) }, { csrf: false });
    expect(withoutToken.statusCode).toBe(403);
    expect(await memberIds()).toEqual([owner.actor.userId]);
    await signer.b.get(link);
    const joined = await signer.b.post('/apply/join', { token: tokenOf(link) });
    expect(joined.headers.location).toBe(`/apply/${id}/review?notice=joined`);
    expect(await memberIds()).toEqual([owner.actor.userId, signer.actor.userId]);
  });

  it('#8 REG-13: a signed-in request for a malformed application id answers 404, not 500', async () => {
    const { b } = await signedIn();
    expect((await b.get(`/apply/${'-'.repeat(36)}/status`)).statusCode).toBe(404);
    expect((await b.get(`/apply/${'-'.repeat(36)}/company`)).statusCode).toBe(404);
  });

  it('#9 REG-13: a re-opened repeated step shows what was saved and "Add another", not an empty group', async () => {
    const { b } = await signedIn();
    const fresh = await start(b);
    const first = await b.get(`/apply/${fresh}/locations`);
    expect(first.body).toContain('Location 1');
    const id = await completedApplication(b);
    for (const [step, group, next] of [
      ['locations', 'Location 1', 'Location 2'],
      ['distributors', 'Distributor account 1', 'Distributor account 2'],
      ['personnel', 'Person 1', 'Person 2'],
    ] as const) {
      const page = await b.get(`/apply/${id}/${step}`);
      expect(page.body, step).toContain(`<legend>${group}</legend>`);
      expect(page.body, step).not.toContain(`<legend>${next}</legend>`);
      expect(page.body, step).toContain('name="action" value="add"');
    }
  });

  it('#9: applicants read plain words, without internal requirement IDs, on every page of the wizard', async () => {
    const { b } = await signedIn();
    const id = await completedApplication(b);
    for (const page of ['company', 'contacts', 'locations', 'distributors', 'added_value', 'personnel', 'review']) {
      const res = await b.get(`/apply/${id}/${page}`);
      expect(res.statusCode).toBe(200);
      expect(res.body, page).not.toMatch(/REG-\d/);
    }
    const contactsPage = await b.get(`/apply/${id}/contacts`);
    expect(contactsPage.body).toContain(
      'Use your business address; addresses at public or disposable email domains are refused.',
    );
  });

  it('#9: the link to the Distributor Locator opens in a new tab and says so', async () => {
    const { b } = await signedIn();
    const id = await completedApplication(b);
    const page = await b.get(`/apply/${id}/distributors`);
    expect(page.body).toMatch(
      /<a href="\/distributors\?country=DE" target="_blank" rel="noopener noreferrer">[^<]+<span class="new-tab">\(opens in a new tab\)<\/span><\/a>/,
    );
  });
});
