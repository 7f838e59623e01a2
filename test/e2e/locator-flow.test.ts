import { describe, expect, it } from 'vitest';
import { browserSuite, chromiumStatus, englishText as text } from './helpers.ts';

const chromium = chromiumStatus();
if (!chromium.available && !chromium.mustFail) console.warn(chromium.message);

describe.skipIf(!chromium.available && !chromium.mustFail)(
  `front door and Partner Locator in Chromium${chromium.available ? '' : ` (${chromium.message})`}`,
  () => {
    // The demo programme includes partners with listed locations in DE, FR, ES, JP, US and GB.
    const { page, arriveAt } = browserSuite({ demo: true });

    it('issue #9, X-5: from the requirements, "Begin your application" leads to sign-in returning to /apply, and back', async () => {
      await page().goto('/');
      await arriveAt(/\/$/, 'home page');
      await page()
        .getByRole('heading', { name: text('home.requirements_title') })
        .waitFor();
      await page()
        .getByRole('button', { name: text('home.begin_application') })
        .click();
      await arriveAt(/\/sign-in\?return_to=%2Fapply$/, 'sign-in before applying');
      await page().goBack();
      await arriveAt(/\/$/, 'home page again');
    });

    it('REG-14, X-5: a visitor finds partners within 50 km of Munich, nearest first, with a map and the list', async () => {
      await page()
        .getByRole('link', { name: text('home.find_partner') })
        .click();
      await arriveAt(/\/partners$/, 'partner locator');
      await page().getByLabel(text('partner_locator.fields.place')).fill('München');
      await page().getByLabel(text('partner_locator.fields.radius')).selectOption('50');
      await page()
        .getByRole('button', { name: text('partner_locator.search') })
        .click();
      await arriveAt(/\/partners\?place=M%C3%BCnchen&country=&radius=50&name=$/, 'partner locator results');
      const results = page().getByRole('region', { name: /within 50 km of Munich/ });
      await results.waitFor();
      // The map is a picture with a text alternative; the list is the content.
      await expect(
        page()
          .getByRole('img', { name: /Map of the 2 partner locations/ })
          .isVisible(),
      ).resolves.toBe(true);
      const items = results.getByRole('listitem');
      await expect(items.count()).resolves.toBe(2);
      await expect(items.nth(0).getByRole('heading', { name: 'Isarwerk Systemhaus GmbH' }).isVisible()).resolves.toBe(
        true,
      );
      await expect(items.nth(0).textContent()).resolves.toContain('Leopoldstraße 120');
      await expect(items.nth(1).textContent()).resolves.toMatch(/Freising.*\d+(\.\d)? km away/s);
      // Augsburg (about 57 km) and Nuremberg are beyond the radius.
      await expect(results.textContent()).resolves.not.toContain('Augsburg');

      // The main navigation leads back to the locator too, and an unknown place is explained, not a failure.
      await page()
        .getByRole('navigation', { name: text('layout.nav_label') })
        .getByRole('link', { name: text('partner_locator.title') })
        .click();
      await arriveAt(/\/partners$/, 'partner locator from the navigation');
      await page().getByLabel(text('partner_locator.fields.place')).fill('Xyzzyville');
      await page()
        .getByRole('button', { name: text('partner_locator.search') })
        .click();
      await arriveAt(/\/partners\?place=Xyzzyville/, 'partner locator, unknown place');
      await expect(page().getByRole('alert').textContent()).resolves.toContain('We could not find that place');
    });
  },
);
