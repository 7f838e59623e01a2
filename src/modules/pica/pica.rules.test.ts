import { describe, expect, it } from 'vitest';
import {
  checkContractList,
  contractInForce,
  eligibilityGaps,
  emailAtDomains,
  KEY_ALPHABET,
  luhnCheckDigit,
  newRegistrationNumber,
  newVerificationKey,
  parseRegistrationNumber,
  reminderMonth,
  sponsorshipExpiry,
  sponsorshipState,
  type ContractFacts,
} from './pica.rules.ts';

const now = new Date('2026-11-28T12:00:00Z');
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const contract = (over: Partial<ContractFacts> = {}): ContractFacts => ({
  number: 'SC-1',
  partnerId: 'p1',
  qualifiesPica: true,
  status: 'active',
  startsOn: day('2026-01-01'),
  endsOn: day('2027-01-01'),
  ...over,
});

describe('PICA-1, PICA-3 eligibility', () => {
  it('PICA-1: a contract is in force through its whole last day, and only while active', () => {
    expect(contractInForce(contract({ endsOn: day('2026-11-28') }), now)).toBe(true);
    expect(contractInForce(contract({ endsOn: day('2026-11-27') }), now)).toBe(false);
    expect(contractInForce(contract({ startsOn: day('2026-12-01') }), now)).toBe(false);
    expect(contractInForce(contract({ status: 'revoked' }), now)).toBe(false);
  });

  it('PICA-1, PICA-3: says which of contract, agreement and own-brand support is missing', () => {
    expect(
      eligibilityGaps({ registered: true, contracts: [contract()], hasAgreement: true, ownBrandSupport: true }, now),
    ).toEqual([]);
    expect(
      eligibilityGaps(
        {
          registered: true,
          contracts: [contract({ qualifiesPica: false })],
          hasAgreement: false,
          ownBrandSupport: false,
        },
        now,
      ),
    ).toEqual(['no_qualifying_contract', 'no_agreement', 'no_own_brand_support']);
    expect(
      eligibilityGaps(
        {
          registered: true,
          contracts: [contract({ endsOn: day('2026-01-31') })],
          hasAgreement: true,
          ownBrandSupport: true,
        },
        now,
      ),
    ).toEqual(['no_qualifying_contract']);
  });
});

describe('PICA-4 contract list', () => {
  it('PICA-4: checks each number (exists, this company, active) and points out omitted active numbers', () => {
    const known = [
      contract({ number: 'SC-1' }),
      contract({ number: 'SC-2', partnerId: 'p2' }),
      contract({ number: 'SC-3', status: 'suspended' }),
      contract({ number: 'SC-4' }),
    ];
    const { problems, omitted } = checkContractList(['sc-1', 'SC-2', 'SC-3', 'SC-9'], known, 'p1', now);
    expect(problems).toEqual([
      { number: 'SC-2', problem: 'contract_other_company' },
      { number: 'SC-3', problem: 'contract_not_active' },
      { number: 'SC-9', problem: 'contract_unknown' },
    ]);
    expect(omitted).toEqual(['SC-4']);
  });

  it('PICA-2: reminder months are calendar months in UTC', () => {
    expect(reminderMonth(new Date('2026-11-30T23:59:00Z'))).toBe('2026-11');
    expect(reminderMonth(new Date('2026-12-01T00:00:00Z'))).toBe('2026-12');
  });
});

describe('PICA-5 registration numbers and keys', () => {
  it('PICA-5: registration numbers are 12 grouped digits with a Luhn check digit that catches a mistyped digit', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
    const number = newRegistrationNumber();
    expect(number).toMatch(/^\d{4} \d{4} \d{4}$/);
    expect(parseRegistrationNumber(number.replace(/ /g, '-'))).toBe(number);
    const digits = number.replace(/ /g, '');
    const typo = digits.slice(0, 3) + ((Number(digits[3]) + 1) % 10) + digits.slice(4);
    expect(parseRegistrationNumber(typo)).toBeUndefined();
    expect(parseRegistrationNumber('1234')).toBeUndefined();
  });

  it('PICA-5: keys carry at least 80 bits, grouped, without ambiguous characters', () => {
    const key = newVerificationKey();
    expect(key).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){4}$/);
    expect(KEY_ALPHABET).not.toMatch(/[01ILOU]/);
    expect(20 * Math.log2(KEY_ALPHABET.length)).toBeGreaterThanOrEqual(80);
    expect(new Set(Array.from({ length: 50 }, newVerificationKey)).size).toBe(50);
  });

  it('PICA-5: expiry defaults to 30 days, allows at most a year, and never passes the contract end', () => {
    expect(sponsorshipExpiry(undefined, now, day('2027-11-28'))).toEqual({
      expiresAt: new Date('2026-12-28T12:00:00Z'),
      capped: false,
    });
    expect(sponsorshipExpiry(366, now, day('2028-01-01'))).toHaveProperty('violation.rule', 'between');
    expect(sponsorshipExpiry(365, now, day('2026-12-10'))).toEqual({
      expiresAt: new Date('2026-12-11T00:00:00Z'),
      capped: true,
    });
  });

  it('PICA-5: the ledger state is revoked, used (limit reached), expired or pending', () => {
    const base = { revokedAt: null, expiresAt: new Date('2026-12-01T00:00:00Z'), uses: 0, maxUses: null };
    expect(sponsorshipState(base, now)).toBe('pending');
    expect(sponsorshipState({ ...base, uses: 2, maxUses: 2 }, now)).toBe('used');
    expect(sponsorshipState({ ...base, expiresAt: now }, now)).toBe('expired');
    expect(sponsorshipState({ ...base, revokedAt: now }, now)).toBe('revoked');
  });

  it('PICA-7: an address matches the customer domains, subdomains included', () => {
    expect(emailAtDomains('ana@fabrikam.example', ['fabrikam.example'])).toBe(true);
    expect(emailAtDomains('ana@eu.fabrikam.example', ['fabrikam.example'])).toBe(true);
    expect(emailAtDomains('ana@notfabrikam.example', ['fabrikam.example'])).toBe(false);
  });
});
