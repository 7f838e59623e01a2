import { auditActor, requireUser, type Actor } from '../../platform/auth.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { AppError, conflict, notFound, validationFailed, type FieldViolation } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { isUniqueViolation } from '../../platform/pg-errors.ts';
import { hashSecret } from '../../platform/tokens.ts';
import { insertOrganisation } from '../accounts/index.ts';
import { recordAudit } from '../audit/index.ts';
import { sponsoringPartner } from './administrators.service.ts';
import * as contracts from './contracts.repository.ts';
import { partnerPica, toContract } from './contracts.service.ts';
import * as repo from './sponsorships.repository.ts';
import {
  checkCustomer,
  newRegistrationNumber,
  newVerificationKey,
  normaliseContractNumber,
  normaliseVerificationKey,
  parseDomains,
  sponsorshipExpiry,
  sponsorshipState,
  type SponsorshipState,
} from './pica.rules.ts';

export interface Sponsorship {
  id: string;
  partnerId: string;
  registrationNumber: string;
  customer: { id: string; name: string; country: string; emailDomains: string[] };
  contract: { id: string; number: string; endsOn: Date };
  purchaseReference: string;
  expiresAt: Date;
  maxUses: number | null;
  uses: number;
  state: SponsorshipState;
  keyIssuedAt: Date;
  revokedAt: Date | null;
  createdAt: Date;
  /** PICA-5: the ledger of uses: who registered with it, and when. */
  registrations: { name: string; email: string; at: Date | null; employmentAttested: boolean }[];
}

/** A sponsorship with its verification key, which exists only in this answer (PICA-5). */
export interface IssuedSponsorship {
  sponsorship: Sponsorship;
  verificationKey: string;
  expiryCapped: boolean;
}

export const hashKey = (key: string): string => hashSecret(`pica-key:${normaliseVerificationKey(key)}`);

function toSponsorship(
  r: repo.SponsorshipRow,
  uses: Awaited<ReturnType<typeof repo.usesOf>>,
  now = new Date(),
): Sponsorship {
  return {
    id: r.id,
    partnerId: r.partner_id,
    registrationNumber: r.registration_number,
    customer: { id: r.customer_id, name: r.customer_name, country: r.customer_country, emailDomains: r.email_domains },
    contract: { id: r.contract_id, number: r.contract_number, endsOn: r.contract_ends_on },
    purchaseReference: r.purchase_reference,
    expiresAt: r.expires_at,
    maxUses: r.max_uses,
    uses: r.uses,
    state: sponsorshipState(
      { revokedAt: r.revoked_at, expiresAt: r.expires_at, uses: r.uses, maxUses: r.max_uses },
      now,
    ),
    keyIssuedAt: r.key_issued_at,
    revokedAt: r.revoked_at,
    createdAt: r.created_at,
    registrations: uses
      .filter((u) => u.sponsorship_id === r.id)
      .map((u) => ({ name: u.name, email: u.email, at: u.confirmed_at, employmentAttested: u.employment_attested })),
  };
}

export interface SponsorshipInput {
  partnerId?: string | undefined;
  customerName: string;
  country: string;
  emailDomains: string;
  purchaseReference: string;
  attestPurchase: boolean;
  contractNumber: string;
  validDays?: number | undefined;
  maxUses?: number | undefined;
}

/** The administrator's partner, which must still be able to administer PICA (PICA-1). */
async function eligiblePartner(ctx: AppContext, actor: Actor | null, partnerId?: string) {
  const id = sponsoringPartner(actor, partnerId);
  const partner = (await partnerPica(ctx.db, id))!;
  if (partner.gaps.length > 0)
    throw new AppError(
      'pica_not_eligible',
      `${partner.legalName} cannot administer PICA: ${partner.gaps.join(', ')}.`,
      409,
      [],
      { gaps: partner.gaps.join(', ') },
    );
  return partner;
}

/**
 * PICA-5: sponsors a customer company. The administrator attests the customer bought from the
 * partner (with an order or contract reference) and links the partner's support contract with
 * it, which must be in force. The key is returned once and stored only as a hash.
 */
export async function sponsorCustomer(
  ctx: AppContext,
  actor: Actor | null,
  input: SponsorshipInput,
  meta: RequestMeta,
  now = new Date(),
): Promise<IssuedSponsorship> {
  const by = requireUser(actor);
  const partner = await eligiblePartner(ctx, by, input.partnerId);
  const domains = parseDomains(input.emailDomains);
  const country = input.country.trim().toUpperCase();
  const v: FieldViolation[] = checkCustomer({
    name: input.customerName,
    country,
    domains,
    purchaseReference: input.purchaseReference,
    attested: input.attestPurchase,
  });
  const [contractRow] = await contracts.findContractsByNumbers(ctx.db, [normaliseContractNumber(input.contractNumber)]);
  const contract =
    contractRow && contractRow.partner_id === partner.partnerId ? toContract(contractRow, now) : undefined;
  if (!contract)
    v.push({ field: 'contract_number', rule: 'contract_unknown', params: { number: input.contractNumber } });
  else if (!contract.inForce)
    v.push({ field: 'contract_number', rule: 'contract_not_active', params: { number: contract.number } });
  if (input.maxUses !== undefined && (!Number.isInteger(input.maxUses) || input.maxUses < 1 || input.maxUses > 10_000))
    v.push({ field: 'max_uses', rule: 'between', params: { min: 1, max: 10_000 } });
  const expiry = contract ? sponsorshipExpiry(input.validDays, now, contract.endsOn) : undefined;
  if (expiry && 'violation' in expiry) v.push(expiry.violation);
  if (v.length > 0 || !contract || !expiry || 'violation' in expiry) throw validationFailed(v);

  const key = newVerificationKey();
  for (let attempt = 0; ; attempt += 1) {
    const registrationNumber = newRegistrationNumber();
    try {
      const id = await ctx.db.transaction().execute(async (trx) => {
        const organisation = await insertOrganisation(trx, { kind: 'customer', name: input.customerName.trim() });
        const customer = await repo.insertCustomer(trx, {
          partner_id: partner.partnerId,
          organisation_id: organisation.id,
          name: input.customerName.trim(),
          country,
          email_domains: domains,
          created_by: by.userId,
        });
        const { id } = await repo.insertSponsorship(trx, {
          partner_id: partner.partnerId,
          customer_id: customer.id,
          contract_id: contract.id,
          registration_number: registrationNumber,
          key_hash: hashKey(key),
          purchase_reference: input.purchaseReference.trim(),
          expires_at: expiry.expiresAt,
          max_uses: input.maxUses ?? null,
          created_by: by.userId,
        });
        // The key never reaches the audit log: only the number and the facts of the sponsorship.
        await recordAudit(trx, {
          actor: auditActor(by),
          action: 'pica.customer_sponsored',
          subject: { type: 'pica_sponsorship', id },
          organisationId: partner.partnerId,
          ip: meta.ip,
          data: {
            registrationNumber,
            customer: input.customerName.trim(),
            contract: contract.number,
            expiresAt: expiry.expiresAt,
            maxUses: input.maxUses ?? null,
          },
        });
        return id;
      });
      return { sponsorship: await loadSponsorship(ctx, id), verificationKey: key, expiryCapped: expiry.capped };
    } catch (error) {
      // A registration number drawn twice (1 in 10^11 per pair): draw another.
      if (attempt < 3 && isUniqueViolation(error, 'pica_sponsorships_registration_number_key')) continue;
      throw error;
    }
  }
}

async function loadSponsorship(ctx: AppContext, id: string): Promise<Sponsorship> {
  const row = (await repo.findSponsorship(ctx.db, id))!;
  return toSponsorship(row, await repo.usesOf(ctx.db, [id]));
}

/** A sponsorship of the administrator's own partner; any other is "not found" (PICA-5). */
async function ownSponsorship(ctx: AppContext, actor: Actor | null, id: string) {
  const user = requireUser(actor);
  const row = isUuid(id) ? await repo.findSponsorship(ctx.db, id) : undefined;
  if (!row || !user.grants.some((g) => g.role === 'pica_admin' && g.organisationId === row.partner_id))
    throw notFound('Sponsorship');
  return { user, row };
}

export async function listSponsorships(
  ctx: AppContext,
  actor: Actor | null,
  partnerId?: string,
): Promise<Sponsorship[]> {
  const id = sponsoringPartner(actor, partnerId);
  return (await repo.listSponsorshipsWithUses(ctx.db, id)).map(({ uses_list, ...r }) => toSponsorship(r, uses_list));
}

export async function getSponsorship(ctx: AppContext, actor: Actor | null, id: string): Promise<Sponsorship> {
  const { row } = await ownSponsorship(ctx, actor, id);
  return toSponsorship(row, await repo.usesOf(ctx.db, [row.id]));
}

/** PICA-5: revoking stops any further registration with the number at once. */
export async function revokeSponsorship(
  ctx: AppContext,
  actor: Actor | null,
  id: string,
  meta: RequestMeta,
): Promise<Sponsorship> {
  const { user, row } = await ownSponsorship(ctx, actor, id);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.revoke(trx, id))) throw conflict('already_revoked', 'This sponsorship is already revoked.');
    await recordAudit(trx, {
      actor: auditActor(user),
      action: 'pica.sponsorship_revoked',
      subject: { type: 'pica_sponsorship', id },
      organisationId: row.partner_id,
      ip: meta.ip,
      data: { registrationNumber: row.registration_number },
    });
  });
  return loadSponsorship(ctx, id);
}

/**
 * PICA-5: a new verification key for the same number; the old key stops working at once. An
 * expired sponsorship gets a fresh validity period (default 30 days, never past the contract).
 */
export async function reissueKey(
  ctx: AppContext,
  actor: Actor | null,
  id: string,
  input: { validDays?: number | undefined },
  meta: RequestMeta,
  now = new Date(),
): Promise<IssuedSponsorship> {
  const { user, row } = await ownSponsorship(ctx, actor, id);
  await eligiblePartner(ctx, user, row.partner_id);
  const contractRow = (await contracts.findContractById(ctx.db, row.contract_id))!;
  const contract = toContract(contractRow, now);
  if (!contract.inForce)
    throw validationFailed([
      { field: 'contract_number', rule: 'contract_not_active', params: { number: contract.number } },
    ]);
  const expiry = sponsorshipExpiry(input.validDays, now, contract.endsOn);
  if ('violation' in expiry) throw validationFailed([expiry.violation]);
  const key = newVerificationKey();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.replaceKey(trx, id, hashKey(key), expiry.expiresAt)))
      throw conflict('already_revoked', 'A revoked sponsorship takes no new key; sponsor the customer again instead.');
    await recordAudit(trx, {
      actor: auditActor(user),
      action: 'pica.key_reissued',
      subject: { type: 'pica_sponsorship', id },
      organisationId: row.partner_id,
      ip: meta.ip,
      data: { registrationNumber: row.registration_number, expiresAt: expiry.expiresAt },
    });
  });
  return { sponsorship: await loadSponsorship(ctx, id), verificationKey: key, expiryCapped: expiry.capped };
}
