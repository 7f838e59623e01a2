import type { AppContext } from '../../src/platform/context.ts';
import type { ApplicationAnswers, Step } from '../../src/modules/registration/registration.rules.ts';
import { saveStep, startApplication, submitApplication } from '../../src/modules/registration/registration.service.ts';
import { createUser, testMeta } from './fixtures.ts';

/**
 * A submitted application by a new applicant in Germany, with one location on `lines`: for tests
 * of other modules, which may not reach into registration's files (lint rule 2).
 */
export async function submittedApplication(
  ctx: AppContext,
  options: { name: string; email: string; distributorId: string; lines: string[]; agreementVersion?: string },
): Promise<string> {
  const domain = options.email.split('@')[1]!;
  const all: ApplicationAnswers = {
    company: {
      legalName: options.name,
      legalForm: 'limited_company',
      country: 'DE',
      website: `https://${domain}`,
      registrationNumber: 'HRB 1',
    },
    contacts: { primary: { name: 'Applicant Person', email: options.email, phone: '+49 30 901820', title: 'CEO' } },
    locations: { items: [{ lines: options.lines, city: 'Berlin', postcode: '10117', country: 'DE', type: 'office' }] },
    distributors: {
      items: [{ distributorId: options.distributorId, accountNumber: `ACC-${domain}` }],
      initialDistributorId: options.distributorId,
    },
    added_value: {
      canDemonstrate: true,
      providesServices: true,
      servicesDescription: 'Demonstrations on site and professional services with every sale.',
    },
    personnel: { items: [{ name: 'Key Person', email: `key@${domain}`, role: 'Account manager' }] },
  };
  const applicant = await createUser(ctx, [], options.email);
  const app = await startApplication(ctx, applicant, testMeta);
  let version = app.version;
  for (const step of Object.keys(all) as Step[])
    version = (await saveStep(ctx, applicant, app.id, step, all[step], version, testMeta)).application.version;
  const signature = {
    confirmsAuthority: true,
    name: 'Applicant Person',
    title: 'CEO',
    acceptedAgreementVersion: options.agreementVersion ?? '2026.1',
    consentsToRelease: true,
  };
  await submitApplication(ctx, applicant, app.id, signature, undefined, testMeta);
  return app.id;
}
