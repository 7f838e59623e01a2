import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { reviewSetting } from '../../../test/helpers/applications.ts';
import { createUser, sessionFor, testMeta, type DistributorFixture } from '../../../test/helpers/fixtures.ts';
import type { Actor } from '../../platform/auth.ts';
import { verifyAuditChain } from '../audit/index.ts';
import { getApplication, saveStep, startApplication, submitApplication } from '../registration/registration.service.ts';
import type { ApplicationAnswers, Step } from '../registration/registration.rules.ts';
import { CHECKLIST_ITEMS } from './review.rules.ts';
import { claimApplication, decideApplication, reviewDetail, reviewQueue, setChecklistItem } from './review.service.ts';

let t: TestApp;
let eurodist: DistributorFixture;
let reviewerA: Actor;
let reviewerB: Actor;

beforeAll(async () => {
  t = await createTestApp();
  ({ eurodist, reviewerA, reviewerB } = await reviewSetting(t.ctx, ['AT']));
});
afterAll(() => t.close());

function answers(distributorId: string, name: string, email: string): ApplicationAnswers {
  const domain = email.split('@')[1]!;
  return {
    company: {
      legalName: name,
      legalForm: 'limited_company',
      country: 'DE',
      website: `https://${domain}`,
      registrationNumber: 'HRB 1',
    },
    contacts: { primary: { name: 'Applicant Person', email, phone: '+49 30 901820', title: 'CEO' } },
    locations: {
      items: [{ lines: ['Friedrichstraße 1'], city: 'Berlin', postcode: '10117', country: 'DE', type: 'office' }],
    },
    distributors: { items: [{ distributorId, accountNumber: `ACC-${domain}` }], initialDistributorId: distributorId },
    added_value: {
      canDemonstrate: true,
      providesServices: true,
      servicesDescription: 'Demonstrations on site and professional services with every sale.',
    },
    personnel: { items: [{ name: 'Key Person', email: `key@${domain}`, role: 'Account manager' }] },
  };
}

/** A submitted application by a new applicant; returns its id and the applicant. */
async function submitted(name: string, email: string): Promise<{ id: string; applicant: Actor }> {
  const applicant = await createUser(t.ctx, [], email);
  const app = await startApplication(t.ctx, applicant, testMeta);
  let version = app.version;
  const all = answers(eurodist.id, name, email);
  for (const step of Object.keys(all) as Step[])
    version = (await saveStep(t.ctx, applicant, app.id, step, all[step], version, testMeta)).application.version;
  await submitApplication(
    t.ctx,
    applicant,
    app.id,
    {
      confirmsAuthority: true,
      name: 'Applicant Person',
      title: 'CEO',
      acceptedAgreementVersion: '2026.1',
      consentsToRelease: true,
    },
    undefined,
    testMeta,
  );
  return { id: app.id, applicant };
}

async function tickAll(id: string) {
  for (const item of CHECKLIST_ITEMS) await setChecklistItem(t.ctx, reviewerA, id, item, true, testMeta);
}

describe('REG-12 review and decisions', () => {
  it('REG-12: lists submitted applications with their age against the 15-business-day target', async () => {
    const { id } = await submitted('Queue Test GmbH', 'q@queue-test.example');
    await t.ctx.db
      .updateTable('applications')
      .set({ submitted_at: new Date('2026-10-01T09:00:00Z') })
      .where('id', '=', id)
      .execute();
    const queue = await reviewQueue(t.ctx, reviewerA, {}, new Date('2026-11-02T09:00:00Z'));
    const entry = queue.find((e) => e.id === id)!;
    expect(entry).toMatchObject({
      legalName: 'Queue Test GmbH',
      country: 'DE',
      ageBusinessDays: 22,
      overdue: true,
      reviewer: null,
    });
    await claimApplication(t.ctx, reviewerA, id, false, testMeta);
    await expect(claimApplication(t.ctx, reviewerB, id, false, testMeta)).rejects.toMatchObject({
      status: 409,
      code: 'already_claimed',
    });
    expect((await reviewQueue(t.ctx, reviewerA, { assigned: 'me' })).map((e) => e.id)).toContain(id);
  });

  it('REG-12: approval needs the reviewer checklist; a decline needs an internal reason', async () => {
    const { id } = await submitted('Checklist GmbH', 'c@checklist.example');
    await expect(decideApplication(t.ctx, reviewerA, id, { decision: 'approve' }, testMeta)).rejects.toMatchObject({
      code: 'validation_failed',
      violations: [expect.objectContaining({ rule: 'checklist_incomplete' })],
    });
    await expect(
      decideApplication(t.ctx, reviewerA, id, { decision: 'decline', internalReason: ' ' }, testMeta),
    ).rejects.toMatchObject({ violations: [{ field: 'internal_reason', rule: 'required' }] });
  });

  it('REG-12: two reviewers deciding at once produce one decision and a 409 for the other', async () => {
    const { id } = await submitted('Race GmbH', 'r@race.example');
    await tickAll(id);
    const results = await Promise.allSettled([
      decideApplication(t.ctx, reviewerA, id, { decision: 'approve' }, testMeta),
      decideApplication(
        t.ctx,
        reviewerB,
        id,
        { decision: 'decline', internalReason: 'Duplicate of another application.' },
        testMeta,
      ),
    ]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatchObject({ status: 409, code: 'already_decided' });
    const decisions = await t.ctx.db
      .selectFrom('application_decisions')
      .select('decision')
      .where('application_id', '=', id)
      .execute();
    expect(decisions).toHaveLength(1);
  });

  it('REG-12/REG-3/REG-7/REG-10: an approval registers the partner and creates everything in one transaction', async () => {
    const { id, applicant } = await submitted('Approved Systems GmbH', 'a@approved.example');
    await tickAll(id);
    const now = new Date('2026-11-21T10:00:00Z');
    await decideApplication(t.ctx, reviewerA, id, { decision: 'approve' }, testMeta, now);
    const application = await getApplication(t.ctx, applicant, id);
    expect(application.status).toBe('approved');
    const partner = await t.ctx.db
      .selectFrom('partners')
      .selectAll()
      .where('legal_name', '=', 'Approved Systems GmbH')
      .executeTakeFirstOrThrow();
    expect(partner).toMatchObject({ status: 'registered', initial_distributor_id: eurodist.id });
    expect(partner.agreement_effective_at?.toISOString()).toBe(now.toISOString());
    expect(partner.renewal_due_at?.toISOString()).toBe('2027-11-21T10:00:00.000Z');
    const training = await t.ctx.db
      .selectFrom('training_assignments')
      .select(['person_email', 'due_at'])
      .where('partner_id', '=', partner.organisation_id)
      .execute();
    expect(training).toEqual([{ person_email: 'key@approved.example', due_at: new Date('2027-11-21T10:00:00.000Z') }]);
    const listing = await t.ctx.db
      .selectFrom('partner_locations')
      .select(['city', 'listed'])
      .where('partner_id', '=', partner.organisation_id)
      .execute();
    expect(listing).toEqual([{ city: 'Berlin', listed: false }]);
    const onboarding = await t.ctx.db
      .selectFrom('outbox')
      .select('subject')
      .where('template', '=', 'onboarding')
      .execute();
    expect(onboarding.map((m) => m.subject)).toContain('New partner for on-boarding: Approved Systems GmbH');
    const grants = await t.ctx.db
      .selectFrom('user_roles')
      .select('role')
      .where('user_id', '=', applicant.userId)
      .orderBy('role')
      .execute();
    expect(grants.map((g) => g.role)).toEqual(['partner_admin', 'partner_signatory']);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it('REG-12: a failure in the middle of an approval leaves nothing half-done', async () => {
    const { id } = await submitted('Half Done GmbH', 'h@half-done.example');
    await tickAll(id);
    const before = {
      outbox: await count('outbox'),
      audit: await count('audit_log'),
      grants: await count('user_roles'),
    };
    // Training assignments are written after the partner is registered: make that insert fail.
    await sql
      .raw(
        `CREATE FUNCTION fail_training() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`,
      )
      .execute(t.ctx.db);
    await sql
      .raw(
        `CREATE TRIGGER fail_training BEFORE INSERT ON training_assignments FOR EACH ROW EXECUTE FUNCTION fail_training()`,
      )
      .execute(t.ctx.db);
    try {
      await expect(decideApplication(t.ctx, reviewerA, id, { decision: 'approve' }, testMeta)).rejects.toThrow(
        /disk full/,
      );
    } finally {
      await sql.raw('DROP TRIGGER fail_training ON training_assignments').execute(t.ctx.db);
      await sql.raw('DROP FUNCTION fail_training').execute(t.ctx.db);
    }
    const application = await t.ctx.db
      .selectFrom('applications')
      .select(['status', 'partner_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(application.status).toBe('submitted');
    const partner = await t.ctx.db
      .selectFrom('partners')
      .select('status')
      .where('organisation_id', '=', application.partner_id!)
      .executeTakeFirstOrThrow();
    expect(partner.status).toBe('applicant');
    expect(await count('application_decisions', id)).toBe(0);
    expect({
      outbox: await count('outbox'),
      audit: await count('audit_log'),
      grants: await count('user_roles'),
    }).toEqual(before);
    // And it can be approved once the fault is gone.
    await decideApplication(t.ctx, reviewerA, id, { decision: 'approve' }, testMeta);
  });

  it('REG-12: more information: the applicant reads the question, answers and resubmits', async () => {
    const { id, applicant } = await submitted('Question GmbH', 'q@question.example');
    await decideApplication(
      t.ctx,
      reviewerA,
      id,
      { decision: 'request_info', question: 'Please describe your demo facilities.' },
      testMeta,
    );
    expect((await getApplication(t.ctx, applicant, id)).staffQuestion).toBe('Please describe your demo facilities.');
    const again = await submitApplication(
      t.ctx,
      applicant,
      id,
      {
        confirmsAuthority: true,
        name: 'Applicant Person',
        title: 'CEO',
        acceptedAgreementVersion: '2026.1',
        consentsToRelease: true,
      },
      'We have a showroom in Berlin.',
      testMeta,
    );
    expect(again.application.status).toBe('submitted');
    const detail = await reviewDetail(t.ctx, reviewerA, id);
    expect(detail.applicantAnswer).toBe('We have a showroom in Berlin.');
    expect(await count('application_submissions', id)).toBe(2);
  });

  it('REG-12: a decline reason is never disclosed to the applicant: not in any page, API response or email they can reach', async () => {
    const { id, applicant } = await submitted('Declined Ventures GmbH', 'd@declined.example');
    const secret = 'INTERNAL-REASON-7f3a: suspected front company';
    await decideApplication(t.ctx, reviewerA, id, { decision: 'decline', internalReason: secret }, testMeta);
    // Staff see it.
    expect((await reviewDetail(t.ctx, reviewerA, id)).decisions[0]!.internalReason).toBe(secret);

    const cookie = await sessionFor(t.ctx, applicant);
    const reachable = [
      '/',
      '/account',
      '/apply',
      `/apply/${id}/status`,
      `/apply/${id}/review`,
      `/apply/${id}/company`,
      '/api/v1/me',
      '/api/v1/applications',
      `/api/v1/applications/${id}`,
      `/api/v1/applications/${id}/status`,
      `/api/v1/applications/${id}/review`,
    ];
    let pagesRead = 0;
    for (const url of reachable) {
      const res = await t.app.inject({
        method: 'GET',
        url,
        cookies: { pp_session: cookie },
        headers: { accept: url.startsWith('/api/') ? 'application/json' : 'text/html' },
      });
      expect(res.body, url).not.toContain('INTERNAL-REASON-7f3a');
      expect(res.body, url).not.toContain('suspected front company');
      if (res.statusCode === 200) pagesRead += 1;
    }
    expect(pagesRead).toBeGreaterThanOrEqual(8);
    const status = (
      await t.app.inject({ method: 'GET', url: `/api/v1/applications/${id}/status`, cookies: { pp_session: cookie } })
    ).json();
    expect(status).toMatchObject({ status: 'declined', staffQuestion: null });
    const mails = await t.ctx.db
      .selectFrom('outbox')
      .select(['subject', 'text_body', 'html_body'])
      .where('recipient', '=', applicant.email)
      .execute();
    expect(mails.length).toBeGreaterThanOrEqual(2);
    for (const mail of mails)
      expect(`${mail.subject}${mail.text_body}${mail.html_body}`).not.toContain('suspected front company');
    // Nor does the audit log copy it: it points to the decision instead.
    const audit = await t.ctx.db.selectFrom('audit_log').select('data').where('subject_id', '=', id).execute();
    expect(JSON.stringify(audit)).not.toContain('suspected front company');
  });
});

async function count(
  table: 'outbox' | 'audit_log' | 'user_roles' | 'application_decisions' | 'application_submissions',
  applicationId?: string,
): Promise<number> {
  let query = t.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
  if (applicationId) query = query.where('application_id' as never, '=', applicationId as never);
  return Number((await query.executeTakeFirstOrThrow()).n);
}
