import { describe, expect, it } from 'vitest';
import { DEMO_PARTNER_ACCOUNT } from '../../src/demo/seed-demo.ts';
import { browserSuite, chromiumStatus, englishText as text } from './helpers.ts';

// Issue #12: a partner admin of the demo partner (Kranich Systemhaus GmbH) invites a colleague,
// confirms the distributor accounts and lists a location, with axe checks on every page (X-5).

const chromium = chromiumStatus();
if (!chromium.available && !chromium.mustFail) console.warn(chromium.message);

describe.skipIf(!chromium.available && !chromium.mustFail)(
  `Partner Self Service flow in Chromium${chromium.available ? '' : ` (${chromium.message})`}`,
  () => {
    const { page, arriveAt, signIn } = browserSuite({ demo: true });
    const subnav = () => page().getByRole('navigation', { name: text('partner.subnav_label') });
    const notice = () => page().getByRole('status').first().textContent();

    it('the partner admin signs in and lands on the Self Service home with status, eligibility and tasks', async () => {
      await signIn(DEMO_PARTNER_ACCOUNT.email, '/partner');
      await arriveAt(/\/partner\/[0-9a-f-]{36}$/, 'self service home');
      await expect(
        page()
          .getByRole('navigation', { name: text('layout.nav_label') })
          .getByRole('link', { name: text('partner.nav') })
          .isVisible(),
      ).resolves.toBe(true);
      await expect(page().getByText(text('partner.home.not_restricted')).isVisible()).resolves.toBe(true);
      await expect(
        page()
          .getByRole('table', { name: text('partner.home.eligibility_caption') })
          .getByRole('cell', { name: 'EDN-100001' })
          .isVisible(),
      ).resolves.toBe(true);
      await expect(
        page()
          .getByRole('link', { name: text('partner.tasks.no_listed_location') })
          .isVisible(),
      ).resolves.toBe(true);
    });

    it('invites a colleague, who shows as pending', async () => {
      await subnav()
        .getByRole('link', { name: text('partner.sections.colleagues') })
        .click();
      await arriveAt(/\/colleagues$/, 'colleagues');
      await page().getByLabel(text('fields.email')).fill('not-an-address');
      await page()
        .getByRole('button', { name: text('partner.colleagues.send_invitation') })
        .click();
      await arriveAt(/\/invitations$/, 'invitation with errors');
      await expect(page().getByRole('alert').getByRole('listitem').allTextContents()).resolves.toEqual([
        text('rules.email_format', { label: text('fields.email') }),
      ]);
      await page().getByLabel(text('fields.email')).fill('kai@kranich-systemhaus.example');
      await page().getByLabel(text('fields.role')).selectOption('partner_signatory');
      await page()
        .getByRole('button', { name: text('partner.colleagues.send_invitation') })
        .click();
      await arriveAt(/\/colleagues\?notice=invited$/, 'colleague invited');
      await expect(notice()).resolves.toBe(text('partner.notices.invited'));
      const row = page().getByRole('row').filter({ hasText: 'kai@kranich-systemhaus.example' });
      await expect(row.getByRole('cell', { name: text('partner.colleagues.state_pending') }).isVisible()).resolves.toBe(
        true,
      );
    });

    it('REG-2, REG-4: adds an account, sees it await confirmation, and confirms the accounts are accurate', async () => {
      await subnav()
        .getByRole('link', { name: text('partner.sections.accounts') })
        .click();
      await arriveAt(/\/accounts$/, 'distributor accounts');
      await page()
        .getByLabel(text('partner.accounts.distributor'), { exact: true })
        .selectOption({ label: 'Rheindata IT-Großhandel GmbH' });
      await page().getByLabel(text('fields.account_number')).fill('RD-20001');
      await page()
        .getByRole('button', { name: text('partner.accounts.add_button') })
        .click();
      await arriveAt(/\/accounts\?notice=claim_added$/, 'account added');
      const row = page().getByRole('row').filter({ hasText: 'RD-20001' });
      await expect(row.getByRole('cell', { name: text('partner.accounts.status_pending') }).isVisible()).resolves.toBe(
        true,
      );
      await page()
        .getByRole('button', { name: text('partner.accounts.confirm_review') })
        .click();
      await arriveAt(/\/accounts\?notice=reviewed$/, 'accounts reviewed');
      await expect(notice()).resolves.toBe(text('partner.notices.reviewed'));
    });

    it('REG-7, REG-14: adds a location, lists it in the Partner Locator, and cannot unlist the last one', async () => {
      await subnav()
        .getByRole('link', { name: text('partner.sections.locations') })
        .click();
      await arriveAt(/\/locations$/, 'locations');
      await page()
        .getByRole('button', { name: text('partner.locations.add') })
        .click();
      await arriveAt(/\/locations\/new$/, 'new location');
      await page().getByLabel(text('partner.locations.line1')).fill('Am Sandtorkai 12');
      await page().getByLabel(text('fields.locations.postcode')).fill('20457');
      await page().getByLabel(text('fields.locations.city')).fill('Hamburg');
      await page().getByLabel(text('fields.locations.type')).selectOption('office');
      await page().getByLabel(text('fields.phone')).fill('+49 40 5550 3000');
      await page().getByLabel(text('fields.website')).fill('https://kranich-systemhaus.example');
      await page().getByLabel(text('partner.services.installation')).check();
      await page()
        .getByRole('button', { name: text('partner.locations.save') })
        .click();
      await arriveAt(/\/locations\?notice=location_saved$/, 'location saved');
      const row = page().getByRole('row').filter({ hasText: 'Am Sandtorkai 12' });
      await row.getByRole('button', { name: new RegExp(`^${text('partner.locations.list')}`) }).click();
      await arriveAt(/\/locations\?notice=listing_saved$/, 'location listed');
      await expect(
        page()
          .getByRole('row')
          .filter({ hasText: 'Am Sandtorkai 12' })
          .getByRole('cell', { name: text('partner.home.yes'), exact: true })
          .isVisible(),
      ).resolves.toBe(true);
      await page()
        .getByRole('row')
        .filter({ hasText: 'Am Sandtorkai 12' })
        .getByRole('button', { name: new RegExp(`^${text('partner.locations.unlist')}`) })
        .click();
      await arriveAt(/\/listing$/, 'last location refused');
      await expect(page().getByRole('alert').textContent()).resolves.toContain(text('errors.last_listed_location'));

      await subnav()
        .getByRole('link', { name: text('partner.sections.home') })
        .click();
      await arriveAt(/\/partner\/[0-9a-f-]{36}$/, 'home after the changes');
      await expect(
        page()
          .getByRole('link', { name: text('partner.tasks.no_listed_location') })
          .count(),
      ).resolves.toBe(0);
      await expect(
        page()
          .getByRole('link', { name: text('partner.tasks.claims_pending') })
          .isVisible(),
      ).resolves.toBe(true);
    });

    it('the renewal page explains when the renewal opens', async () => {
      await subnav()
        .getByRole('link', { name: text('partner.sections.renewal') })
        .click();
      await arriveAt(/\/renewal$/, 'renewal');
      await expect(page().getByText(text('partner.renewal.explain_not_due')).isVisible()).resolves.toBe(true);
    });
  },
);
