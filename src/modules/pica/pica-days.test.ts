import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { createPartner, createStaffAdmin, testMeta } from '../../../test/helpers/fixtures.ts';
import type { Actor } from '../../platform/auth.ts';
import { createContract, setPartnerSettings } from './contracts.service.ts';

/** #16.5: days from the staff PICA forms that PostgreSQL would refuse are the caller's error. */
let t: TestApp;
let staff: Actor;
beforeAll(async () => {
  t = await createTestApp();
  staff = await createStaffAdmin(t.ctx);
});
afterAll(() => t.close());

describe('PICA-1 days', () => {
  it('PICA-1, #16.5: a year-0000 agreement or contract day is a 422 naming the field and the rule (was a 500)', async () => {
    const partner = await createPartner(t.ctx, { country: 'DE' });
    await expect(
      setPartnerSettings(
        t.ctx,
        staff,
        partner.id,
        { ownBrandSupport: true, agreementSignedOn: '0000-01-01' },
        testMeta,
      ),
    ).rejects.toMatchObject({
      status: 422,
      violations: [expect.objectContaining({ field: 'agreement_signed_on', rule: 'date' })],
    });
    await expect(
      createContract(
        t.ctx,
        staff,
        {
          number: `SC-Z-${Date.now() % 100000}`,
          partnerId: partner.id,
          typeCode: 'PICA',
          startsOn: '0000-01-01',
          endsOn: '2027-01-01',
        },
        testMeta,
      ),
    ).rejects.toMatchObject({
      status: 422,
      violations: expect.arrayContaining([expect.objectContaining({ field: 'starts_on', rule: 'date' })]),
    });
  });
});
