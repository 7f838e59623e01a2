import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed-demo.ts';
import {
  releaseOfInformationText,
  signatureAuthorityText,
} from '../../src/modules/registration/agreement-texts.rules.ts';
import { browserSuite, chromiumStatus, englishText as text } from './helpers.ts';

/** A rule's message as applicants read it: without the requirement ID that staff and the API see (#9). */
const applicantText = (key: string, params: Record<string, string> = {}) =>
  text(key, params).replace(/^REG-\d+\s?:\s*/, '');

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VENDOR = 'Northwind Networks';
const APPLICANT = 'applicant@contoso-systems.example';

const chromium = chromiumStatus();
if (!chromium.available && !chromium.mustFail) console.warn(chromium.message);

describe.skipIf(!chromium.available && !chromium.mustFail)(
  `registration flow in Chromium${chromium.available ? '' : ` (${chromium.message})`}`,
  () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pp-e2e-registration-'));

    // Registered before the suite, so seeding comes before the server starts and the data
    // directory goes after it stops (after-hooks run in reverse order).
    beforeAll(() => {
      // The demo programme (the demo applicant, EuroDist serving Germany) and a published agreement.
      const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'test/e2e/fixtures/seed-registration.ts'], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'warn', VENDOR_NAME: VENDOR },
        encoding: 'utf8',
      });
      if (seeded.status !== 0) throw new Error(`seeding failed:\n${seeded.stdout}\n${seeded.stderr}`);
    });

    afterAll(() => {
      rmSync(dataDir, { recursive: true, force: true });
    });

    const { page, arriveAt } = browserSuite({ env: { DATA_DIR: dataDir, VENDOR_NAME: VENDOR } });

    const saveAndContinue = () =>
      page()
        .getByRole('button', { name: text('registration.save_continue'), exact: true })
        .click();
    let applicationPath = '';

    it('REG-13, X-5: the demo applicant signs in and starts an application from the Apply link', async () => {
      await page().goto('/apply');
      await arriveAt(/\/sign-in\?return_to=%2Fapply$/, 'sign-in');
      await page().getByLabel(text('fields.email')).fill(APPLICANT);
      await page().getByLabel(text('fields.password')).fill(DEMO_PASSWORD);
      await page()
        .getByRole('main')
        .getByRole('button', { name: text('sign_in.submit') })
        .click();
      await arriveAt(/\/apply$/, 'your applications');
      await expect(
        page()
          .getByRole('navigation', { name: text('layout.nav_label') })
          .getByRole('link', { name: text('layout.apply'), exact: true })
          .isVisible(),
      ).resolves.toBe(true);

      await page()
        .getByRole('button', { name: text('registration.start') })
        .click();
      await arriveAt(/\/apply\/[0-9a-f-]{36}\/company$/, 'company step');
      applicationPath = new URL(page().url()).pathname.replace(/\/company$/, '');
      const progress = page().getByRole('navigation', { name: text('registration.progress_label') });
      await expect(progress.getByRole('listitem').count()).resolves.toBe(7);
      await expect(
        progress.getByRole('link', { name: text('registration.step.company') }).getAttribute('aria-current'),
      ).resolves.toBe('step');
    });

    it('REG-13, X-5: company; contacts refuse a public email (REG-8) with the summary, live and on saving', async () => {
      await page().getByLabel(text('fields.company.legal_name')).fill('Contoso Systems GmbH');
      await page().getByLabel(text('fields.company.legal_form')).selectOption('limited_company');
      await page().getByLabel(text('fields.company.country')).selectOption('DE');
      await page().getByLabel(text('fields.company.website')).fill('https://contoso-systems.example');
      await page().getByLabel(text('fields.company.registration_number')).fill('HRB 123456');
      await saveAndContinue();
      await arriveAt(/\/contacts\?notice=step_saved$/, 'contacts step');
      await expect(
        page()
          .getByRole('navigation', { name: text('registration.progress_label') })
          .getByRole('link', { name: text('registration.step.company'), exact: true })
          .locator('..')
          .textContent(),
      ).resolves.toContain(text('registration.completed'));

      await page().getByLabel(text('fields.contacts.name')).fill('Carla Applicant');
      await page().getByLabel(text('fields.contacts.title')).fill('Sales Director');
      const email = page().getByLabel(text('fields.contacts.email'));
      await email.fill('carla@gmail.com');
      await page().getByLabel(text('fields.contacts.phone')).fill('+49 30 901820');
      const refusal = applicantText('rules.email_public_domain', {
        label: text('fields.contacts.email'),
        domain: 'gmail.com',
      });
      // public/registration.js checks the address with the pre-check API as soon as it is left.
      await page().locator('[data-live-for="contacts.email"]').getByText(refusal).waitFor();
      await saveAndContinue();
      await arriveAt(/\/contacts$/, 'contacts with errors');
      // A function, not a string: the page's CSP forbids evaluating strings.
      await page().waitForFunction(() => document.activeElement?.hasAttribute('data-error-summary') === true);
      await expect(page().getByRole('alert').getByRole('listitem').allTextContents()).resolves.toEqual([refusal]);
      await expect(email.inputValue()).resolves.toBe('carla@gmail.com');
      await expect(page().getByLabel(text('fields.contacts.title')).inputValue()).resolves.toBe('Sales Director');

      await email.fill('carla@contoso-systems.example');
      await saveAndContinue();
      await arriveAt(/\/locations\?notice=step_saved$/, 'locations step');
    });

    it('REG-7, X-5: locations add a row, and a PO box is flagged without blocking', async () => {
      const first = page().getByRole('group', { name: text('registration.location_n', { n: 1 }) });
      await first.getByLabel(text('registration.address_line1')).fill('Friedrichstraße 123');
      await first.getByLabel(text('fields.locations.city')).fill('Berlin');
      await first.getByLabel(text('fields.locations.postcode')).fill('10117');
      await expect(first.getByLabel(text('fields.locations.country')).inputValue()).resolves.toBe('DE');
      await first.getByLabel(text('fields.locations.type')).selectOption('office');
      await page()
        .getByRole('button', { name: text('registration.add_another.locations') })
        .click();
      await arriveAt(/\/locations$/, 'locations with another row');
      const second = page().getByRole('group', { name: text('registration.location_n', { n: 2 }) });
      await second.waitFor();
      await expect(
        page()
          .getByRole('group', { name: text('registration.location_n', { n: 3 }) })
          .count(),
      ).resolves.toBe(0);
      await expect(first.getByLabel(text('registration.address_line1')).inputValue()).resolves.toBe(
        'Friedrichstraße 123',
      );

      await second.getByLabel(text('registration.address_line1')).fill('PO Box 12');
      await second.getByLabel(text('fields.locations.city')).fill('Berlin');
      await second.getByLabel(text('fields.locations.postcode')).fill('10115');
      await second.getByLabel(text('fields.locations.type')).selectOption('office');
      // Leaving the location's fields runs the pre-check (public/registration.js): the flag shows at once.
      await page()
        .getByRole('button', { name: text('registration.save_continue'), exact: true })
        .focus();
      await second
        .locator('[data-live-for]')
        .getByText(
          applicantText('rules.address_po_box', {
            label: `${text('fields.locations.lines')} (2)`,
            line: '1',
            evidence: 'PO Box 12',
          }),
        )
        .waitFor();
      await saveAndContinue();
      await arriveAt(/\/distributors\?notice=step_saved_flagged$/, 'distributors step');
      await expect(page().getByRole('status').textContent()).resolves.toBe(text('registration.notice_saved_flagged'));
    });

    it('REG-2, REG-3, REG-9, REG-10, X-5: distributors, added value and key personnel', async () => {
      await expect(
        page()
          .getByRole('link', { name: text('registration.locator_link') })
          .getAttribute('href'),
      ).resolves.toBe('/distributors?country=DE');
      const claim = page().getByRole('group', { name: text('registration.distributor_n', { n: 1 }) });
      await claim
        .getByLabel(text('fields.distributors.distributor'), { exact: true })
        .selectOption({ label: 'EuroDist Networks GmbH' });
      await claim.getByLabel(text('fields.distributors.account_number')).fill('CONTOSO-1');
      await expect(claim.getByLabel(text('registration.initial_distributor_choice')).isChecked()).resolves.toBe(true);
      await saveAndContinue();
      await arriveAt(/\/added_value\?notice=step_saved$/, 'added value step');

      await page()
        .getByLabel(text('registration.attest_demonstrate', { vendor: VENDOR }))
        .check();
      await page()
        .getByLabel(text('registration.attest_services', { vendor: VENDOR }))
        .check();
      await page()
        .getByLabel(text('fields.added_value.services_description'))
        .fill('Demonstrations on site, installation and managed support contracts.');
      await saveAndContinue();
      await arriveAt(/\/personnel\?notice=step_saved$/, 'key personnel step');

      const person = page().getByRole('group', { name: text('registration.person_n', { n: 1 }) });
      await person.getByLabel(text('fields.personnel.name')).fill('Carla Applicant');
      await person.getByLabel(text('fields.personnel.email')).fill('carla@contoso-systems.example');
      await person.getByLabel(text('fields.personnel.role')).fill('Account lead');
      await saveAndContinue();
      await arriveAt(/\/review\?notice=step_saved$/, 'review and submit');
    });

    it('REG-1, REG-6, REG-11, REG-12, X-5: reviews the summary, signs, submits and sees the status', async () => {
      const flags = page().getByRole('region', { name: text('registration.flags_title') });
      await expect(flags.textContent()).resolves.toContain('PO Box');
      const agreement = page().getByRole('region', { name: /Indirect Channel Partner Agreement, version/ });
      await expect(agreement.getAttribute('tabindex')).resolves.toBe('0');
      const version = /version (.+)$/.exec((await page().locator('#agreement-title').textContent()) ?? '')?.[1] ?? '';
      expect(version).not.toBe('');
      await expect(page().locator('#release-text').textContent()).resolves.toBe(releaseOfInformationText(VENDOR));

      await page().getByLabel(signatureAuthorityText(VENDOR)).check();
      await page().getByLabel(text('fields.sign.signatory_title')).fill('Managing Director');
      await page().getByLabel(text('registration.accept_agreement', { version })).check();
      await page().getByLabel(text('registration.accept_release')).check();
      await page()
        .getByRole('button', { name: text('registration.submit') })
        .click();
      await arriveAt(new RegExp(`${applicationPath}/status$`), 'status');
      await expect(page().getByText(text('registration.state.submitted'), { exact: true }).isVisible()).resolves.toBe(
        true,
      );
      await expect(page().getByRole('status').textContent()).resolves.toBe(text('registration.status_submitted'));

      await page()
        .getByRole('link', { name: text('registration.back_to_list') })
        .click();
      await arriveAt(/\/apply$/, 'your applications after submitting');
      await expect(
        page().getByRole('row').filter({ hasText: 'Contoso Systems GmbH' }).first().textContent(),
      ).resolves.toContain(text('registration.state.submitted'));
    });
  },
);
