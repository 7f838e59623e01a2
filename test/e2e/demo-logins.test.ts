import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed-demo.ts';
import { DEMO_LOGINS } from '../../src/demo/demo-logins.ts';
import {
  chromiumStatus,
  englishText,
  expectNoAxeViolations,
  launchBrowser,
  startServer,
  type StartedServer,
} from './helpers.ts';

const chromium = chromiumStatus();
if (!chromium.available && !chromium.mustFail) console.warn(chromium.message);

/** Issue #17 item 1: where each demo role's work starts, as the home page's "What you can do next" links it. */
const DESTINATION: Record<string, { key: string; href: string }> = {
  applicant: { key: 'application', href: '/apply' },
  'partner administrator': { key: 'partner', href: '/partner' },
  'PICA administrator': { key: 'pica', href: '/pica' },
  'end user': { key: 'access', href: '/pica/access' },
  distributor: { key: 'distributor', href: '/distributor' },
  reviewer: { key: 'staff', href: '/staff' },
  'programme administrator': { key: 'staff', href: '/staff' },
};

describe.skipIf(!chromium.available && !chromium.mustFail)(
  `Issue #17 item 1: every demo sign-in in Chromium${chromium.available ? '' : ` (${chromium.message})`}`,
  () => {
    let server: StartedServer | undefined;
    let browser: Browser | undefined;

    beforeAll(async () => {
      if (chromium.mustFail) throw new Error(chromium.message);
      server = await startServer({ demo: true });
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('has a demo sign-in for every role', () => {
      expect(DEMO_LOGINS.map((l) => l.role).sort()).toEqual(Object.keys(DESTINATION).sort());
    });

    for (const role of Object.keys(DESTINATION)) {
      it(`the ${role} signs in, lands on the home page and reaches their work`, async () => {
        const login = DEMO_LOGINS.find((l) => l.role === role)!;
        const destination = DESTINATION[role]!;
        // A fresh context per person: no cookie of the previous sign-in carries over.
        const context = await browser!.newContext({ baseURL: server!.baseUrl });
        try {
          const page = await context.newPage();
          page.setDefaultTimeout(15_000);
          await page.goto('/sign-in');
          await page.locator('main input[name=email]').fill(login.email);
          await page.locator('main input[name=password]').fill(DEMO_PASSWORD);
          await page.locator('main form button[type=submit]').click();
          await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
          expect(new URL(page.url()).pathname).toBe('/');
          const next = page.locator('section[aria-labelledby="next-title"]');
          await expect(next.getByRole('heading', { level: 2 }).textContent()).resolves.toBe(
            englishText('home.next_title'),
          );
          const link = next.getByRole('link', { name: englishText(`home.next_${destination.key}`), exact: true });
          await expect(link.getAttribute('href')).resolves.toBe(destination.href);
          const [response] = await Promise.all([page.waitForNavigation(), link.click()]);
          expect(response?.status(), `${role}: GET ${destination.href}`).toBeLessThan(400);
          expect(new URL(page.url()).pathname.startsWith(destination.href)).toBe(true);
          await page.waitForLoadState('load');
          await expect(page.locator('main h1').count()).resolves.toBeGreaterThan(0);
          await expectNoAxeViolations(page, `${role}: ${destination.href}`);
        } finally {
          await context.close();
        }
      });
    }
  },
);
