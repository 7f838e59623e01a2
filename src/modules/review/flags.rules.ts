/**
 * REG-7, REG-8 (#11): reviewers' verdicts on flags, and which checks earn their keep. A flag is
 * one `review` finding; its key (rule, code, field) names it within an application.
 */

export const VERDICTS = ['confirmed', 'false_alarm'] as const;
export type Verdict = (typeof VERDICTS)[number];
export const isVerdict = (value: string): value is Verdict => (VERDICTS as readonly string[]).includes(value);

export interface FindingKey {
  rule: string;
  code: string;
  field: string;
}

export const sameFinding = (a: FindingKey, b: FindingKey) =>
  a.rule === b.rule && a.code === b.code && a.field === b.field;

export interface FlagKindRate {
  code: string;
  flags: number;
  confirmed: number;
  falseAlarms: number;
  /** Confirmed among the flags with a verdict; null until a reviewer gave one. */
  confirmationRate: number | null;
}

/**
 * Each flag kind's count, verdicts and confirmation rate (confirmed / verdicts given), most
 * frequent first. Kinds with verdicts but no flag left (the submission was replaced) still show.
 */
export function flagKindRates(
  flags: readonly { code: string; n: number }[],
  verdicts: readonly { code: string; verdict: string; n: number }[],
): FlagKindRate[] {
  const codes = [...new Set([...flags.map((f) => f.code), ...verdicts.map((v) => v.code)])];
  const count = (code: string, verdict: Verdict) =>
    verdicts.filter((v) => v.code === code && v.verdict === verdict).reduce((sum, v) => sum + Number(v.n), 0);
  return codes
    .map((code) => {
      const confirmed = count(code, 'confirmed');
      const falseAlarms = count(code, 'false_alarm');
      const given = confirmed + falseAlarms;
      return {
        code,
        flags: flags.filter((f) => f.code === code).reduce((sum, f) => sum + Number(f.n), 0),
        confirmed,
        falseAlarms,
        confirmationRate: given === 0 ? null : confirmed / given,
      };
    })
    .sort((a, b) => b.flags - a.flags || a.code.localeCompare(b.code));
}
