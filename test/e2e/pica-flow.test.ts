import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../src/demo/seed-demo.ts';
import { DEMO_PICA_APPLICANT, DEMO_PICA_CONTRACTS } from '../../src/modules/pica/pica.demo.ts';
import { browserSuite, chromiumStatus, englishText } from './helpers.ts';

const ADMIN = DEMO_ACCOUNTS.find((a) => a.role === 'staff_admin')!.email;
const COMPANY = 'Kranich Systemhaus GmbH';
const END_USER = {
  name: 'Ana García',
  email: 'ana.garcia@fabrikam-logistik.example',
  password: 'una contraseña muy larga',
};

const chromium = chromiumStatus();
if (!chromium.available && !chromium.mustFail) console.warn(chromium.message);

/** A PICA message as the portal shows it, from locales/<lang>/pica.json, placeholders filled in. */
const catalogue = (lang: string) =>
  JSON.parse(readFileSync(new URL(`../../locales/${lang}/pica.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
const catalogues = { en: catalogue('en'), es: catalogue('es') };
function pica(key: string, vars: Record<string, string> = {}, lang: 'en' | 'es' = 'en'): string {
  const value = key
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], catalogues[lang]);
  if (typeof value !== 'string') throw new Error(`locales/${lang}/pica.json has no ${key}`);
  return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => vars[name] ?? `{{${name}}}`);
}

describe.skipIf(!chromium.available && !chromium.mustFail)(
  `PICA flow in Chromium${chromium.available ? '' : ` (${chromium.message})`}`,
  () => {
    let registrationNumber = '';
    let verificationKey = '';

    const { page, arriveAt } = browserSuite({ demo: true });

    async function signIn(email: string, password = DEMO_PASSWORD) {
      await page().goto('/sign-in');
      // By field name: after the end user chose Spanish, the browser keeps that language.
      await page().locator('main input[name=email]').fill(email);
      await page().locator('main input[name=password]').fill(password);
      await page().locator('main form button[type=submit]').click();
      await page().waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    }

    async function signOut() {
      // The form in the page header, whatever the page's language.
      await page().locator('form[action="/sign-out"] button').click();
      await page().waitForURL(/notice=signed_out/);
    }

    it('PICA-4, X-5: a partner user registers to be a PICA administrator with the complete list of contract numbers', async () => {
      await signIn(DEMO_PICA_APPLICANT.email);
      await page().goto('/pica');
      await arriveAt(/\/pica$/, 'PICA landing');
      await page()
        .getByRole('button', { name: pica('administrator.link') })
        .click();
      await arriveAt(/\/pica\/administrator$/, 'administrator registration');
      await page().getByLabel(pica('fields.job_title')).fill('Head of Support');
      // Step 3: an incomplete list is pointed out.
      await page().getByLabel(pica('fields.contract_numbers')).fill(DEMO_PICA_CONTRACTS[0]!);
      await page()
        .getByRole('button', { name: pica('submit') })
        .click();
      await arriveAt(/\/pica\/administrator$/, 'administrator registration with errors');
      await expect(page().getByRole('alert').first().textContent()).resolves.toContain(
        pica('rules.contract_omitted', { numbers: DEMO_PICA_CONTRACTS[1]! }),
      );
      await page().getByLabel(pica('fields.contract_numbers')).fill(DEMO_PICA_CONTRACTS.join('\n'));
      await page()
        .getByRole('button', { name: pica('submit') })
        .click();
      await arriveAt(/notice=requested$/, 'request sent');
      await expect(page().getByRole('status').first().textContent()).resolves.toBe(pica('administrator.requested'));
      await signOut();
    });

    it('PICA-4, X-5: programme staff approve it, and the approval email comes from the help mailbox', async () => {
      await signIn(ADMIN);
      await page()
        .getByRole('link', { name: pica('nav.staff') })
        .click();
      await arriveAt(/\/staff\/pica\/requests$/, 'PICA request queue');
      await page().getByRole('link', { name: DEMO_PICA_APPLICANT.name }).click();
      await arriveAt(/\/staff\/pica\/requests\/[0-9a-f-]{36}$/, 'PICA request');
      await page()
        .getByRole('button', { name: pica('staff.requests.approve') })
        .click();
      await arriveAt(/notice=decided$/, 'request approved');

      await page().goto('/dev/mailbox');
      await page()
        .getByRole('link', { name: pica('email.admin_approved.subject', { company: COMPANY }) })
        .click();
      await arriveAt(/\/dev\/mailbox\/\d+$/, 'approval email');
      const details = await page().getByRole('main').textContent();
      expect(details).toContain('web-help@partner-portal.localhost');
      expect(details).toContain(DEMO_PICA_APPLICANT.email);
      expect(details).toContain(pica('email.admin_approved.body', { company: COMPANY }));

      // PICA-1, X-5: the staff pages for partners, contract types and contracts.
      await page().goto('/staff/pica');
      await arriveAt(/\/staff\/pica$/, 'PICA partners (staff)');
      await expect(
        page().getByRole('row').filter({ hasText: COMPANY }).getByText(pica('states.eligible')).isVisible(),
      ).resolves.toBe(true);
      const staffNav = page().getByRole('navigation', { name: pica('staff.nav.label') });
      await staffNav.getByRole('link', { name: pica('staff.nav.types') }).click();
      await arriveAt(/\/staff\/pica\/contract-types$/, 'contract types (staff)');
      await staffNav.getByRole('link', { name: pica('staff.nav.contracts') }).click();
      await arriveAt(/\/staff\/pica\/contracts$/, 'support contracts (staff)');
      await page().getByRole('link', { name: DEMO_PICA_CONTRACTS[0]! }).click();
      await arriveAt(/\/staff\/pica\/contracts\/[0-9a-f-]{36}$/, 'one support contract (staff)');
      await signOut();
    });

    it('PICA-5, X-5: the new administrator sponsors a customer and sees the registration number and key once', async () => {
      await signIn(DEMO_PICA_APPLICANT.email);
      await page()
        .getByRole('link', { name: pica('nav.admin') })
        .click();
      await arriveAt(/\/pica\/admin$/, 'PICA administration');
      await page()
        .getByRole('navigation', { name: pica('admin.nav.label') })
        .getByRole('link', { name: pica('admin.nav.sponsor') })
        .click();
      await arriveAt(/\/pica\/admin\/sponsor$/, 'sponsor a customer');
      await page().getByLabel(pica('fields.customer_name')).fill('Fabrikam Logistik AG');
      await page().getByLabel(pica('fields.country')).selectOption('ES');
      await page().getByLabel(pica('fields.email_domains')).fill('fabrikam-logistik.example');
      await page().getByLabel(pica('fields.contract_number')).selectOption(DEMO_PICA_CONTRACTS[0]!);
      await page().getByLabel(pica('fields.purchase_reference')).fill('PO-2026-0815');
      await page()
        .getByLabel(pica('fields.attest_purchase', { vendor: 'Northwind Networks' }).slice(0, 30))
        .check();
      await page()
        .getByRole('button', { name: pica('admin.sponsor.submit') })
        .click();
      await arriveAt(/\/pica\/admin\/sponsor$/, 'registration number and key');
      registrationNumber = ((await page().locator('#registration-number').textContent()) ?? '').trim();
      verificationKey = ((await page().locator('#verification-key').textContent()) ?? '').trim();
      expect(registrationNumber).toMatch(/^\d{4} \d{4} \d{4}$/);
      expect(verificationKey).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){4}$/);
      await expect(
        page()
          .getByRole('button', { name: pica('admin.key.copy_key') })
          .isVisible(),
      ).resolves.toBe(true);
      await page()
        .getByRole('link', { name: pica('admin.key.back') })
        .click();
      await arriveAt(/\/pica\/admin\/sponsorships\/[0-9a-f-]{36}$/, 'sponsorship');
      await expect(page().getByRole('main').textContent()).resolves.not.toContain(verificationKey);
      await signOut();
    });

    it('PICA-6, PICA-7, X-5: the end user registers in Spanish with the number and key, in the seed’s steps', async () => {
      await page().goto('/pica/register');
      await page().locator('#language-switcher').selectOption('es');
      await page()
        .getByRole('button', { name: englishText('layout.change_language') })
        .click();
      await arriveAt(/\/pica\/register$/, 'Register (es)');
      await page()
        .getByRole('heading', { name: pica('register.your_information', {}, 'es') })
        .waitFor();
      await page().getByLabel('Nombre completo', { exact: true }).fill(END_USER.name);
      await page().getByLabel('Dirección de correo electrónico', { exact: true }).fill(END_USER.email);
      await page().getByLabel('Contraseña', { exact: true }).fill(END_USER.password);
      await page()
        .getByLabel(pica('fields.language', {}, 'es'))
        .selectOption('es');
      await page()
        .getByLabel(pica('register.customer_option', { vendor: 'Northwind Networks' }, 'es').slice(0, 30))
        .check();
      await page()
        .getByLabel(pica('fields.registration_number', {}, 'es'))
        .fill(registrationNumber);
      await page()
        .getByLabel(pica('fields.verification_key', {}, 'es'))
        .fill(verificationKey);
      await page()
        .getByRole('button', { name: pica('submit', {}, 'es') })
        .click();
      await arriveAt(/\/pica\/register\/details$/, 'additional information (es)');
      await expect(page().getByRole('main').textContent()).resolves.toContain('Fabrikam Logistik AG');
      await page()
        .getByLabel(pica('fields.job_title', {}, 'es'))
        .fill('Ingeniera de redes');
      await page()
        .getByRole('button', { name: pica('submit', {}, 'es') })
        .click();
      await arriveAt(/\/pica\/register\/sent$/, 'email sent (es)');
      await expect(page().getByRole('main').getByRole('status').textContent()).resolves.toBe(
        pica('register.sent_body', { email: END_USER.email, vendor: 'Northwind Networks' }, 'es'),
      );
    });

    it('PICA-6, PICA-8, X-5: the emailed link confirms the registration, and the end user changes tool access', async () => {
      await page().goto('/dev/mailbox');
      await page()
        .getByRole('link', { name: pica('email.confirm_registration.subject', {}, 'es') })
        .click();
      await arriveAt(/\/dev\/mailbox\/\d+$/, 'confirmation email (es)');
      await page()
        .getByRole('button', { name: pica('email.confirm_registration.action', {}, 'es') })
        .click();
      await arriveAt(/\/pica\/register\/confirm/, 'registration complete (es)');
      await expect(page().getByRole('status').first().textContent()).resolves.toBe(
        pica('register.done_body', { email: END_USER.email }, 'es'),
      );

      await page().goto('/sign-in');
      await page().locator('input[name=email]').fill(END_USER.email);
      await page().locator('input[name=password]').fill(END_USER.password);
      await page().locator('main form button[type=submit]').click();
      await page().waitForURL((url) => !url.pathname.startsWith('/sign-in'));
      await page()
        .getByRole('link', { name: pica('nav.access', {}, 'es') })
        .click();
      await arriveAt(/\/pica\/access$/, 'tool access (es)');
      const bugSearch = page()
        .getByRole('row')
        .filter({ hasText: pica('tools.bug_search', {}, 'es') });
      await expect(bugSearch.getByRole('cell', { name: pica('on', {}, 'es'), exact: true }).isVisible()).resolves.toBe(
        true,
      );
      await bugSearch.getByRole('button', { name: new RegExp(pica('access.turn_off', {}, 'es')) }).click();
      await arriveAt(/notice=tool_changed$/, 'tool changed (es)');
      await expect(
        page()
          .getByRole('row')
          .filter({ hasText: pica('tools.bug_search', {}, 'es') })
          .getByRole('cell', { name: pica('off', {}, 'es'), exact: true })
          .isVisible(),
      ).resolves.toBe(true);
    });

    it('PICA-8, PICA-9, X-5: the administrator sees the sponsored user; help and guides carry the help mailbox', async () => {
      await signOut();
      await signIn(DEMO_PICA_APPLICANT.email);
      await page().goto('/pica/admin/users');
      await arriveAt(/\/pica\/admin\/users$/, 'sponsored users');
      await expect(page().getByRole('row').filter({ hasText: END_USER.email }).textContent()).resolves.toContain(
        `${pica('tools.bug_search')}: ${pica('off')}`,
      );
      for (const [path, title] of [
        ['/pica/help', pica('help.title')],
        ['/pica/guide/administrators', pica('guide.admin_title')],
        ['/pica/guide/end-users', pica('guide.end_user_title')],
      ] as const) {
        await page().goto(path);
        await arriveAt(new RegExp(`${path}$`), title);
        await page().getByRole('heading', { level: 1, name: title }).waitFor();
        await expect(
          page().getByRole('link', { name: 'web-help@partner-portal.localhost' }).first().isVisible(),
        ).resolves.toBe(true);
      }
    });
  },
);
