import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createDistributor, createPartner, insertClaim, testMeta } from '../../../test/helpers/fixtures.ts';
import { importAccountList } from './account-lists.service.ts';
import { decideClaim } from './claims.service.ts';

// REG-2, X-2 (decision 070): a claim is confirmed either by its distributor (decideClaim) or by an
// uploaded account list that proves it (account-lists.service.ts). Both are the same state change
// and must leave the same trail: the same audit row, written in the transaction of the change, and
// the same outbox rows. Neither sends an email today (no requirement asks the partner to be told),
// so both write none; the test holds the two paths together if one of them starts to.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function lastOutboxId(): Promise<number> {
  const row = await t.ctx.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirstOrThrow();
  return Number(row.id ?? 0);
}

async function trailOf(claimId: string, outboxBefore: number) {
  const claim = await t.ctx.db
    .selectFrom('account_claims')
    .select(['status', 'decided_at'])
    .where('id', '=', claimId)
    .executeTakeFirstOrThrow();
  const audit = await t.ctx.db
    .selectFrom('audit_log')
    .select(['action', 'organisation_id'])
    .where('subject_id', '=', claimId)
    .orderBy('id')
    .execute();
  const outbox = await t.ctx.db
    .selectFrom('outbox')
    .select(['template', 'recipient'])
    .where('id', '>', outboxBefore)
    .orderBy('id')
    .execute();
  return {
    status: claim.status,
    decided: claim.decided_at !== null,
    audit,
    outboxTemplates: outbox.map((o) => o.template),
  };
}

describe('REG-2, X-2: a claim confirmed by a list leaves the trail of one its distributor confirms', () => {
  it('REG-2, X-2: the same audit action and the same outbox rows from both paths', async () => {
    const d = await createDistributor(t.ctx, { hqCountry: 'DE' });

    const byHand = await createPartner(t.ctx, { country: 'DE', legalName: 'Handwerk Systeme GmbH' });
    const handClaim = await insertClaim(t.ctx, byHand.id, d.id, 'HAND-1');
    const beforeHand = await lastOutboxId();
    await decideClaim(t.ctx, d.admin, d.id, handClaim, 'confirm', undefined, testMeta);
    const hand = await trailOf(handClaim, beforeHand);

    const byList = await createPartner(t.ctx, { country: 'DE', legalName: 'Listenwerk Systeme GmbH' });
    const listClaim = await insertClaim(t.ctx, byList.id, d.id, 'LIST-1');
    const beforeList = await lastOutboxId();
    const csv = Readable.from([`account_number,reseller_name,country,status\nLIST-1,${byList.legalName},DE,active\n`]);
    const report = await importAccountList(t.ctx, d.admin, d.id, csv, 'list.csv', testMeta);
    expect(report.status).toBe('done');
    const list = await trailOf(listClaim, beforeList);

    expect(hand).toMatchObject({ status: 'confirmed', decided: true });
    expect(list).toMatchObject({ status: 'confirmed', decided: true });
    expect(hand.audit).toEqual([{ action: 'claim.confirmed', organisation_id: byHand.id }]);
    expect(list.audit).toEqual([{ action: 'claim.confirmed', organisation_id: byList.id }]);
    expect(list.outboxTemplates).toEqual(hand.outboxTemplates);
  });
});
