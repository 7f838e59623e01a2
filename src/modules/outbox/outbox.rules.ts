import { redactTokens } from '../../platform/redact.ts';

/** After this many failed deliveries a message is marked failed and left for an operator. */
export const MAX_DELIVERY_ATTEMPTS = 8;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 60 * 60_000;

/** exponential backoff: 30 s, 1 min, 2 min … capped at one hour. */
export function retryDelayMs(attemptsSoFar: number): number {
  return Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attemptsSoFar - 1), MAX_DELAY_MS);
}

export type AfterFailure = { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' };

export function afterFailedAttempt(attemptsSoFar: number, now: Date): AfterFailure {
  if (attemptsSoFar >= MAX_DELIVERY_ATTEMPTS) return { status: 'failed' };
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + retryDelayMs(attemptsSoFar)) };
}

/** How long a worker may hold a claimed message before another worker may take it over. */
export const CLAIM_LEASE_MS = 2 * 60_000;

export const REDACTED_TOKEN = 'removed-after-delivery';

/**
 * A delivered message's body without the secrets in its links (`token=…`, the one place a link
 * carries a secret; `redactTokens`): the outbox keeps a record of what was sent, not a second
 * copy of every live sign-in, reset or invitation link. The local mailbox transport is exempt —
 * there the outbox is the mailbox (decision 020).
 */
export function redactDelivered(body: string): string {
  return redactTokens(body, REDACTED_TOKEN);
}
