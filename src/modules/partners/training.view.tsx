import type { PageContext } from '../../platform/views/page-context.ts';
import { formatDate } from '../../platform/dates.ts';
import type { PartnerCompliance, PersonTrainingStatus } from './training.rules.ts';

// Small pieces of markup the partner's and the staff's training pages share.

const TONE: Record<PersonTrainingStatus | PartnerCompliance, string> = {
  assigned: 'grey',
  due_soon: 'amber',
  awaiting_verification: 'amber',
  verified: 'green',
  rejected: 'red',
  overdue: 'red',
  compliant: 'green',
  at_risk: 'amber',
  non_compliant: 'red',
};

/** A status in words (never colour alone). */
export function StatusBadge({ ctx, status }: { ctx: PageContext; status: PersonTrainingStatus | PartnerCompliance }) {
  return <mark class={`badge badge-${TONE[status]}`}>{ctx.t(`training.status.${status}`)}</mark>;
}

export function Day({ ctx, date }: { ctx: PageContext; date: Date | null | undefined }) {
  if (!date) return <>—</>;
  return <time datetime={date.toISOString().slice(0, 10)}>{formatDate(date, ctx.lang)}</time>;
}
