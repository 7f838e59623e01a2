import { describe, expect, it } from 'vitest';
import { afterFailure, blockedMinutes, checkSignUp, THROTTLE } from './accounts.rules.ts';
import { allows } from '../../platform/roles.rules.ts';

describe('account rules', () => {
  it('REG-1: accepts a complete sign-up', () => {
    expect(
      checkSignUp({ name: 'Ann Lee', email: 'ann@contoso.example', password: 'twelve chars!', language: 'fr' }),
    ).toEqual([]);
  });

  it('REG-1: refuses a password equal to the email address', () => {
    expect(
      checkSignUp({ name: 'Ann', email: 'ann@contoso.example', password: 'ANN@contoso.example', language: 'en' }),
    ).toEqual([{ field: 'password', rule: 'password_matches_email' }]);
  });

  it('REG-1: refuses names with control characters and absurd lengths', () => {
    expect(checkSignUp({ name: 'Ann\u0007', email: 'a@b.example', password: 'twelve chars!', language: 'en' })).toEqual(
      [{ field: 'name', rule: 'control_characters' }],
    );
    expect(
      checkSignUp({ name: 'x'.repeat(121), email: 'a@b.example', password: 'twelve chars!', language: 'en' }),
    ).toEqual([{ field: 'name', rule: 'too_long', params: { max: 120 } }]);
    expect(checkSignUp({ name: 'Ann', email: 'a@b.example', password: 'p'.repeat(257), language: 'en' })).toEqual([
      { field: 'password', rule: 'too_long', params: { max: 256 } },
    ]);
  });

  it('blocks a network address after 30 failures in the window and forgets failures after it', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    let state = afterFailure(undefined, THROTTLE.ip, start);
    for (let i = 2; i <= 29; i++) state = afterFailure(state, THROTTLE.ip, new Date(start.getTime() + i * 1000));
    expect(state.failures).toBe(29);
    expect(blockedMinutes(state, start)).toBe(0);
    state = afterFailure(state, THROTTLE.ip, new Date(start.getTime() + 30_000));
    expect(blockedMinutes(state, new Date(start.getTime() + 30_000))).toBe(15);
    expect(blockedMinutes(state, new Date(start.getTime() + 30_000 + 15 * 60_000))).toBe(0);
    // A failure after the window opens a new one.
    const later = afterFailure(
      { failures: 29, windowStartedAt: start, blockedUntil: null },
      THROTTLE.ip,
      new Date(start.getTime() + 16 * 60_000),
    );
    expect(later.failures).toBe(1);
  });

  it('issue #10: slows one address guessing one account with a delay that doubles, capped at 15 minutes', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    const at = (s: number) => new Date(start.getTime() + s * 1000);
    let state = afterFailure(undefined, THROTTLE.pair, start);
    for (let i = 2; i <= 4; i++) state = afterFailure(state, THROTTLE.pair, at(i));
    expect(blockedMinutes(state, at(4))).toBe(0);
    const minutes: number[] = [];
    let now = 5;
    for (let i = 5; i <= 10; i++) {
      state = afterFailure(state, THROTTLE.pair, at(now));
      minutes.push(blockedMinutes(state, at(now)));
      now += minutes.at(-1)! * 60; // the next guess comes when the block ends
    }
    expect(minutes).toEqual([1, 2, 4, 8, 15, 15]);
  });
});

describe('roles and permissions', () => {
  it('lets staff decide anywhere and partner admins only within their organisation', () => {
    expect(allows([{ role: 'staff_reviewer', organisationId: null }], 'applications:decide', 'org-1')).toBe(true);
    expect(allows([{ role: 'partner_admin', organisationId: 'org-1' }], 'partner:manage', 'org-1')).toBe(true);
    expect(allows([{ role: 'partner_admin', organisationId: 'org-1' }], 'partner:manage', 'org-2')).toBe(false);
    expect(allows([{ role: 'partner_member', organisationId: 'org-1' }], 'partner:manage', 'org-1')).toBe(false);
    expect(allows([{ role: 'distributor_user', organisationId: 'd-1' }], 'applications:decide')).toBe(false);
  });
});
