import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createDistributor, type DistributorFixture } from '../../../test/helpers/fixtures.ts';

let t: TestApp;
let eurodist: DistributorFixture; // DE, authorised for AT and CH
let alpine: DistributorFixture; // AT
let retired: DistributorFixture; // AT, retired
let silent: DistributorFixture; // FR, no contact address

beforeAll(async () => {
  t = await createTestApp();
  eurodist = await createDistributor(t.ctx, { hqCountry: 'DE', territories: ['AT', 'CH'], legalName: 'EuroDist GmbH' });
  alpine = await createDistributor(t.ctx, { hqCountry: 'AT', legalName: 'Alpine Distribution GmbH' });
  retired = await createDistributor(t.ctx, { hqCountry: 'AT', legalName: 'Retired Wien GmbH', status: 'retired' });
  silent = await createDistributor(t.ctx, { hqCountry: 'FR', legalName: 'Silencieux SARL', email: null });
});
afterAll(() => t.close());

const inquiries = () =>
  t.ctx.db.selectFrom('outbox').select(['recipient', 'text_body']).where('template', '=', 'inquiry').execute();
const message = {
  name: 'Ana Silva',
  email: 'ana@silva-it.example',
  company: 'Silva IT',
  message: 'We would like to open a reseller account with you.',
};

describe('REG-5 Distributor Locator page', () => {
  it('REG-5: lists active distributors located in or authorised for the country, with contact details', async () => {
    const res = await browser(t.app).get('/distributors?country=at');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('EuroDist GmbH'); // authorised for AT
    expect(res.body).toContain('Alpine Distribution GmbH'); // located in AT
    expect(res.body).not.toContain('Retired Wien GmbH');
    expect(res.body).toContain('2 distributors serve Austria');
    expect(res.body).toContain('href="https://distributor.example"');
    expect(res.body).toContain('href="tel:+442079460000"');
    expect(res.body).toMatch(/href="mailto:sales-[0-9a-f]+@distributor\.example"/);
    expect(res.body).toContain(`href="/distributors/${eurodist.id}/contact"`);
    expect(res.body).toContain('Austria, Germany, and Switzerland');
    // The chosen country stays selected.
    expect(res.body).toContain('<option value="AT" selected>Austria</option>');
  });

  it('REG-5: a distributor serving only other countries is not listed', async () => {
    const res = await browser(t.app).get('/distributors?country=CH');
    expect(res.body).toContain('EuroDist GmbH');
    expect(res.body).not.toContain('Alpine Distribution GmbH');
    const none = await browser(t.app).get('/distributors?country=JP');
    expect(none.body).toContain('0 distributors serve Japan');
  });

  it('REG-5, X-1: country names are in the visitor’s language', async () => {
    const res = await browser(t.app).get('/distributors?country=AT', { 'accept-language': 'fr' });
    expect(res.body).toContain('<html lang="fr"');
    expect(res.body).toContain('<option value="DE">Allemagne</option>');
    expect(res.body).toContain('Allemagne, Autriche et Suisse');
    const ja = await browser(t.app).get('/distributors', { 'accept-language': 'ja' });
    expect(ja.body).toContain('<option value="AT">オーストリア</option>');
  });

  it('REG-5: an unknown country code is explained next to the field', async () => {
    const res = await browser(t.app).get('/distributors?country=XX');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Country must be an ISO 3166 two-letter country code (got &quot;XX&quot;).');
    expect(res.body).toContain('aria-invalid="true"');
  });
});

describe('REG-5 contact a distributor', () => {
  it('REG-5: the form has a honeypot hidden from people and assistive technology', async () => {
    const res = await browser(t.app).get(`/distributors/${eurodist.id}/contact`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<div class="hp-field" aria-hidden="true">.*<input[^>]*name="website"[^>]*>/s);
    const honeypot = /<input[^>]*name="website"[^>]*>/.exec(res.body)![0];
    expect(honeypot).toContain('tabindex="-1"');
    expect(honeypot).toContain('autocomplete="off"');
  });

  it('REG-5, X-2: sends the message to the distributor through the outbox and confirms', async () => {
    const b = browser(t.app);
    await b.get(`/distributors/${eurodist.id}/contact`);
    const res = await b.post(`/distributors/${eurodist.id}/contact`, { ...message, website: '' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/distributors/${eurodist.id}/contact/sent`);
    const sent = await inquiries();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.recipient).toMatch(/@distributor\.example$/);
    expect(sent[0]!.text_body).toContain('We would like to open a reseller account with you.');
    expect(sent[0]!.text_body).toContain('ana@silva-it.example');
    const confirmation = await b.get(res.headers.location as string);
    expect(confirmation.body).toContain('Your message is on its way to EuroDist GmbH');
  });

  it('REG-5: a filled honeypot looks accepted but sends nothing', async () => {
    const before = (await inquiries()).length;
    const b = browser(t.app);
    await b.get(`/distributors/${alpine.id}/contact`);
    const res = await b.post(`/distributors/${alpine.id}/contact`, {
      ...message,
      name: 'Bot',
      website: 'http://spam.example',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/distributors/${alpine.id}/contact/sent`);
    expect(await inquiries()).toHaveLength(before);
  });

  it('REG-5: a post without the form token is refused and sends nothing', async () => {
    const before = (await inquiries()).length;
    const b = browser(t.app);
    await b.get(`/distributors/${alpine.id}/contact`);
    const res = await b.post(`/distributors/${alpine.id}/contact`, { ...message, website: '' }, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('This form has expired');
    expect(await inquiries()).toHaveLength(before);
  });

  it('REG-5: invalid input re-renders the form with the problems and what was typed', async () => {
    const b = browser(t.app);
    await b.get(`/distributors/${alpine.id}/contact`);
    const res = await b.post(`/distributors/${alpine.id}/contact`, {
      name: 'Ana Silva',
      email: 'not-an-email',
      company: '',
      message: 'Hi',
      website: '',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('href="#field-email"');
    expect(res.body).toContain('Message must be at least 10 characters.');
    expect(res.body).toContain('value="not-an-email"');
  });

  it('REG-5: a retired or unknown distributor has no contact page; one without an address says so', async () => {
    expect((await browser(t.app).get(`/distributors/${retired.id}/contact`)).statusCode).toBe(404);
    expect((await browser(t.app).get('/distributors/not-a-uuid/contact')).statusCode).toBe(404);
    expect((await browser(t.app).get('/distributors/00000000-0000-4000-8000-000000000000/contact')).statusCode).toBe(
      404,
    );
    const page = await browser(t.app).get(`/distributors/${silent.id}/contact`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('This distributor has no contact address');
    expect(page.body).not.toContain('name="message"');
  });

  it('REG-5: sending is rate-limited per client', async () => {
    const b = browser(t.app);
    await b.get(`/distributors/${alpine.id}/contact`);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1)
      statuses.push((await b.post(`/distributors/${alpine.id}/contact`, { ...message, website: '' })).statusCode);
    // Earlier tests in this file already posted to this route within the minute.
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s === 303).length).toBeLessThanOrEqual(5);
  });
});
