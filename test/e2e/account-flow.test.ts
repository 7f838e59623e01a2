import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserSuite, chromiumStatus, expectNoAxeViolations } from './helpers.ts';

const LOCALES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../locales');
const catalogue = (lang: string) =>
  JSON.parse(readFileSync(path.join(LOCALES, `${lang}.json`), 'utf8')) as Record<string, unknown>;
const lookup = (tree: Record<string, unknown>, key: string): string | undefined => {
  const value = key
    .split('.')
    .reduce<unknown>(
      (node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined),
      tree,
    );
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const en = catalogue('en');
const ja = catalogue('ja');
/** A message as the portal shows it: the catalogue's text, falling back to English like i18next does. */
const text = (lang: 'en' | 'ja', key: string) => {
  const value = lookup(lang === 'ja' ? ja : en, key) ?? lookup(en, key);
  if (!value) throw new Error(`locales/en.json has no ${key}`);
  return value;
};

const chromium = chromiumStatus();
if (!chromium.available && !chromium.mustFail) console.warn(chromium.message);

describe.skipIf(!chromium.available && !chromium.mustFail)(
  `account flow in Chromium${chromium.available ? '' : ` (${chromium.message})`}`,
  () => {
    const { page, arriveAt } = browserSuite();

    const email = `e2e-${Date.now()}@northwind-reseller.example`;
    const password = 'correct horse battery staple';

    it('REG-1, X-5: sign-up with bad input shows the error summary, focuses it and keeps what was typed', async () => {
      await page().goto('/sign-up');
      await arriveAt(/\/sign-up$/, 'sign-up');
      await expect(page().locator('html').getAttribute('lang')).resolves.toBe('en');

      await page().getByLabel(text('en', 'fields.name')).fill('');
      await page().getByLabel(text('en', 'fields.email')).fill('not-an-email');
      await page().getByLabel(text('en', 'fields.password'), { exact: true }).fill('short');
      await page()
        .getByRole('main')
        .getByRole('button', { name: text('en', 'sign_up.submit') })
        .click();

      const summary = page().getByRole('alert');
      await summary.getByRole('heading', { name: text('en', 'form.error_summary') }).waitFor();
      // public/app.js moves focus to the summary so a screen reader announces it.
      // A function, not a string: the page's CSP forbids evaluating strings.
      await page().waitForFunction(() => document.activeElement?.hasAttribute('data-error-summary') === true);
      const problems = await summary.getByRole('listitem').allTextContents();
      expect(problems).toEqual(
        expect.arrayContaining([
          text('en', 'rules.required').replace('{{label}}', text('en', 'fields.name')),
          text('en', 'rules.email_format').replace('{{label}}', text('en', 'fields.email')),
        ]),
      );
      await expect(page().getByLabel(text('en', 'fields.email')).inputValue()).resolves.toBe('not-an-email');
      await expect(page().getByLabel(text('en', 'fields.email')).getAttribute('aria-invalid')).resolves.toBe('true');
      // A password is never echoed back into the page().
      await expect(page().getByLabel(text('en', 'fields.password'), { exact: true }).inputValue()).resolves.toBe('');
      await expectNoAxeViolations(page(), 'sign-up with errors');
    });

    it('REG-1, X-2, X-5: signs up, confirms the email from the local mailbox and signs in', async () => {
      await page().getByLabel(text('en', 'fields.name')).fill('Ada Lovelace');
      await page().getByLabel(text('en', 'fields.email')).fill(email);
      await page().getByLabel(text('en', 'fields.password'), { exact: true }).fill(password);
      await expect(page().getByLabel(text('en', 'fields.language')).inputValue()).resolves.toBe('en');
      await page()
        .getByRole('main')
        .getByRole('button', { name: text('en', 'sign_up.submit') })
        .click();

      await arriveAt(/\/verify-email\/sent$/, 'check your email');
      await page()
        .getByRole('heading', { level: 1, name: text('en', 'verify.sent_title') })
        .waitFor();

      await page().goto('/dev/mailbox');
      await arriveAt(/\/dev\/mailbox$/, 'mailbox');
      // Rows are newest first: the first row to this address is the confirmation just sent.
      const row = page().getByRole('row').filter({ hasText: email }).first();
      await row.getByRole('link', { name: text('en', 'email.verify.subject') }).click();

      await arriveAt(/\/dev\/mailbox\/\d+$/, 'mailbox message');
      await page()
        .getByRole('heading', { level: 1, name: text('en', 'email.verify.subject') })
        .waitFor();
      // #9 item 10: the action is a button-like link named by what it does, its address below it.
      await expect(page().getByRole('main').textContent()).resolves.toMatch(/\/verify-email\?token=/);
      await page()
        .getByRole('button', { name: text('en', 'email.verify.action') })
        .click();

      await arriveAt(/\/sign-in\?notice=email_verified$/, 'sign-in after confirmation');
      await expect(page().getByRole('status').textContent()).resolves.toBe(text('en', 'verify.done_body'));

      await page().getByLabel(text('en', 'fields.email')).fill(email);
      await page().getByLabel(text('en', 'fields.password')).fill(password);
      await page()
        .getByRole('main')
        .getByRole('button', { name: text('en', 'sign_in.submit') })
        .click();
      await page().waitForURL((url) => url.pathname === '/');
      await page()
        .getByRole('button', { name: text('en', 'layout.sign_out') })
        .waitFor();
    });

    it('X-1, X-5: the footer language switcher turns the account page Japanese and keeps the preference', async () => {
      await page()
        .getByRole('link', { name: text('en', 'layout.account'), exact: true })
        .click();
      await arriveAt(/\/account$/, 'account');
      await expect(page().getByText(email, { exact: true }).isVisible()).resolves.toBe(true);

      await page().getByLabel(text('en', 'layout.language'), { exact: true }).selectOption({ label: '日本語' });
      await page()
        .getByRole('button', { name: text('en', 'layout.change_language'), exact: true })
        .click();

      await page().locator('html[lang="ja"]').waitFor({ state: 'attached' });
      await arriveAt(/\/account$/, 'account in Japanese');
      // Signed in, the switcher also saves the preference shown in the settings form.
      await expect(page().getByLabel(text('ja', 'fields.language'), { exact: true }).inputValue()).resolves.toBe('ja');
      await expect(page().getByLabel(text('ja', 'layout.language'), { exact: true }).inputValue()).resolves.toBe('ja');
      if (lookup(ja, 'layout.sign_out')) {
        await expect(
          page()
            .getByRole('button', { name: text('ja', 'layout.sign_out'), exact: true })
            .isVisible(),
        ).resolves.toBe(true);
      }
    });

    it('X-1, X-5: signs out and sees the signed-out notice', async () => {
      await page()
        .getByRole('button', { name: text('ja', 'layout.sign_out'), exact: true })
        .click();
      await arriveAt(/\/\?notice=signed_out$/, 'home after sign-out');
      await expect(page().locator('html').getAttribute('lang')).resolves.toBe('ja');
      await expect(page().getByRole('status').textContent()).resolves.toBe(text('ja', 'sign_out.done'));
      await expect(
        page()
          .getByRole('link', { name: text('ja', 'layout.sign_in'), exact: true })
          .isVisible(),
      ).resolves.toBe(true);
    });
  },
);
