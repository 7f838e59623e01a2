import { auditActor, type Actor } from '../../platform/auth.ts';
import { announceChange } from '../../platform/cache.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import type { Executor, Trx } from '../../platform/db.ts';
import { conflict, notFound, validationFailed } from '../../platform/errors.ts';
import { recordAudit, SYSTEM_ACTOR, type AuditEntry } from '../audit/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import { ELIGIBILITY_TOPIC, requireDistributorAccess } from './access.ts';
import { findListed } from './account-lists.repository.ts';
import * as claims from './claims.repository.ts';
import * as repo from './distributors.repository.ts';
import { checkClaim, initialClaimStatus, type NameMatch } from './distributors.rules.ts';
import { isUuid } from '../../platform/ids.ts';

export interface Claim {
  id: string;
  accountNumber: string;
  status: 'pending' | 'confirmed' | 'rejected';
  createdAt: Date;
  decidedAt: Date | null;
  note: string | null;
  /** REG-6: released to this distributor because the reseller named it. */
  reseller: {
    id: string;
    legalName: string;
    country: string;
    contactName: string | null;
    contactEmail: string | null;
    contactPhone: string | null;
  };
  /** The reseller name on the distributor's own list, when the account is on it. */
  listedName: string | null;
  /** REG-2: how the listed company compared with the reseller when the claim was checked against the list. */
  nameMatch: NameMatch | null;
}

export interface ClaimResult {
  id: string;
  status: 'pending' | 'confirmed' | 'rejected';
  /** REG-2: the list's company for the account and how it compared with the reseller (null: not on the list). */
  nameMatch: NameMatch | null;
}

function nameMatchOf(row: claims.NameMatchColumns): NameMatch | null {
  if (row.name_matched === null) return null;
  return { listedName: row.listed_name, score: row.name_match_score, matched: row.name_matched };
}

function nameMatchColumns(match: NameMatch | null): claims.NameMatchColumns {
  return {
    listed_name: match?.listedName ?? null,
    name_match_score: match?.score ?? null,
    name_matched: match ? match.matched : null,
  };
}

/**
 * What the caller already read in this request (issue #15, decision 071): the distributor as the
 * rules checked it, and the partner's name as it wrote it. `partner.isNew`: created in this
 * transaction, so it holds no claim yet (the rules refuse one account named twice).
 */
export interface KnownClaimFacts {
  distributor?: { id: string; legalName: string; hqCountry: string; territories: string[]; status: string };
  partner?: { legalName: string; isNew: boolean };
}

/**
 * REG-2: records a reseller's claim "we hold `accountNumber` at `distributorId`" inside the
 * caller's transaction (the registration's submission). Refused when the distributor does not
 * serve the reseller's country; confirmed at once when the distributor's list has the account,
 * active, under the reseller's own name. A list naming another company leaves the claim to the
 * distributor, and the result says which company the list names (the reviewer is told).
 * Eligibility caches hear of the claim from account_claims' own trigger (decision 065).
 */
export async function claimAccount(
  trx: Trx,
  partner: { id: string; country: string },
  claim: { distributorId: string; accountNumber: string },
  actor: AuditEntry['actor'],
  known: KnownClaimFacts = {},
): Promise<ClaimResult> {
  const distributor =
    known.distributor?.id === claim.distributorId
      ? known.distributor
      : await repo.findById(trx, claim.distributorId).then(
          (d) =>
            d && {
              id: d.id,
              legalName: d.legal_name,
              hqCountry: d.hq_country,
              territories: d.territories,
              status: d.status,
            },
        );
  if (!distributor) throw validationFailed([{ field: 'distributors.distributor', rule: 'distributor_unknown' }]);
  const accountNumber = claim.accountNumber.trim();
  const problems = checkClaim(distributor, partner.country, accountNumber);
  if (problems.length > 0) throw validationFailed(problems);
  if (!known.partner?.isNew) {
    const existing = await claims.findClaimFor(trx, partner.id, distributor.id, accountNumber);
    if (existing) return { id: existing.id, status: existing.status, nameMatch: nameMatchOf(existing) };
  }
  const legalName = known.partner?.legalName ?? (await repo.findPartner(trx, partner.id))?.legal_name;
  const listed = await findListed(trx, distributor.id, accountNumber);
  const { status, match } = initialClaimStatus(
    listed && { active: listed.active, resellerName: listed.reseller_name },
    legalName ?? '',
  );
  const inserted = await claims.insertClaim(trx, {
    ...nameMatchColumns(match),
    partner_id: partner.id,
    distributor_id: distributor.id,
    account_number: accountNumber,
    status,
    decision_source: status === 'confirmed' ? 'list' : null,
    decided_at: status === 'confirmed' ? new Date() : null,
  });
  if (!inserted) throw conflict('claim_exists', 'This account was claimed at the same moment by another request.');
  await recordAudit(trx, {
    actor,
    action: status === 'confirmed' ? 'claim.confirmed' : 'claim.created',
    subject: { type: 'account_claim', id: inserted.id },
    organisationId: partner.id,
    data: {
      distributorId: distributor.id,
      accountNumber,
      source: status === 'confirmed' ? 'list' : 'reseller',
      ...(match ? { nameMatch: match } : {}),
    },
  });
  return { id: inserted.id, status: inserted.status, nameMatch: match };
}

export async function listClaims(
  ctx: AppContext,
  actor: Actor,
  distributorId: string,
  status?: 'pending' | 'confirmed' | 'rejected',
): Promise<Claim[]> {
  await requireDistributorAccess(ctx, actor, distributorId, 'distributor:read');
  const rows = await claims.listClaims(ctx.db, distributorId, status);
  return rows.map((r) => ({
    id: r.id,
    accountNumber: r.account_number,
    status: r.status,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    note: r.note,
    reseller: {
      id: r.partner_id,
      legalName: r.legal_name,
      country: r.country,
      contactName: r.contact_name,
      contactEmail: r.contact_email,
      contactPhone: r.contact_phone,
    },
    listedName: r.listed_name,
    nameMatch: nameMatchOf({
      listed_name: r.matched_name,
      name_match_score: r.name_match_score,
      name_matched: r.name_matched,
    }),
  }));
}

/**
 * REG-2: a distributor confirms or rejects a pending claim. The update is conditional on the
 * claim still being pending: of two decisions at once, one wins and the other gets a 409.
 */
export async function decideClaim(
  ctx: AppContext,
  actor: Actor,
  distributorId: string,
  claimId: string,
  decision: 'confirm' | 'reject',
  note: string | undefined,
  meta: RequestMeta,
) {
  const distributor = await requireDistributorAccess(ctx, actor, distributorId, 'claims:decide');
  const claim = isUuid(claimId) ? await claims.findClaim(ctx.db, claimId) : undefined;
  if (!claim || claim.distributor_id !== distributorId) throw notFound('Claim');
  const cleanNote = note?.trim().slice(0, 1000) || null;
  return ctx.db.transaction().execute(async (trx) => {
    const decided = await claims.decideClaim(trx, claimId, {
      status: decision === 'confirm' ? 'confirmed' : 'rejected',
      decided_by: actor.userId,
      note: cleanNote,
    });
    if (!decided)
      throw conflict(
        'claim_already_decided',
        `This claim was already ${claim.status === 'pending' ? 'decided by someone else' : claim.status}.`,
      );
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: decision === 'confirm' ? 'claim.confirmed' : 'claim.rejected',
      subject: { type: 'account_claim', id: claimId },
      organisationId: claim.partner_id,
      ip: meta.ip,
      data: { distributorId, distributor: distributor.legalName, accountNumber: claim.account_number, note: cleanNote },
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
export async function onboardingQueue(
  ctx: AppContext,
  actor: Actor,
  distributorId: string,
): Promise<OnboardingEntry[]> {
  await requireDistributorAccess(ctx, actor, distributorId, 'distributor:read');
  const rows = await repo.onboardingQueue(ctx.db, distributorId);
  return rows.map((r) => ({
    partnerId: r.organisation_id,
    legalName: r.legal_name,
    country: r.country,
    status: r.status,
    registeredAt: r.registered_at,
    contactName: r.contact_name,
    contactEmail: r.contact_email,
    contactPhone: r.contact_phone,
  }));
}

export interface ReleasedReseller {
  id: string;
  legalName: string;
  country: string;
  status: 'applicant' | 'registered' | 'suspended' | 'terminated';
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  accounts: { accountNumber: string; status: Claim['status'] }[];
}

/**
 * REG-6: what a distributor may see of a reseller: name, contacts and the account numbers
 * claimed at this distributor, and only when the reseller named it. Otherwise: not found.
 */
export async function releasedResellerInfo(
  ctx: AppContext,
  actor: Actor,
  distributorId: string,
  partnerId: string,
): Promise<ReleasedReseller> {
  await requireDistributorAccess(ctx, actor, distributorId, 'distributor:read');
  if (!isUuid(partnerId) || !(await repo.partnerNamedDistributor(ctx.db, partnerId, distributorId)))
    throw notFound('Reseller');
  const partner = (await repo.findPartner(ctx.db, partnerId))!;
  const claimed = await claims.claimsOfPartnerAt(ctx.db, partnerId, distributorId);
  return {
    id: partner.organisation_id,
    legalName: partner.legal_name,
    country: partner.country,
    status: partner.status,
    contactName: partner.contact_name,
    contactEmail: partner.contact_email,
    contactPhone: partner.contact_phone,
    accounts: claimed.map((c) => ({ accountNumber: c.account_number, status: c.status })),
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
  await recordAudit(trx, {
    actor: SYSTEM_ACTOR,
    action: 'distributor.onboarding_notified',
    subject: { type: 'distributor', id: distributor.id },
    organisationId: partnerId,
    data: { partner: partner.legal_name },
  });
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
  return (await claims.claimsOfPartner(db, partnerId)).map((r) => ({
    id: r.id,
    distributorId: r.distributor_id,
    distributorName: r.distributor_name,
    accountNumber: r.account_number,
    status: r.status,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
  }));
}

/** REG-4: the partner withdraws one of its claims, inside the caller's transaction; undefined when it is not the partner's. */
export async function withdrawClaim(
  trx: Trx,
  partnerId: string,
  claimId: string,
  actor: AuditEntry['actor'],
): Promise<{ id: string } | undefined> {
  const removed = await claims.deleteClaimOfPartner(trx, partnerId, claimId);
  if (!removed) return undefined;
  await recordAudit(trx, {
    actor,
    action: 'claim.withdrawn',
    subject: { type: 'account_claim', id: removed.id },
    organisationId: partnerId,
    data: { distributorId: removed.distributor_id, accountNumber: removed.account_number, status: removed.status },
  });
  await announceChange(trx, ELIGIBILITY_TOPIC);
  return { id: removed.id };
}
