import { auditActor, requirePermission, type Actor } from '../../platform/auth.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { conflict, notFound, validationFailed } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { addressScope, addToAllowlist, type Finding } from '../registration/index.ts';
import * as repo from './flags.repository.ts';
import {
  flagKindRates,
  isVerdict,
  sameFinding,
  type FindingKey,
  type FlagKindRate,
  type Verdict,
} from './flags.rules.ts';
import { applicationById, latestSubmissionWithAgreement } from './review.repository.ts';
import { isVisibleToStaff } from './review.rules.ts';

// REG-7, REG-8 (#11): reviewers say whether a flag was right; confirmed false alarms go to the
// allow-list in one click; the dashboard shows which checks earn their keep.

export interface FindingVerdict extends FindingKey {
  verdict: Verdict;
  note: string | null;
  reviewer: string;
  at: Date;
}

export interface VerdictInput extends FindingKey {
  verdict: string;
  note?: string | undefined;
  /** The verdict the reviewer saw (null: none); when given and no longer current, 409. */
  previous?: Verdict | null | undefined;
}

export async function verdictsOf(db: Executor, applicationId: string): Promise<FindingVerdict[]> {
  const rows = await repo.verdictsOf(db, applicationId);
  return rows.map((r) => ({
    rule: r.rule,
    code: r.code,
    field: r.field,
    verdict: r.verdict,
    note: r.note,
    reviewer: r.reviewer_name,
    at: r.at,
  }));
}

/** The flag (a `review` finding of the latest submission) with this key, and the application's answers. */
async function flagOf(db: Executor, applicationId: string, key: FindingKey) {
  const application = isUuid(applicationId) ? await applicationById(db, applicationId) : undefined;
  if (!application || !isVisibleToStaff(application.status)) throw notFound('Application');
  const submission = await latestSubmissionWithAgreement(db, applicationId);
  const finding = submission?.findings.find((f) => f.outcome === 'review' && sameFinding(f, key));
  if (!submission || !finding) throw notFound('Finding');
  return { application, finding, answers: submission.answers };
}

/** Records (or changes) the reviewer's verdict on one flag; every change is audited. */
export async function recordVerdict(
  ctx: AppContext,
  actor: Actor | null,
  applicationId: string,
  input: VerdictInput,
  meta: RequestMeta,
  now = new Date(),
): Promise<FindingVerdict> {
  const staff = requirePermission(actor, 'applications:review');
  const note = input.note?.trim() || null;
  const problems = [
    ...(isVerdict(input.verdict) ? [] : [{ field: 'verdict', rule: 'required' }]),
    ...(note && note.length > 1000 ? [{ field: 'note', rule: 'too_long', params: { max: 1000 } }] : []),
  ];
  if (problems.length > 0) throw validationFailed(problems);
  const verdict = input.verdict as Verdict;
  const key = { rule: input.rule, code: input.code, field: input.field };
  await flagOf(ctx.db, applicationId, key);
  await ctx.db.transaction().execute(async (trx) => {
    const current = await repo.lockVerdict(trx, applicationId, key);
    if (input.previous !== undefined && (current?.verdict ?? null) !== input.previous)
      throw conflict('verdict_changed', 'A colleague changed the verdict on this flag a moment ago.');
    if (current?.verdict === verdict && current.note === note) return;
    await repo.upsertVerdict(trx, { applicationId, key, verdict, reviewerId: staff.userId, note, at: now });
    await recordAudit(trx, {
      actor: auditActor(staff),
      action: current ? 'finding.verdict_changed' : 'finding.verdict_recorded',
      subject: { type: 'application', id: applicationId },
      ip: meta.ip,
      data: { ...key, verdict, previous: current?.verdict ?? null, note },
    });
  });
  return (await verdictsOf(ctx.db, applicationId)).find((v) => sameFinding(v, key))!;
}

/** What an allow-list entry from this flag holds: the phrase that flagged, and the address or website it was on. */
function allowlistPhrase(
  finding: Finding,
  answers: { locations?: { items: { lines: string[]; postcode: string; city: string }[] } },
): { phrase: string; scope: string } | undefined {
  const params = finding.params ?? {};
  if (finding.code.startsWith('address_') && params.evidence !== undefined) {
    const index = Number(/^locations\.(\d+)\./.exec(finding.field)?.[1] ?? -1);
    const location = answers.locations?.items[index];
    return location ? { phrase: String(params.evidence), scope: addressScope(location) } : undefined;
  }
  if (finding.code === 'email_domain_differs' && params.domain !== undefined)
    return { phrase: String(params.domain), scope: String(params.website ?? '') };
  return undefined;
}

/**
 * One click from a false-alarm verdict: the flag's phrase goes on the allow-list, everywhere or
 * only at this address (or website), so the same false alarm is not raised again. Audited.
 */
export async function allowListFalseAlarm(
  ctx: AppContext,
  actor: Actor | null,
  applicationId: string,
  key: FindingKey,
  where: 'everywhere' | 'here',
  meta: RequestMeta,
): Promise<{ id: string; created: boolean }> {
  const staff = requirePermission(actor, 'applications:review');
  const { application, finding, answers } = await flagOf(ctx.db, applicationId, key);
  const verdict = (await verdictsOf(ctx.db, applicationId)).find((v) => sameFinding(v, key));
  if (verdict?.verdict !== 'false_alarm') throw validationFailed([{ field: 'verdict', rule: 'not_false_alarm' }]);
  const entry = allowlistPhrase(finding, answers);
  if (!entry) throw validationFailed([{ field: 'code', rule: 'not_allowlistable' }]);
  const reason = verdict.note ?? `False alarm on ${application.reference}`;
  return addToAllowlist(
    ctx,
    staff,
    {
      code: finding.code,
      phrase: entry.phrase,
      scope: where === 'here' ? entry.scope || null : null,
      reason,
      applicationId,
    },
    meta,
  );
}

/** The dashboard's table: each flag kind's count, verdicts and confirmation rate. */
export async function flagRates(db: Executor): Promise<FlagKindRate[]> {
  const [flags, verdicts] = await Promise.all([repo.flagCountsByCode(db), repo.verdictCountsByCode(db)]);
  return flagKindRates(flags, verdicts);
}
