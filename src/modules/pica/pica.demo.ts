import type { Trx } from '../../platform/db.ts';
import { insertGrant, insertUser } from '../accounts/index.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts';
import * as contracts from './contracts.repository.ts';
import * as partners from './partner-lookup.repository.ts';

/** The demo PICA administrator of Kranich Systemhaus GmbH (password: the demo password). */
export const DEMO_PICA_ADMIN = { email: 'pica-admin@kranich-systemhaus.example', name: 'Paula Pica' };
/** A Kranich employee who is not yet a PICA administrator (to try "Register to be a PICA administrator"). */
export const DEMO_PICA_APPLICANT = { email: 'support@kranich-systemhaus.example', name: 'Sven Support' };
/** Kranich's qualifying support contract with its demo customer, and a second one. */
export const DEMO_PICA_CONTRACTS = ['KR-PICA-2026-001', 'KR-SNT-2026-002'];

/**
 * PICA demo data inside the demo seeding transaction: contract types (one qualifying), the PICA
 * settings and contracts of Kranich Systemhaus GmbH, its PICA administrator and an applicant.
 */
export async function seedPicaDemo(trx: Trx, passwordHash: string): Promise<void> {
  const kranich = await partners.findPartnerByName(trx, 'Kranich Systemhaus GmbH');
  if (!kranich) return;
  const partnerId = kranich.organisation_id;
  await contracts.upsertType(trx, {
    code: 'PSS',
    name: 'Partner Support Service (own brand)',
    qualifies_pica: true,
    entitlements: ['software_downloads', 'support_cases', 'bug_search', 'documentation'],
  });
  await contracts.upsertType(trx, {
    code: 'SNT',
    name: 'Hardware replacement, next business day',
    qualifies_pica: false,
    entitlements: ['documentation'],
  });
  await contracts.saveSettings(trx, {
    partner_id: partnerId,
    own_brand_support: true,
    agreement_signed_on: new Date('2026-01-15T00:00:00Z'),
  });
  const year = new Date().getUTCFullYear();
  await contracts.insertContract(trx, {
    number: DEMO_PICA_CONTRACTS[0]!,
    partner_id: partnerId,
    type_code: 'PSS',
    customer_name: 'Fabrikam Logistik AG',
    starts_on: new Date(`${year - 1}-01-01T00:00:00Z`),
    ends_on: new Date(`${year + 1}-12-31T00:00:00Z`),
  });
  await contracts.insertContract(trx, {
    number: DEMO_PICA_CONTRACTS[1]!,
    partner_id: partnerId,
    type_code: 'SNT',
    customer_name: null,
    starts_on: new Date(`${year - 1}-01-01T00:00:00Z`),
    ends_on: new Date(`${year + 1}-06-30T00:00:00Z`),
  });
  for (const [person, roles] of [
    [DEMO_PICA_ADMIN, ['partner_member', 'pica_admin']],
    [DEMO_PICA_APPLICANT, ['partner_member']],
  ] as const) {
    const user = await insertUser(trx, {
      email: person.email,
      name: person.name,
      password_hash: passwordHash,
      language: 'en',
      email_verified_at: new Date(),
    });
    for (const role of roles)
      await insertGrant(trx, { user_id: user.id, role, organisation_id: partnerId, granted_by: null });
    await recordAudit(trx, {
      actor: SYSTEM_ACTOR,
      action: 'demo.account_created',
      subject: { type: 'user', id: user.id },
      organisationId: partnerId,
      data: { roles },
    });
  }
}
