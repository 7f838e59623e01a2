/** Why a registered partner cannot buy at the moment (REG-4), as the staff dashboard lists it. */
export type RestrictionReason = 'no_confirmed_account' | 'review_overdue' | 'training_non_compliant';

export interface PurchaseRestriction {
  partnerId: string;
  legalName: string;
  country: string;
  reasons: RestrictionReason[];
}

/**
 * REG-4: a registered partner buys only through a confirmed distributor account, and only while
 * its distributor information was reviewed within the maintenance period. Every reason that
 * applies is named; none means the partner is not restricted.
 */
export function purchaseRestrictionReasons(facts: {
  hasConfirmedAccount: boolean;
  reviewOverdue: boolean;
  trainingRestricted?: boolean;
}): RestrictionReason[] {
  return [
    ...(facts.hasConfirmedAccount ? [] : (['no_confirmed_account'] as const)),
    ...(facts.reviewOverdue ? (['review_overdue'] as const) : []),
    // REG-10: flagged for training while staff restrict such partners (decision 047).
    ...(facts.trainingRestricted ? (['training_non_compliant'] as const) : []),
  ];
}
