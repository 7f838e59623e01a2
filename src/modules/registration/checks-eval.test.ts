import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  ADDRESS_NEGATIVE,
  ADDRESS_POSITIVE,
  EMAIL_NEGATIVE,
  EMAIL_POSITIVE,
  evaluateAddresses,
  evaluateEmails,
  TARGETS,
} from './checks-eval.ts';

// Issue #11: the labelled corpus keeps the REG-7 and REG-8 rules honest. When a change to the
// rules (or to the provider lists) drops recall or raises false alarms past the targets, this fails.
const corpus = parse(readFileSync(new URL('../../../data-files/eval/addresses.csv', import.meta.url), 'utf8'), {
  columns: true,
}) as { country: string; category: string }[];

describe('REG-7/REG-8 labelled corpus', () => {
  it('covers at least 300 addresses from at least 20 countries, every category, and at least 150 emails', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(new Set(corpus.map((r) => r.country)).size).toBeGreaterThanOrEqual(20);
    for (const category of [...ADDRESS_POSITIVE, ...ADDRESS_NEGATIVE])
      expect(corpus.filter((r) => r.category === category).length, category).toBeGreaterThanOrEqual(20);
    const emails = evaluateEmails();
    expect(emails.categories.reduce((n, c) => n + c.total, 0)).toBeGreaterThanOrEqual(150);
    for (const category of [...EMAIL_POSITIVE, ...EMAIL_NEGATIVE])
      expect(emails.categories.find((c) => c.category === category)!.total, category).toBeGreaterThan(10);
  });

  it('REG-7: flags at least 98 % of mail drops, boxes, forwarders, lockers, logistics suppliers and care-of addresses, with at most 1 % false alarms', () => {
    const e = evaluateAddresses();
    expect(e.recall, e.misses.map((c) => c.id).join(', ')).toBeGreaterThanOrEqual(TARGETS.recall);
    expect(e.falseAlarms, e.alarms.map((c) => `${c.id}: ${c.evidence.join('; ')}`).join(', ')).toBeLessThanOrEqual(
      TARGETS.falseAlarms,
    );
    for (const c of e.categories.filter((c) => c.positive)) expect(c.rate, c.category).toBeGreaterThanOrEqual(0.95);
  });

  it('REG-8: refuses at least 98 % of public and disposable addresses, with at most 1 % of business addresses refused', () => {
    const e = evaluateEmails();
    expect(e.recall, e.misses.map((c) => c.text).join(', ')).toBeGreaterThanOrEqual(TARGETS.recall);
    expect(e.falseAlarms, e.alarms.map((c) => c.text).join(', ')).toBeLessThanOrEqual(TARGETS.falseAlarms);
  });
});
