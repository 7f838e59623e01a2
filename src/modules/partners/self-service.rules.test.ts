import { invitationRefusal } from '../../platform/invitation.rules.ts';
import { describe, expect, it } from 'vitest';
import {
  checkListingDetails,
  checkRenewal,
  invitationState,
  isListable,
  leavesNoAdmin,
  listableUntil,
  noticeThreshold,
  renewalState,
  renewedTermEnd,
  restrictionStartsAt,
  standingReasons,
  unlistsLastLocation,
  type StandingFacts,
} from './self-service.rules.ts';
import {
  factsOf,
  instantsFor,
  LISTABILITY_CASES,
  MAINTENANCE_PERIODS,
} from '../../../test/helpers/listability-cases.ts';

const now = new Date('2026-11-28T12:00:00Z');
const settings = { maintenanceMonths: 12 };
const good: StandingFacts = {
  status: 'registered',
  termEndsAt: new Date('2027-06-01T00:00:00Z'),
  distributorInfoReviewedAt: new Date('2026-06-01T00:00:00Z'),
  hasConfirmedAccount: true,
};

describe('Partner Self Service rules', () => {
  it('REG-4: a partner in good standing is neither restricted nor unlisted', () => {
    expect(standingReasons(good, now, settings)).toEqual([]);
    expect(isListable(good, now, settings)).toBe(true);
  });

  it('REG-4: no confirmed distributor account restricts the partner', () => {
    expect(standingReasons({ ...good, hasConfirmedAccount: false }, now, settings)).toEqual(['no_confirmed_account']);
  });

  it('REG-4: a review older than the maintenance period restricts, and the period is the setting', () => {
    const reviewed = { ...good, distributorInfoReviewedAt: new Date('2025-11-28T12:00:00Z') };
    expect(standingReasons(reviewed, now, settings)).toEqual(['review_overdue']);
    expect(standingReasons(reviewed, now, { maintenanceMonths: 13 })).toEqual([]);
    expect(standingReasons(good, now, { maintenanceMonths: 3 })).toEqual(['review_overdue']);
    expect(standingReasons({ ...good, distributorInfoReviewedAt: null }, now, settings)).toEqual(['review_overdue']);
  });

  it('REG-4: an unrenewed partner lapses on its end date and is restricted and unlisted', () => {
    const ending = { ...good, termEndsAt: now };
    expect(standingReasons(ending, new Date(now.getTime() - 1), settings)).toEqual([]);
    expect(standingReasons(ending, now, settings)).toEqual(['lapsed']);
    expect(isListable(ending, now, settings)).toBe(false);
  });

  it('REG-14: suspended, terminated and unregistered partners are not listable', () => {
    for (const status of ['suspended', 'terminated'] as const)
      expect(standingReasons({ ...good, status }, now, settings)).toEqual([status]);
    expect(isListable({ ...good, status: 'applicant' }, now, settings)).toBe(false);
  });

  it('REG-4, REG-14: listable exactly while no restriction reason holds, i.e. before listableUntil, on every case', () => {
    let listed = 0;
    let unlisted = 0;
    for (const maintenanceMonths of MAINTENANCE_PERIODS) {
      const s = { maintenanceMonths };
      for (const instant of instantsFor(s))
        for (const c of LISTABILITY_CASES) {
          const facts = factsOf(c);
          const listable = isListable(facts, instant, s);
          expect(listable, `${c.name} at ${instant.toISOString()}, ${maintenanceMonths} months`).toBe(
            standingReasons(facts, instant, s).length === 0,
          );
          const until = listableUntil(facts, s);
          expect(listable).toBe(until !== null && until > instant);
          if (listable) listed += 1;
          else unlisted += 1;
        }
    }
    // The cases reach both sides of the rule.
    expect(listed).toBeGreaterThan(0);
    expect(unlisted).toBeGreaterThan(0);
  });

  it('REG-14: listableUntil is null while only a write can list the partner, else the first calendar end', () => {
    expect(listableUntil(good, settings)).toEqual(new Date('2027-06-01T00:00:00Z'));
    expect(listableUntil({ ...good, termEndsAt: new Date('2026-12-10T00:00:00Z') }, settings)).toEqual(
      new Date('2026-12-10T00:00:00Z'),
    );
    expect(listableUntil({ ...good, termEndsAt: null }, { maintenanceMonths: 3 })).toEqual(
      new Date('2026-09-01T00:00:00Z'),
    );
    // Already past: a lapsed partner keeps its date, and the comparison with now unlists it.
    expect(listableUntil({ ...good, termEndsAt: new Date('2026-11-01T00:00:00Z') }, settings)).toEqual(
      new Date('2026-11-01T00:00:00Z'),
    );
    for (const status of ['suspended', 'terminated', 'applicant'] as const)
      expect(listableUntil({ ...good, status }, settings)).toBeNull();
    expect(listableUntil({ ...good, hasConfirmedAccount: false }, settings)).toBeNull();
    expect(listableUntil({ ...good, distributorInfoReviewedAt: null }, settings)).toBeNull();
  });

  it('REG-4: the restriction starts at the earlier of the review due date and the term end', () => {
    expect(restrictionStartsAt(good, settings)).toEqual(new Date('2027-06-01T00:00:00Z'));
    expect(restrictionStartsAt({ ...good, termEndsAt: new Date('2027-03-01T00:00:00Z') }, settings)).toEqual(
      new Date('2027-03-01T00:00:00Z'),
    );
  });

  it('REG-4: notices go 30 and 7 days ahead, the nearest one when a run is late, none after the date', () => {
    const at = new Date('2026-12-28T12:00:00Z');
    expect(noticeThreshold(at, new Date('2026-11-27T12:00:00Z'), [30, 7])).toBeUndefined();
    expect(noticeThreshold(at, now, [30, 7])).toBe(30);
    expect(noticeThreshold(at, new Date('2026-12-22T12:00:00Z'), [30, 7])).toBe(7);
    expect(noticeThreshold(at, at, [30, 7])).toBeUndefined();
  });

  it('renewal opens 60 days before the term ends and extends it by 12 months (from today after a lapse)', () => {
    const end = new Date('2027-01-20T00:00:00Z');
    expect(renewalState(end, now)).toBe('due');
    expect(renewalState(new Date('2027-02-01T00:00:00Z'), now)).toBe('not_due');
    expect(renewalState(new Date('2026-11-01T00:00:00Z'), now)).toBe('lapsed');
    expect(renewedTermEnd(end, now)).toEqual(new Date('2028-01-20T00:00:00Z'));
    expect(renewedTermEnd(new Date('2026-11-01T00:00:00Z'), now)).toEqual(new Date('2027-11-28T12:00:00Z'));
    expect(
      checkRenewal({
        confirmed: ['business_email', 'locations', 'distributor_accounts', 'added_value'],
        agreementAccepted: false,
        newerAgreement: false,
      }),
    ).toEqual([]);
    expect(
      checkRenewal({ confirmed: ['locations'], agreementAccepted: false, newerAgreement: true }).map((v) => v.field),
    ).toEqual(['confirm_business_email', 'confirm_distributor_accounts', 'confirm_added_value', 'agreement']);
  });

  it('the last admin cannot be removed or lose the admin role', () => {
    expect(leavesNoAdmin(['a'], 'a', false)).toBe(true);
    expect(leavesNoAdmin(['a'], 'a', true)).toBe(false);
    expect(leavesNoAdmin(['a', 'b'], 'a', false)).toBe(false);
    expect(leavesNoAdmin(['a'], 'b', false)).toBe(false);
  });

  it('REG-7: the last listed location cannot be unlisted or removed', () => {
    expect(
      unlistsLastLocation(
        [
          { id: 'x', listed: true },
          { id: 'y', listed: false },
        ],
        'x',
      ),
    ).toBe(true);
    expect(
      unlistsLastLocation(
        [
          { id: 'x', listed: true },
          { id: 'y', listed: true },
        ],
        'x',
      ),
    ).toBe(false);
    expect(
      unlistsLastLocation(
        [
          { id: 'x', listed: true },
          { id: 'y', listed: false },
        ],
        'y',
      ),
    ).toBe(false);
  });

  it('invitations: states, and only the invited confirmed address may accept (any case)', () => {
    const expiresAt = new Date(now.getTime() + 1000);
    expect(invitationState({ acceptedAt: null, revokedAt: null, expiresAt }, now)).toBe('pending');
    expect(invitationState({ acceptedAt: null, revokedAt: null, expiresAt: now }, now)).toBe('expired');
    expect(invitationState({ acceptedAt: null, revokedAt: now, expiresAt }, now)).toBe('revoked');
    expect(invitationState({ acceptedAt: now, revokedAt: null, expiresAt }, now)).toBe('accepted');
    expect(invitationRefusal('Ann@Example.test', { email: 'ann@example.test', emailVerified: true })).toBeUndefined();
    expect(invitationRefusal('ann@example.test', { email: 'bob@example.test', emailVerified: true })).toBe(
      'invitation_not_for_you',
    );
    expect(invitationRefusal('ann@example.test', { email: 'ann@example.test', emailVerified: false })).toBe(
      'email_not_verified',
    );
  });

  it('REG-14: public listing details are checked when given', () => {
    expect(checkListingDetails({ phone: '', email: '', website: '' })).toEqual([]);
    expect(
      checkListingDetails({ phone: 'call us', email: 'x@', website: 'javascript:alert(1)' }).map((v) => v.field),
    ).toEqual(['phone', 'email', 'website']);
  });
});
