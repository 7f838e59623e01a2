import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createUser, insertClaim, createDistributor } from '../../../test/helpers/fixtures.ts';
import {
  createApplicantPartner,
  findPartner,
  locationsOfPartner,
  partnerOfUser,
  partnersOfUser,
  purchaseRestrictedPartners,
  registerPartner,
  trainingStatusOf,
  updateApplicantPartner,
} from './index.ts';
import { purchaseRestrictionReasons } from './partners.rules.ts';
import { trainingDueAt } from './training.rules.ts';

describe('partners rules', () => {
  it('REG-10: training is due 12 months after the agreement becomes effective', () => {
    expect(trainingDueAt(new Date('2026-02-15T09:00:00Z'))).toEqual(new Date('2027-02-15T09:00:00Z'));
  });

  it('REG-4: names every reason a registered partner cannot buy', () => {
    expect(purchaseRestrictionReasons({ hasConfirmedAccount: true, reviewOverdue: false })).toEqual([]);
    expect(purchaseRestrictionReasons({ hasConfirmedAccount: false, reviewOverdue: true })).toEqual([
      'no_confirmed_account',
      'review_overdue',
    ]);
    expect(purchaseRestrictionReasons({ hasConfirmedAccount: true, reviewOverdue: true })).toEqual(['review_overdue']);
  });
});

describe('partners service', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const applicant = {
    legalName: '  Nordlicht IT GmbH ',
    country: 'DE',
    initialDistributorId: null,
    contact: { name: ' Nora ', email: 'nora@nordlicht.example ', phone: '+49 40 1' },
  };

  it('REG-12: an applicant partner becomes registered with training (REG-10) and unlisted locations (REG-14)', async () => {
    const now = new Date('2026-11-28T10:00:00Z');
    const id = await t.ctx.db.transaction().execute((trx) => createApplicantPartner(trx, applicant));
    expect(await findPartner(t.ctx.db, id)).toMatchObject({
      id,
      legalName: 'Nordlicht IT GmbH',
      status: 'applicant',
      contact: { name: 'Nora', email: 'nora@nordlicht.example' },
      agreement: null,
      version: 1,
    });

    await t.ctx.db
      .transaction()
      .execute((trx) => updateApplicantPartner(trx, id, { ...applicant, legalName: 'Nordlicht Systems GmbH' }));
    expect(await findPartner(t.ctx.db, id)).toMatchObject({ legalName: 'Nordlicht Systems GmbH', version: 2 });

    const agreementId = (
      await t.ctx.db
        .insertInto('agreements')
        .values({ version: 'partners-test', title: 'ICPA', body: 'Terms.', body_hash: 'x', effective_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await t.ctx.db.transaction().execute((trx) =>
      registerPartner(trx, {
        partnerId: id,
        agreement: { id: agreementId, effectiveAt: now, renewalDueAt: new Date('2027-11-28T10:00:00Z') },
        keyPersonnel: [{ name: ' Kai ', email: 'kai@nordlicht.example', role: '' }],
        locations: [{ lines: [' Hafenstraße 1 ', ''], city: 'Hamburg', postcode: '', country: 'de', type: 'office' }],
        now,
      }),
    );
    expect(await findPartner(t.ctx.db, id)).toMatchObject({
      status: 'registered',
      registeredAt: now,
      distributorInfoReviewedAt: now,
      agreement: { id: agreementId, effectiveAt: now },
    });
    expect(await trainingStatusOf(t.ctx.db, id, now)).toMatchObject({
      people: 1,
      compliance: 'compliant',
      nextDueAt: new Date('2027-11-28T10:00:00Z'),
    });
    expect(await locationsOfPartner(t.ctx.db, id)).toMatchObject([
      { lines: ['Hafenstraße 1'], city: 'Hamburg', postcode: null, country: 'DE', listed: false },
    ]);
  });

  it('finds the partners a user holds a role in', async () => {
    const id = await t.ctx.db
      .transaction()
      .execute((trx) => createApplicantPartner(trx, { ...applicant, legalName: 'Member Partner Ltd' }));
    const member = await createUser(t.ctx, [{ role: 'partner_admin', organisationId: id }]);
    const stranger = await createUser(t.ctx);
    expect((await partnersOfUser(t.ctx.db, member.userId)).map((p) => p.id)).toEqual([id]);
    expect((await partnerOfUser(t.ctx.db, member.userId))?.legalName).toBe('Member Partner Ltd');
    expect(await partnerOfUser(t.ctx.db, stranger.userId)).toBeUndefined();
  });

  it('REG-4: lists registered partners without a confirmed account as purchase-restricted', async () => {
    const now = new Date();
    const distributor = await createDistributor(t.ctx, { hqCountry: 'DE' });
    const ids = await t.ctx.db
      .transaction()
      .execute(async (trx) => [
        await createApplicantPartner(trx, { ...applicant, legalName: 'Confirmed Co' }),
        await createApplicantPartner(trx, { ...applicant, legalName: 'Unconfirmed Co' }),
      ]);
    await t.ctx.db
      .updateTable('partners')
      .set({ status: 'registered', distributor_info_reviewed_at: now })
      .where('organisation_id', 'in', ids)
      .execute();
    await insertClaim(t.ctx, ids[0]!, distributor.id, 'ACC-1', 'confirmed');
    const restricted = await purchaseRestrictedPartners(t.ctx.db, 12, now);
    expect(restricted.find((p) => p.partnerId === ids[0])).toBeUndefined();
    expect(restricted.find((p) => p.partnerId === ids[1])).toMatchObject({
      legalName: 'Unconfirmed Co',
      reasons: ['no_confirmed_account'],
    });
  });
});
