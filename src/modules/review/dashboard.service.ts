import { requirePermission, type Actor } from '../../platform/auth.ts';
import type { AppContext } from '../../platform/context.ts';
import {
  partnerSettings,
  purchaseRestrictedPartners,
  registeredPartnersByCountry,
  trainingCompliance,
  trainingFlags,
  type PurchaseRestriction,
  type TrainingCompliance,
} from '../partners/index.ts';
import { flagRates } from './flags.service.ts';
import type { FlagKindRate } from './flags.rules.ts';
import * as repo from './review.repository.ts';

export interface Dashboard {
  funnel: {
    drafts: number;
    submitted: number;
    infoRequested: number;
    approved: number;
    declined: number;
    medianDaysToDecision: number | null;
  };
  partnersByCountry: { country: string; partners: number }[];
  training: TrainingCompliance;
  /** REG-10: partners non-compliant, at risk, and flagged (non-compliant longer than staff allow). */
  trainingPartners: Awaited<ReturnType<typeof trainingFlags>>;
  purchaseRestricted: PurchaseRestriction[];
  /** REG-7, REG-8 (#11): which checks earn their keep. */
  flagKinds: FlagKindRate[];
}

/** Programme health at a glance (issue 5 dashboards); every number comes from one query. */
export async function dashboard(ctx: AppContext, actor: Actor | null, now = new Date()): Promise<Dashboard> {
  requirePermission(actor, 'applications:review');
  // REG-4: the maintenance period is the staff setting (Partner Self Service), as for eligibility.
  const { maintenanceMonths } = await partnerSettings(ctx.db);
  const [funnel, median, byCountry, training, restricted, trainingPartners, flagKinds] = await Promise.all([
    repo.countsByStatus(ctx.db),
    repo.medianDaysToDecision(ctx.db),
    registeredPartnersByCountry(ctx.db),
    trainingCompliance(ctx.db, now),
    purchaseRestrictedPartners(ctx.db, maintenanceMonths, now),
    trainingFlags(ctx.db, now),
    flagRates(ctx.db),
  ]);
  const count = (status: string) => Number(funnel.find((f) => f.status === status)?.n ?? 0);
  return {
    funnel: {
      drafts: count('draft'),
      submitted: count('submitted'),
      infoRequested: count('info_requested'),
      approved: count('approved'),
      declined: count('declined'),
      medianDaysToDecision: median === null ? null : Math.round(median * 10) / 10,
    },
    partnersByCountry: byCountry,
    training,
    trainingPartners,
    purchaseRestricted: restricted,
    flagKinds,
  };
}
