import { describe, expect, it } from 'vitest';
import { catalogues } from '../../platform/i18n.ts';

// #9: requirement IDs (REG-8, …) are for staff, logs and the API. The wizard's own texts say it
// in plain words, in every language. (Rule messages, shared with staff views and the API, start
// with the ID; the wizard leaves it out: see wizard-frame.tsx and the page tests.)

describe('#9 applicant-facing texts', () => {
  it.each(Object.keys(catalogues) as (keyof typeof catalogues)[])(
    'REG-13: %s wizard texts name no requirement ID',
    (language) => {
      const catalogue = catalogues[language] as unknown as Record<string, Record<string, unknown>>;
      const withIds = (section: string) =>
        Object.entries(catalogue[section] ?? {})
          .filter(([, text]) => /REG-\d/.test(JSON.stringify(text)))
          .map(([key]) => `${section}.${key}`);
      expect([...withIds('registration'), ...withIds('apply')]).toEqual([]);
    },
  );
});
