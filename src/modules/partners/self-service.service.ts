import { auditActor, can, requirePermission, requireUser, type Actor } from '../../platform/auth.ts';
import { announceChange, cacheFor, SETTINGS_TOPIC, SETTINGS_TTL_MS } from '../../platform/cache.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import type { Db, Executor } from '../../platform/db.ts';
import { notFound, validationFailed } from '../../platform/errors.ts';
import { isLanguage } from '../../platform/i18n.ts';
import { isUuid } from '../../platform/ids.ts';
import type { Permission } from '../../platform/roles.rules.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts';
import { claimsOfPartner, ELIGIBILITY_TOPIC, purchaseEligibilityAt, type PartnerClaim } from '../distributors/index.ts';
import { membersOfOrganisation } from '../accounts/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import { findPartner, findPartnerHome, type Partner } from './partners.service.ts';
import * as repo from './self-service.repository.ts';
import {
  DEFAULT_SETTINGS,
  noticeThreshold,
  renewalState,
  RENEWAL_NOTICE_DAYS,
  RESTRICTION_NOTICE_DAYS,
  restrictionStartsAt,
  reviewDueAt,
  standingReasons,
  type PartnerSettings,
  type RenewalState,
  type StandingReason,
} from './self-service.rules.ts';
import { trainingStatusFromRows } from './training.service.ts';

/**
 * The partner a signed-in person may act for. Another partner's id answers 404, the same as an
 * id that does not exist, so nobody learns which partners exist (issue #12 item 8).
 */
export async function partnerFor(
  ctx: AppContext,
  actorOrNull: Actor | null,
  partnerId: string,
  permission: Permission = 'partner:read',
): Promise<Partner> {
  const actor = mayRead(actorOrNull, partnerId);
  const partner = shown(await findPartner(ctx.db, partnerId));
  if (permission !== 'partner:read') requirePermission(actor, permission, partnerId);
  return partner;
}

/** Checked before anything is read: whether the person may see this partner at all. */
function mayRead(actorOrNull: Actor | null, partnerId: string): Actor {
  const actor = requireUser(actorOrNull);
  if (!isUuid(partnerId) || !can(actor, 'partner:read', partnerId)) throw notFound('Partner');
  return actor;
}

/** An applicant is not yet a partner with a home: answered like an unknown one. */
function shown<P extends { status: Partner['status'] }>(partner: P | undefined): P {
  if (!partner || partner.status === 'applicant') throw notFound('Partner');
  return partner;
}

/**
 * REG-4's maintenance period, read by every Partner Self Service home: kept for SETTINGS_TTL_MS and
 * dropped by every update (SETTINGS_TOPIC, #15, decision 064); inside a transaction read afresh.
 */
export async function partnerSettings(db: Executor): Promise<PartnerSettings> {
  const read = async () => {
    const row = await repo.settings(db);
    return row ? { maintenanceMonths: row.maintenance_months } : DEFAULT_SETTINGS;
  };
  if (db.isTransaction) return read();
  const cache = cacheFor<PartnerSettings>(db as Db, SETTINGS_TOPIC, SETTINGS_TTL_MS, 2, { eager: true });
  const kept = cache.get('partner');
  if (kept) return kept;
  const generation = cache.generation;
  const settings = await read();
  cache.set('partner', settings, { generation });
  return settings;
}

/** REG-4: programme staff change the maintenance period; eligibility answers follow at once. */
export async function updatePartnerSettings(
  ctx: AppContext,
  actorOrNull: Actor | null,
  input: { maintenanceMonths: number },
  meta: RequestMeta,
  now = new Date(),
): Promise<PartnerSettings> {
  const actor = requirePermission(actorOrNull, 'staff:manage');
  const months = input.maintenanceMonths;
  if (!Number.isInteger(months) || months < 1 || months > 60)
    throw validationFailed([{ field: 'maintenance_months', rule: 'too_many', params: { max: 60 } }]);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await partnerSettings(trx);
    await repo.updateSettings(trx, months, actor.userId, now);
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'partner_settings.updated',
      subject: { type: 'partner_settings', id: 'programme' },
      ip: meta.ip,
      data: { maintenanceMonths: { from: before.maintenanceMonths, to: months } },
    });
    await announceChange(trx, ELIGIBILITY_TOPIC);
  });
  return { maintenanceMonths: months };
}

/** Where a partner stands: what restricts it (REG-4), its review and term dates, renewal, listing. */
export interface Standing {
  reasons: StandingReason[];
  restricted: boolean;
  reviewDueAt: Date | null;
  termEndsAt: Date | null;
  renewal: RenewalState;
  /** The date a calendar-based restriction starts, when one is ahead. */
  restrictionStartsAt: Date | null;
}

export function standingFrom(
  partner: Partner,
  claims: readonly PartnerClaim[],
  settings: PartnerSettings,
  now: Date,
): Standing {
  const facts = {
    status: partner.status,
    termEndsAt: partner.termEndsAt,
    distributorInfoReviewedAt: partner.distributorInfoReviewedAt,
    hasConfirmedAccount: claims.some((c) => c.status === 'confirmed'),
  };
  const reasons = standingReasons(facts, now, settings);
  const starts = restrictionStartsAt(facts, settings);
  return {
    reasons,
    restricted: reasons.length > 0,
    reviewDueAt: partner.distributorInfoReviewedAt && reviewDueAt(partner.distributorInfoReviewedAt, settings),
    termEndsAt: facts.termEndsAt,
    renewal: renewalState(facts.termEndsAt, now),
    restrictionStartsAt: starts && starts > now ? starts : null,
  };
}

export async function standingOf(ctx: AppContext, partner: Partner, now = new Date()): Promise<Standing> {
  return standingFrom(partner, await claimsOfPartner(ctx.db, partner.id), await partnerSettings(ctx.db), now);
}

export type Task =
  | 'claims_pending'
  | 'claims_rejected'
  | 'review_due'
  | 'training_due'
  | 'training_overdue'
  | 'renewal_due'
  | 'lapsed'
  | 'locations_flagged'
  | 'no_listed_location';

export interface Overview {
  partner: Partner;
  standing: Standing;
  /** REG-4: each account as its distributor sees it (purchaseEligibilityAt). */
  eligibility: { claim: PartnerClaim; eligible: boolean; reasons: { code: string; message: string }[] }[];
  tasks: Task[];
  isAdmin: boolean;
}

/** Issue #12 item 2: the partner's home. */
export async function partnerOverview(
  ctx: AppContext,
  actor: Actor | null,
  partnerId: string,
  now = new Date(),
): Promise<Overview> {
  mayRead(actor, partnerId);
  // The partner, its locations' marks, its claims and its training rows in one round trip; the
  // settings are kept (#15, decision 064). Nothing is shown before the partner is known to be shown.
  const [found, settings] = await Promise.all([findPartnerHome(ctx.db, partnerId), partnerSettings(ctx.db)]);
  const partner = shown(found?.partner);
  const { locations, claims, trainingRows } = found!;
  const training = await trainingStatusFromRows(ctx.db, trainingRows, now);
  const standing = standingFrom(partner, claims, settings, now);
  const eligibility = [];
  for (const claim of claims) {
    const answer = await purchaseEligibilityAt(ctx, claim.distributorId, claim.accountNumber, now);
    eligibility.push({ claim, eligible: answer.eligible, reasons: answer.reasons });
  }
  const tasks: Task[] = [];
  if (claims.some((c) => c.status === 'pending')) tasks.push('claims_pending');
  if (claims.some((c) => c.status === 'rejected')) tasks.push('claims_rejected');
  if (
    standing.reasons.includes('review_overdue') ||
    (standing.reviewDueAt && standing.reviewDueAt.getTime() - now.getTime() <= 30 * 86_400_000)
  )
    tasks.push('review_due');
  if (training.overdue > 0) tasks.push('training_overdue');
  if (training.dueSoon > 0 || training.rejected > 0) tasks.push('training_due');
  if (standing.renewal === 'due') tasks.push('renewal_due');
  if (standing.renewal === 'lapsed') tasks.push('lapsed');
  if (locations.some((l) => l.findings.some((f) => f.outcome !== 'pass'))) tasks.push('locations_flagged');
  if (!locations.some((l) => l.listed)) tasks.push('no_listed_location');
  return { partner, standing, eligibility, tasks, isAdmin: can(actor, 'partner:manage', partner.id) };
}

/** The partner pages start from the first partner the person works for. */
export { partnerOfUser } from './partners.service.ts';

// ---- Emailed notices (REG-4 restriction ahead, issue #12 item 6 renewal due) ----

async function adminsOf(db: Executor, partnerId: string) {
  return (await membersOfOrganisation(db, partnerId)).filter((m) => m.roles.includes('partner_admin'));
}

/**
 * REG-4 and issue #12 item 6: emails a partner's admins 30 and 7 days before a restriction
 * starts (its review falls due or its term ends) and 60 days before the term ends (renewal).
 * Each notice is claimed with a unique (partner, kind, threshold, period) row in the same
 * transaction as its outbox rows, so concurrent runs in several processes send it once.
 */
export async function sendPartnerNotices(ctx: AppContext, now = new Date(), pageSize = 500): Promise<number> {
  const settings = await partnerSettings(ctx.db);
  const horizon = new Date(now.getTime() + Math.max(...RESTRICTION_NOTICE_DAYS, ...RENEWAL_NOTICE_DAYS) * 86_400_000);
  let sent = 0;
  // Every candidate, a page at a time: the candidates do not exclude partners already told, so
  // one fixed-size page would be the same partners at every run and the rest never (#16.3).
  let after: string | undefined;
  for (;;) {
    const page = await repo.noticeCandidates(ctx.db, settings.maintenanceMonths, horizon, now, {
      after,
      limit: pageSize,
    });
    for (const partnerId of page) sent += await sendNoticesTo(ctx, partnerId, settings, now);
    if (page.length < pageSize) return sent;
    after = page.at(-1);
  }
}

/** The notices one partner is owed at `now`, each claimed once; how many were sent. */
async function sendNoticesTo(
  ctx: AppContext,
  partnerId: string,
  settings: PartnerSettings,
  now: Date,
): Promise<number> {
  const partner = await findPartner(ctx.db, partnerId);
  if (!partner) return 0;
  const standing = standingFrom(partner, await claimsOfPartner(ctx.db, partnerId), settings, now);
  const notices: { kind: 'restriction' | 'renewal'; at: Date; threshold: number }[] = [];
  const restrictionThreshold =
    standing.restrictionStartsAt && noticeThreshold(standing.restrictionStartsAt, now, RESTRICTION_NOTICE_DAYS);
  if (standing.restrictionStartsAt && restrictionThreshold)
    notices.push({ kind: 'restriction', at: standing.restrictionStartsAt, threshold: restrictionThreshold });
  const renewalThreshold = standing.termEndsAt && noticeThreshold(standing.termEndsAt, now, RENEWAL_NOTICE_DAYS);
  if (standing.termEndsAt && renewalThreshold)
    notices.push({ kind: 'renewal', at: standing.termEndsAt, threshold: renewalThreshold });
  let sent = 0;
  for (const notice of notices) {
    sent += await ctx.db.transaction().execute(async (trx) => {
      const period = notice.at.toISOString().slice(0, 10);
      if (
        !(await repo.claimNotice(trx, {
          partner_id: partnerId,
          kind: notice.kind,
          threshold: notice.threshold,
          period,
        }))
      )
        return 0;
      for (const admin of await adminsOf(trx, partnerId)) {
        await enqueueEmail(trx, brandOf(ctx.config), {
          to: admin.email,
          language: isLanguage(admin.language) ? admin.language : 'en',
          template: notice.kind === 'renewal' ? 'partner_renewal_due' : 'partner_restriction_ahead',
          recipientName: admin.name,
          actionUrl: `${ctx.config.publicUrl}/partner/${partnerId}${notice.kind === 'renewal' ? '/renewal' : '/accounts'}`,
          vars: { company: partner.legalName, date: period, days: String(notice.threshold) },
        });
      }
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: `partner.${notice.kind}_notice_sent`,
        subject: { type: 'partner', id: partnerId },
        organisationId: partnerId,
        data: { threshold: notice.threshold, period },
      });
      return 1;
    });
  }
  return sent;
}
