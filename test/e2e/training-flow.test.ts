import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../src/demo/seed-demo.ts';
import { apiSession, browserSuite, chromiumStatus, englishText as text } from './helpers.ts';

// REG-10 end to end: an approved partner's key person records a completed training with a
// certificate file (a fake one is refused first), and a reviewer verifies it.
const ADMIN = DEMO_ACCOUNTS.find((a) => a.role === 'staff_admin')!.email;
const REVIEWER = DEMO_ACCOUNTS.find((a) => a.role === 'staff_reviewer')!.email;
const APPLICANT = DEMO_ACCOUNTS.find((a) => a.role === null)!.email;
const PERSON = 'Carla Applicant';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const chromium = chromiumStatus();
if (!chromium.available && !chromium.mustFail) console.warn(chromium.message);

describe.skipIf(!chromium.available && !chromium.mustFail)(
  `training flow in Chromium${chromium.available ? '' : ` (${chromium.message})`}`,
  () => {
    const { page, arriveAt, signIn } = browserSuite(
      { demo: true },
      {
        seed: async (server) => {
          const baseUrl = server.baseUrl;
          // The demo applicant applies and is approved through the API, becoming a partner admin and key person.
          const admin = await apiSession(baseUrl, ADMIN);
          await admin('POST', '/staff/agreements', {
            version: 'E2E-T',
            governingLanguage: 'en',
            texts: { en: { title: 'Indirect Channel Partner Agreement', body: 'Agreement (training browser test).' } },
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
          let version = application.version as number;
          const steps: [string, unknown][] = [
            [
              'company',
              {
                legalName: 'Fabrikam Training GmbH',
                legalForm: 'limited_company',
                country: 'DE',
                website: 'https://contoso-systems.example',
                registrationNumber: 'HRB 654321',
              },
            ],
            [
              'contacts',
              { primary: { name: PERSON, email: APPLICANT, phone: '+49 30 901820', title: 'Managing Director' } },
            ],
            [
              'locations',
              {
                items: [
                  { lines: ['Friedrichstraße 100'], city: 'Berlin', postcode: '10117', country: 'DE', type: 'office' },
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
            ['personnel', { items: [{ name: PERSON, email: APPLICANT, role: 'Managing Director' }] }],
          ];
          for (const [step, answers] of steps)
            version = (
              (await applicant('PUT', `/applications/${id}/${step}`, { version, answers })).application as {
                version: number;
              }
            ).version;
          await applicant('POST', `/applications/${id}/submit`, {
            confirmsAuthority: true,
            name: PERSON,
            title: 'Managing Director',
            acceptedAgreementVersion: 'E2E-T',
            consentsToRelease: true,
          });
          await admin('POST', `/staff/applications/${id}/claim`, {});
          for (const item of [
            'address_is_business_location',
            'signatory_has_authority',
            'distributor_accounts_plausible',
            'screening_reviewed',
          ])
            await admin('PUT', `/staff/applications/${id}/checklist/${item}`, { checked: true });
          await admin('POST', `/staff/applications/${id}/decision`, { decision: 'approve' });
        },
      },
    );

    it('REG-10, X-5: the key person records a completion; a file that is not a PDF is refused whatever its name', async () => {
      await signIn(APPLICANT, '/partner/training');
      await arriveAt(/\/partner\/training$/, 'partner training');
      await expect(
        page()
          .getByRole('cell', { name: text('training.status.assigned') })
          .isVisible(),
      ).resolves.toBe(true);
      await page()
        .getByRole('link', { name: text('training.record_for', { name: PERSON }) })
        .click();
      await arriveAt(/\/partner\/training\/assignments\/[0-9a-f-]{36}$/, 'record training');

      await page()
        .getByLabel(text('fields.course_id'), { exact: true })
        .selectOption({ label: `Northwind anticorruption and FCPA essentials (${text('training.provider.vendor')})` });
      await page().getByLabel(text('fields.completed_on')).fill('2026-11-20');
      await page().getByLabel(text('fields.certificate_number')).fill('NW-E2E-1');
      await page()
        .getByLabel(text('fields.certificate'), { exact: true })
        .setInputFiles({
          name: 'certificate.pdf',
          mimeType: 'application/pdf',
          buffer: Buffer.from('<html><script>alert(1)</script></html>'),
        });
      await page()
        .getByRole('button', { name: text('training.record_submit') })
        .click();
      await arriveAt(/\/partner\/training\/assignments\/[0-9a-f-]{36}$/, 'record training with errors');
      await expect(page().getByRole('alert').getByRole('listitem').allTextContents()).resolves.toEqual([
        text('rules.certificate_type', { label: text('fields.certificate') }),
      ]);

      await page()
        .getByLabel(text('fields.certificate'), { exact: true })
        .setInputFiles({ name: 'scan.png', mimeType: 'image/png', buffer: PDF });
      await page()
        .getByRole('button', { name: text('training.record_submit') })
        .click();
      await arriveAt(/\/partner\/training\?notice=recorded$/, 'training recorded');
      await expect(page().getByRole('status').first().textContent()).resolves.toBe(text('training.notice.recorded'));
      await expect(page().getByText(text('training.status.awaiting_verification')).first().isVisible()).resolves.toBe(
        true,
      );
      await page()
        .getByRole('button', { name: text('layout.sign_out') })
        .click();
      await page().waitForURL(/\/\?notice=signed_out$/);
    });

    it('REG-10, X-5: a reviewer downloads the certificate and verifies the record', async () => {
      await signIn(REVIEWER, '/staff/training');
      await arriveAt(/\/staff\/training$/, 'staff training');
      const link = page().getByRole('link', { name: text('training.staff.download_certificate', { name: PERSON }) });
      const response = await page().request.get((await link.getAttribute('href'))!);
      expect(response.status()).toBe(200);
      expect(response.headers()['content-type']).toBe('application/pdf');
      expect(response.headers()['content-disposition']).toMatch(/^attachment;/);
      await page()
        .getByRole('button', { name: text('training.staff.verify', { name: PERSON }) })
        .click();
      await arriveAt(/\/staff\/training\?notice=verified$/, 'record verified');
      await expect(page().getByRole('status').first().textContent()).resolves.toBe(text('training.notice.verified'));
      const row = page().getByRole('row').filter({ hasText: 'Fabrikam Training GmbH' }).filter({ hasText: PERSON });
      await expect(row.getByText(text('training.status.verified')).isVisible()).resolves.toBe(true);
    });

    it('REG-10, X-5: an administrator sets the grace period and is told what is wrong with a course', async () => {
      await page()
        .getByRole('button', { name: text('layout.sign_out') })
        .click();
      await page().waitForURL(/\/\?notice=signed_out$/);
      await signIn(ADMIN, '/staff/training/settings');
      await arriveAt(/\/staff\/training\/settings$/, 'training settings');
      await page().getByLabel(text('fields.grace_days')).fill('60');
      await page()
        .getByRole('button', { name: text('training.staff.save_settings') })
        .click();
      await arriveAt(/\/staff\/training\/settings\?notice=settings_saved$/, 'settings saved');
      await expect(page().getByLabel(text('fields.grace_days')).inputValue()).resolves.toBe('60');
      await page()
        .getByRole('textbox', { name: text('fields.name'), exact: true })
        .fill('Partner-run course');
      await page().getByLabel(text('fields.link')).fill('not a link');
      await page()
        .getByRole('button', { name: text('training.staff.add_course') })
        .click();
      await arriveAt(/\/staff\/training\/courses$/, 'course with errors');
      await expect(page().getByRole('alert').getByRole('listitem').allTextContents()).resolves.toEqual([
        text('rules.url', { label: text('fields.link') }),
      ]);
    });
  },
);
