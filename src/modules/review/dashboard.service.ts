import { sql } from 'kysely';
import { requirePermission, type Actor } from '../../platform/auth.ts';
import type { AppContext } from '../../platform/context.ts';

export interface Dashboard {
  funnel: { drafts: number; submitted: number; infoRequested: number; approved: number; declined: number; medianDaysToDecision: number | null };
  partnersByCountry: { country: string; partners: number }[];
  training: { assigned: number; completed: number; dueWithin30Days: number; overdue: number };
  purchaseRestricted: { partnerId: string; legalName: string; country: string; reasons: string[] }[];
}

/** Programme health at a glance (issue 5 dashboards); every number comes from one query. */
export async function dashboard(ctx: AppContext, actor: Actor | null, now = new Date()): Promise<Dashboard> {
  requirePermission(actor, 'applications:review');
  const months = ctx.config.distributorReviewMonths;
  const [funnel, median, byCountry, training, restricted] = await Promise.all([
    ctx.db.selectFrom('applications').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute(),
    sql<{ days: number | null }>`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - submitted_at) / 86400) AS days
      FROM applications WHERE decided_at IS NOT NULL AND submitted_at IS NOT NULL`.execute(ctx.db),
    ctx.db.selectFrom('partners').select(['country', (eb) => eb.fn.countAll<number>().as('n')]).where('status', '=', 'registered').groupBy('country').orderBy('n', 'desc').orderBy('country').execute(),
    sql<{ assigned: number; completed: number; due_soon: number; overdue: number }>`
      SELECT count(*)::int AS assigned,
             count(*) FILTER (WHERE completed_at IS NOT NULL)::int AS completed,
             count(*) FILTER (WHERE completed_at IS NULL AND due_at >= ${now} AND due_at < ${new Date(now.getTime() + 30 * 86_400_000)})::int AS due_soon,
             count(*) FILTER (WHERE completed_at IS NULL AND due_at < ${now})::int AS overdue
      FROM training_assignments`.execute(ctx.db),
    // REG-4: registered partners without a confirmed account, or whose review is overdue.
    sql<{ organisation_id: string; legal_name: string; country: string; no_confirmed: boolean; review_overdue: boolean }>`
      SELECT p.organisation_id, p.legal_name, p.country,
             NOT EXISTS (SELECT 1 FROM account_claims c WHERE c.partner_id = p.organisation_id AND c.status = 'confirmed') AS no_confirmed,
             (p.distributor_info_reviewed_at IS NULL OR p.distributor_info_reviewed_at + make_interval(months => ${months}) <= ${now}) AS review_overdue
      FROM partners p WHERE p.status = 'registered'`.execute(ctx.db),
  ]);
  const count = (status: string) => Number(funnel.find((f) => f.status === status)?.n ?? 0);
  const t = training.rows[0]!;
  return {
    funnel: {
      drafts: count('draft'),
      submitted: count('submitted'),
      infoRequested: count('info_requested'),
      approved: count('approved'),
      declined: count('declined'),
      medianDaysToDecision: median.rows[0]?.days === null || median.rows[0]?.days === undefined ? null : Math.round(Number(median.rows[0].days) * 10) / 10,
    },
    partnersByCountry: byCountry.map((r) => ({ country: r.country, partners: Number(r.n) })),
    training: { assigned: t.assigned, completed: t.completed, dueWithin30Days: t.due_soon, overdue: t.overdue },
    purchaseRestricted: restricted.rows
      .filter((r) => r.no_confirmed || r.review_overdue)
      .map((r) => ({ partnerId: r.organisation_id, legalName: r.legal_name, country: r.country, reasons: [...(r.no_confirmed ? ['no_confirmed_account'] : []), ...(r.review_overdue ? ['review_overdue'] : [])] })),
  };
}
