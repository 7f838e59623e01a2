import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  catalogues,
  LANGUAGE_COOKIE,
  LANGUAGES,
  LANGUAGE_NAMES,
  translator,
  type Language,
} from '../src/platform/i18n.ts';
import { renderActionEmail } from '../src/modules/outbox/email-template.tsx';
import countries from 'i18n-iso-countries';
import { countryName } from '../src/platform/countries.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { formsOf, pageText, type PageForm } from './helpers/page-text.ts';
import { multipartBody } from './helpers/forms.ts';
import { callerFor, type Caller } from './helpers/fuzz/callers.ts';
import { buildWorld, credentialHeaders, type RoleKey, type World } from './authorisation-matrix/world.ts';

/**
 * every page, in every language, in the language asked for. Each GET page the app serves
 * is rendered for each role that may see it (the authorisation matrix's world gives the roles
 * and the ids), in English and in Spanish, French and Japanese; a text of two or more Latin
 * words that reads the same in English and in another language, once the data is taken out,
 * was never translated.
 */

let t: TestApp;
let world: World;

/** One person of each kind that reads pages (API-key roles read none; the "other" roles see the same pages). */
const PAGE_ROLES: RoleKey[] = ['anon', 'appl', 'pmem', 'padm', 'dA', 'pica', 'endu', 'rev', 'sadm'];

/** Pages no role of the world can be shown, and why; a new page missing from both fails the test. */
const NOT_RENDERED: Record<string, string> = {
  '/favicon.ico': 'an image, not a page',
  '/healthz': 'a health probe for load balancers (JSON)',
  '/readyz': 'a readiness probe for load balancers (JSON)',
  '/*': 'the not-found catch-all (its page is the error page, rendered by the other pages’ 404s)',
  '/apply/:id': 'redirects to the application’s next step, which is rendered here',
  '/verify-email': 'consumes a one-time token and redirects',
  '/pica/register/confirm': 'consumes a one-time token and redirects',
  '/distributor': 'redirects a person who works for one distributor to its page, rendered here',
  '/partner': 'redirects a partner’s person to their partner’s page, rendered here',
  '/reset-password': 'needs a live reset token (without one it shows the error page)',
  '/apply/join': 'needs a signatory invitation token (without one it shows the error page)',
  '/partner/join': 'needs a colleague invitation token (without one it shows the error page)',
  '/pica/register/details': 'needs a registration draft in the browser (else redirects to /pica/register)',
  '/pica/register/sent': 'needs a registration draft in the browser (else redirects to /pica/register)',
};

/** A concrete URL for a route, with the world's ids for its parameters. */
function urlFor(route: string, w: World, outboxId: string, agreementVersion: string): string[] {
  const fixed: Record<string, string[]> = {
    '/apply/:id/:step': ['company', 'contacts', 'locations', 'distributors', 'added_value', 'personnel'].map(
      (s) => `/apply/${w.applicationId}/${s}`,
    ),
    '/apply/:id/status': [`/apply/${w.applicationId}/status`],
    '/apply/:id/review': [`/apply/${w.applicationId}/review`],
    '/agreements/:version': [`/agreements/${agreementVersion}`],
    '/staff/applications/:id': [`/staff/applications/${w.submittedId}`, `/staff/applications/${w.flaggedId}`],
    '/staff/distributors/:id': [`/staff/distributors/${w.distributorA.id}`],
    '/staff/pica/requests/:id': [`/staff/pica/requests/${w.adminRequestId}`],
    '/staff/pica/contracts/:id': [`/staff/pica/contracts/${w.contractId}`],
    '/staff/partner-locations/:id/coordinates': [`/staff/partner-locations/${w.locationId}/coordinates`],
    '/dev/mailbox/:id': [`/dev/mailbox/${outboxId}`],
    '/partner/training/people/:id': [`/partner/training/people/${w.keyPersonId}`],
    '/partner/training/assignments/:id': [`/partner/training/assignments/${w.assignmentId}`],
    '/partner/:partnerId/locations/:id/edit': [`/partner/${w.partner.id}/locations/${w.locationId}/edit`],
    '/pica/admin/sponsorships/:id': [`/pica/admin/sponsorships/${w.sponsorshipId}`],
    '/distributor/:id/resellers/:partnerId': [`/distributor/${w.distributorA.id}/resellers/${w.partner.id}`],
    '/distributor/:id/account-lists/:uploadId': [`/distributor/${w.distributorA.id}/account-lists/${w.uploadId}`],
  };
  if (fixed[route]) return fixed[route];
  return [
    route
      .replace('/distributors/:id', `/distributors/${w.distributorA.id}`)
      .replace('/distributor/:id', `/distributor/${w.distributorA.id}`)
      .replace(':partnerId', w.partner.id),
  ];
}

/** The full paths of `printRoutes`' tree (one line per node, four columns of indent per level). */
function getRoutes(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([\s│├└─]*)(\S.*?) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    if (m[3]!.split(', ').includes('GET')) routes.push(stack.join('').replace(/\/+/g, '/'));
  }
  return routes;
}

const isPage = (route: string) => !route.startsWith('/api/') && !route.startsWith('/assets/');

/** Strings the data puts on pages: every text value of every table (names, emails, codes). */
async function dataStrings(): Promise<string[]> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(t.ctx.db);
  const values = new Set<string>([t.ctx.config.vendorName, ...Object.values(LANGUAGE_NAMES)]);
  for (const { table_name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table_name)} limit 500`.execute(t.ctx.db);
    for (const row of rows.rows) for (const value of Object.values(row)) collect(value, values);
  }
  // Country names: proper names that some languages write as English does (Costa Rica).
  for (const code of Object.keys(countries.getAlpha2Codes()))
    for (const lang of LANGUAGES) collect(countryName(code, lang), values);
  return [...values].sort((a, b) => b.length - a.length);
}

/** The strings in a value from the database, JSON columns included. */
function collect(value: unknown, into: Set<string>) {
  if (typeof value === 'string') {
    // Pages collapse white space (a stored text's paragraphs read as one text).
    const clean = value.replace(/\s+/g, ' ').trim();
    if (clean.length >= 4 && /\p{L}/u.test(clean)) into.add(clean);
  } else if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array))
    for (const inner of Object.values(value)) collect(inner, into);
}

/**
 * Product and brand names, not translated on purpose: the agreement's legal name stays English in
 * every catalogue (see consent.release_of_information in locales/{es,fr,ja}/consent.json).
 */
const NAMES = ['Indirect Channel Partner Agreement', 'Partner Portal', 'PICA', 'OpenAPI', 'CSV', 'PDF', 'API'];

/** What is left of a text once its data (seeded values, emails, URLs, numbers, dates) is taken out. */
function withoutData(text: string, data: string[]): string {
  if (/^[{[]/.test(text)) return ''; // a JSON value shown as it is stored (the audit log)
  let rest = text;
  // Whole words only: a one-word value ("Sales") must not hide the sentence around it.
  for (const value of data)
    if (rest.includes(value))
      rest = rest.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(value)}(?![\\p{L}\\p{N}])`, 'gu'), ' ');
  for (const name of NAMES) rest = rest.split(name).join(' ');
  return rest
    .replace(/\S+@\S+/g, ' ')
    .replace(/\b[\w-]+\.(?:example|test|com|org|net)\b/g, ' ')
    .replace(/\b(?:https?:\/\/|\/)\S*/g, ' ')
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, ' ')
    .replace(/[\p{N}]+/gu, ' ');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Two or more words of two or more Latin letters. */
const latinWords = (text: string) => (text.match(/\p{Script=Latin}{2,}/gu) ?? []).length >= 2;

interface Render {
  html: string;
  lang: string | undefined;
  texts: string[];
  unnamedControls: string[];
  status: number;
}

const sessions = new Map<RoleKey, Record<string, string>>();

async function render(role: RoleKey, url: string, lang: Language): Promise<Render> {
  const base = sessions.get(role)!;
  const cookie = [base.cookie, `${LANGUAGE_COOKIE}=${lang}`].filter(Boolean).join('; ');
  const res = await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie } });
  return { status: res.statusCode, html: res.body, ...pageText(res.body) };
}

/** Signed-in people read pages in the language of their settings; the others in the cookie's. */
async function setLanguage(lang: Language) {
  await t.ctx.db.updateTable('users').set({ language: lang }).execute();
}

let pages: string[];
let data: string[];
/** Every (role, url) that renders, with its English page. */
const english = new Map<string, { role: RoleKey; url: string; route: string; page: Render; forms: PageForm[] }>();

beforeAll(async () => {
  t = await createTestApp();
  world = await buildWorld(t.ctx);
  for (const role of PAGE_ROLES) sessions.set(role, await credentialHeaders(t.ctx, world.credentials[role]));
  pages = getRoutes(t.app.printRoutes({ commonPrefix: false, method: 'GET' })).filter(isPage);
  const outbox = await t.ctx.db.selectFrom('outbox').select('id').orderBy('id').executeTakeFirstOrThrow();
  const agreement = (await t.app.inject({ method: 'GET', url: '/api/v1/agreements/current' })).json() as {
    version: string;
  };
  data = await dataStrings();
  await setLanguage('en');
  for (const route of pages.filter((p) => !NOT_RENDERED[p]))
    for (const url of urlFor(route, world, String(outbox.id), agreement.version)) {
      // A role is kept only when it reads something on the page the roles kept before it do not.
      const known = new Set<string>();
      for (const role of PAGE_ROLES) {
        const page = await render(role, url, 'en');
        if (page.status !== 200 || page.texts.every((text) => known.has(text))) continue;
        for (const text of page.texts) known.add(text);
        english.set(`${role} ${url}`, {
          role,
          url,
          route,
          page: { ...page, html: '' },
          forms: formsOf(page.html, url),
        });
      }
    }
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe('X-1 every page in every language', () => {
  it('X-1: the test knows every GET page the app serves (each renders for some role, or is listed with a reason)', () => {
    const rendered = new Set([...english.values()].map((e) => e.route));
    const uncovered = pages.filter((p) => !NOT_RENDERED[p] && !rendered.has(p));
    expect(uncovered, 'pages no role of the world could open (give them ids or list them in NOT_RENDERED)').toEqual([]);
    const stale = Object.keys(NOT_RENDERED).filter((p) => !pages.includes(p));
    expect(stale, 'NOT_RENDERED names pages the app no longer serves').toEqual([]);
    expect(rendered.size).toBeGreaterThan(40);
  });

  it('X-1: every form control on every English page has an accessible name, and <html lang="en">', () => {
    const problems = [...english.values()].flatMap(({ role, url, page }) => [
      ...(page.lang === 'en' ? [] : [`${url} (${role}): <html lang="${page.lang}">`]),
      ...page.unnamedControls.map((c) => `${url} (${role}): ${c} has no accessible name`),
    ]);
    expect(problems).toEqual([]);
  });

  for (const lang of LANGUAGES.filter((l) => l !== 'en'))
    it(`X-1: no English left on a page in ${lang}, and <html lang="${lang}">`, async () => {
      await setLanguage(lang);
      const problems = new Set<string>();
      for (const { role, url, page: en } of english.values()) {
        const page = await render(role, url, lang);
        if (page.status !== 200) {
          problems.add(`${url} (${role}): ${page.status} in ${lang}, 200 in en`);
          continue;
        }
        if (page.lang !== lang) problems.add(`${url} (${role}): <html lang="${page.lang}">`);
        const englishTexts = new Set(en.texts);
        for (const text of new Set(page.texts)) {
          if (englishTexts.has(text) && latinWords(withoutData(text, data)))
            problems.add(`${url.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, ':id')} [${lang}]: "${text}"`);
        }
      }
      expect([...problems].sort()).toEqual([]);
    });

  it('X-1: a form sent back empty answers in the language asked for (its validation messages)', async () => {
    const callers = new Map<RoleKey, Caller>();
    for (const role of PAGE_ROLES) callers.set(role, await callerFor(t.app, t.ctx, world.credentials[role]));
    let address = 0;
    let current: Language | undefined;
    const post = async (role: RoleKey, form: PageForm, lang: Language) => {
      if (current !== lang) await setLanguage((current = lang));
      const caller = callers.get(role)!;
      const fields = { ...form.hidden, ...(caller.csrfToken ? { _csrf: caller.csrfToken } : {}) };
      const body = form.multipart
        ? multipartBody(fields)
        : { payload: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' };
      address += 1;
      const res = await t.app.inject({
        method: 'POST',
        url: form.action,
        payload: body.payload,
        headers: {
          ...caller.headers,
          cookie: [caller.headers.cookie, `${LANGUAGE_COOKIE}=${lang}`].filter(Boolean).join('; '),
          accept: 'text/html',
          'content-type': body.contentType,
        },
        // Each its own address: the per-address limits (sign-in, sign-up) must not answer instead.
        remoteAddress: `10.9.${(address >> 8) & 255}.${address & 255}`,
      });
      return { status: res.statusCode, ...pageText(res.body) };
    };
    // Only forms a person fills in, each once: a button form sent empty would act (withdraw, sign out).
    const chosen = new Map<string, { role: RoleKey; form: PageForm }>();
    for (const { role, forms } of english.values())
      for (const form of forms) {
        const key = form.action.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, ':id');
        if (form.hasEntry && !chosen.has(key)) chosen.set(key, { role, form });
      }
    // One language at a time (the people's setting changes once per language, not per form).
    const answers = new Map<string, Map<Language, Awaited<ReturnType<typeof post>>>>();
    for (const lang of LANGUAGES)
      for (const [key, { role, form }] of chosen) {
        const en = answers.get(key)?.get('en');
        if (lang !== 'en' && (!en || en.status < 400 || en.status >= 500)) continue;
        const byLanguage = answers.get(key) ?? new Map();
        answers.set(key, byLanguage.set(lang, await post(role, form, lang)));
      }
    const problems = new Set<string>();
    let compared = 0;
    for (const [key, byLanguage] of answers) {
      const englishTexts = new Set(byLanguage.get('en')!.texts);
      if (byLanguage.size > 1) compared += 1;
      for (const [lang, page] of byLanguage) {
        // A message that opens with a field's code ("distributor_id is required.") found no label
        // in the catalogue's `fields` (CSV column names elsewhere in a text are the file's format).
        for (const text of page.texts)
          if (/^[a-z]+(?:_[a-z]+)+(?![\w,])/.test(text))
            problems.add(`POST ${key} [${lang}]: a field without a label in "${text}"`);
        if (lang === 'en') continue;
        if (page.lang !== lang) problems.add(`POST ${key} [${lang}]: <html lang="${page.lang}">`);
        for (const text of new Set(page.texts))
          if (englishTexts.has(text) && latinWords(withoutData(text, data)))
            problems.add(`POST ${key} [${lang}]: "${text}"`);
      }
    }
    await setLanguage('en');
    expect([...problems].sort()).toEqual([]);
    expect(compared).toBeGreaterThan(10);
  }, 120_000);
});

/** Every email template of the catalogues: an object with a subject and a body (`email.verify`, `pica.email.tool_granted`). */
function emailTemplates(node: unknown, at: string[] = []): string[] {
  if (!node || typeof node !== 'object') return [];
  const here = 'subject' in node && 'body' in node ? [at.join('.')] : [];
  return here.concat(Object.entries(node).flatMap(([key, inner]) => emailTemplates(inner, [...at, key])));
}

describe('X-1 every email in every language', () => {
  const templates = emailTemplates(catalogues.en);

  it('X-1: the catalogues hold the emails the services send', () => {
    expect(templates).toEqual(expect.arrayContaining(['email.verify', 'email.reset', 'pica.email.tool_granted']));
  });

  for (const lang of LANGUAGES.filter((l) => l !== 'en'))
    it(`X-1: every email's subject and body is written in ${lang}`, () => {
      const brand = { vendor: 'Northwind Networks', help: 'web-help@northwind.example' };
      const problems: string[] = [];
      for (const template of templates) {
        // Each placeholder gets a number, which the comparison then takes out as data.
        const texts = template
          .split('.')
          .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], catalogues.en) as Record<string, string>;
        const english = JSON.stringify(texts);
        const names = [...new Set([...english.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!))];
        const email = {
          template: template.startsWith('email.') ? template.slice('email.'.length) : template,
          recipientName: 'Ana García',
          actionUrl: 'action' in texts ? 'http://portal.test/action?token=abc' : undefined,
          vars: Object.fromEntries(names.map((name, i) => [name, `#${i + 1}`])),
        };
        const en = renderActionEmail(translator('en'), brand, email, 'en');
        const other = renderActionEmail(translator(lang), brand, email, lang);
        const englishLines = new Set([en.subject, ...en.text.split('\n')].map((l) => l.trim()));
        for (const line of [other.subject, ...other.text.split('\n')].map((l) => l.trim()))
          if (englishLines.has(line) && latinWords(withoutData(line, [brand.vendor, brand.help, 'Ana García'])))
            problems.push(`${template} [${lang}]: "${line}"`);
        if (!other.html.includes(`<html lang="${lang}">`))
          problems.push(`${template} [${lang}]: the HTML part is not marked lang="${lang}"`);
      }
      expect(problems).toEqual([]);
    });
});
