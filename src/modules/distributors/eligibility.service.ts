import { cacheFor } from '../../platform/cache.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { trainingRestriction } from '../partners/index.ts';
import { ELIGIBILITY_TOPIC } from './access.ts';
import * as repo from './distributors.repository.ts';
import {
  checkAccountNumber,
  eligibilityChangesAt,
  purchaseEligibility,
  REASON_MESSAGES,
  type EligibilityFacts,
  type IneligibleReason,
} from './distributors.rules.ts';

/**
 * How long an eligibility answer may be kept. Not the staleness bound: a change to any table the
 * answer is read from reaches every process at commit (NOTIFY from triggers), a silent channel
 * turns the cache off within seconds (heartbeat), and an answer that the clock will change expires
 * then. The TTL only bounds changes made with triggers off (a replica-mode bulk load), decision 065.
 */
export const ELIGIBILITY_TTL_MS = 60_000;

export interface EligibilityAnswer {
  account: string;
  eligible: boolean;
  partner: { id: string; legalName: string; country: string; status: string } | null;
  reasons: { code: IneligibleReason; message: string }[];
}

/**
 * REG-4: may the reseller holding `accountNumber` at this distributor buy now? The hottest read
 * of the product, answered from a cache that every relevant change invalidates (decision 065).
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

  // Taken before the read: if a change is announced meanwhile, this answer is not cached.
  const generation = cache.generation;
  const facts = await repo.eligibilityFacts(ctx.db, distributorId, account);
  if (!facts.claim_status && facts.listed_active === null) {
    cache.set(key, 'unknown', { generation });
    throw unknownAccount();
  }
  // REG-10: only while staff restrict flagged partners is the partner's training read at all.
  const training =
    facts.training_restricts && facts.partner_status === 'registered' && facts.partner_id
      ? await trainingRestriction(ctx.db, facts.partner_id, now)
      : { restricted: false, changesAt: null };
  const eligibilityFacts: EligibilityFacts = {
    partner: facts.partner_status
      ? {
          status: facts.partner_status,
          distributorInfoReviewedAt: facts.distributor_info_reviewed_at,
          termEndsAt: facts.renewal_due_at,
          trainingRestricted: training.restricted,
        }
      : null,
    claim: facts.claim_status ? { status: facts.claim_status } : null,
    listed: facts.listed_active === null ? null : { active: facts.listed_active },
  };
  // REG-4: the staff setting (Partner Self Service) when present, else the configured default.
  const months = facts.maintenance_months ?? ctx.config.distributorReviewMonths;
  const decision = purchaseEligibility(eligibilityFacts, now, months);
  const answer: EligibilityAnswer = {
    account,
    eligible: decision.eligible,
    partner: facts.partner_id
      ? { id: facts.partner_id, legalName: facts.legal_name!, country: facts.country!, status: facts.partner_status! }
      : null,
    reasons: decision.reasons.map((code) => ({ code, message: REASON_MESSAGES[code] })),
  };
  // Kept until the clock would change it (a review falling due, a term ending), at most the TTL.
  const changesAt = eligibilityChangesAt(eligibilityFacts, now, months, training.changesAt);
  cache.set(key, answer, {
    generation,
    ...(changesAt ? { expiresAt: Date.now() + (changesAt.getTime() - now.getTime()) } : {}),
  });
  return answer;
}

const unknownAccount = () =>
  new AppError(
    'account_unknown',
    'This account number is neither on your account list nor claimed by any reseller at your company.',
    404,
  );
