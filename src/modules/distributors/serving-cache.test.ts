import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createStaffAdmin, testMeta } from '../../../test/helpers/fixtures.ts';
import type { Actor } from '../../platform/auth.ts';
import {
  createDistributor,
  distributorsServing,
  setDistributorStatus,
  updateDistributor,
} from './distributors.service.ts';

// Decision 064: the distributors serving a country are kept for a few seconds; every write of the
// directory drops them at once, so the Distributor Locator and the wizard never show a stale list
// to the process that made the change.

let t: TestApp;
let staff: Actor;

beforeAll(async () => {
  t = await createTestApp();
  staff = await createStaffAdmin(t.ctx);
});
afterAll(() => t.close());

const input = (code: string, hqCountry: string, territories: string[] = []) => ({
  code,
  legalName: `${code} Distribution Oy`,
  hqCountry,
  territories,
  website: 'https://distribution.example',
  phone: '+358 9 1234 5678',
  email: 'sales@distribution.example',
  acceptsNewResellers: true,
});

const servingNames = async (country: string) => (await distributorsServing(t.ctx, country)).map((d) => d.legalName);

describe('#15/REG-5: the cached distributors serving a country', () => {
  it('#15/REG-5: a distributor added, given a territory, moved and retired shows at once', async () => {
    expect(await servingNames('FI')).toEqual([]);
    expect(await servingNames('EE')).toEqual([]);

    const added = await createDistributor(t.ctx, staff, input('CACHEFI', 'FI'), testMeta);
    expect(await servingNames('FI')).toEqual(['CACHEFI Distribution Oy']);

    const withTerritory = await updateDistributor(
      t.ctx,
      staff,
      added.id,
      input('CACHEFI', 'FI', ['EE']),
      added.version,
      testMeta,
    );
    expect(await servingNames('EE')).toEqual(['CACHEFI Distribution Oy']);

    const moved = await updateDistributor(
      t.ctx,
      staff,
      added.id,
      input('CACHEFI', 'SE'),
      withTerritory.version,
      testMeta,
    );
    expect(await servingNames('FI')).toEqual([]);
    expect(await servingNames('EE')).toEqual([]);
    expect(await servingNames('SE')).toEqual(['CACHEFI Distribution Oy']);

    await setDistributorStatus(t.ctx, staff, added.id, 'retired', moved.version, testMeta);
    expect(await servingNames('SE')).toEqual([]);
  });
});
