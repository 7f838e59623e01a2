import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../src/demo/seed-demo.ts';
import { apiSession, browserSuite, chromiumStatus, englishText as text } from './helpers.ts';
import { DEMO_APPLICATIONS } from '../../src/demo/seed-demo-programme.ts';

const ADMIN = DEMO_ACCOUNTS.find((a) => a.role === 'staff_admin')!.email;
const REVIEWER = DEMO_ACCOUNTS.find((a) => a.role === 'staff_reviewer')!.email;
const APPLICANT = DEMO_ACCOUNTS.find((a) => a.role === null)!.email;
const COMPANY = 'Contoso Systems GmbH';
const CHECKLIST = [
  'address_is_business_location',
  'signatory_has_authority',
  'distributor_accounts_plausible',
  'screening_reviewed',
];

const chromium = chromiumStatus();
if (!chromium.available && !chromium.mustFail) console.warn(chromium.message);

describe.skipIf(!chromium.available && !chromium.mustFail)(
  `review flow in Chromium${chromium.available ? '' : ` (${chromium.message})`}`,
  () => {
    let reference = '';

    // The demo programme has staff, the demo applicant and EuroDist, but no agreement and no
    // application yet: the administrator publishes one and the applicant submits through the API.
    const { page, arriveAt, signIn } = browserSuite(
      { demo: true },
      {
        seed: async (server) => {
          const baseUrl = server.baseUrl;
          const admin = await apiSession(baseUrl, ADMIN);
          await admin('POST', '/staff/agreements', {
            version: 'E2E-1',
            governingLanguage: 'en',
            texts: {
              en: {
                title: 'Indirect Channel Partner Agreement',
                body: 'Indirect Channel Partner Agreement (browser test).',
              },
            },
            effectiveAt: new Date(Date.now() - 86_400_000).toISOString(),
          });

          const eurodist = (
            (await (await fetch(`${baseUrl}/api/v1/distributors?country=DE`)).json()) as {
              distributors: { id: string; legalName: string }[];
            }
          ).distributors.find((d) => d.legalName === 'EuroDist Networks GmbH')!;
          const applicant = await apiSession(baseUrl, APPLICANT);
          const application = await applicant('POST', '/applications');
          const id = application.id as string;
          reference = application.reference as string;
          let version = application.version as number;
          const steps: [string, unknown][] = [
            [
              'company',
              {
                legalName: COMPANY,
                legalForm: 'limited_company',
                country: 'DE',
                website: 'https://contoso-systems.example',
                registrationNumber: 'HRB 123456',
              },
            ],
            [
              'contacts',
              {
                primary: {
                  name: 'Carla Applicant',
                  email: APPLICANT,
                  phone: '+49 30 901820',
                  title: 'Managing Director',
                },
              },
            ],
            [
              'locations',
              {
                items: [
                  {
                    lines: ['Regus Business Centre', 'Friedrichstraße 100'],
                    city: 'Berlin',
                    postcode: '10117',
                    country: 'DE',
                    type: 'office',
                  },
                ],
              },
            ],
            [
              'distributors',
              {
                items: [{ distributorId: eurodist.id, accountNumber: 'EDN-100004' }],
                initialDistributorId: eurodist.id,
              },
            ],
            [
              'added-value',
              {
                canDemonstrate: true,
                providesServices: true,
                servicesDescription: 'Demonstrations at customer sites and installation services.',
              },
            ],
            ['personnel', { items: [{ name: 'Carla Applicant', email: APPLICANT, role: 'Managing Director' }] }],
          ];
          for (const [step, answers] of steps)
            version = (
              (await applicant('PUT', `/applications/${id}/${step}`, { version, answers })).application as {
                version: number;
              }
            ).version;
          await applicant('POST', `/applications/${id}/submit`, {
            confirmsAuthority: true,
            name: 'Carla Applicant',
            title: 'Managing Director',
            acceptedAgreementVersion: 'E2E-1',
            consentsToRelease: true,
          });
        },
      },
    );

    const consoleNav = () => page().getByRole('navigation', { name: text('staff.nav.label') });

    it('REG-12, X-5: the reviewer opens the dashboard and goes from the queue to the application', async () => {
      await signIn(REVIEWER, '/staff');
      await arriveAt(/\/staff$/, 'dashboard');
      await expect(
        page()
          .getByRole('navigation', { name: text('layout.nav_label') })
          .getByRole('link', { name: text('layout.staff_console') })
          .isVisible(),
      ).resolves.toBe(true);
      const funnel = page().getByRole('img', { name: new RegExp(`^${text('staff.dashboard.funnel_title')}: `) });
      // The demo programme's submitted applications, and the one this test submitted.
      const submitted = DEMO_APPLICATIONS.filter((a) => a.status === 'submitted').length + 1;
      await expect(funnel.getAttribute('aria-label')).resolves.toContain(
        `${text('staff.status.submitted')}: ${submitted}`,
      );
      await expect(
        page()
          .getByRole('table', {
            name: text('staff.dashboard.table_caption', { title: text('staff.dashboard.funnel_title') }),
          })
          .isVisible(),
      ).resolves.toBe(true);

      await consoleNav()
        .getByRole('link', { name: text('staff.nav.applications') })
        .click();
      await arriveAt(/\/staff\/applications$/, 'review queue');
      const row = page().getByRole('row').filter({ hasText: reference });
      await expect(row.getByRole('cell', { name: COMPANY }).isVisible()).resolves.toBe(true);
      await expect(row.getByText(text('staff.queue.unassigned')).isVisible()).resolves.toBe(true);
      await row.getByRole('link', { name: reference }).click();
      await arriveAt(/\/staff\/applications\/[0-9a-f-]{36}$/, 'application');
      await page()
        .getByRole('heading', { level: 1, name: text('staff.review.title', { company: COMPANY, reference }) })
        .waitFor();

      // #11: the Regus flag is called a false alarm without script; the verdict and the allow-list buttons appear.
      const regus = () => page().locator('li.finding').filter({ hasText: 'Regus' });
      await regus()
        .getByRole('button', { name: text('flags.mark_false_alarm') })
        .click();
      await arriveAt(/\/staff\/applications\/[0-9a-f-]{36}\?notice=verdict_saved/, 'application after a verdict');
      await regus()
        .getByRole('button', { name: text('flags.allow_here') })
        .waitFor();
    });

    it('REG-12, X-5: claims it, ticks the checklist, is told a decline needs the internal reason, and approves', async () => {
      await page()
        .getByRole('button', { name: text('staff.review.claim') })
        .click();
      await arriveAt(/\?notice=claimed$/, 'application claimed');
      await expect(page().getByRole('status').first().textContent()).resolves.toBe(text('staff.review.notice_claimed'));

      for (const item of CHECKLIST)
        await page()
          .getByLabel(text(`staff.checklist.${item}`))
          .check();
      await page()
        .getByRole('button', { name: text('staff.review.checklist_save') })
        .click();
      await arriveAt(/\?notice=checklist_saved#checklist-heading$/, 'checklist saved');
      for (const item of CHECKLIST)
        await expect(
          page()
            .getByLabel(text(`staff.checklist.${item}`))
            .isChecked(),
        ).resolves.toBe(true);

      await page().getByLabel(text('staff.review.decide_decline')).check();
      await page()
        .getByRole('button', { name: text('staff.review.decide_submit') })
        .click();
      await arriveAt(/\/decision$/, 'decision with errors');
      // A function, not a string: the page's CSP forbids evaluating strings.
      await page().waitForFunction(() => document.activeElement?.hasAttribute('data-error-summary') === true);
      const required = text('rules.required', { label: text('fields.internal_reason') });
      await expect(page().getByRole('alert').getByRole('listitem').allTextContents()).resolves.toEqual([required]);
      await expect(
        page().getByLabel(text('staff.review.internal_reason_field')).getAttribute('aria-invalid'),
      ).resolves.toBe('true');

      await page().getByLabel(text('staff.review.decide_approve')).check();
      await page()
        .getByRole('button', { name: text('staff.review.decide_submit') })
        .click();
      await arriveAt(/\?notice=approved$/, 'application approved');
      await expect(page().getByRole('status').first().textContent()).resolves.toBe(
        text('staff.review.notice_approved'),
      );
      await expect(
        page()
          .getByRole('button', { name: text('staff.review.decide_submit') })
          .count(),
      ).resolves.toBe(0);
    });

    it('X-4, X-5: the audit log shows the decision and the chain intact; the other console pages pass axe', async () => {
      await consoleNav()
        .getByRole('link', { name: text('staff.nav.audit') })
        .click();
      await arriveAt(/\/staff\/audit$/, 'audit log');
      await expect(page().getByRole('status').first().textContent()).resolves.toMatch(
        /^Intact: [\d,]+ rows verified\.$/,
      );
      await page().getByLabel(text('fields.action')).fill('application.approved');
      await page()
        .getByRole('button', { name: text('staff.audit.apply_filters') })
        .click();
      await arriveAt(/\/staff\/audit\?.*action=application\.approved/, 'audit log filtered');
      // The header, the demo programme's approved application and the one approved here.
      const approved = DEMO_APPLICATIONS.filter((a) => a.status === 'approved').length + 1;
      await expect(page().getByRole('table').getByRole('row').count()).resolves.toBe(1 + approved);

      await consoleNav()
        .getByRole('link', { name: text('staff.nav.agreements') })
        .click();
      await arriveAt(/\/staff\/agreements$/, 'agreements (reviewer)');
      await consoleNav()
        .getByRole('link', { name: text('staff.nav.flags') })
        .click();
      await arriveAt(/\/staff\/flags$/, 'allow-list and watchlist');
      await consoleNav()
        .getByRole('link', { name: text('staff.nav.dashboard') })
        .click();
      await arriveAt(/\/staff$/, 'dashboard after approval');
      const countries = page().getByRole('img', { name: new RegExp(`^${text('staff.dashboard.countries_title')}: `) });
      await expect(countries.getAttribute('aria-label')).resolves.toContain('Germany');

      // Administrators also import the screening list and publish agreements.
      await page()
        .getByRole('button', { name: text('layout.sign_out') })
        .click();
      await page().waitForURL(/\/\?notice=signed_out$/);
      await signIn(ADMIN, '/staff/screening');
      await arriveAt(/\/staff\/screening$/, 'screening');
      await consoleNav()
        .getByRole('link', { name: text('staff.nav.agreements') })
        .click();
      await arriveAt(/\/staff\/agreements$/, 'agreements (administrator)');
      await page()
        .getByRole('textbox', { name: text('fields.version'), exact: true })
        .fill('E2E-1');
      await page()
        .getByRole('textbox', { name: text('fields.texts.en.title'), exact: true })
        .fill('Indirect Channel Partner Agreement');
      await page()
        .getByRole('textbox', { name: text('fields.texts.en.body'), exact: true })
        .fill('Same version number again.');
      await page()
        .getByRole('button', { name: text('staff.agreements.publish_submit') })
        .click();
      await arriveAt(/\/staff\/agreements$/, 'agreements with errors');
      await expect(page().getByRole('alert').getByRole('listitem').allTextContents()).resolves.toEqual([
        text('rules.agreement_version_taken', { label: text('fields.version'), value: 'E2E-1' }),
      ]);
    });
  },
);
