import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed-demo.ts';
import { catalogues } from '../../src/platform/i18n.ts';
import { browserSuite, chromiumStatus, englishText as text } from './helpers.ts';

const chromium = chromiumStatus();
if (!chromium.available && !chromium.mustFail) console.warn(chromium.message);

// #9 item 4: switching language on a wizard step keeps what was typed but not yet saved.
describe.skipIf(!chromium.available && !chromium.mustFail)(
  `language switch in Chromium${chromium.available ? '' : ` (${chromium.message})`}`,
  () => {
    const { page, arriveAt } = browserSuite({ demo: true });

    it('X-1, REG-13: a company name typed on a step survives a change of language', async () => {
      await page().goto('/apply');
      await arriveAt(/\/sign-in\?return_to=%2Fapply$/, 'sign-in');
      await page().getByLabel(text('fields.email')).fill('applicant@contoso-systems.example');
      await page().getByLabel(text('fields.password')).fill(DEMO_PASSWORD);
      await page()
        .getByRole('main')
        .getByRole('button', { name: text('sign_in.submit') })
        .click();
      await arriveAt(/\/apply$/, 'your applications');
      await page()
        .getByRole('button', { name: text('registration.start') })
        .click();
      await arriveAt(/\/apply\/[0-9a-f-]{36}\/company$/, 'company step');

      await page().getByLabel(text('fields.company.legal_name')).fill('Contoso Sistemas S.L.');
      await page().getByLabel(text('fields.company.website')).fill('https://contoso-sistemas.example');
      await page().getByLabel(text('layout.language'), { exact: true }).selectOption({ label: 'Español' });
      // A question would mean the draft was not saved first; the test fails instead of answering it.
      page().on('dialog', (dialog) => void dialog.dismiss());
      await page()
        .getByRole('button', { name: text('layout.change_language'), exact: true })
        .click();

      await page().waitForFunction((lang) => document.documentElement.lang === lang, 'es');
      await arriveAt(/\/apply\/[0-9a-f-]{36}\/company/, 'company step in Spanish');
      const label = (catalogues.es.fields as Record<string, string>)['company.legal_name']!;
      await expect(page().getByLabel(label, { exact: true }).inputValue()).resolves.toBe('Contoso Sistemas S.L.');
      await expect(
        page()
          .getByLabel((catalogues.es.fields as Record<string, string>)['company.website']!)
          .inputValue(),
      ).resolves.toBe('https://contoso-sistemas.example');
    });
  },
);
