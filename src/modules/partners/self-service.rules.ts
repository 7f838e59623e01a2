import { addMonths } from '../../platform/dates.ts';
import type { FieldViolation } from '../../platform/errors.ts';
import type { PartnerStatus, PartnerRole } from './partners.table.ts';

// Partner Self Service rules (issue #12): restriction and listing (REG-4, REG-14), renewal,
// reminders, colleagues and locations. Pure functions; the services supply the facts.

const DAY_MS = 86_400_000;

/** Programme settings staff can change (REG-4: the maintenance period, default 12 months). */
export interface PartnerSettings {
  maintenanceMonths: number;
}

export const DEFAULT_SETTINGS: PartnerSettings = { maintenanceMonths: 12 };

/** What the restriction and listing rules need to know about a partner. */
export interface StandingFacts {
  status: PartnerStatus;
  /** The end of the registration term (partners.renewal_due_at); null when none was set. */
  termEndsAt: Date | null;
  distributorInfoReviewedAt: Date | null;
  hasConfirmedAccount: boolean;
}

export type StandingReason =
  'not_registered' | 'suspended' | 'terminated' | 'lapsed' | 'no_confirmed_account' | 'review_overdue';

/** Issue #12 item 6: an unrenewed partner lapses on the day its term ends. */
export function isLapsed(termEndsAt: Date | null, now: Date): boolean {
  return !!termEndsAt && termEndsAt <= now;
}

/** REG-4: the day the distributor information must have been reviewed again. */
export function reviewDueAt(reviewedAt: Date, settings: PartnerSettings): Date {
  return addMonths(reviewedAt, settings.maintenanceMonths);
}

/**
 * REG-4 and issue #12: every reason a partner is restricted from purchasing through
 * distributors and kept out of the Partner Locator; none means it is in good standing.
 */
export function standingReasons(p: StandingFacts, now: Date, settings: PartnerSettings): StandingReason[] {
  const reasons: StandingReason[] = [];
  if (p.status === 'suspended' || p.status === 'terminated') reasons.push(p.status);
  else if (p.status !== 'registered') reasons.push('not_registered');
  if (isLapsed(p.termEndsAt, now)) reasons.push('lapsed');
  if (!p.hasConfirmedAccount) reasons.push('no_confirmed_account');
  if (!p.distributorInfoReviewedAt || reviewDueAt(p.distributorInfoReviewedAt, settings) <= now)
    reasons.push('review_overdue');
  return reasons;
}

/**
 * REG-14: a partner's listed locations appear in the Partner Locator only while it is
 * registered and not restricted, lapsed, suspended or terminated: while `now` is before
 * listableUntil. The same as "no standingReasons" (self-service.rules.test.ts proves it).
 */
export function isListable(p: StandingFacts, now: Date, settings: PartnerSettings): boolean {
  const until = listableUntil(p, settings);
  return until !== null && until > now;
}

/**
 * REG-4, REG-14: until when a partner is listable. Null while only a write can make it listable
 * (not registered, no confirmed account, never reviewed); else the moment the calendar ends it, its
 * term's end or its review's due date, whichever comes first (it may be past: a lapsed partner).
 * The Partner Locator keeps this on every location row (`partner_locations.listable_until`, kept
 * by triggers from the `partner_listability` view, migration 2026_12_02_0900, decision 066) and
 * filters on `listable_until > now`, so a lapse takes effect without any write.
 */
export function listableUntil(p: StandingFacts, settings: PartnerSettings): Date | null {
  if (p.status !== 'registered' || !p.hasConfirmedAccount || !p.distributorInfoReviewedAt) return null;
  return restrictionStartsAt(p, settings) ?? null;
}

/**
 * REG-4: when a partner in good standing becomes restricted by the calendar alone: its review
 * falls due or its term ends, whichever comes first. Undefined when it has no such date.
 */
export function restrictionStartsAt(p: StandingFacts, settings: PartnerSettings): Date | undefined {
  const dates = [
    p.distributorInfoReviewedAt && reviewDueAt(p.distributorInfoReviewedAt, settings),
    p.termEndsAt,
  ].filter((d): d is Date => !!d);
  return dates.length ? new Date(Math.min(...dates.map((d) => d.getTime()))) : undefined;
}

export const RESTRICTION_NOTICE_DAYS = [30, 7] as const;
export const RENEWAL_NOTICE_DAYS = [60] as const;

/**
 * The notice due `now` for an event at `at`: the smallest threshold (days before) already
 * reached, while the event is still ahead. Each (threshold, event date) is sent once; the
 * caller claims it with a unique row, so a late run sends only the nearest notice.
 */
export function noticeThreshold(at: Date, now: Date, thresholds: readonly number[]): number | undefined {
  const left = at.getTime() - now.getTime();
  if (left <= 0) return undefined;
  const reached = thresholds.filter((days) => left <= days * DAY_MS);
  return reached.length ? Math.min(...reached) : undefined;
}

// ---- Renewal (issue #12 item 6) ----

export const RENEWAL_WINDOW_DAYS = 60;

export type RenewalState = 'not_due' | 'due' | 'lapsed';

/** The renewal opens 60 days before the term ends and stays open after a lapse. */
export function renewalState(termEndsAt: Date | null, now: Date): RenewalState {
  if (!termEndsAt) return 'not_due';
  if (isLapsed(termEndsAt, now)) return 'lapsed';
  return termEndsAt.getTime() - now.getTime() <= RENEWAL_WINDOW_DAYS * DAY_MS ? 'due' : 'not_due';
}

/** A confirmed renewal extends the term by 12 months; after a lapse the new term starts today. */
export function renewedTermEnd(termEndsAt: Date, now: Date): Date {
  return addMonths(isLapsed(termEndsAt, now) ? now : termEndsAt, 12);
}

/** What a partner admin confirms to renew; every item must be ticked. */
export const RENEWAL_CONFIRMATIONS = ['business_email', 'locations', 'distributor_accounts', 'added_value'] as const;

export function checkRenewal(input: {
  confirmed: readonly string[];
  agreementAccepted: boolean;
  newerAgreement: boolean;
}): FieldViolation[] {
  const missing: FieldViolation[] = RENEWAL_CONFIRMATIONS.filter((c) => !input.confirmed.includes(c)).map((c) => ({
    field: `confirm_${c}`,
    rule: 'required',
  }));
  if (input.newerAgreement && !input.agreementAccepted) missing.push({ field: 'agreement', rule: 'required' });
  return missing;
}

// ---- Colleagues (issue #12 item 3) ----

export const PARTNER_ROLES: readonly PartnerRole[] = ['partner_member', 'partner_admin', 'partner_signatory'];
export const INVITATION_TTL_DAYS = 7;

export type InvitationState = 'pending' | 'accepted' | 'expired' | 'revoked';

export function invitationState(
  i: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date },
  now: Date,
): InvitationState {
  if (i.acceptedAt) return 'accepted';
  if (i.revokedAt) return 'revoked';
  return i.expiresAt <= now ? 'expired' : 'pending';
}

/** A partner keeps at least one admin: true when the change would leave none. */
export function leavesNoAdmin(adminIds: readonly string[], userId: string, keepsAdmin: boolean): boolean {
  return !keepsAdmin && adminIds.length === 1 && adminIds[0] === userId;
}

// ---- Locations and listing (REG-7, REG-14) ----

export const LOCATION_SERVICES = ['sales', 'installation', 'support', 'training', 'repair', 'consulting'] as const;

/** REG-7: at least one physical location stays listed: true when the change would unlist the last one. */
export function unlistsLastLocation(
  locations: readonly { id: string; listed: boolean }[],
  locationId: string,
): boolean {
  const listed = locations.filter((l) => l.listed);
  return listed.length === 1 && listed[0]!.id === locationId;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()./-]{5,30}$/;

/** The public listing details: optional, but well-formed when given (services are a fixed choice, filtered by the caller). */
export function checkListingDetails(input: { phone: string; email: string; website: string }): FieldViolation[] {
  const problems: FieldViolation[] = [];
  if (input.phone && !PHONE.test(input.phone)) problems.push({ field: 'phone', rule: 'phone' });
  if (input.email && (input.email.length > 254 || !EMAIL.test(input.email)))
    problems.push({ field: 'email', rule: 'email_format' });
  if (input.website) {
    let ok = input.website.length <= 200;
    try {
      ok &&= ['http:', 'https:'].includes(new URL(input.website).protocol);
    } catch {
      ok = false;
    }
    if (!ok) problems.push({ field: 'website', rule: 'url' });
  }
  return problems;
}
