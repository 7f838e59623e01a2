import { describe, expect, it } from 'vitest';
import { addressScope, checkAllowlistInput, isAllowListed, type AllowlistEntry } from './allowlist.rules.ts';
import { checkBusinessEmail, checkLocation, type LocationAnswers } from './registration.rules.ts';
import { SHIPPED_WATCHLIST } from './watchlist.ts';

const place = (lines: string[], extra: Partial<LocationAnswers> = {}): LocationAnswers => ({
  lines,
  city: 'Berlin',
  postcode: '10117',
  country: 'DE',
  type: 'office',
  ...extra,
});
const flags = (location: LocationAnswers, allowlist: AllowlistEntry[]) =>
  checkLocation(location, 'DE', SHIPPED_WATCHLIST, 0, allowlist)
    .filter((f) => f.outcome === 'review')
    .map((f) => `${f.code}:${f.params?.evidence}`);

describe('#11 allow-list of confirmed false alarms', () => {
  const regus = place(['c/o Regus Business Centre', 'Friedrichstraße 123']);

  it('REG-7: an allow-listed phrase no longer flags, while the other flags on the address still do', () => {
    const before = flags(regus, []);
    expect(before).toContain('address_mail_drop:Regus');
    expect(before.some((f) => f.startsWith('address_care_of:'))).toBe(true);
    const after = flags(regus, [{ code: 'address_mail_drop', phrase: 'REGUS', scope: null }]);
    expect(after).not.toContain('address_mail_drop:Regus');
    expect(after.some((f) => f.startsWith('address_care_of:'))).toBe(true);
  });

  it('REG-7: an entry names one flag kind: the same phrase under another kind still flags', () => {
    expect(flags(regus, [{ code: 'address_logistics', phrase: 'Regus', scope: null }])).toContain(
      'address_mail_drop:Regus',
    );
  });

  it('REG-7: an entry limited to an address silences the flag there only, however the address is written', () => {
    const entry: AllowlistEntry = { code: 'address_mail_drop', phrase: 'Regus', scope: addressScope(regus) };
    expect(flags(place(['C/O REGUS BUSINESS CENTRE', 'Friedrichstrasse 123']), [entry])).not.toContain(
      'address_mail_drop:Regus',
    );
    expect(flags(place(['c/o Regus Business Centre', 'Unter den Linden 5']), [entry])).toContain(
      'address_mail_drop:Regus',
    );
  });

  it('REG-7: a flag with no allow-listed phrase is raised as before; a location with every flag allow-listed passes', () => {
    const pobox = place(['Postfach 1140']);
    expect(flags(pobox, [{ code: 'address_po_box', phrase: 'Postfach 2000', scope: null }])).toHaveLength(1);
    const allowed = checkLocation(pobox, 'DE', SHIPPED_WATCHLIST, 0, [
      { code: 'address_po_box', phrase: 'postfach 1140', scope: null },
    ]);
    expect(allowed.map((f) => `${f.outcome}:${f.code}`)).toEqual(['pass:location_ok']);
  });

  it('REG-8: an allow-listed email domain no longer differs from the website; other domains still do', () => {
    const entry: AllowlistEntry = {
      code: 'email_domain_differs',
      phrase: 'contoso-group.example',
      scope: 'contoso.example',
    };
    expect(
      checkBusinessEmail('ann@contoso-group.example', 'https://contoso.example', 'contacts.email', [entry])[0],
    ).toMatchObject({ outcome: 'pass', code: 'email_business' });
    expect(
      checkBusinessEmail('ann@fabrikam.example', 'https://contoso.example', 'contacts.email', [entry])[0],
    ).toMatchObject({ outcome: 'review', code: 'email_domain_differs' });
    // Limited to one website: another company using the same domain is still flagged.
    expect(
      checkBusinessEmail('ann@contoso-group.example', 'https://other.example', 'contacts.email', [entry])[0],
    ).toMatchObject({ outcome: 'review' });
  });

  it('REG-8: the allow-list never lets a public or disposable domain through', () => {
    const entry: AllowlistEntry = { code: 'email_domain_differs', phrase: 'gmail.com', scope: null };
    expect(checkBusinessEmail('ann@gmail.com', 'https://contoso.example', 'contacts.email', [entry])[0]).toMatchObject({
      outcome: 'fail',
      code: 'email_public_domain',
    });
  });

  it('checks an entry: a known flag kind, a phrase and a reason', () => {
    expect(checkAllowlistInput({ code: 'address_mail_drop', phrase: 'Regus', reason: 'Our own building' })).toEqual([]);
    expect(
      checkAllowlistInput({ code: 'address_nonsense', phrase: ' ', reason: '' }).map((v) => `${v.field}:${v.rule}`),
    ).toEqual(['code:required', 'phrase:required', 'reason:required']);
    expect(isAllowListed([], { code: 'address_po_box', phrase: 'x', scope: '' })).toBe(false);
  });
});
