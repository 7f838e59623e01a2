import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createDistributor, insertClaim } from '../../../test/helpers/fixtures.ts';
import { claimsOfPartner } from '../distributors/index.ts';
import { createApplicantPartner, findPartner, registerPartner } from './index.ts';
import { findPartnerHome } from './partners.service.ts';
import { trainingStatusFromRows, trainingStatusOf } from './training.service.ts';

// #15 (decision 064, amendment "the Self Service home"): the home reads the partner, its
// locations' marks, its claims and its training rows in one statement; each part must be what the
// separate reads give.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function registered(legalName: string, keyPersonnel: { name: string; email: string; role: string }[]) {
  const now = new Date('2026-11-28T10:00:00Z');
  const contact = { name: 'Nora', email: `nora@${legalName.split(' ')[0]!.toLowerCase()}.example`, phone: '+49 40 1' };
  const id = await t.ctx.db
    .transaction()
    .execute((trx) => createApplicantPartner(trx, { legalName, country: 'DE', initialDistributorId: null, contact }));
  const agreementId = (
    await t.ctx.db
      .insertInto('agreements')
      .values({ version: `home-${legalName}`, title: 'ICPA', body: 'Terms.', body_hash: 'x', effective_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await t.ctx.db.transaction().execute((trx) =>
    registerPartner(trx, {
      partnerId: id,
      agreement: { id: agreementId, effectiveAt: now, renewalDueAt: new Date('2027-11-28T10:00:00Z') },
      keyPersonnel,
      locations: [{ lines: ['Hafenstraße 1'], city: 'Hamburg', postcode: '', country: 'de', type: 'office' }],
      now,
    }),
  );
  return id;
}

describe('#15 the Partner Self Service home in one read', () => {
  it('#15, REG-4, REG-10: the one read gives the partner, its claims and its training as the separate reads do', async () => {
    const id = await registered('Einlese Systems GmbH', [
      { name: 'Kai', email: 'kai@einlese.example', role: 'Sales' },
      { name: 'Ada', email: 'ada@einlese.example', role: '' },
    ]);
    const zeta = await createDistributor(t.ctx, { hqCountry: 'DE', legalName: 'Zeta Distribution GmbH' });
    const alpha = await createDistributor(t.ctx, { hqCountry: 'DE', legalName: 'Alpha Distribution GmbH' });
    await insertClaim(t.ctx, id, zeta.id, 'Z-2', 'confirmed');
    await insertClaim(t.ctx, id, alpha.id, 'A-9', 'pending');
    await insertClaim(t.ctx, id, alpha.id, 'A-1', 'rejected');

    const home = await findPartnerHome(t.ctx.db, id);
    expect(home?.partner).toEqual(await findPartner(t.ctx.db, id));
    expect(home?.locations).toEqual([{ listed: false, findings: [] }]);
    // The same claims, in the same order (distributor name, then account), with dates as dates.
    expect(home?.claims).toEqual(await claimsOfPartner(t.ctx.db, id));
    expect(home?.claims.map((c) => c.accountNumber)).toEqual(['A-1', 'A-9', 'Z-2']);
    expect(home?.trainingRows.map((r) => r.name)).toEqual(['Ada', 'Kai']);
    // Before, near and after the training's due date (due, then overdue).
    for (const now of ['2026-12-01', '2027-10-15', '2027-12-15'].map((d) => new Date(`${d}T12:00:00Z`)))
      expect(await trainingStatusFromRows(t.ctx.db, home!.trainingRows, now)).toEqual(
        await trainingStatusOf(t.ctx.db, id, now),
      );
  });

  it('#15: a partner with no claims and no key personnel reads as empty lists; an unknown one as nothing', async () => {
    const id = await registered('Leer Systems GmbH', []);
    expect(await findPartnerHome(t.ctx.db, id)).toMatchObject({ claims: [], trainingRows: [] });
    expect(await findPartnerHome(t.ctx.db, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });
});
