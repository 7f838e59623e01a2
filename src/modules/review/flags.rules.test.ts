import { describe, expect, it } from 'vitest';
import { flagKindRates } from './flags.rules.ts';

describe('#11 flag confirmation rates', () => {
  it('REG-7: counts each flag kind, its verdicts and the share confirmed among the verdicts given', () => {
    const rates = flagKindRates(
      [
        { code: 'address_po_box', n: 4 },
        { code: 'address_mail_drop', n: 10 },
        { code: 'email_domain_differs', n: 2 },
      ],
      [
        { code: 'address_mail_drop', verdict: 'confirmed', n: 3 },
        { code: 'address_mail_drop', verdict: 'false_alarm', n: 1 },
        { code: 'address_po_box', verdict: 'false_alarm', n: 2 },
        { code: 'address_care_of', verdict: 'confirmed', n: 1 },
      ],
    );
    expect(rates).toEqual([
      { code: 'address_mail_drop', flags: 10, confirmed: 3, falseAlarms: 1, confirmationRate: 0.75 },
      { code: 'address_po_box', flags: 4, confirmed: 0, falseAlarms: 2, confirmationRate: 0 },
      { code: 'email_domain_differs', flags: 2, confirmed: 0, falseAlarms: 0, confirmationRate: null },
      { code: 'address_care_of', flags: 0, confirmed: 1, falseAlarms: 0, confirmationRate: 1 },
    ]);
  });

  it('has no rows without flags or verdicts', () => {
    expect(flagKindRates([], [])).toEqual([]);
  });
});
