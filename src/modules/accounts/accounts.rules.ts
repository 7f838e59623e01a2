import type { FieldViolation } from '../../platform/errors.ts';
import { EMAIL_MAX, NAME_MAX, checkEmail, checkName, normaliseEmail } from '../../platform/contact.rules.ts';
import { isLanguage } from '../../platform/i18n.ts';

// The generic name and email checks live in platform, since every module's forms use them.
export { EMAIL_MAX, NAME_MAX, checkEmail, checkName, normaliseEmail };

export const PASSWORD_MIN = 12;
// argon2 hashes any length, but an unbounded input is a cheap way to burn CPU.
export const PASSWORD_MAX = 256;

/** REG-1: confirmation and reset links work for 24 hours. */
export const EMAIL_TOKEN_TTL_MS = 24 * 60 * 60_000;
export const SESSION_TTL_MS = 14 * 24 * 60 * 60_000;

export function checkPassword(password: string, email: string | undefined, field = 'password'): FieldViolation[] {
  if (!password) return [{ field, rule: 'required' }];
  if (password.length < PASSWORD_MIN) return [{ field, rule: 'too_short', params: { min: PASSWORD_MIN } }];
  if (password.length > PASSWORD_MAX) return [{ field, rule: 'too_long', params: { max: PASSWORD_MAX } }];
  if (email && password.trim().toLowerCase() === normaliseEmail(email))
    return [{ field, rule: 'password_matches_email' }];
  return [];
}

export function checkLanguage(language: string, field = 'language'): FieldViolation[] {
  return isLanguage(language) ? [] : [{ field, rule: 'language_unsupported' }];
}

export interface SignUpInput {
  name: string;
  email: string;
  password: string;
  language: string;
}

/** REG-1 (account): every problem with a sign-up, so the form shows them all at once. */
export function checkSignUp(input: SignUpInput): FieldViolation[] {
  return [
    ...checkName(input.name),
    ...checkEmail(input.email),
    ...checkPassword(input.password, input.email),
    ...checkLanguage(input.language),
  ];
}

// Sign-in throttling (decision 020). Failures are counted per (network address, account) pair,
// so whoever guesses one person's password is slowed down — with a delay that doubles with each
// further failure — while the owner, signing in from elsewhere, is never locked out. Counting per
// network address as well stops spraying many accounts from one place.
export const THROTTLE = {
  pair: { maxFailures: 5, windowMs: 60 * 60_000, blockMs: 60_000, maxBlockMs: 15 * 60_000 },
  ip: { maxFailures: 30, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
} as const;

export interface ThrottleState {
  failures: number;
  windowStartedAt: Date;
  blockedUntil: Date | null;
}

export interface ThrottlePolicy {
  maxFailures: number;
  windowMs: number;
  blockMs: number;
  /** When set, each failure past the limit doubles the block, up to this; failures are kept for the whole window. */
  maxBlockMs?: number;
}

/** Minutes left on a block, or 0 when sign-in may be tried. */
export function blockedMinutes(state: ThrottleState | undefined, now: Date): number {
  if (!state?.blockedUntil || state.blockedUntil <= now) return 0;
  return Math.ceil((state.blockedUntil.getTime() - now.getTime()) / 60_000);
}

/**
 * The state after one more failure: a new window when the old one has passed, a block at the
 * limit — fixed, or doubling with each further failure when the policy escalates.
 */
export function afterFailure(state: ThrottleState | undefined, policy: ThrottlePolicy, now: Date): ThrottleState {
  const blockEnded = state?.blockedUntil != null && state.blockedUntil <= now && policy.maxBlockMs === undefined;
  const fresh = !state || now.getTime() - state.windowStartedAt.getTime() > policy.windowMs || blockEnded;
  const failures = fresh ? 1 : state.failures + 1;
  const windowStartedAt = fresh ? now : state.windowStartedAt;
  const over = failures - policy.maxFailures;
  const blockMs =
    policy.maxBlockMs === undefined
      ? policy.blockMs
      : Math.min(policy.maxBlockMs, policy.blockMs * 2 ** Math.min(over, 20));
  const blockedUntil = over >= 0 ? new Date(now.getTime() + blockMs) : null;
  return { failures, windowStartedAt, blockedUntil };
}
