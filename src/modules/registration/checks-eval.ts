import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { projectPath } from '../../platform/paths.ts';
import { checkBusinessEmail, checkLocation, type Finding, type WatchlistEntry } from './registration.rules.ts';
import { SHIPPED_WATCHLIST } from './watchlist.ts';

/**
 * Issue #11: measures the REG-7 address flags and the REG-8 email refusals on the labelled
 * corpus in data-files/eval/ (written by hand, before the rules were tuned). The rules are run
 * exactly as the wizard runs them; an address counts as flagged when any `review` finding is
 * raised on its lines, an email when it is refused.
 */
const EVAL_DIR = projectPath('data-files', 'eval');

export const ADDRESS_POSITIVE = ['po_box', 'mail_drop', 'forwarding', 'pickup_point', 'logistics', 'care_of'] as const;
export const ADDRESS_NEGATIVE = ['genuine', 'lookalike'] as const;
export const EMAIL_POSITIVE = ['public', 'disposable'] as const;
export const EMAIL_NEGATIVE = ['business', 'lookalike'] as const;

/** The targets of issue #11: at least 98 % of positives flagged, at most 1 % of negatives. */
export const TARGETS = { recall: 0.98, falseAlarms: 0.01 } as const;

export interface Case {
  id: string;
  category: string;
  text: string;
  flagged: boolean;
  evidence: string[];
}

export interface CategoryScore {
  category: string;
  positive: boolean;
  total: number;
  flagged: number;
  /** Recall for a positive category, false-alarm rate for a negative one. */
  rate: number;
}

export interface Evaluation {
  name: string;
  categories: CategoryScore[];
  recall: number;
  falseAlarms: number;
  misses: Case[];
  alarms: Case[];
}

interface AddressRow {
  id: string;
  country: string;
  category: string;
  line1: string;
  line2: string;
  line3: string;
  city: string;
  postcode: string;
}

const readCsv = <T>(file: string): T[] =>
  parse(readFileSync(path.join(EVAL_DIR, file), 'utf8'), { columns: true, skip_empty_lines: true }) as T[];

function describeFinding(f: Finding): string {
  const p = f.params ?? {};
  return [f.code, p.evidence ?? p.name ?? p.domain].filter(Boolean).join(': ');
}

function score(name: string, cases: Case[], positive: readonly string[], negative: readonly string[]): Evaluation {
  const categories = [...positive, ...negative].map((category) => {
    const inCategory = cases.filter((c) => c.category === category);
    const flagged = inCategory.filter((c) => c.flagged).length;
    return {
      category,
      positive: positive.includes(category),
      total: inCategory.length,
      flagged,
      rate: inCategory.length ? flagged / inCategory.length : 0,
    };
  });
  const pos = cases.filter((c) => positive.includes(c.category));
  const neg = cases.filter((c) => negative.includes(c.category));
  return {
    name,
    categories,
    recall: pos.filter((c) => c.flagged).length / pos.length,
    falseAlarms: neg.filter((c) => c.flagged).length / neg.length,
    misses: pos.filter((c) => !c.flagged),
    alarms: neg.filter((c) => c.flagged),
  };
}

export function evaluateAddresses(
  file = 'addresses.csv',
  name = 'addresses (REG-7)',
  watchlist: readonly WatchlistEntry[] = SHIPPED_WATCHLIST,
): Evaluation {
  const cases = readCsv<AddressRow>(file).map((row): Case => {
    const lines = [row.line1, row.line2, row.line3].filter((l) => l.trim());
    const findings = checkLocation(
      { lines, city: row.city, postcode: row.postcode, country: row.country, type: 'office' },
      row.country,
      watchlist,
      0,
    );
    const flags = findings.filter((f) => f.outcome === 'review' && f.field.endsWith('.lines'));
    return {
      id: row.id,
      category: row.category,
      text: [...lines, row.city].join(' | '),
      flagged: flags.length > 0,
      evidence: flags.map(describeFinding),
    };
  });
  return score(name, cases, ADDRESS_POSITIVE, ADDRESS_NEGATIVE);
}

export function evaluateEmails(): Evaluation {
  const cases = readCsv<{ email: string; category: string }>('emails.csv').map((row, i): Case => {
    const refused = checkBusinessEmail(row.email, undefined).filter((f) => f.outcome === 'fail');
    return {
      id: `email-${i + 1}`,
      category: row.category,
      text: row.email,
      flagged: refused.length > 0,
      evidence: refused.map(describeFinding),
    };
  });
  return score('emails (REG-8)', cases, EMAIL_POSITIVE, EMAIL_NEGATIVE);
}

export const meetsTargets = (e: Evaluation) => e.recall >= TARGETS.recall && e.falseAlarms <= TARGETS.falseAlarms;

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** The table `npm run eval:checks` prints (Markdown, so it can go into a report as it is). */
export function formatEvaluation(e: Evaluation): string {
  const rows = e.categories.map(
    (c) =>
      `| ${c.category} | ${c.positive ? 'flag' : 'pass'} | ${c.total} | ${c.flagged} | ${c.positive ? `recall ${pct(c.rate)}` : `false alarms ${pct(c.rate)}`} |`,
  );
  return [
    `### ${e.name}`,
    '',
    '| category | expected | cases | flagged | score |',
    '| --- | --- | ---: | ---: | --- |',
    ...rows,
    `| **overall** | | ${e.categories.reduce((n, c) => n + c.total, 0)} | | recall ${pct(e.recall)}, false alarms ${pct(e.falseAlarms)} |`,
  ].join('\n');
}
