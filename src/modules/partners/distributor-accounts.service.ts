import { auditActor, requireUser, type Actor } from '../../platform/auth.ts';
import { announceChange } from '../../platform/cache.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { notFound, validationFailed } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { recordAudit } from '../audit/index.ts';
import {
  claimAccount,
  claimsOfPartner,
  distributorsServing,
  ELIGIBILITY_TOPIC,
  withdrawClaim,
  type PartnerClaim,
} from '../distributors/index.ts';
import { partnerFor, partnerSettings, standingFrom, type Standing } from './self-service.service.ts';
import * as repo from './self-service.repository.ts';

// REG-2, REG-4 in Partner Self Service: the partner keeps its distributor accounts and confirms
// them periodically. Claims are validated and auto-confirmed by the distributors module.

export interface AccountsView {
  claims: PartnerClaim[];
  standing: Standing;
  reviewedAt: Date | null;
  maintenanceMonths: number;
  /** The distributors that serve the partner's country: the only ones a claim may name. */
  distributors: { id: string; name: string }[];
}

export async function accountsOfPartner(
  ctx: AppContext,
  actor: Actor | null,
  partnerId: string,
  now = new Date(),
): Promise<AccountsView> {
  const partner = await partnerFor(ctx, actor, partnerId);
  const claims = await claimsOfPartner(ctx.db, partner.id);
  const settings = await partnerSettings(ctx.db);
  const distributors = (await distributorsServing(ctx, partner.country)).map((d) => ({ id: d.id, name: d.legalName }));
  return {
    claims,
    standing: standingFrom(partner, claims, settings, now),
    reviewedAt: partner.distributorInfoReviewedAt,
    maintenanceMonths: settings.maintenanceMonths,
    distributors,
  };
}

/** REG-2: adds a claim, refused when the distributor does not serve the partner's country. */
export async function addAccountClaim(
  ctx: AppContext,
  actorOrNull: Actor | null,
  partnerId: string,
  input: { distributorId: string; accountNumber: string },
  _meta: RequestMeta,
) {
  const partner = await partnerFor(ctx, actorOrNull, partnerId, 'partner:manage');
  const actor = requireUser(actorOrNull);
  if (!isUuid(input.distributorId)) throw validationFailed([{ field: 'distributors.distributor', rule: 'required' }]);
  return ctx.db
    .transaction()
    .execute((trx) => claimAccount(trx, { id: partner.id, country: partner.country }, input, auditActor(actor)));
}

export async function removeAccountClaim(
  ctx: AppContext,
  actorOrNull: Actor | null,
  partnerId: string,
  claimId: string,
  _meta: RequestMeta,
): Promise<void> {
  const partner = await partnerFor(ctx, actorOrNull, partnerId, 'partner:manage');
  const actor = requireUser(actorOrNull);
  if (!isUuid(claimId)) throw notFound('Claim');
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await withdrawClaim(trx, partner.id, claimId, auditActor(actor)))) throw notFound('Claim');
  });
}

/** REG-4: "I reviewed our distributor accounts and they are accurate" restarts the maintenance clock. */
export async function confirmAccountsReviewed(
  ctx: AppContext,
  actorOrNull: Actor | null,
  partnerId: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<void> {
  const partner = await partnerFor(ctx, actorOrNull, partnerId, 'partner:manage');
  const actor = requireUser(actorOrNull);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.markDistributorInfoReviewed(trx, partner.id, now);
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'partner.distributor_info_reviewed',
      subject: { type: 'partner', id: partner.id },
      organisationId: partner.id,
      ip: meta.ip,
      data: { previous: partner.distributorInfoReviewedAt?.toISOString() ?? null },
    });
    await announceChange(trx, ELIGIBILITY_TOPIC);
  });
}
