import { cacheFor } from '../../platform/cache.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { trainingRestrictsPurchases } from '../partners/index.ts';
import { ELIGIBILITY_TOPIC } from './access.ts';
import * as repo from './distributors.repository.ts';
import {
  checkAccountNumber,
  purchaseEligibility,
  REASON_MESSAGES,
  type IneligibleReason,
} from './distributors.rules.ts';

/** Staleness bound of an eligibility answer; changes usually reach every process sooner (NOTIFY). */
export const ELIGIBILITY_TTL_MS = 2000;

export interface EligibilityAnswer {
  account: string;
  eligible: boolean;
  partner: { id: string; legalName: string; country: string; status: string } | null;
  reasons: { code: IneligibleReason; message: string }[];
}

/**
 * REG-4: may the reseller holding `accountNumber` at this distributor buy now? The hottest read
 * of the product, answered from a short-lived cache that every relevant change invalidates.
 * Callers have already established that the actor acts for `distributorId`.
 */
export async function purchaseEligibilityAt(
  ctx: AppContext,
  distributorId: string,
  accountNumber: string,
  now = new Date(),
): Promise<EligibilityAnswer> {
  const account = accountNumber.trim();
  if (checkAccountNumber(account).length > 0)
    throw new AppError(
      'invalid_account_number',
      'account must be 1–64 letters, digits, . _ / or -, starting with a letter or digit.',
      400,
    );
  // Unknown numbers are cached too ('unknown'), so a stream of them does not hit the database.
  const cache = cacheFor<EligibilityAnswer | 'unknown'>(ctx.db, ELIGIBILITY_TOPIC, ELIGIBILITY_TTL_MS);
  const key = `${distributorId}\u0000${account}`;
  const cached = cache.get(key);
  if (cached === 'unknown') throw unknownAccount();
  if (cached) return cached;

  const facts = await repo.eligibilityFacts(ctx.db, distributorId, account);
  if (!facts.claim_status && facts.listed_active === null) {
    cache.set(key, 'unknown');
    throw unknownAccount();
  }
  const decision = purchaseEligibility(
    {
      partner: facts.partner_status
        ? {
            status: facts.partner_status,
            distributorInfoReviewedAt: facts.distributor_info_reviewed_at,
            termEndsAt: facts.renewal_due_at,
            // REG-10: answered within the cache's staleness bound, like every other fact here.
            trainingRestricted:
              facts.partner_status === 'registered' && facts.partner_id
                ? await trainingRestrictsPurchases(ctx.db, facts.partner_id, now)
                : false,
          }
        : null,
      claim: facts.claim_status ? { status: facts.claim_status } : null,
      listed: facts.listed_active === null ? null : { active: facts.listed_active },
    },
    now,
    // REG-4: the staff setting (Partner Self Service) when present, else the configured default.
    facts.maintenance_months ?? ctx.config.distributorReviewMonths,
  );
  const answer: EligibilityAnswer = {
    account,
    eligible: decision.eligible,
    partner: facts.partner_id
      ? { id: facts.partner_id, legalName: facts.legal_name!, country: facts.country!, status: facts.partner_status! }
      : null,
    reasons: decision.reasons.map((code) => ({ code, message: REASON_MESSAGES[code] })),
  };
  cache.set(key, answer);
  return answer;
}

const unknownAccount = () =>
  new AppError(
    'account_unknown',
    'This account number is neither on your account list nor claimed by any reseller at your company.',
    404,
  );
