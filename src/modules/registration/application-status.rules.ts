/**
 * REG-12, REG-13: an application's statuses and what each allows: when the applicant may still
 * change it, the answer a resubmission after a question carries, which steps a save completes,
 * and the status as the applicant reads it (a decline carries no reason, ever).
 */
import { type Finding, type Step, STEPS } from './registration.rules.ts';

export const APPLICATION_STATUSES = ['draft', 'submitted', 'info_requested', 'approved', 'declined'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** The statuses in which the applicant may still change answers and invite a signatory. */
export const EDITABLE_STATUSES = ['draft', 'info_requested'] as const satisfies readonly ApplicationStatus[];

/** REG-13: a draft, or an application staff asked a question about, can be changed; a submitted or decided one cannot. */
export const isEditable = (status: ApplicationStatus): boolean =>
  (EDITABLE_STATUSES as readonly string[]).includes(status);

/** REG-12: after a question from staff, a resubmission carries the applicant's answer. */
export const APPLICANT_ANSWER_MAX = 4000;
export function checkApplicantAnswer(status: ApplicationStatus, answer: string | undefined): Finding[] {
  const text = (answer ?? '').trim();
  if (status === 'info_requested' && !text)
    return [{ rule: 'REG-12', outcome: 'fail', field: 'applicant_answer', code: 'required' }];
  if (text.length > APPLICANT_ANSWER_MAX)
    return [
      {
        rule: 'REG-12',
        outcome: 'fail',
        field: 'applicant_answer',
        code: 'too_long',
        params: { max: APPLICANT_ANSWER_MAX },
      },
    ];
  return [];
}

/**
 * REG-13: the steps complete after saving one. The saved step is complete when none of its
 * rules fails; a new country of registration reopens the steps checked against the old one.
 */
export function completedStepsAfterSave(
  completed: readonly string[],
  step: Step,
  findings: readonly Finding[],
  countryBefore: string | undefined,
  countryAfter: string | undefined,
): Step[] {
  const done = new Set(completed);
  if (findings.every((f) => f.outcome !== 'fail')) done.add(step);
  else done.delete(step);
  if (step === 'company' && countryBefore !== countryAfter)
    (['contacts', 'locations', 'distributors'] as const).forEach((s) => done.delete(s));
  return STEPS.filter((s) => done.has(s));
}

/** The applicant's view of the status: a decline carries no reason, ever (REG-12). */
export function applicantStatusMessageKey(status: ApplicationStatus): string {
  return `registration.status_${status}`;
}
