import { describe, expect, it } from 'vitest';
import { catalogues } from '../../platform/i18n.ts';

// #9: requirement IDs (REG-8, …) are for staff, logs and the API. What applicants read (the
// wizard's own texts and the rule messages it shows) says it in plain words, in every language.
const STAFF_ONLY_RULES = new Set(['checklist_incomplete', 'not_awaiting_decision']);

describe('#9 applicant-facing texts', () => {
  it.each(Object.keys(catalogues) as (keyof typeof catalogues)[])('REG-13: %s wizard texts and rule messages name no requirement ID', (language) => {
    const catalogue = catalogues[language] as unknown as Record<string, Record<string, unknown>>;
    const withIds = (section: string, skip: Set<string> = new Set()) =>
      Object.entries(catalogue[section] ?? {})
        .filter(([key, text]) => !skip.has(key) && /REG-\d/.test(JSON.stringify(text)))
        .map(([key]) => `${section}.${key}`);
    expect([...withIds('registration'), ...withIds('rules', STAFF_ONLY_RULES), ...withIds('apply')]).toEqual([]);
  });
});
