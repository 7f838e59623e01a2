import type { Trx } from '../../platform/db.ts';
import { newSecret } from '../../platform/tokens.ts';
import { insertGrant, insertOrganisation, insertUser } from '../accounts/index.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts';
import * as contracts from './contracts.repository.ts';
import * as endUsers from './end-users.repository.ts';
import * as partners from './partner-lookup.repository.ts';
import { isTool, newRegistrationNumber, newVerificationKey, type SponsorshipState } from './pica.rules.ts';
import * as sponsorships from './sponsorships.repository.ts';
import { hashKey } from './sponsorships.service.ts';

/** The demo PICA administrator of Kranich Systemhaus GmbH (password: the demo password). */
export const DEMO_PICA_ADMIN = { email: 'pica-admin@kranich-systemhaus.example', name: 'Paula Pica' };
/** A Kranich employee who is not yet a PICA administrator (to try "Register to be a PICA administrator"). */
export const DEMO_PICA_APPLICANT = { email: 'support@kranich-systemhaus.example', name: 'Sven Support' };
/** Kranich's qualifying support contract with its demo customer, and a second one. */
export const DEMO_PICA_CONTRACTS = ['KR-PICA-2026-001', 'KR-SNT-2026-002'];
/** An employee of Kranich's sponsored customer Fabrikam Logistik AG, registered through a used sponsorship (PICA-6). */
export const DEMO_END_USER = { email: 'end-user@fabrikam-logistik.example', name: 'Emil Endnutzer' };

/**
 * PICA-5: Kranich's sponsored customers, one sponsorship per ledger state. Keys are drawn and
 * hashed as the administrator's tool does and then forgotten: the demo needs none in clear.
 */
const DEMO_SPONSORSHIPS: {
  state: SponsorshipState;
  customer: string;
  country: string;
  domains: string[];
  purchaseReference: string;
}[] = [
  {
    state: 'used',
    customer: 'Fabrikam Logistik AG',
    country: 'DE',
    domains: ['fabrikam-logistik.example'],
    purchaseReference: 'KR-SO-2026-0117',
  },
  {
    state: 'pending',
    customer: 'Litware Maschinenbau GmbH',
    country: 'DE',
    domains: ['litware-maschinenbau.example'],
    purchaseReference: 'KR-SO-2026-0242',
  },
  {
    state: 'expired',
    customer: 'Tailspin Reisen GmbH',
    country: 'AT',
    domains: ['tailspin-reisen.example'],
    purchaseReference: 'KR-SO-2026-0058',
  },
  {
    state: 'revoked',
    customer: 'Wingtip Handel KG',
    country: 'DE',
    domains: ['wingtip-handel.example'],
    purchaseReference: 'KR-SO-2026-0091',
  },
];

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
  let adminId = '';
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
    if (person === DEMO_PICA_ADMIN) adminId = user.id;
  }
  const [contract] = await contracts.findContractsByNumbers(trx, [DEMO_PICA_CONTRACTS[0]!]);
  for (const s of DEMO_SPONSORSHIPS) {
    const id = await sponsor(trx, s, { partnerId, contractId: contract!.id, adminId });
    if (s.state === 'used') await registerEndUser(trx, id, passwordHash);
  }
}

const days = (n: number) => new Date(Date.now() + n * 86_400_000);

/** PICA-5: one sponsorship as sponsorCustomer writes it, then moved to its demo ledger state. */
async function sponsor(
  trx: Trx,
  s: (typeof DEMO_SPONSORSHIPS)[number],
  by: { partnerId: string; contractId: string; adminId: string },
): Promise<string> {
  const organisation = await insertOrganisation(trx, { kind: 'customer', name: s.customer });
  const customer = await sponsorships.insertCustomer(trx, {
    partner_id: by.partnerId,
    organisation_id: organisation.id,
    name: s.customer,
    country: s.country,
    email_domains: s.domains,
    created_by: by.adminId,
  });
  const registrationNumber = newRegistrationNumber();
  const expiresAt = s.state === 'expired' ? days(-10) : days(s.state === 'pending' ? 21 : 30);
  const { id } = await sponsorships.insertSponsorship(trx, {
    partner_id: by.partnerId,
    customer_id: customer.id,
    contract_id: by.contractId,
    registration_number: registrationNumber,
    key_hash: hashKey(newVerificationKey()),
    purchase_reference: s.purchaseReference,
    expires_at: expiresAt,
    max_uses: s.state === 'used' ? 1 : null,
    created_by: by.adminId,
  });
  const actor = { userId: by.adminId, label: DEMO_PICA_ADMIN.email };
  await recordAudit(trx, {
    actor,
    action: 'pica.customer_sponsored',
    subject: { type: 'pica_sponsorship', id },
    organisationId: by.partnerId,
    data: { registrationNumber, customer: s.customer, contract: DEMO_PICA_CONTRACTS[0]!, expiresAt, source: 'demo' },
  });
  if (s.state === 'revoked') {
    await sponsorships.revoke(trx, id);
    await recordAudit(trx, {
      actor,
      action: 'pica.sponsorship_revoked',
      subject: { type: 'pica_sponsorship', id },
      organisationId: by.partnerId,
      data: { registrationNumber },
    });
  }
  return id;
}

/**
 * PICA-6, PICA-7: the demo end user registers with the sponsorship, confirms the emailed link
 * and gets the end-user role at the customer with the contract's entitlements — the steps of
 * startRegistration, submitDetails and confirmRegistration, inside the demo transaction.
 */
async function registerEndUser(trx: Trx, sponsorshipId: string, passwordHash: string): Promise<void> {
  const { email, name } = DEMO_END_USER;
  const { id: registrationId } = await endUsers.insertRegistration(trx, {
    sponsorship_id: sponsorshipId,
    existing_user_id: null,
    email,
    name,
    language: 'en',
    password_hash: null,
    draft_hash: newSecret().hash,
  });
  const token = newSecret();
  await endUsers.saveDetails(trx, registrationId, {
    job_title: 'IT Operations Lead',
    domain_matches: true,
    employment_attested: false,
    token_hash: token.hash,
    token_expires_at: days(1),
  });
  await endUsers.consumeToken(trx, token.hash, new Date());
  await sponsorships.takeUse(trx, sponsorshipId, new Date());
  const s = (await sponsorships.findSponsorship(trx, sponsorshipId))!;
  const user = await insertUser(trx, {
    email,
    name,
    password_hash: passwordHash,
    language: 'en',
    email_verified_at: new Date(),
  });
  await endUsers.setRegisteredUser(trx, registrationId, user.id);
  await insertGrant(trx, {
    user_id: user.id,
    role: 'end_user',
    organisation_id: s.customer_organisation_id,
    granted_by: null,
  });
  const { id: accessId } = await endUsers.insertAccess(trx, {
    user_id: user.id,
    sponsorship_id: s.id,
    partner_id: s.partner_id,
    customer_id: s.customer_id,
    employment_attested: false,
  });
  const contract = (await contracts.findContractById(trx, s.contract_id))!;
  await endUsers.insertTools(trx, accessId, contract.entitlements.filter(isTool));
  await recordAudit(trx, {
    actor: { userId: user.id, label: email },
    action: 'pica.registration_confirmed',
    subject: { type: 'pica_registration', id: registrationId },
    organisationId: s.partner_id,
    data: { registrationNumber: s.registration_number, newAccount: true, source: 'demo' },
  });
}
