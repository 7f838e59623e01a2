import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, DEMO_DISTRIBUTOR_ACCOUNT, DEMO_PASSWORD } from '../../src/demo/seed-demo.ts';
import { browserSuite, chromiumStatus, englishText as text, expectNoAxeViolations } from './helpers.ts';

const chromium = chromiumStatus();
if (!chromium.available && !chromium.mustFail) console.warn(chromium.message);

describe.skipIf(!chromium.available && !chromium.mustFail)(
  `distributor flow in Chromium${chromium.available ? '' : ` (${chromium.message})`}`,
  () => {
    const files = mkdtempSync(path.join(tmpdir(), 'pp-e2e-upload-'));

    afterAll(() => {
      rmSync(files, { recursive: true, force: true });
    });

    // The demo programme: EuroDist Networks GmbH, its administrator, and a reseller whose claim is pending.
    const { page, arriveAt } = browserSuite({ demo: true });

    it('REG-5, X-5: a visitor finds the distributors serving Austria and opens the contact form', async () => {
      await page().goto('/');
      await page()
        .getByRole('link', { name: text('layout.distributor_locator'), exact: true })
        .click();
      await arriveAt(/\/distributors$/, 'distributor locator');
      await page().getByLabel(text('locator.country')).selectOption('AT');
      await page()
        .getByRole('button', { name: text('locator.search') })
        .click();
      await arriveAt(/\/distributors\?country=AT$/, 'locator results');
      const eurodist = page().getByRole('article', { name: 'EuroDist Networks GmbH' });
      await expect(eurodist.getByText('Austria, Germany, and Switzerland').isVisible()).resolves.toBe(true);
      await eurodist.getByRole('button', { name: text('locator.contact') }).click();
      await arriveAt(/\/distributors\/[0-9a-f-]{36}\/contact$/, 'contact form');
      // The honeypot is not reachable by keyboard.
      await expect(page().locator('input[name="website"]').getAttribute('tabindex')).resolves.toBe('-1');
    });

    it('REG-2, X-5: the distributor signs in and confirms a pending claim', async () => {
      await page().goto(`/sign-in?return_to=${encodeURIComponent('/distributor')}`);
      await arriveAt(/\/sign-in/, 'sign-in');
      await page().getByLabel(text('fields.email')).fill(DEMO_DISTRIBUTOR_ACCOUNT.email);
      await page().getByLabel(text('fields.password')).fill(DEMO_PASSWORD);
      await page()
        .getByRole('main')
        .getByRole('button', { name: text('sign_in.submit') })
        .click();
      await arriveAt(/\/distributor\/[0-9a-f-]{36}$/, 'portal overview');
      await page()
        .getByRole('heading', { level: 1, name: text('portal.overview.title') })
        .waitFor();

      await page()
        .getByRole('navigation', { name: text('portal.nav.label') })
        .getByRole('link', { name: text('portal.nav.claims') })
        .click();
      await arriveAt(/\/claims$/, 'account claims');
      const row = page().getByRole('row').filter({ hasText: 'AT-2026-0042' });
      await row
        .getByRole('button', {
          name: `${text('portal.claims.confirm')} ${text('portal.claims.account_of', { account: 'AT-2026-0042', reseller: 'Alpenblick IT GmbH' })}`,
        })
        .click();
      await arriveAt(/\/claims\?notice=confirmed$/, 'claims after confirming');
      await expect(page().getByRole('status').first().textContent()).resolves.toBe(text('portal.claims.confirmed'));
      const decided = page().getByRole('table', { name: text('portal.claims.decided_caption') });
      await expect(
        decided
          .getByRole('row')
          .filter({ hasText: 'AT-2026-0042' })
          .getByText(text('portal.claims.status_confirmed'))
          .isVisible(),
      ).resolves.toBe(true);

      await decided
        .getByRole('row')
        .filter({ hasText: 'AT-2026-0042' })
        .getByRole('link', { name: 'Alpenblick IT GmbH' })
        .click();
      await arriveAt(/\/resellers\/[0-9a-f-]{36}$/, 'released reseller information');
      await expect(page().getByText('anton@alpenblick-it.example').isVisible()).resolves.toBe(true);

      await page()
        .getByRole('link', { name: text('portal.nav.onboarding') })
        .click();
      await arriveAt(/\/onboarding$/, 'on-boarding queue');
    });

    it('REG-2, X-5: uploads an account list through the file input and watches it reach "done" without reloading', async () => {
      // Large enough that the page first shows the upload in progress and its script takes over.
      const rows = 60_000;
      const csv = path.join(files, 'eurodist-accounts.csv');
      const lines = ['account_number,reseller_name,country,status', 'EDN-200002,Graz Netz GmbH,XX,active'];
      for (let i = 0; i < rows; i += 1)
        lines.push(`EDN-3${String(i).padStart(6, '0')},Reseller ${i} GmbH,AT,${i % 10 === 0 ? 'closed' : 'active'}`);
      writeFileSync(csv, `${lines.join('\n')}\n`);

      await page()
        .getByRole('link', { name: text('portal.nav.account_lists') })
        .click();
      await arriveAt(/\/account-lists$/, 'account lists');
      await page().getByLabel(text('fields.file')).setInputFiles(csv);
      await page()
        .getByRole('button', { name: text('portal.lists.upload_submit') })
        .click();

      await page().waitForURL(/\/account-lists\/[0-9a-f-]{36}$/);
      await page().waitForLoadState('load');
      const status = page().locator('[data-upload-status]');
      await expect(status.getAttribute('aria-live')).resolves.toBe('polite');
      // The request returned before the rows were read: the page shows the upload in progress.
      await expect(status.textContent()).resolves.toMatch(/^Processing: [\d,]+ rows read so far\.$/);
      await expect(page().locator('progress').getAttribute('value')).resolves.toBeNull();
      await expectNoAxeViolations(page(), 'upload in progress');
      // The script updates this page in place: a reload would drop the marker.
      await page().evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
      await page().waitForFunction(
        (done) => document.querySelector('[data-upload-status]')?.textContent === done,
        text('upload.done', { rows: '60,000' }),
        { timeout: 60_000 },
      );
      await expect(page().evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).resolves.toBe(true);
      await page()
        .getByRole('table', { name: text('upload.problems_caption') })
        .waitFor();
      await expect(page().locator('[data-count="rowsRead"]').textContent()).resolves.toBe('60,001');
      await expect(page().locator('[data-count="rowsRejected"]').textContent()).resolves.toBe('1');
      await expect(
        page()
          .getByRole('row')
          .filter({ hasText: text('fields.country') })
          .first()
          .isVisible(),
      ).resolves.toBe(true);
      await expect(page().locator('progress').getAttribute('value')).resolves.toBe('1');
      await expectNoAxeViolations(page(), 'upload done');
    });

    it('X-3, X-5: the administrator creates an API key that is shown once', async () => {
      await page()
        .getByRole('link', { name: text('portal.nav.api_keys') })
        .click();
      await arriveAt(/\/api-keys$/, 'API keys');
      await page().getByLabel(text('fields.key_name')).fill('E2E test key');
      await page()
        .getByRole('button', { name: text('portal.keys.create_submit') })
        .click();
      await page()
        .getByRole('heading', { name: text('portal.keys.created_title', { name: 'E2E test key' }) })
        .waitFor();
      await expectNoAxeViolations(page(), 'API key created');
      const secret = await page().getByLabel(text('portal.keys.secret_label'), { exact: true }).inputValue();
      expect(secret).toMatch(/^pp_[A-Za-z0-9]{8}_/);
      await page().goto(page().url());
      await page().waitForLoadState('load');
      await expect(page().content()).resolves.not.toContain(secret);
    });

    it('REG-2, X-5: programme staff manage the directory and import it from CSV', async () => {
      await page()
        .getByRole('button', { name: text('layout.sign_out') })
        .click();
      await page().waitForURL(/\/\?notice=signed_out$/);
      await page().goto(`/sign-in?return_to=${encodeURIComponent('/staff/distributors')}`);
      await page().getByLabel(text('fields.email')).fill(DEMO_ACCOUNTS[0]!.email);
      await page().getByLabel(text('fields.password')).fill(DEMO_PASSWORD);
      await page()
        .getByRole('main')
        .getByRole('button', { name: text('sign_in.submit') })
        .click();
      await arriveAt(/\/staff\/distributors$/, 'staff distributors');

      await page()
        .getByRole('row')
        .filter({ hasText: 'EuroDist Networks GmbH' })
        .getByRole('link', { name: text('staff_distributors.edit') })
        .click();
      await arriveAt(/\/staff\/distributors\/[0-9a-f-]{36}$/, 'edit distributor');
      await page().getByLabel(text('fields.legal_name')).fill('');
      await page()
        .getByRole('button', { name: text('form.save') })
        .click();
      await page()
        .getByRole('alert')
        .getByRole('heading', { name: text('form.error_summary') })
        .waitFor();
      await expectNoAxeViolations(page(), 'edit distributor with errors');

      await page().goto('/staff/distributors');
      const csv = path.join(files, 'directory.csv');
      writeFileSync(
        csv,
        ['code,legal_name,hq_country,territories', 'BALTIC,Baltic Channel OÜ,EE,LV;LT', 'BROKEN,,QQ,', ''].join('\n'),
      );
      await page().getByLabel(text('fields.file')).setInputFiles(csv);
      await page()
        .getByRole('button', { name: text('staff_distributors.import_submit') })
        .click();
      await arriveAt(/\/staff\/distributors\/import$/, 'import report');
      await expect(page().getByRole('status').first().textContent()).resolves.toBe(
        text('staff_distributors.report_summary', { created: 1, updated: 0, unchanged: 0, rejected: 1 }),
      );
      await expect(
        page()
          .getByRole('table', { name: text('upload.problems_caption') })
          .getByRole('row')
          .count(),
      ).resolves.toBeGreaterThan(1);
    });
  },
);
