import { auditActor, requirePermission, requireUser, type Actor } from '../../platform/auth.ts';
import { announceChange } from '../../platform/cache.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { conflict, validationFailed } from '../../platform/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { ELIGIBILITY_TOPIC } from '../distributors/index.ts';
import { currentAgreementView } from '../registration/index.ts';
import * as repo from './self-service.repository.ts';
import {
  checkRenewal,
  RENEWAL_WINDOW_DAYS,
  renewalState,
  renewedTermEnd,
  type RenewalState,
} from './self-service.rules.ts';
import { partnerFor, partnerSettings } from './self-service.service.ts';

// Issue #12 item 6: the annual renewal. From 60 days before the term ends the partner's admins
// re-confirm eligibility; a confirmed renewal extends the term by 12 months; an unrenewed
// partner lapses on the end date (a derived state: purchase eligibility and the Locator follow).

export interface RenewalView {
  state: RenewalState;
  termEndsAt: Date | null;
  /** The current agreement, when it is newer than the one the partner accepted. */
  newerAgreement: { id: string; version: string; title: string; body: string } | null;
}

async function newerAgreementFor(ctx: AppContext, acceptedId: string | null) {
  const current = await currentAgreementView(ctx);
  return current && current.id !== acceptedId
    ? { id: current.id, version: current.version, title: current.title, body: current.body }
    : null;
}

export async function renewalOf(
  ctx: AppContext,
  actor: Actor | null,
  partnerId: string,
  now = new Date(),
): Promise<RenewalView> {
  const partner = await partnerFor(ctx, actor, partnerId);
  const termEndsAt = partner.termEndsAt;
  return {
    state: renewalState(termEndsAt, now),
    termEndsAt,
    newerAgreement: await newerAgreementFor(ctx, partner.agreement?.id ?? null),
  };
}

/** Confirms the renewal; of two confirmations at once one extends the term and the other gets 409. */
export async function confirmRenewal(
  ctx: AppContext,
  actorOrNull: Actor | null,
  partnerId: string,
  input: { confirmed: string[]; agreementAccepted: boolean },
  meta: RequestMeta,
  now = new Date(),
): Promise<{ termEndsAt: Date }> {
  const partner = await partnerFor(ctx, actorOrNull, partnerId, 'partner:manage');
  const actor = requireUser(actorOrNull);
  const termEndsAt = partner.termEndsAt;
  if (!termEndsAt || renewalState(termEndsAt, now) === 'not_due')
    throw conflict(
      'renewal_not_due',
      `The renewal opens ${RENEWAL_WINDOW_DAYS} days before your registration term ends.`,
    );
  const newer = await newerAgreementFor(ctx, partner.agreement?.id ?? null);
  const problems = checkRenewal({
    confirmed: input.confirmed,
    agreementAccepted: input.agreementAccepted,
    newerAgreement: !!newer,
  });
  if (problems.length) throw validationFailed(problems);
  const newEnd = renewedTermEnd(termEndsAt, now);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.renewTerm(trx, partner.id, termEndsAt, newEnd, now)))
      throw conflict('stale_version', 'The renewal was confirmed at the same moment by a colleague.');
    if (newer) await repo.acceptAgreementVersion(trx, partner.id, newer.id);
    // The renewal re-confirms the distributor accounts too (REG-4).
    await repo.markDistributorInfoReviewed(trx, partner.id, now);
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'partner.renewed',
      subject: { type: 'partner', id: partner.id },
      organisationId: partner.id,
      ip: meta.ip,
      data: {
        from: termEndsAt.toISOString(),
        to: newEnd.toISOString(),
        confirmed: input.confirmed,
        agreement: newer?.version ?? null,
        userAgent: meta.userAgent,
      },
    });
    await announceChange(trx, ELIGIBILITY_TOPIC);
  });
  return { termEndsAt: newEnd };
}

export interface RenewalEntry {
  partnerId: string;
  legalName: string;
  country: string;
  termEndsAt: Date | null;
  lastRenewedAt: Date | null;
  state: 'due' | 'renewed' | 'lapsed';
}

/** Programme staff: renewals due (within 60 days), done (in the last year) and lapsed. */
export async function renewalsForStaff(
  ctx: AppContext,
  actor: Actor | null,
  now = new Date(),
): Promise<RenewalEntry[]> {
  requirePermission(actor, 'applications:review');
  const dueBefore = new Date(now.getTime() + RENEWAL_WINDOW_DAYS * 86_400_000);
  const yearAgo = new Date(now.getTime() - 365 * 86_400_000);
  const rows = await repo.renewalsOverview(ctx.db, dueBefore, yearAgo);
  return rows.map((r) => {
    const state = renewalState(r.renewal_due_at, now);
    return {
      partnerId: r.organisation_id,
      legalName: r.legal_name,
      country: r.country,
      termEndsAt: r.renewal_due_at,
      lastRenewedAt: r.last_renewed_at,
      state: state === 'lapsed' ? 'lapsed' : state === 'due' ? 'due' : 'renewed',
    };
  });
}

export async function flaggedLocationsForStaff(ctx: AppContext, actor: Actor | null) {
  requirePermission(actor, 'applications:review');
  return (await repo.flaggedLocations(ctx.db)).map((r) => ({
    id: r.id,
    partnerId: r.partner_id,
    legalName: r.legal_name,
    lines: r.lines,
    city: r.city,
    postcode: r.postcode,
    country: r.country,
    type: r.type,
    listed: r.listed,
    flags: r.findings.filter((f) => f.outcome !== 'pass'),
    updatedAt: r.updated_at,
  }));
}

export { partnerSettings };
