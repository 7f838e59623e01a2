/**
 * `npm run screenshots`: the README's screenshots, made from the running demo so they stay current (issue #17).
 *
 * Starts the real server with demo data on a fresh temporary DATA_DIR and a free port, signs in with each demo
 * login in its own browser context, visits that role's main page and saves a 1280×800 PNG to
 * docs/screenshots/<name>.png. A page that does not answer 200 (or lands somewhere else, e.g. the sign-in page)
 * stops the run with a message, so a broken page is never committed as a screenshot.
 *
 * Usage: npm run screenshots [-- <name> …]   (names limit the run to those screenshots)
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/demo/seed-demo.ts';
import { englishText, launchBrowser, newPage, startServer, type StartedServer } from '../test/e2e/helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, 'docs/screenshots');
const VIEWPORT = { width: 1280, height: 800 };

interface Shot {
  name: string;
  /** The demo login to sign in with first; none for visitors' pages. */
  login?: string;
  url: string;
}

const APPLICANT = 'applicant@contoso-systems.example';
const PARTNER_ADMIN = 'partner@kranich-systemhaus.example';
const PICA_ADMIN = 'pica-admin@kranich-systemhaus.example';
const DISTRIBUTOR = 'distributor@eurodist.example';
const REVIEWER = 'reviewer@northwind.example';
const PROGRAMME_ADMIN = 'admin@northwind.example';

const SHOTS: Shot[] = [
  { name: 'home', url: '/' },
  { name: 'partner-locator', url: `/partners?place=${encodeURIComponent('München')}&radius=50` },
  { name: 'distributor-locator', url: '/distributors?country=DE' },
  { name: 'pica-register', url: '/pica/register' },
  { name: 'apply', login: APPLICANT, url: '/apply' },
  // Self Service and the distributor portal redirect to /partner/<id> and /distributor/<id>.
  { name: 'partner', login: PARTNER_ADMIN, url: '/partner' },
  { name: 'partner-training', login: PARTNER_ADMIN, url: '/partner/training' },
  { name: 'pica-admin', login: PICA_ADMIN, url: '/pica/admin' },
  { name: 'distributor', login: DISTRIBUTOR, url: '/distributor' },
  { name: 'staff-applications', login: REVIEWER, url: '/staff/applications' },
  { name: 'staff-dashboard', login: PROGRAMME_ADMIN, url: '/staff' },
  { name: 'account', login: PROGRAMME_ADMIN, url: '/account' },
];

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel(englishText('fields.email')).fill(email);
  await page.getByLabel(englishText('fields.password')).fill(DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/sign-in'),
    page
      .getByRole('main')
      .getByRole('button', { name: englishText('sign_in.submit') })
      .click(),
  ]);
}

async function take(browser: Browser, baseUrl: string, shot: Shot): Promise<void> {
  const page = await newPage(browser, baseUrl);
  try {
    await page.setViewportSize(VIEWPORT);
    // Light scheme and no transitions, so every run draws the same picture.
    await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
    if (shot.login) await signIn(page, shot.login);
    const response = await page.goto(shot.url);
    await page.waitForLoadState('load');
    const status = response?.status() ?? 0;
    const landed = new URL(page.url());
    // The page must answer 200 at its own path (or that path and an organisation's id), not at /sign-in.
    const expected = new RegExp(`^${new URL(shot.url, baseUrl).pathname}(/[0-9a-f-]{36})?$`);
    if (status !== 200 || !expected.test(landed.pathname)) {
      throw new Error(`${shot.name}: ${shot.url} answered ${status} at ${landed.pathname}${landed.search}`);
    }
    const file = path.join(OUT_DIR, `${shot.name}.png`);
    await page.screenshot({ path: file });
    console.log(`${path.relative(ROOT, file)}  ${shot.login ?? 'visitor'}  ${landed.pathname}${landed.search}`);
  } finally {
    await page.context().close();
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !SHOTS.some((s) => s.name === name));
  if (unknown.length > 0)
    throw new Error(`unknown screenshot ${unknown.join(', ')}; known: ${SHOTS.map((s) => s.name).join(', ')}`);
  mkdirSync(OUT_DIR, { recursive: true });
  // The machine may be busy: the first start migrates a fresh database and loads the demo data.
  const server: StartedServer = await startServer({ demo: true, timeoutMs: 180_000 });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    for (const shot of SHOTS)
      if (only.length === 0 || only.includes(shot.name)) await take(browser, server.baseUrl, shot);
  } catch (error) {
    console.error(server.output().slice(-4000));
    throw error;
  } finally {
    await browser?.close();
    await server.stop();
  }
}

await main();
