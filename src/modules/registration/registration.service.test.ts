import { acceptSignatoryInvitation, inviteSignatory } from './invitations.service.ts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import {
  createDistributor,
  createUser,
  testMeta,
  type DistributorFixture,
  publishTestAgreement,
} from '../../../test/helpers/fixtures.ts';
import type { Actor } from '../../platform/auth.ts';
import { verifyAuditChain } from '../audit/index.ts';
import {
  saveStep,
  startApplication,
  submitApplication,
  reviewApplication,
  getApplication,
} from './registration.service.ts';
import type { ApplicationAnswers, Step } from './registration.rules.ts';

let t: TestApp;
let applicant: Actor;
let eurodist: DistributorFixture;

beforeAll(async () => {
  t = await createTestApp();
  applicant = await createUser(t.ctx, [], 'carla@contoso-systems.example');
  eurodist = await createDistributor(t.ctx, { hqCountry: 'DE', territories: ['AT'], legalName: 'EuroDist GmbH' });
  const staff = await createUser(t.ctx, [{ role: 'staff_admin', organisationId: null }]);
  await publishTestAgreement(t.ctx, staff);
});
afterAll(() => t.close());

export function completeAnswers(distributorId: string): Required<ApplicationAnswers> {
  return {
    company: {
      legalName: 'Contoso Systems GmbH',
      legalForm: 'limited_company',
      country: 'DE',
      website: 'https://contoso-systems.example',
      registrationNumber: 'HRB 123456',
    },
    contacts: {
      primary: {
        name: 'Carla Applicant',
        email: 'carla@contoso-systems.example',
        phone: '+49 30 901820',
        title: 'Sales Director',
      },
    },
    locations: {
      items: [{ lines: ['Friedrichstraße 123'], city: 'Berlin', postcode: '10117', country: 'DE', type: 'office' }],
    },
    distributors: { items: [{ distributorId, accountNumber: 'CONTOSO-1' }], initialDistributorId: distributorId },
    added_value: {
      canDemonstrate: true,
      providesServices: true,
      servicesDescription: 'Demonstrations on site, installation, and managed support contracts.',
    },
    personnel: { items: [{ name: 'Carla Applicant', email: 'carla@contoso-systems.example', role: 'Account lead' }] },
  };
}

async function fill(id: string, answers: ApplicationAnswers) {
  let version = (await getApplication(t.ctx, applicant, id)).version;
  for (const step of Object.keys(answers) as Step[]) {
    const saved = await saveStep(t.ctx, applicant, id, step, answers[step], version, testMeta);
    version = saved.application.version;
  }
}

const signature = {
  confirmsAuthority: true,
  name: 'Carla Applicant',
  title: 'Managing Director',
  acceptedAgreementVersion: '2026.1',
  consentsToRelease: true,
};

describe('REG-13 Partner Registration Tool (service)', () => {
  it('REG-13: keeps what was typed on a failing step, and completes it once the rules pass', async () => {
    const app = await startApplication(t.ctx, applicant, testMeta);
    expect(app.status).toBe('draft');
    const bad = await saveStep(
      t.ctx,
      applicant,
      app.id,
      'contacts',
      { primary: { name: 'Carla', email: 'carla@gmail.com', phone: '+49 30 901820', title: '' } },
      app.version,
      testMeta,
    );
    expect(bad.findings.find((f) => f.outcome === 'fail')).toMatchObject({
      rule: 'REG-8',
      code: 'email_public_domain',
    });
    expect(bad.application.answers.contacts?.primary.email).toBe('carla@gmail.com');
    expect(bad.application.completedSteps).not.toContain('contacts');
    const stale = saveStep(
      t.ctx,
      applicant,
      app.id,
      'contacts',
      { primary: { name: 'Carla', email: 'carla@contoso-systems.example', phone: '+49 30 901820', title: '' } },
      app.version,
      testMeta,
    );
    await expect(stale).rejects.toMatchObject({ code: 'stale_version', status: 409 });
  });

  it('REG-1/REG-6/REG-11: submits once, with snapshot, consents, claims and receipt; a second submit answers with the first', async () => {
    const app = await startApplication(t.ctx, applicant, testMeta);
    await fill(app.id, completeAnswers(eurodist.id));
    const summary = await reviewApplication(t.ctx, applicant, app.id);
    expect(summary.findings.filter((f) => f.outcome === 'fail')).toEqual([]);
    const [first, second] = await Promise.all([
      submitApplication(t.ctx, applicant, app.id, signature, undefined, testMeta),
      submitApplication(t.ctx, applicant, app.id, signature, undefined, testMeta),
    ]);
    expect([first.created, second.created].sort()).toEqual([false, true]);
    expect(first.application.status).toBe('submitted');
    const snapshots = await t.ctx.db
      .selectFrom('application_submissions')
      .selectAll()
      .where('application_id', '=', app.id)
      .execute();
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]!.answers.company?.legalName).toBe('Contoso Systems GmbH');
    const consents = await t.ctx.db
      .selectFrom('consents')
      .select(['kind', 'ip', 'user_agent', 'text_version', 'text_hash'])
      .where('application_id', '=', app.id)
      .orderBy('kind')
      .execute();
    expect(consents.map((c) => c.kind)).toEqual(['icpa', 'release_of_information', 'signature_authority']);
    expect(consents[0]).toMatchObject({ ip: '127.0.0.1', user_agent: 'test', text_version: '2026.1' });
    const claims = await t.ctx.db
      .selectFrom('account_claims')
      .select(['account_number', 'status'])
      .where('distributor_id', '=', eurodist.id)
      .execute();
    expect(claims).toEqual([{ account_number: 'CONTOSO-1', status: 'pending' }]);
    const receipts = await t.ctx.db
      .selectFrom('outbox')
      .select('template')
      .where('recipient', '=', applicant.email)
      .where('template', '=', 'application_receipt')
      .execute();
    expect(receipts).toHaveLength(1);
    await expect(sql`UPDATE application_submissions SET signatory_name = 'forged'`.execute(t.ctx.db)).rejects.toThrow(
      /immutable/,
    );
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it('REG-1/REG-11/REG-6: refuses submission without signature authority, the current agreement or consent', async () => {
    const app = await startApplication(t.ctx, applicant, testMeta);
    await fill(app.id, completeAnswers(eurodist.id));
    await expect(
      submitApplication(
        t.ctx,
        applicant,
        app.id,
        { ...signature, confirmsAuthority: false, acceptedAgreementVersion: '2025.1', consentsToRelease: false },
        undefined,
        testMeta,
      ),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      violations: [
        { field: 'sign.confirms_authority', rule: 'signature_authority_required' },
        { field: 'sign.agreement', rule: 'agreement_not_current', params: { version: '2026.1' } },
        { field: 'sign.release_consent', rule: 'release_consent_required' },
      ],
    });
    expect((await getApplication(t.ctx, applicant, app.id)).status).toBe('draft');
  });

  it('REG-1: a non-signatory invites a colleague who joins the draft and can submit it', async () => {
    const app = await startApplication(t.ctx, applicant, testMeta);
    await inviteSignatory(t.ctx, applicant, app.id, 'boss@contoso-systems.example', testMeta);
    const mail = await t.ctx.db
      .selectFrom('outbox')
      .select('text_body')
      .where('recipient', '=', 'boss@contoso-systems.example')
      .executeTakeFirstOrThrow();
    const token = /token=([\w-]+)/.exec(mail.text_body)![1]!;
    const boss = await createUser(t.ctx, [], 'boss@contoso-systems.example');
    await expect(getApplication(t.ctx, boss, app.id)).rejects.toMatchObject({ status: 404 });
    // #10: the link alone is not enough; another account is refused and joins nothing.
    const stranger = await createUser(t.ctx, [], 'stranger@contoso-systems.example');
    await expect(acceptSignatoryInvitation(t.ctx, stranger, token, testMeta)).rejects.toMatchObject({
      code: 'invitation_not_for_you',
      status: 403,
    });
    await expect(getApplication(t.ctx, stranger, app.id)).rejects.toMatchObject({ status: 404 });
    expect(await acceptSignatoryInvitation(t.ctx, boss, token, testMeta)).toBe(app.id);
    expect((await getApplication(t.ctx, boss, app.id)).members.map((m) => m.role)).toEqual(['preparer', 'signatory']);
    await expect(acceptSignatoryInvitation(t.ctx, boss, token, testMeta)).rejects.toMatchObject({
      code: 'token_invalid',
    });
  });

  it('REG-2: refuses submission when a claimed distributor does not serve the country', async () => {
    const nordic = await createDistributor(t.ctx, { hqCountry: 'SE', legalName: 'Nordic Dist AB' });
    const app = await startApplication(t.ctx, applicant, testMeta);
    const answers = completeAnswers(nordic.id);
    await fill(app.id, answers);
    await expect(submitApplication(t.ctx, applicant, app.id, signature, undefined, testMeta)).rejects.toMatchObject({
      violations: [
        {
          field: 'distributors.0.distributor',
          rule: 'distributor_not_in_territory',
          params: { distributor: 'Nordic Dist AB', country: 'DE' },
        },
      ],
    });
  });

  it('REG-2: a claimed account that the distributor lists for another company waits for the distributor, and the reviewer is told which company', async () => {
    const listing = await createDistributor(t.ctx, { hqCountry: 'DE', legalName: 'Listing Dist GmbH' });
    await t.ctx.db
      .insertInto('distributor_accounts')
      .values({
        distributor_id: listing.id,
        account_number: 'LD-4',
        reseller_name: 'Fabrikam Handel GmbH',
        country: 'DE',
      })
      .execute();
    const app = await startApplication(t.ctx, applicant, testMeta);
    const answers = completeAnswers(listing.id);
    await fill(app.id, {
      ...answers,
      distributors: { items: [{ distributorId: listing.id, accountNumber: 'LD-4' }], initialDistributorId: listing.id },
    });
    const submitted = await submitApplication(t.ctx, applicant, app.id, signature, undefined, testMeta);
    const finding = {
      rule: 'REG-2',
      outcome: 'review',
      field: 'distributors.0.account_number',
      code: 'listed_company_differs',
      params: {
        distributor: 'Listing Dist GmbH',
        account: 'LD-4',
        listed: 'Fabrikam Handel GmbH',
        score: expect.any(Number),
      },
    };
    expect(submitted.findings).toContainEqual(finding);
    const snapshot = await t.ctx.db
      .selectFrom('application_submissions')
      .select('findings')
      .where('application_id', '=', app.id)
      .executeTakeFirstOrThrow();
    expect(snapshot.findings).toContainEqual(finding);
    const claim = await t.ctx.db
      .selectFrom('account_claims')
      .select(['status', 'listed_name', 'name_matched'])
      .where('distributor_id', '=', listing.id)
      .executeTakeFirstOrThrow();
    expect(claim).toEqual({ status: 'pending', listed_name: 'Fabrikam Handel GmbH', name_matched: false });
  });
});
