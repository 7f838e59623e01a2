import { auditActor, type Actor } from '../../platform/auth.ts';
import { announceChange } from '../../platform/cache.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import type { Executor, Trx } from '../../platform/db.ts';
import { conflict, notFound, validationFailed } from '../../platform/errors.ts';
import { recordAudit, SYSTEM_ACTOR, type AuditEntry } from '../audit/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import { ELIGIBILITY_TOPIC, requireDistributorAccess } from './access.ts';
import * as repo from './distributors.repository.ts';
import { checkClaim, initialClaimStatus } from './distributors.rules.ts';

export interface Claim {
  id: string;
  accountNumber: string;
  status: 'pending' | 'confirmed' | 'rejected';
  createdAt: Date;
  decidedAt: Date | null;
  note: string | null;
  /** REG-6: released to this distributor because the reseller named it. */
  reseller: { id: string; legalName: string; country: string; contactName: string | null; contactEmail: string | null; contactPhone: string | null };
  /** The reseller name on the distributor's own list, when the account is on it. */
  listedName: string | null;
}

/**
 * REG-2: records a reseller's claim "we hold `accountNumber` at `distributorId`" inside the
 * caller's transaction (the registration's submission). Refused when the distributor does not
 * serve the reseller's country; confirmed at once when the distributor's list has the account.
 */
export async function claimAccount(
  trx: Trx,
  partner: { id: string; country: string },
  claim: { distributorId: string; accountNumber: string },
  actor: AuditEntry['actor'],
): Promise<{ id: string; status: 'pending' | 'confirmed' | 'rejected' }> {
  const distributor = await repo.findById(trx, claim.distributorId);
  if (!distributor) throw validationFailed([{ field: 'distributors.distributor', rule: 'distributor_unknown' }]);
  const accountNumber = claim.accountNumber.trim();
  const problems = checkClaim({ hqCountry: distributor.hq_country, territories: distributor.territories, status: distributor.status, legalName: distributor.legal_name }, partner.country, accountNumber);
  if (problems.length > 0) throw validationFailed(problems);
  const existing = await repo.findClaimFor(trx, partner.id, distributor.id, accountNumber);
  if (existing) return { id: existing.id, status: existing.status };
  const status = initialClaimStatus(await repo.findListed(trx, distributor.id, accountNumber));
  const inserted = await repo.insertClaim(trx, {
    partner_id: partner.id,
    distributor_id: distributor.id,
    account_number: accountNumber,
    status,
    decision_source: status === 'confirmed' ? 'list' : null,
    decided_at: status === 'confirmed' ? new Date() : null,
  });
  if (!inserted) throw conflict('claim_exists', 'This account was claimed at the same moment by another request.');
  await recordAudit(trx, { actor, action: status === 'confirmed' ? 'claim.confirmed' : 'claim.created', subject: { type: 'account_claim', id: inserted.id }, organisationId: partner.id, data: { distributorId: distributor.id, accountNumber, source: status === 'confirmed' ? 'list' : 'reseller' } });
  await announceChange(trx, ELIGIBILITY_TOPIC);
  return inserted;
}

export async function listClaims(ctx: AppContext, actor: Actor, distributorId: string, status?: 'pending' | 'confirmed' | 'rejected'): Promise<Claim[]> {
  await requireDistributorAccess(ctx, actor, distributorId, 'distributor:read');
  const rows = await repo.listClaims(ctx.db, distributorId, status);
  return rows.map((r) => ({
    id: r.id,
    accountNumber: r.account_number,
    status: r.status,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    note: r.note,
    reseller: { id: r.partner_id, legalName: r.legal_name, country: r.country, contactName: r.contact_name, contactEmail: r.contact_email, contactPhone: r.contact_phone },
    listedName: r.listed_name,
  }));
}

/**
 * REG-2: a distributor confirms or rejects a pending claim. The update is conditional on the
 * claim still being pending: of two decisions at once, one wins and the other gets a 409.
 */
export async function decideClaim(ctx: AppContext, actor: Actor, distributorId: string, claimId: string, decision: 'confirm' | 'reject', note: string | undefined, meta: RequestMeta) {
  const distributor = await requireDistributorAccess(ctx, actor, distributorId, 'claims:decide');
  const claim = /^[0-9a-f-]{36}$/i.test(claimId) ? await repo.findClaim(ctx.db, claimId) : undefined;
  if (!claim || claim.distributor_id !== distributorId) throw notFound('Claim');
  const cleanNote = note?.trim().slice(0, 1000) || null;
  return ctx.db.transaction().execute(async (trx) => {
    const decided = await repo.decideClaim(trx, claimId, { status: decision === 'confirm' ? 'confirmed' : 'rejected', decided_by: actor.userId, note: cleanNote });
    if (!decided) throw conflict('claim_already_decided', `This claim was already ${claim.status === 'pending' ? 'decided by someone else' : claim.status}.`);
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: decision === 'confirm' ? 'claim.confirmed' : 'claim.rejected',
      subject: { type: 'account_claim', id: claimId },
      organisationId: claim.partner_id,
      ip: meta.ip,
      data: { distributorId, distributor: distributor.legal_name, accountNumber: claim.account_number, note: cleanNote },
    });
    await announceChange(trx, ELIGIBILITY_TOPIC);
    return { id: decided.id, status: decided.status };
  });
}

export interface OnboardingEntry {
  partnerId: string;
  legalName: string;
  country: string;
  status: string;
  registeredAt: Date | null;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
}

/** REG-3: the distributor's on-boarding and training queue. */
export async function onboardingQueue(ctx: AppContext, actor: Actor, distributorId: string): Promise<OnboardingEntry[]> {
  await requireDistributorAccess(ctx, actor, distributorId, 'distributor:read');
  const rows = await repo.onboardingQueue(ctx.db, distributorId);
  return rows.map((r) => ({ partnerId: r.organisation_id, legalName: r.legal_name, country: r.country, status: r.status, registeredAt: r.registered_at, contactName: r.contact_name, contactEmail: r.contact_email, contactPhone: r.contact_phone }));
}

/**
 * REG-6: what a distributor may see of a reseller: name, contacts and the account numbers
 * claimed at this distributor, and only when the reseller named it. Otherwise: not found.
 */
export async function releasedResellerInfo(ctx: AppContext, actor: Actor, distributorId: string, partnerId: string) {
  await requireDistributorAccess(ctx, actor, distributorId, 'distributor:read');
  if (!/^[0-9a-f-]{36}$/i.test(partnerId) || !(await repo.partnerNamedDistributor(ctx.db, partnerId, distributorId))) throw notFound('Reseller');
  const partner = (await repo.findPartner(ctx.db, partnerId))!;
  const claims = await repo.claimsOfPartnerAt(ctx.db, partnerId, distributorId);
  return {
    id: partner.organisation_id,
    legalName: partner.legal_name,
    country: partner.country,
    status: partner.status,
    contactName: partner.contact_name,
    contactEmail: partner.contact_email,
    contactPhone: partner.contact_phone,
    accounts: claims.map((c) => ({ accountNumber: c.account_number, status: c.status })),
  };
}

/**
 * REG-3: tells the designated distributor that a new partner was approved. Runs inside the
 * approval's transaction, so the notice exists exactly when the approval does.
 */
export async function announceNewPartner(trx: Trx, ctx: AppContext, partnerId: string): Promise<void> {
  const partner = await repo.findPartner(trx, partnerId);
  if (!partner?.initial_distributor_id) return;
  const distributor = await repo.findById(trx, partner.initial_distributor_id);
  if (!distributor?.email) return;
  await enqueueEmail(trx, brandOf(ctx.config), {
    to: distributor.email,
    language: 'en',
    template: 'onboarding',
    recipientName: distributor.legal_name,
    actionUrl: `${ctx.config.publicUrl}/distributor/${distributor.id}/onboarding`,
    vars: { partner: partner.legal_name, country: partner.country },
  });
  await recordAudit(trx, { actor: SYSTEM_ACTOR, action: 'distributor.onboarding_notified', subject: { type: 'distributor', id: distributor.id }, organisationId: partnerId, data: { partner: partner.legal_name } });
}

/** A partner's claim as Partner Self Service shows it (REG-4). */
export interface PartnerClaim {
  id: string;
  distributorId: string;
  distributorName: string;
  accountNumber: string;
  status: 'pending' | 'confirmed' | 'rejected';
  createdAt: Date;
  decidedAt: Date | null;
}

/** REG-4: every account claim of one partner, with its confirmation state. */
export async function claimsOfPartner(db: Executor, partnerId: string): Promise<PartnerClaim[]> {
  return (await repo.claimsOfPartner(db, partnerId)).map((r) => ({ id: r.id, distributorId: r.distributor_id, distributorName: r.distributor_name, accountNumber: r.account_number, status: r.status, createdAt: r.created_at, decidedAt: r.decided_at }));
}

/** REG-4: the partner withdraws one of its claims, inside the caller's transaction; undefined when it is not the partner's. */
export async function withdrawClaim(trx: Trx, partnerId: string, claimId: string, actor: AuditEntry['actor']): Promise<{ id: string } | undefined> {
  const removed = await repo.deleteClaimOfPartner(trx, partnerId, claimId);
  if (!removed) return undefined;
  await recordAudit(trx, { actor, action: 'claim.withdrawn', subject: { type: 'account_claim', id: removed.id }, organisationId: partnerId, data: { distributorId: removed.distributor_id, accountNumber: removed.account_number, status: removed.status } });
  await announceChange(trx, ELIGIBILITY_TOPIC);
  return { id: removed.id };
}
