import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  createDistributor,
  createPartner,
  createUser,
  sessionFor,
  testMeta,
  type DistributorFixture,
} from '../../../test/helpers/fixtures.ts';
import { csrfTokenOf, postFile } from '../../../test/helpers/forms.ts';
import type { Actor } from '../../platform/auth.ts';
import { catalogues, LANGUAGES } from '../../platform/i18n.ts';
import { translator } from '../../platform/i18n.ts';
import { currentAgreementView, publishAgreement } from '../registration/index.ts';
import type { ApplicationAnswers, Step } from '../registration/registration.rules.ts';
import { saveStep, startApplication, submitApplication } from '../registration/registration.service.ts';
import { businessDaysBetween, CHECKLIST_ITEMS } from './review.rules.ts';

let t: TestApp;
let eurodist: DistributorFixture;
let admin: Actor;
let reviewerA: Actor;
let reviewerB: Actor;

beforeAll(async () => {
  t = await createTestApp();
  eurodist = await createDistributor(t.ctx, { hqCountry: 'DE', territories: ['AT'], legalName: 'EuroDist GmbH' });
  admin = await createUser(t.ctx, [{ role: 'staff_admin', organisationId: null }], 'ada@vendor.example');
  reviewerA = await createUser(t.ctx, [{ role: 'staff_reviewer', organisationId: null }], 'rui@vendor.example');
  reviewerB = await createUser(t.ctx, [{ role: 'staff_reviewer', organisationId: null }], 'bea@vendor.example');
  await publishAgreement(
    t.ctx,
    admin,
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

/** A browser() signed in as the actor. */
async function as(actor: Actor) {
  const b = browser(t.app);
  b.jar.set('pp_session', await sessionFor(t.ctx, actor));
  return b;
}
type Browser = Awaited<ReturnType<typeof as>>;

/** Posts a form with repeated fields (checkboxes), with the token of the page last read. */
async function postPairs(b: Browser, url: string, page: string, pairs: [string, string][]) {
  const payload = new URLSearchParams([['_csrf', csrfTokenOf(page)], ...pairs]).toString();
  return t.app.inject({
    method: 'POST',
    url,
    payload,
    headers: {
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      cookie: [...b.jar].map(([k, v]) => `${k}=${v}`).join('; '),
    },
  });
}

function answers(name: string, email: string, locationType = 'office'): ApplicationAnswers {
  const domain = email.split('@')[1]!;
  return {
    company: {
      legalName: name,
      legalForm: 'limited_company',
      country: 'DE',
      website: `https://${domain}`,
      registrationNumber: 'HRB 1',
    },
    contacts: { primary: { name: 'Applicant Person', email, phone: '+49 30 901820', title: 'CEO' } },
    locations: {
      items: [{ lines: ['Friedrichstraße 1'], city: 'Berlin', postcode: '10117', country: 'DE', type: locationType }],
    },
    distributors: {
      items: [{ distributorId: eurodist.id, accountNumber: `ACC-${domain}` }],
      initialDistributorId: eurodist.id,
    },
    added_value: {
      canDemonstrate: true,
      providesServices: true,
      servicesDescription: 'Demonstrations on site and professional services with every sale.',
    },
    personnel: { items: [{ name: 'Key Person', email: `key@${domain}`, role: 'Account manager' }] },
  };
}

/** A submitted application by a new applicant (accepting whichever agreement version is current). */
async function submitted(
  name: string,
  email: string,
  locationType?: string,
): Promise<{ id: string; applicant: Actor }> {
  const applicant = await createUser(t.ctx, [], email);
  const app = await startApplication(t.ctx, applicant, testMeta);
  let version = app.version;
  const all = answers(name, email, locationType);
  for (const step of Object.keys(all) as Step[])
    version = (await saveStep(t.ctx, applicant, app.id, step, all[step], version, testMeta)).application.version;
  const agreement = (await currentAgreementView(t.ctx))!;
  await submitApplication(
    t.ctx,
    applicant,
    app.id,
    {
      confirmsAuthority: true,
      name: 'Applicant Person',
      title: 'CEO',
      acceptedAgreementVersion: agreement.version,
      consentsToRelease: true,
    },
    undefined,
    testMeta,
  );
  return { id: app.id, applicant };
}

/** Ticks every checklist item through the page's form. */
async function tickAll(b: Browser, id: string) {
  const page = await b.get(`/staff/applications/${id}`);
  const res = await postPairs(
    b,
    `/staff/applications/${id}/checklist`,
    page.body,
    CHECKLIST_ITEMS.map((item) => ['item', item]),
  );
  expect(res.statusCode).toBe(303);
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const statusOf = async (id: string) =>
  (await t.ctx.db.selectFrom('applications').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

describe('staff console pages: who may see them', () => {
  it('sends anonymous visitors to sign in and shows everyone else who is not staff the 403 page', async () => {
    const { id } = await submitted('Gatekeeper GmbH', 'g@gatekeeper.example');
    const anonymous = browser(t.app);
    for (const url of [
      '/staff',
      '/staff/applications',
      `/staff/applications/${id}`,
      '/staff/agreements',
      '/staff/screening',
      '/staff/audit',
    ]) {
      const res = await anonymous.get(url);
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toBe(`/sign-in?return_to=${encodeURIComponent(url)}`);
    }
    const post = await anonymous.post(`/staff/applications/${id}/claim`, {}, { csrf: false });
    expect([303, 403]).toContain(post.statusCode);

    const distributorAdmin = (await createDistributor(t.ctx, { hqCountry: 'FR' })).admin;
    const applicant = await createUser(t.ctx);
    for (const actor of [distributorAdmin, applicant]) {
      const b = await as(actor);
      for (const url of [
        '/staff',
        '/staff/applications',
        `/staff/applications/${id}`,
        '/staff/agreements',
        '/staff/audit',
      ]) {
        const res = await b.get(url);
        expect(res.statusCode, url).toBe(403);
        expect(res.body).toContain('You do not have permission to do that.');
        expect(res.body).not.toContain('href="/staff"');
      }
      const home = await b.get('/');
      const claim = await b.post(`/staff/applications/${id}/claim`, {});
      expect(claim.statusCode).toBe(403);
      expect(home.body).not.toContain('Staff console');
    }

    // A reviewer reviews and decides, but importing lists and publishing agreements are for administrators.
    const reviewer = await as(reviewerA);
    const home = await reviewer.get('/');
    expect(home.body).toContain('<a href="/staff">Staff console</a>');
    expect((await reviewer.get('/staff/screening')).statusCode).toBe(403);
    const agreements = await reviewer.get('/staff/agreements');
    expect(agreements.statusCode).toBe(200);
    expect(agreements.body).not.toContain('action="/staff/agreements"');
    const publish = await reviewer.post('/staff/agreements', {
      version: '9.9',
      governing_language: 'en',
      'texts.en.title': 'x',
      'texts.en.body': 'x',
      effective_at: '2026-01-01',
    });
    expect(publish.statusCode).toBe(403);
    expect(await currentAgreementView(t.ctx)).toMatchObject({ version: '2026.1' });
  });
});

describe('REG-12 review queue and application page', () => {
  it('REG-12: the queue shows each application with its age in business days, an overdue badge past 15 days, its flags and reviewer', async () => {
    const old = await submitted('Overdue Systems GmbH', 'o@overdue-systems.example', 'other');
    const fresh = await submitted('Fresh Systems GmbH', 'f@fresh-systems.example');
    const submittedAt = new Date(Date.now() - 40 * 86_400_000);
    await t.ctx.db.updateTable('applications').set({ submitted_at: submittedAt }).where('id', '=', old.id).execute();
    const age = businessDaysBetween(submittedAt, new Date());

    const b = await as(reviewerA);
    const res = await b.get('/staff/applications');
    expect(res.statusCode).toBe(200);
    const rowOf = (html: string, id: string) =>
      new RegExp(`<tr><th scope="row"><a href="/staff/applications/${id}">.*?</tr>`, 's').exec(html)?.[0] ?? '';
    const oldRow = rowOf(res.body, old.id);
    expect(oldRow).toContain('Overdue Systems GmbH');
    expect(oldRow).toContain('Germany');
    expect(oldRow).toContain(`${age} business days`);
    expect(oldRow).toContain('<span class="badge badge-overdue">Overdue</span>');
    // REG-7: a location of type "other" is a flag for the reviewer.
    expect(oldRow).toMatch(/<td class="numeric">[1-9]\d*<\/td>/);
    expect(oldRow).toContain('Unassigned');
    const freshRow = rowOf(res.body, fresh.id);
    expect(freshRow).toContain('0 business days');
    expect(freshRow).not.toContain('Overdue');
    expect(freshRow).toContain('<td class="numeric">0</td>');
    // Oldest first by default.
    expect(res.body.indexOf(old.id)).toBeLessThan(res.body.indexOf(fresh.id));

    // Filters: country, assignment, sort.
    expect((await b.get('/staff/applications?country=AT')).body).not.toContain(old.id);
    expect((await b.get('/staff/applications?country=de')).body).toContain(old.id);
    expect((await b.get('/staff/applications?assigned=me')).body).not.toContain(old.id);
    const newest = (await b.get('/staff/applications?sort=newest')).body;
    expect(newest.indexOf(fresh.id)).toBeLessThan(newest.indexOf(old.id));
    const flagged = (await b.get('/staff/applications?sort=flags')).body;
    expect(flagged.indexOf(old.id)).toBeLessThan(flagged.indexOf(fresh.id));
    // Unknown filter values are ignored rather than failing.
    expect((await b.get('/staff/applications?status=bogus&sort=sideways&country=QQ')).statusCode).toBe(200);
  });

  it('REG-12, #15: the queue kept between requests follows a new submission and a claim at once', async () => {
    const b = await as(reviewerA);
    const before = await b.get('/staff/applications?sort=newest');
    const { id } = await submitted('Kept Rows GmbH', 'k@kept-rows.example');
    const row = (html: string) =>
      new RegExp(`<tr><th scope="row"><a href="/staff/applications/${id}">.*?</tr>`, 's').exec(html)?.[0] ?? '';
    expect(row(before.body)).toBe('');
    expect(row((await b.get('/staff/applications?sort=newest')).body)).toContain('Kept Rows GmbH');
    expect((await b.post(`/staff/applications/${id}/claim`, {})).statusCode).toBe(303);
    expect(row((await b.get('/staff/applications?sort=newest')).body)).toContain(reviewerA.name);
    // Another reviewer's view of the same filter was kept too, and follows as well.
    const other = await as(reviewerB);
    expect(row((await other.get('/staff/applications?sort=newest')).body)).toContain(reviewerA.name);
  });

  it('REG-12: the application page shows every answer, finding, claim, consent record and the agreement version', async () => {
    const { id } = await submitted('Evidence Networks GmbH', 'e@evidence-networks.example', 'other');
    const res = await (await as(reviewerA)).get(`/staff/applications/${id}`);
    expect(res.statusCode).toBe(200);
    const html = res.body;
    for (const text of [
      'Evidence Networks GmbH',
      'HRB 1',
      'e@evidence-networks.example',
      'Friedrichstraße 1',
      'Berlin',
      'Other business premises',
      'EuroDist GmbH, account ACC-evidence-networks.example',
      'initial distributor for on-boarding and training',
      'Key Person (key@evidence-networks.example), Account manager',
      'Demonstrations on site',
    ]) {
      expect(html, text).toContain(text);
    }
    // Findings grouped by rule, with their outcome and the catalogue's sentence.
    expect(html).toContain('<h3>REG-7 Physical business location</h3>');
    // The sentence has an id: the flag's verdict buttons are described by it (#11).
    expect(html).toMatch(
      /<span class="badge badge-review">For review<\/span> <span id="finding-\d+">REG-7: Location type \(1\) is &quot;other&quot;; a reviewer will check what kind of premises this is.<\/span>/,
    );
    expect(html).toContain('<span class="badge badge-pass">Passed</span> REG-8:');
    // The distributor claim and its confirmation state.
    expect(html).toContain('<code>ACC-evidence-networks.example</code>');
    expect(html).toContain('Pending');
    // Signatory and consent records: who, when, from where, which text.
    expect(html).toContain('Applicant Person');
    expect(html).toContain('CEO');
    expect(html).toContain('Release of information (REG-6)');
    expect(html).toContain('<td>127.0.0.1</td>');
    expect(html).toContain('<td>2026.1 (English)</td>');
    expect(html).toMatch(/<code class="hash">[0-9a-f]{64}<\/code>/);
    expect(html).toMatch(/Agreement version accepted<\/dt><dd>2026\.1<\/dd>/);
    // The decision form labels the internal reason for what it is.
    expect(html).toContain('Internal reason — never shown to the applicant');
    expect((await (await as(reviewerA)).get('/staff/applications/not-an-id')).statusCode).toBe(404);
    expect(
      (await (await as(reviewerA)).get('/staff/applications/00000000-0000-4000-8000-000000000000')).statusCode,
    ).toBe(404);
  });

  it('REG-12: a reviewer claims an application; a colleague gets a clear 409 and can take it over', async () => {
    const { id } = await submitted('Claimed Solutions GmbH', 'c@claimed-solutions.example');
    const a = await as(reviewerA);
    let page = await a.get(`/staff/applications/${id}`);
    expect(page.body).toContain('No one is reviewing this application yet.');
    const claimed = await a.post(`/staff/applications/${id}/claim`, {});
    expect(claimed.statusCode).toBe(303);
    expect(claimed.headers.location).toBe(`/staff/applications/${id}?notice=claimed`);
    page = await a.get(claimed.headers.location as string);
    expect(page.body).toContain('You are now reviewing this application.');
    expect(page.body).toContain('You are reviewing this application.');
    expect(page.body).not.toContain(`action="/staff/applications/${id}/claim"`);

    const b = await as(reviewerB);
    await b.get(`/staff/applications/${id}`);
    const refused = await b.post(`/staff/applications/${id}/claim`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain(`A colleague holds this application: ${reviewerA.name} is reviewing it.`);
    expect(refused.body).toContain('name="take_over" value="yes"');
    expect(refused.body).toContain('Take over the review');
    const takenOver = await b.post(`/staff/applications/${id}/claim`, { take_over: 'yes' });
    expect(takenOver.statusCode).toBe(303);
    expect((await b.get(`/staff/applications/${id}`)).body).toContain('You are reviewing this application.');
    expect((await a.get('/staff/applications?assigned=me')).body).not.toContain(id);
    expect((await b.get('/staff/applications?assigned=me')).body).toContain(id);
  });

  it('REG-12: ticking and unticking the checklist saves only what changed, each in the audit log', async () => {
    const { id } = await submitted('Checklist Pages GmbH', 'c@checklist-pages.example');
    const b = await as(reviewerA);
    let page = await b.get(`/staff/applications/${id}`);
    expect(page.body).toContain('name="item" value="screening_reviewed"');
    let res = await postPairs(b, `/staff/applications/${id}/checklist`, page.body, [
      ['item', 'address_is_business_location'],
      ['item', 'screening_reviewed'],
    ]);
    expect(res.statusCode).toBe(303);
    const ticked = async () =>
      (
        await t.ctx.db
          .selectFrom('review_checklist')
          .select('item')
          .where('application_id', '=', id)
          .orderBy('item')
          .execute()
      ).map((r) => r.item);
    expect(await ticked()).toEqual(['address_is_business_location', 'screening_reviewed']);
    page = await b.get(res.headers.location as string);
    expect(page.body).toContain('The checklist is saved.');
    expect(page.body).toMatch(/value="screening_reviewed" checked/);

    res = await postPairs(b, `/staff/applications/${id}/checklist`, page.body, [
      ['item', 'address_is_business_location'],
      ['item', 'signatory_has_authority'],
    ]);
    expect(res.statusCode).toBe(303);
    expect(await ticked()).toEqual(['address_is_business_location', 'signatory_has_authority']);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'data'])
      .where('subject_id', '=', id)
      .where('action', 'like', 'review.checklist%')
      .orderBy('id')
      .execute();
    expect(audit.map((r) => `${r.action}:${(r.data as { item: string }).item}`)).toEqual([
      'review.checklist_ticked:address_is_business_location',
      'review.checklist_ticked:screening_reviewed',
      'review.checklist_ticked:signatory_has_authority',
      'review.checklist_unticked:screening_reviewed',
    ]);
    // Without the form token nothing changes.
    const forged = await t.app.inject({
      method: 'POST',
      url: `/staff/applications/${id}/checklist`,
      payload: 'item=screening_reviewed',
      headers: {
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...b.jar].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    expect(forged.statusCode).toBe(403);
    expect(await ticked()).toEqual(['address_is_business_location', 'signatory_has_authority']);
  });

  it('REG-12: approving from the page needs the whole checklist, then registers the partner', async () => {
    const { id } = await submitted('Approve Pages GmbH', 'a@approve-pages.example');
    const b = await as(reviewerA);
    await b.get(`/staff/applications/${id}`);
    const early = await b.post(`/staff/applications/${id}/decision`, {
      decision: 'approve',
      internal_reason: '',
      question: '',
    });
    expect(early.statusCode).toBe(422);
    expect(early.body).toContain('There is a problem');
    expect(early.body).toContain('href="#field-checklist"');
    expect(early.body).toContain(
      'tick every item of the reviewer checklist before approving; still open: REG-7: the address is the company',
    );
    expect(early.body).toContain('Denied-party screening reviewed: no hit, or every hit cleared.');
    expect(await statusOf(id)).toBe('submitted');

    const nothing = await b.post(`/staff/applications/${id}/decision`, {});
    expect(nothing.statusCode).toBe(422);
    expect(nothing.body).toContain('<a href="#field-decision">Decision is required.</a>');

    await tickAll(b, id);
    await b.get(`/staff/applications/${id}`);
    const approved = await b.post(`/staff/applications/${id}/decision`, {
      decision: 'approve',
      internal_reason: '',
      question: '',
    });
    expect(approved.statusCode).toBe(303);
    expect(approved.headers.location).toBe(`/staff/applications/${id}?notice=approved`);
    expect(await statusOf(id)).toBe('approved');
    const page = await b.get(approved.headers.location as string);
    expect(page.body).toContain(
      'The application is approved; the partner is registered and the applicants are notified.',
    );
    expect(page.body).toContain('<strong>Approved</strong>');
    // Decided: no decision form, no claim button, the checklist is read-only.
    expect(page.body).not.toContain(`action="/staff/applications/${id}/decision"`);
    expect(page.body).not.toContain(`action="/staff/applications/${id}/checklist"`);
    const partner = await t.ctx.db
      .selectFrom('partners')
      .select('status')
      .where('legal_name', '=', 'Approve Pages GmbH')
      .executeTakeFirstOrThrow();
    expect(partner.status).toBe('registered');
    const mail = await t.ctx.db
      .selectFrom('outbox')
      .select(['subject', 'text_body'])
      .where('recipient', '=', 'a@approve-pages.example')
      .where('template', '=', 'application_approved')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe(
      'Application ' +
        (await t.ctx.db.selectFrom('applications').select('reference').where('id', '=', id).executeTakeFirstOrThrow())
          .reference +
        ' approved',
    );
    expect(mail.text_body).toContain('Approve Pages GmbH is now a Registered Partner');
  });

  it('REG-12: a decline needs the internal reason, which staff see and the applicant never does', async () => {
    const { id, applicant } = await submitted('Declined Pages GmbH', 'd@declined-pages.example');
    const b = await as(reviewerA);
    await b.get(`/staff/applications/${id}`);
    const missing = await b.post(`/staff/applications/${id}/decision`, {
      decision: 'decline',
      internal_reason: '   ',
      question: 'kept as typed',
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('<a href="#field-internal_reason">Internal reason is required.</a>');
    expect(missing.body).toContain('id="field-internal_reason-error"');
    expect(missing.body).toMatch(/<input id="decision-decline" type="radio" name="decision" value="decline" checked/);
    expect(missing.body).toContain('kept as typed</textarea>');
    expect(await statusOf(id)).toBe('submitted');

    const reason = 'INTERNAL-7c1e: the address is a known front company';
    const declined = await b.post(`/staff/applications/${id}/decision`, {
      decision: 'decline',
      internal_reason: reason,
      question: '',
    });
    expect(declined.statusCode).toBe(303);
    expect(await statusOf(id)).toBe('declined');
    const staffPage = await b.get(`/staff/applications/${id}`);
    expect(staffPage.body).toContain('Internal reason (staff only):');
    expect(staffPage.body).toContain(reason);

    const applicantBrowser = await as(applicant);
    const status = await applicantBrowser.get(`/apply/${id}/status`);
    expect(status.statusCode).toBe(200);
    expect(status.body).toContain(
      'Your application was not approved. The programme does not disclose the reasons for its decisions.',
    );
    for (const url of [
      `/apply/${id}/status`,
      '/apply',
      `/api/v1/applications/${id}/status`,
      `/api/v1/applications/${id}`,
    ]) {
      const res = url.startsWith('/api/') ? await applicantBrowser.json('GET', url) : await applicantBrowser.get(url);
      expect(res.body, url).not.toContain('INTERNAL-7c1e');
      expect(res.body, url).not.toContain('front company');
    }
    // The staff page itself is not the applicant's to read.
    expect((await applicantBrowser.get(`/staff/applications/${id}`)).statusCode).toBe(403);
    const mail = await t.ctx.db
      .selectFrom('outbox')
      .select(['subject', 'text_body', 'html_body'])
      .where('recipient', '=', applicant.email)
      .where('template', '=', 'application_declined')
      .executeTakeFirstOrThrow();
    expect(mail.text_body).toContain(
      'was not approved. The programme does not disclose the reasons for its decisions.',
    );
    expect(`${mail.subject}${mail.text_body}${mail.html_body}`).not.toContain('front company');
  });

  it('REG-12: a request for more information needs a question; the applicant reads it', async () => {
    const { id, applicant } = await submitted('Question Pages GmbH', 'q@question-pages.example');
    const b = await as(reviewerA);
    await b.get(`/staff/applications/${id}`);
    const short = await b.post(`/staff/applications/${id}/decision`, { decision: 'request_info', question: 'Why?' });
    expect(short.statusCode).toBe(422);
    expect(short.body).toContain('Question for the applicant must be at least 10 characters.');
    const asked = await b.post(`/staff/applications/${id}/decision`, {
      decision: 'request_info',
      question: 'Please describe your demonstration facilities.',
    });
    expect(asked.statusCode).toBe(303);
    const page = await b.get(`/staff/applications/${id}`);
    expect(page.body).toContain('More information was requested.');
    const status = await (await as(applicant)).get(`/apply/${id}/status`);
    expect(status.body).toContain('Please describe your demonstration facilities.');
  });

  it('REG-12: when a colleague decides first, the page says so with a 409 and shows the decision that stands', async () => {
    const { id } = await submitted('Race Pages GmbH', 'r@race-pages.example');
    const a = await as(reviewerA);
    const b = await as(reviewerB);
    await tickAll(a, id);
    await a.get(`/staff/applications/${id}`);
    await b.get(`/staff/applications/${id}`);
    const [first, second] = await Promise.all([
      a.post(`/staff/applications/${id}/decision`, { decision: 'approve' }),
      b.post(`/staff/applications/${id}/decision`, { decision: 'decline', internal_reason: 'Duplicate application.' }),
    ]);
    const codes = [first.statusCode, second.statusCode].sort();
    expect(codes).toEqual([303, 409]);
    const loser = first.statusCode === 409 ? first : second;
    expect(loser.body).toContain('Another reviewer decided this application a moment ago.');
    expect(loser.body).not.toContain(`action="/staff/applications/${id}/decision"`);
    expect(
      await t.ctx.db.selectFrom('application_decisions').select('id').where('application_id', '=', id).execute(),
    ).toHaveLength(1);

    // A decision posted from a page opened before the decision is refused the same way.
    const late = await b.post(`/staff/applications/${id}/decision`, {
      decision: 'request_info',
      question: 'Anything else to add, please?',
    });
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('Another reviewer decided this application a moment ago.');
  });
});

describe('staff console details', () => {
  it("X-1: the console speaks the reviewer's language", async () => {
    const reviewer = await createUser(t.ctx, [{ role: 'staff_reviewer', organisationId: null }]);
    await t.ctx.db.updateTable('users').set({ language: 'ja' }).where('id', '=', reviewer.userId).execute();
    const res = await (await as({ ...reviewer, language: 'ja' })).get('/staff/applications');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>審査キュー</h1>');
    expect(res.body).toContain('スタッフコンソール');
  });

  it('X-1: the application view speaks of the applicant in the third person, in every language', async () => {
    const { id } = await submitted('Third Person GmbH', 't@third-person.example');
    for (const language of LANGUAGES) {
      const reviewer = await createUser(t.ctx, [{ role: 'staff_reviewer', organisationId: null }]);
      await t.ctx.db.updateTable('users').set({ language }).where('id', '=', reviewer.userId).execute();
      const html = (await (await as({ ...reviewer, language })).get(`/staff/applications/${id}`)).body;
      expect(html).toContain(`<html lang="${language}"`);
      const fields = catalogues[language].fields as Record<string, string>;
      const staffLabels = (catalogues[language] as Record<string, unknown>).staff_review as Record<string, string>;
      for (const key of ['signatory_name', 'signatory_title', 'services_description']) {
        expect(html, `${language} ${key}`).toContain(`<dt>${escapeHtml(staffLabels[key]!)}</dt>`);
      }
      if (language !== 'ja') {
        // The applicant's own labels ("Your name", "Your title") never label a fact on the staff page
        // (Japanese labels them without a pronoun, and 役職 also labels the contact's title).
        for (const key of ['sign.signatory_name', 'sign.signatory_title', 'added_value.services_description']) {
          expect(html, `${language} ${key}`).not.toContain(`<dt>${escapeHtml(fields[key]!)}</dt>`);
        }
      }
    }
    const english = (await (await as(reviewerA)).get(`/staff/applications/${id}`)).body;
    expect(english).not.toMatch(/Your (name|title)|your services/);
  });

  it('X-5: every region of the dashboard has its own name (axe landmark-unique)', async () => {
    // Belgium: the dashboard test below counts the French partners.
    await createPartner(t.ctx, { country: 'BE', legalName: 'Restricted Reseller SPRL' });
    const html = (await (await as(reviewerA)).get('/staff')).body;
    expect(html).toContain('Restricted Reseller SPRL');
    const headings = new Map([...html.matchAll(/<h2 id="([^"]+)">([^<]*)<\/h2>/g)].map((m) => [m[1]!, m[2]!]));
    const sectionNames = [...html.matchAll(/<section aria-labelledby="([^"]+)"/g)].map(
      (m) => headings.get(m[1]!) ?? m[1]!,
    );
    const regionNames = [...html.matchAll(/role="region" aria-label="([^"]+)"/g)].map((m) => m[1]!);
    const names = [...sectionNames, ...regionNames];
    expect(regionNames.length).toBeGreaterThanOrEqual(4);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it('REG-12: ticking the checklist of an unknown application is a 404, from the page and from the API', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const b = await as(reviewerA);
    const page = await b.get('/staff/applications');
    expect(
      (await postPairs(b, `/staff/applications/${unknown}/checklist`, page.body, [['item', 'screening_reviewed']]))
        .statusCode,
    ).toBe(404);
    const api = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/staff/applications/${unknown}/checklist/screening_reviewed`,
      payload: { checked: true },
      cookies: { pp_session: b.jar.get('pp_session')! },
    });
    expect(api.statusCode).toBe(404);
  });
});

describe('REG-11 agreement versions', () => {
  it('REG-11, X-1: an administrator publishes a new version with its texts per language, which becomes current; a duplicate version is refused naming the field', async () => {
    const b = await as(admin);
    let page = await b.get('/staff/agreements');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<strong>ICPA, version 2026.1</strong>');
    // One set of fields per language, and the governing language chosen.
    for (const language of ['en', 'es', 'fr', 'ja'])
      for (const f of ['title', 'body', 'release_of_information', 'signature_authority'])
        expect(page.body).toContain(`name="texts.${language}.${f}"`);
    expect(page.body).toContain('<legend>Texts in Japanese</legend>');
    expect(page.body).toMatch(
      /<select id="field-governing_language" name="governing_language"[^>]*>.*<option value="en" selected/s,
    );
    const today = new Date().toISOString().slice(0, 10);
    const form = {
      version: '2027.1',
      governing_language: 'es',
      effective_at: today,
      'texts.en.title': 'Indirect Channel Partner Agreement',
      'texts.en.body': 'Version 2027.1 terms.\n\n1. Resell through authorised distributors.',
      'texts.es.title': 'Acuerdo de Socio de Canal Indirecto',
      'texts.es.body': 'Términos de la versión 2027.1.',
      'texts.es.release_of_information': 'Autorizo la divulgación (texto del personal).',
      'texts.fr.title': '',
      'texts.fr.body': '',
      'texts.ja.title': '',
      'texts.ja.body': '',
    };
    const published = await b.post('/staff/agreements', form);
    expect(published.statusCode).toBe(303);
    expect(published.headers.location).toBe('/staff/agreements?notice=published');
    page = await b.get(published.headers.location as string);
    expect(page.body).toContain('The new version is published.');
    expect(page.body).toContain('<strong>Acuerdo de Socio de Canal Indirecto, version 2027.1</strong>');
    expect(page.body).toContain('href="/agreements/2027.1?lang=en"');
    expect(page.body).toMatch(/href="\/agreements\/2027\.1\?lang=es"[^>]*>Spanish<\/a> \(governs\)/);
    expect(page.body).toMatch(/<th scope="row">2027\.1<\/th>.*?badge-agreement-current/s);
    expect(page.body).toMatch(/<th scope="row">2026\.1<\/th>.*?Superseded/s);
    const current = (await currentAgreementView(t.ctx))!;
    expect(current).toMatchObject({
      version: '2027.1',
      governingLanguage: 'es',
      title: 'Acuerdo de Socio de Canal Indirecto',
      body: 'Términos de la versión 2027.1.',
    });
    expect(current.texts.map((x) => x.language)).toEqual(['en', 'es']);
    // Staff's own statement is kept; a statement left empty is the programme's wording in that language.
    expect(current.texts[1]).toMatchObject({
      releaseOfInformation: 'Autorizo la divulgación (texto del personal).',
      signatureAuthority: translator('es')('consent.signature_authority', { vendor: t.ctx.config.vendorName }),
    });
    expect(current.texts[0]!.releaseOfInformation).toBe(
      translator('en')('consent.release_of_information', { vendor: t.ctx.config.vendorName }),
    );

    const duplicate = await b.post('/staff/agreements', { ...form, 'texts.en.title': 'Typed title is kept' });
    expect(duplicate.statusCode).toBe(422);
    expect(duplicate.body).toContain(
      '<a href="#field-version">Version 2027.1 already exists; choose a new version number.</a>',
    );
    expect(duplicate.body).toContain('value="Typed title is kept"');

    // The governing language's texts are required; a language half filled in is named.
    const empty = await b.post('/staff/agreements', {
      version: ' ',
      governing_language: 'ja',
      'texts.ja.title': '',
      'texts.ja.body': '',
      'texts.fr.title': 'Accord',
      'texts.fr.body': '',
      effective_at: '2026-02-30',
    });
    expect(empty.statusCode).toBe(422);
    for (const [field, message] of [
      ['version', 'Version is required.'],
      ['texts.ja.title', 'Title (Japanese) is required.'],
      ['texts.ja.body', 'Agreement text (Japanese) is required.'],
      ['texts.fr.body', 'Agreement text (French) is required.'],
      ['effective_at', 'Effective date must be a date like 2026-12-31.'],
    ]) {
      expect(empty.body).toContain(`<a href="#field-${field}">${message}</a>`);
    }
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('data')
      .where('action', '=', 'agreement.published')
      .orderBy('id')
      .execute();
    expect(audit.map((r) => (r.data as { version: string }).version)).toEqual(['2026.1', '2027.1']);
    expect(audit[1]!.data).toMatchObject({
      governingLanguage: 'es',
      textHashes: { en: current.texts[0]!.textHash, es: current.texts[1]!.textHash },
    });
  });
});

describe('denied-party screening', () => {
  it('imports the consolidated list from a CSV upload with its report, and shows a hit on the application with the matched entry', async () => {
    const b = await as(admin);
    const page = await b.get('/staff/screening');
    expect(page.statusCode).toBe(200);
    const csv = [
      'name,country,source,list_date',
      'Blocked Trading GmbH,DE,EU consolidated list,2026-01-15',
      ',DE,EU consolidated list,2026-01-15',
      'Another Party,XX,OFAC SDN,',
      '',
    ].join('\n');
    const res = await postFile(t.app, b.jar, '/staff/screening', csvrf(page.body), {
      filename: 'denied.csv',
      content: csv,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('1 entries imported, 2 rows rejected.');
    expect(res.body).toContain('Rows skipped or changed, by line and field');

    const none = await postFile(t.app, b.jar, '/staff/screening', csvrf(page.body));
    expect(none.statusCode).toBe(422);
    expect(none.body).toContain('CSV file: choose a CSV file to upload.');
    const wrong = await postFile(t.app, b.jar, '/staff/screening', csvrf(page.body), {
      filename: 'x.csv',
      content: 'company,land\nA,B\n',
    });
    expect(wrong.statusCode).toBeGreaterThanOrEqual(400);
    expect(wrong.body).toContain('name, country, source, list_date');

    const { id } = await submitted('Blocked-Trading Ltd', 'b@blocked-trading.example');
    const detail = await (await as(reviewerA)).get(`/staff/applications/${id}`);
    expect(detail.body).toContain('1 name in the application resembles an entry of the denied-party list.');
    expect(detail.body).toMatch(
      /Blocked-Trading Ltd <small>\(Legal name\)<\/small><\/td><td>Blocked Trading GmbH<\/td><td>Germany<\/td><td>EU consolidated list<\/td><td>2026-01-15<\/td><td class="numeric">100%<\/td>/,
    );
  });
});

describe('X-4 audit viewer', () => {
  it('X-4: filters the log, links the CSV export of the same filter and shows the chain intact', async () => {
    const { id } = await submitted('Audited Claims GmbH', 'a@audited-claims.example');
    const b = await as(reviewerA);
    await b.get(`/staff/applications/${id}`);
    expect((await b.post(`/staff/applications/${id}/claim`, {})).statusCode).toBe(303);
    const res = await b.get(`/staff/audit?action=application.claimed&actor_user_id=${reviewerA.userId}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/Intact: [\d,]+ rows verified\./);
    expect(res.body).toContain('<code>application.claimed</code>');
    expect(res.body).toContain(id);
    expect(res.body).not.toContain('<code>agreement.published</code>');
    const href = /href="(\/api\/v1\/staff\/audit\.csv[^"]*)"/.exec(res.body)?.[1]?.replaceAll('&amp;', '&');
    expect(href).toBe(`/api/v1/staff/audit.csv?actorUserId=${reviewerA.userId}&action=application.claimed`);
    const csv = await b.get(href!);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe(
      'id,occurred_at,actor,action,subject_type,subject_id,organisation_id,ip,data,hash',
    );
    expect(csv.body).toContain('application.claimed');
    expect(csv.body).not.toContain('agreement.published');

    // Dates: "until" includes the day named.
    const today = new Date().toISOString().slice(0, 10);
    const byDay = await b.get(`/staff/audit?from=${today}&to=${today}&action=application.claimed`);
    expect(byDay.body).toContain('<code>application.claimed</code>');
    expect(byDay.body).toContain(`audit.csv?action=application.claimed&amp;from=${today}&amp;to=`);

    const bad = await b.get('/staff/audit?organisation_id=nope&from=yesterday');
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('<a href="#field-organisation_id">Organisation id must be an id like');
    expect(bad.body).toContain('<a href="#field-from">From (date) must be a date like 2026-12-31.</a>');
    expect(bad.body).toContain('value="nope"');
  });
});

describe('programme dashboard', () => {
  it('renders each chart as SVG with role="img" and a summary, and a table alternative', async () => {
    const restricted = await createPartner(t.ctx, { country: 'FR', legalName: 'Restricted Réseaux SARL' });
    const b = await as(reviewerA);
    const res = await b.get('/staff');
    expect(res.statusCode).toBe(200);
    const html = res.body;
    const funnel =
      /<svg class="chart" role="img" aria-label="Application funnel: Draft: (\d+), Submitted: (\d+), More information requested: (\d+), Approved: (\d+), and Declined: (\d+)\."/.exec(
        html,
      );
    expect(funnel, 'funnel chart').not.toBeNull();
    expect(Number(funnel![4])).toBeGreaterThanOrEqual(1);
    expect(html).toContain('<caption>Application funnel (table)</caption>');
    expect(html).toMatch(/<th scope="row">Approved<\/th><td class="numeric">[1-9]/);
    // Partners by country, with names in the page's language.
    expect(html).toMatch(/<svg class="chart" role="img" aria-label="Registered partners by country: [^"]*France: 1/);
    expect(html).toContain('<caption>Registered partners by country (table)</caption>');
    expect(html).toMatch(/<th scope="row">France<\/th><td class="numeric">1<\/td>/);
    // Training compliance: approvals above created training for key personnel.
    expect(html).toMatch(
      /<svg class="chart" role="img" aria-label="Anticorruption training compliance \(REG-10\): Completed: 0, Due within 30 days: 0, Overdue: 0, and Due later: [1-9]/,
    );
    expect(html).toContain('<caption>Anticorruption training compliance (REG-10) (table)</caption>');
    // REG-4: purchase-restricted partners with their reasons.
    expect(html).toMatch(
      new RegExp(
        `<td>${restricted.legalName}</td><td>France</td><td><ul class="plain"><li>No confirmed distributor account</li>`,
      ),
    );
    expect(html).toContain('Median time from submission to decision');
    // No inline style or script anywhere (CSP).
    expect(html).not.toMatch(/style=|<script>/);
    expect(html).toContain('<a href="/staff" aria-current="page">Dashboard</a>');
  });
});

const csvrf = (html: string) => csrfTokenOf(html);
