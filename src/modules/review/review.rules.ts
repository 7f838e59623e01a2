import { transliterate } from '../../platform/transliterate.ts';
import { addMonths } from '../../platform/dates.ts';
import type { FieldViolation } from '../../platform/errors.ts';
import type { ApplicationAnswers } from '../registration/index.ts';

/** REG-12: the service target for a decision, in business days from submission. */
export const REVIEW_TARGET_BUSINESS_DAYS = 15;

/**
 * Weekdays from `from` to `to` (Saturday and Sunday do not count; public holidays are not known):
 * the days after `from`'s date up to and including `to`'s date, in UTC. Computed in constant time
 * (five per whole week, then the days left over), because the review queue asks for every row.
 */
export function businessDaysBetween(from: Date, to: Date): number {
  if (to <= from) return 0;
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  const end = Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate());
  const span = Math.round((end - start) / DAY_MS);
  let days = Math.floor(span / 7) * 5;
  const firstWeekday = new Date(start).getUTCDay();
  for (let extra = 1; extra <= span % 7; extra += 1) {
    const weekday = (firstWeekday + extra) % 7;
    if (weekday !== 0 && weekday !== 6) days += 1;
  }
  return days;
}

const DAY_MS = 86_400_000;

/** What software cannot decide; the reviewer ticks each before approving (REG-7, REG-1, REG-2). */
export const CHECKLIST_ITEMS = [
  'address_is_business_location',
  'signatory_has_authority',
  'distributor_accounts_plausible',
  'screening_reviewed',
] as const;
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number];

export type Decision = 'approve' | 'decline' | 'request_info';

export interface DecisionInput {
  decision: Decision;
  /** Decline: why, for staff only (REG-12). */
  internalReason?: string | undefined;
  /** Request more information: the question the applicant will read. */
  question?: string | undefined;
}

/**
 * REG-12: a decision is only possible on a submitted application; a decline needs an internal
 * reason, a request for information needs a question, an approval needs the checklist complete.
 */
export function checkDecision(input: DecisionInput, status: string, checked: readonly string[]): FieldViolation[] {
  const problems: FieldViolation[] = [];
  if (status !== 'submitted') problems.push({ field: 'decision', rule: 'not_awaiting_decision', params: { status } });
  if (input.decision === 'decline') {
    const reason = input.internalReason?.trim() ?? '';
    if (!reason) problems.push({ field: 'internal_reason', rule: 'required' });
    else if (reason.length > 2000) problems.push({ field: 'internal_reason', rule: 'too_long', params: { max: 2000 } });
  }
  if (input.decision === 'request_info') {
    const question = input.question?.trim() ?? '';
    if (question.length < 10)
      problems.push({ field: 'question', rule: question ? 'too_short' : 'required', params: { min: 10 } });
    else if (question.length > 2000) problems.push({ field: 'question', rule: 'too_long', params: { max: 2000 } });
  }
  if (input.decision === 'approve') {
    const missing = CHECKLIST_ITEMS.filter((item) => !checked.includes(item));
    if (missing.length > 0)
      problems.push({ field: 'checklist', rule: 'checklist_incomplete', params: { items: missing.join(', ') } });
  }
  return problems;
}

/** REG-12: the status a decision moves a submitted application to. */
export function statusAfter(decision: Decision): 'approved' | 'declined' | 'info_requested' {
  return decision === 'approve' ? 'approved' : decision === 'decline' ? 'declined' : 'info_requested';
}

/** Staff see an application once it has been submitted; a draft is the applicant's alone. */
export function isVisibleToStaff(status: string): boolean {
  return status !== 'draft';
}

/** Still open: a reviewer may claim it and work on its checklist (a decision needs `submitted`, see checkDecision). */
export function isOpen(status: string): boolean {
  return status === 'submitted' || status === 'info_requested';
}

/** REG-12: a submitted application older than the target. Waiting for the applicant does not count. */
export function isOverdue(status: string, ageBusinessDays: number): boolean {
  return status === 'submitted' && ageBusinessDays > REVIEW_TARGET_BUSINESS_DAYS;
}

/**
 * What an approval sets: the agreement is effective now and the registration runs 12 months
 * (the training due date, REG-10, is the partners module's rule).
 */
export function approvalDates(now: Date): { effectiveAt: Date; renewalDueAt: Date } {
  return { effectiveAt: now, renewalDueAt: addMonths(now, 12) };
}

// ---- Denied-party screening ----

const LEGAL_SUFFIXES = new Set([
  'ab',
  'ag',
  'as',
  'bv',
  'co',
  'company',
  'corp',
  'corporation',
  'gmbh',
  'inc',
  'incorporated',
  'kk',
  'limited',
  'llc',
  'llp',
  'lp',
  'ltd',
  'nv',
  'oy',
  'plc',
  'pte',
  'pty',
  'sa',
  'sarl',
  'sas',
  'spa',
  'srl',
  'ooo',
  'zao',
  'oao',
  'kabushiki',
  'kaisha',
  'the',
  'and',
]);

/**
 * A name reduced for comparison: transliterated to Latin, accents, case, punctuation and legal
 * suffixes removed, tokens sorted, so "Gazprom OOO" and "ООО «Газпром»" meet.
 */
export function normalisePartyName(name: string): string {
  const latin = transliterate(name.normalize('NFKC'));
  const tokens = latin
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((token) => token && !LEGAL_SUFFIXES.has(token));
  return [...new Set(tokens)].sort().join(' ');
}

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  const padded = ` ${text} `;
  for (let i = 0; i < padded.length - 1; i++) {
    const gram = padded.slice(i, i + 2);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

/** Sørensen–Dice similarity of two normalised names (0 to 1), on character bigrams. */
export function nameSimilarity(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  const x = bigrams(a);
  const y = bigrams(b);
  let shared = 0;
  for (const [gram, count] of x) shared += Math.min(count, y.get(gram) ?? 0);
  const total = [...x.values()].reduce((s, n) => s + n, 0) + [...y.values()].reduce((s, n) => s + n, 0);
  return (2 * shared) / total;
}

export const SCREENING_THRESHOLD = 0.85;

export interface DeniedParty {
  name: string;
  normalisedName: string;
  country: string | null;
  source: string;
  listDate: string | null;
}

export interface ScreeningHit {
  screened: string;
  field: string;
  entry: DeniedParty;
  similarity: number;
}

/** The names screened against the denied-party list: the company, its primary contact and its key personnel. */
export function namesToScreen(answers: ApplicationAnswers): { field: string; name: string }[] {
  return [
    { field: 'company.legal_name', name: answers.company?.legalName ?? '' },
    { field: 'contacts.name', name: answers.contacts?.primary.name ?? '' },
    ...(answers.personnel?.items ?? []).map((p, i) => ({ field: `personnel.${i}.name`, name: p.name })),
  ].filter((n) => n.name);
}

/**
 * Screens names (legal name, contacts, key personnel) against the denied-party list. A hit is
 * never a decline by itself: it is a `review` finding with the matched entry as evidence.
 */
export function screenNames(names: { field: string; name: string }[], list: readonly DeniedParty[]): ScreeningHit[] {
  const hits: ScreeningHit[] = [];
  for (const { field, name } of names) {
    const normalised = normalisePartyName(name);
    if (!normalised) continue;
    for (const entry of list) {
      const similarity = nameSimilarity(normalised, entry.normalisedName);
      if (similarity >= SCREENING_THRESHOLD)
        hits.push({ screened: name, field, entry, similarity: Math.round(similarity * 100) / 100 });
    }
  }
  return hits.sort((a, b) => b.similarity - a.similarity);
}
