import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createStaffAdmin, testMeta } from '../../../test/helpers/fixtures.ts';
import type { Actor } from '../../platform/auth.ts';
import { partnerSettings, updatePartnerSettings } from './self-service.service.ts';
import { trainingSettings, updateTrainingSettings } from './training-admin.service.ts';

// Decision 064: the programme's settings, read by every Partner Self Service home, are kept for a
// few seconds; a change by staff drops them at once.

let t: TestApp;
let staff: Actor;

beforeAll(async () => {
  t = await createTestApp();
  staff = await createStaffAdmin(t.ctx);
});
afterAll(() => t.close());

describe('#15: the cached programme settings', () => {
  it('#15/REG-4: a changed maintenance period is what the next read answers', async () => {
    const before = await partnerSettings(t.ctx.db);
    const months = before.maintenanceMonths === 18 ? 24 : 18;
    await updatePartnerSettings(t.ctx, staff, { maintenanceMonths: months }, testMeta);
    expect(await partnerSettings(t.ctx.db)).toEqual({ maintenanceMonths: months });
  });

  it('#15/REG-10: changed training settings (and their version) are what the next read answers', async () => {
    const before = await trainingSettings(t.ctx.db);
    const changed = {
      graceDays: before.graceDays + 1,
      flagAfterDays: before.flagAfterDays + 1,
      restrictNonCompliant: !before.restrictNonCompliant,
    };
    await updateTrainingSettings(t.ctx, staff, { ...changed, version: before.version }, testMeta);
    expect(await trainingSettings(t.ctx.db)).toEqual({ ...changed, version: before.version + 1 });
  });
});
