import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { reviewSetting, submittedApplication } from '../../../test/helpers/applications.ts';
import { createUser, testMeta, type DistributorFixture } from '../../../test/helpers/fixtures.ts';
import type { Actor } from '../../platform/auth.ts';
import { verifyAuditChain } from '../audit/index.ts';
import { addressLists, addToWatchlist, removeFromAllowlist } from '../registration/index.ts';
import { dashboard } from './dashboard.service.ts';
import { allowListFalseAlarm, recordVerdict } from './flags.service.ts';
import { reviewDetail } from './review.service.ts';

let t: TestApp;
let eurodist: DistributorFixture;
let reviewerA: Actor;
let reviewerB: Actor;

beforeAll(async () => {
  t = await createTestApp();
  ({ eurodist, reviewerA, reviewerB } = await reviewSetting(t.ctx, ['DE']));
});
afterAll(() => t.close());

const REGUS = ['Regus Business Centre', 'Friedrichstraße 123'];

const submitted = (name: string, email: string, lines = REGUS) =>
  submittedApplication(t.ctx, { name, email, lines, distributorId: eurodist.id });

const mailDrop = { rule: 'REG-7', code: 'address_mail_drop', field: 'locations.0.lines' };
const flagCodes = async (id: string) =>
  (await reviewDetail(t.ctx, reviewerA, id)).findings.filter((f) => f.outcome === 'review').map((f) => f.code);
const auditOf = (id: string, action: string) =>
  t.ctx.db
    .selectFrom('audit_log')
    .select(['action', 'data', 'actor_user_id'])
    .where('subject_id', '=', id)
    .where('action', 'like', action)
    .orderBy('id')
    .execute();

describe('#11 reviewer feedback on flags', () => {
  it('REG-7: a verdict on a flag is recorded, shown with the application and audited', async () => {
    const id = await submitted('Verdict GmbH', 'v@verdict.example');
    expect(await flagCodes(id)).toContain('address_mail_drop');
    const verdict = await recordVerdict(
      t.ctx,
      reviewerA,
      id,
      { ...mailDrop, verdict: 'confirmed', note: 'A Regus day office, nobody works there.' },
      testMeta,
    );
    expect(verdict).toMatchObject({
      ...mailDrop,
      verdict: 'confirmed',
      note: 'A Regus day office, nobody works there.',
    });
    expect((await reviewDetail(t.ctx, reviewerA, id)).feedback).toEqual([
      expect.objectContaining({ ...mailDrop, verdict: 'confirmed' }),
    ]);
    const audit = await auditOf(id, 'finding.%');
    expect(audit).toEqual([
      {
        action: 'finding.verdict_recorded',
        actor_user_id: reviewerA.userId,
        data: expect.objectContaining({ ...mailDrop, verdict: 'confirmed', previous: null }),
      },
    ]);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it('REG-7: a verdict can be changed; one verdict stands per flag and every change is audited', async () => {
    const id = await submitted('Change GmbH', 'c@change.example');
    await recordVerdict(t.ctx, reviewerA, id, { ...mailDrop, verdict: 'confirmed' }, testMeta);
    await recordVerdict(
      t.ctx,
      reviewerB,
      id,
      { ...mailDrop, verdict: 'false_alarm', note: 'Their own floor in the building.', previous: 'confirmed' },
      testMeta,
    );
    const feedback = (await reviewDetail(t.ctx, reviewerA, id)).feedback;
    expect(feedback).toHaveLength(1);
    expect(feedback[0]).toMatchObject({ verdict: 'false_alarm', note: 'Their own floor in the building.' });
    expect(
      (await auditOf(id, 'finding.%')).map((a) => [a.action, (a.data as { previous: string | null }).previous]),
    ).toEqual([
      ['finding.verdict_recorded', null],
      ['finding.verdict_changed', 'confirmed'],
    ]);
    // A reviewer who saw the old verdict loses to the change made since (409), nothing is overwritten.
    await expect(
      recordVerdict(t.ctx, reviewerA, id, { ...mailDrop, verdict: 'confirmed', previous: 'confirmed' }, testMeta),
    ).rejects.toMatchObject({ status: 409, code: 'verdict_changed' });
    expect((await reviewDetail(t.ctx, reviewerA, id)).feedback[0]!.verdict).toBe('false_alarm');
  });

  it('REG-7: only a flag of the application takes a verdict; bad verdicts are refused', async () => {
    const id = await submitted('Clean GmbH', 'k@clean.example', ['Friedrichstraße 9']);
    await expect(
      recordVerdict(t.ctx, reviewerA, id, { ...mailDrop, verdict: 'confirmed' }, testMeta),
    ).rejects.toMatchObject({ status: 404 });
    const flagged = await submitted('Bad Verdict GmbH', 'b@bad-verdict.example');
    await expect(
      recordVerdict(t.ctx, reviewerA, flagged, { ...mailDrop, verdict: 'maybe' }, testMeta),
    ).rejects.toMatchObject({ status: 422, violations: [{ field: 'verdict', rule: 'required' }] });
  });

  it('REG-7: a confirmed false alarm put on the allow-list in one click is not raised for the next application at that address', async () => {
    const first = await submitted('Allow One GmbH', 'a@allow-one.example');
    await expect(allowListFalseAlarm(t.ctx, reviewerA, first, mailDrop, 'here', testMeta)).rejects.toMatchObject({
      status: 422,
      violations: [{ field: 'verdict', rule: 'not_false_alarm' }],
    });
    await recordVerdict(
      t.ctx,
      reviewerA,
      first,
      { ...mailDrop, verdict: 'false_alarm', note: 'Own offices in the Regus building.' },
      testMeta,
    );
    const added = await allowListFalseAlarm(t.ctx, reviewerA, first, mailDrop, 'here', testMeta);
    expect(added.created).toBe(true);
    expect(await auditOf(added.id, 'allowlist.%')).toEqual([
      expect.objectContaining({
        action: 'allowlist.added',
        data: expect.objectContaining({
          code: 'address_mail_drop',
          phrase: 'Regus',
          scope: 'Regus Business Centre, Friedrichstraße 123, 10117 Berlin',
          applicationId: first,
        }),
      }),
    ]);
    // A second click changes nothing.
    expect(await allowListFalseAlarm(t.ctx, reviewerA, first, mailDrop, 'here', testMeta)).toEqual({
      id: added.id,
      created: false,
    });

    const second = await submitted('Allow Two GmbH', 'b@allow-two.example');
    expect(await flagCodes(second)).not.toContain('address_mail_drop');
    // Elsewhere the same provider still flags: the entry was limited to that address.
    const elsewhere = await submitted('Allow Three GmbH', 'c@allow-three.example', [
      'Regus Business Centre',
      'Unter den Linden 5',
    ]);
    expect(await flagCodes(elsewhere)).toContain('address_mail_drop');

    // Removed from the allow-list (audited), the flag comes back.
    await removeFromAllowlist(t.ctx, reviewerB, added.id, testMeta);
    expect((await auditOf(added.id, 'allowlist.%')).map((a) => a.action)).toEqual([
      'allowlist.added',
      'allowlist.removed',
    ]);
    expect(await flagCodes(await submitted('Allow Four GmbH', 'd@allow-four.example'))).toContain('address_mail_drop');
  });

  it('REG-7: staff add providers to the watchlist in every kind the checks know; the next application is flagged', async () => {
    const { created, id } = await addToWatchlist(
      t.ctx,
      reviewerA,
      { kind: 'pickup_point', name: 'Kiezbox Paketshop', country: 'de', note: 'Locker chain in Berlin' },
      testMeta,
    );
    expect(created).toBe(true);
    expect(await auditOf(id!, 'watchlist.%')).toEqual([expect.objectContaining({ action: 'watchlist.added' })]);
    expect((await addressLists(t.ctx, reviewerA)).watchlist).toContainEqual(
      expect.objectContaining({ kind: 'pickup_point', name: 'Kiezbox Paketshop', country: 'DE' }),
    );
    const flagged = await submitted('Kiez GmbH', 'k@kiez.example', ['Kiezbox Paketshop', 'Oranienstraße 5']);
    expect((await reviewDetail(t.ctx, reviewerA, flagged)).findings).toContainEqual(
      expect.objectContaining({
        code: 'address_pickup_point',
        params: expect.objectContaining({ provider: 'Kiezbox Paketshop' }),
      }),
    );
    await expect(addToWatchlist(t.ctx, reviewerA, { kind: 'teleport', name: '' }, testMeta)).rejects.toMatchObject({
      status: 422,
    });
  });

  it('REG-7: the dashboard counts each flag kind with its confirmed, false alarms and confirmation rate', async () => {
    const before = (await dashboard(t.ctx, reviewerA)).flagKinds.find((k) => k.code === 'address_care_of');
    const ids = [
      await submitted('Rate One GmbH', 'r1@rate-one.example', ['c/o Acme Holding', 'Friedrichstraße 1']),
      await submitted('Rate Two GmbH', 'r2@rate-two.example', ['c/o Beta Holding', 'Friedrichstraße 2']),
      await submitted('Rate Three GmbH', 'r3@rate-three.example', ['c/o Gamma Holding', 'Friedrichstraße 3']),
    ];
    const careOf = { rule: 'REG-7', code: 'address_care_of', field: 'locations.0.lines' };
    await recordVerdict(t.ctx, reviewerA, ids[0]!, { ...careOf, verdict: 'confirmed' }, testMeta);
    await recordVerdict(t.ctx, reviewerA, ids[1]!, { ...careOf, verdict: 'confirmed' }, testMeta);
    await recordVerdict(t.ctx, reviewerA, ids[2]!, { ...careOf, verdict: 'false_alarm' }, testMeta);
    const after = (await dashboard(t.ctx, reviewerA)).flagKinds.find((k) => k.code === 'address_care_of')!;
    const b = before ?? { flags: 0, confirmed: 0, falseAlarms: 0 };
    expect(after).toMatchObject({ flags: b.flags + 3, confirmed: b.confirmed + 2, falseAlarms: b.falseAlarms + 1 });
    expect(after.confirmationRate).toBeCloseTo((b.confirmed + 2) / (b.confirmed + b.falseAlarms + 3));
  });

  it('refuses people who are not programme staff', async () => {
    const id = await submitted('Forbidden GmbH', 'f@forbidden.example');
    const partner = await createUser(t.ctx, []);
    await expect(
      recordVerdict(t.ctx, partner, id, { ...mailDrop, verdict: 'confirmed' }, testMeta),
    ).rejects.toMatchObject({ status: 403 });
    await expect(allowListFalseAlarm(t.ctx, partner, id, mailDrop, 'everywhere', testMeta)).rejects.toMatchObject({
      status: 403,
    });
    await expect(addressLists(t.ctx, partner)).rejects.toMatchObject({ status: 403 });
    await expect(addToWatchlist(t.ctx, null, { kind: 'mail_drop', name: 'X' }, testMeta)).rejects.toMatchObject({
      status: 401,
    });
  });
});
