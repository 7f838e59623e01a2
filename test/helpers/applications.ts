import type { AppContext } from '../../src/platform/context.ts';
import type { ApplicationAnswers, Step } from '../../src/modules/registration/registration.rules.ts';
import { saveStep, startApplication, submitApplication } from '../../src/modules/registration/registration.service.ts';
import { publishAgreement } from '../../src/modules/registration/agreements.service.ts';
import type { Actor } from '../../src/platform/auth.ts';
import { createDistributor, createUser, testMeta, type DistributorFixture } from './fixtures.ts';

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

/**
 * Where the review tests start: EuroDist GmbH (HQ in Germany, serving `territories`), two
 * reviewers and a published agreement 2026.1.
 */
export async function reviewSetting(
  ctx: AppContext,
  territories: string[],
): Promise<{ eurodist: DistributorFixture; reviewerA: Actor; reviewerB: Actor }> {
  const eurodist = await createDistributor(ctx, { hqCountry: 'DE', territories, legalName: 'EuroDist GmbH' });
  const reviewerA = await createUser(ctx, [{ role: 'staff_reviewer', organisationId: null }]);
  const reviewerB = await createUser(ctx, [{ role: 'staff_reviewer', organisationId: null }]);
  await publishAgreement(
    ctx,
    await createUser(ctx, [{ role: 'staff_admin', organisationId: null }]),
    {
      version: '2026.1',
      governingLanguage: 'en',
      texts: { en: { title: 'ICPA', body: 'Terms.' } },
      effectiveAt: new Date('2026-01-01'),
    },
    testMeta,
  );
  return { eurodist, reviewerA, reviewerB };
}
