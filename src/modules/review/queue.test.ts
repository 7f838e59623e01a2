import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { reviewSetting, submittedApplication } from '../../../test/helpers/applications.ts';
import type { Actor } from '../../platform/auth.ts';
import { reviewQueue } from './review.service.ts';

// #15 (decision 064, amendment "the staff queue"): the queue's flag column is counted when a
// submission is written (a trigger, migration 2026_12_04_0900_review_queue), not per row shown.

let t: TestApp;
let reviewer: Actor;
let distributorId: string;

beforeAll(async () => {
  t = await createTestApp();
  const setting = await reviewSetting(t.ctx, ['DE']);
  reviewer = setting.reviewerA;
  distributorId = setting.eurodist.id;
});
afterAll(() => t.close());

const flagsOf = async (id: string) => (await reviewQueue(t.ctx, reviewer)).find((e) => e.id === id)?.flags;

/** Another snapshot of the application, as a resubmission writes it, with these findings. */
async function resubmit(id: string, findings: { outcome: string }[]) {
  await sql`INSERT INTO application_submissions (application_id, sequence, submitted_by, answers, findings,
      agreement_id, signatory_name, signatory_title)
    SELECT application_id, sequence + 1, submitted_by, answers, ${JSON.stringify(findings)}::jsonb,
      agreement_id, signatory_name, signatory_title
    FROM application_submissions WHERE application_id = ${id} ORDER BY sequence DESC LIMIT 1`.execute(t.ctx.db);
}

describe('#15 the review queue', () => {
  it("REG-12, #15: each row's flags are the latest submission's review findings, counted when it is written", async () => {
    // REG-7: a business centre's address is a finding for the reviewer.
    const flagged = await submittedApplication(t.ctx, {
      name: 'Flag Count GmbH',
      email: 'f@flag-count.example',
      lines: ['Regus Business Centre', 'Friedrichstraße 123'],
      distributorId,
    });
    const plain = await submittedApplication(t.ctx, {
      name: 'No Flags GmbH',
      email: 'n@no-flags.example',
      lines: ['Hauptstraße 1'],
      distributorId,
    });
    const first = await flagsOf(flagged);
    expect(first).toBeGreaterThan(0);
    expect(await flagsOf(plain)).toBe(0);

    await resubmit(flagged, []);
    expect(await flagsOf(flagged)).toBe(0);
    await resubmit(flagged, [{ outcome: 'review' }, { outcome: 'pass' }, { outcome: 'review' }, { outcome: 'block' }]);
    expect(await flagsOf(flagged)).toBe(2);
    expect(await flagsOf(plain)).toBe(0);
  });
});
