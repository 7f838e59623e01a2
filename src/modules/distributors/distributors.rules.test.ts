import { describe, expect, it } from 'vitest';
import {
  checkClaim,
  checkDistributor,
  checkInquiry,
  companyNameScore,
  eligibilityChangesAt,
  initialClaimStatus,
  isLikelySpam,
  matchListedCompany,
  NAME_MATCH_THRESHOLD,
  normaliseCompanyName,
  normaliseDistributorInput,
  purchaseEligibility,
  reviewDueAt,
  servesCountry,
} from './distributors.rules.ts';

const nordic = { hqCountry: 'SE', territories: ['DK', 'FI', 'NO'], status: 'active', legalName: 'Nordic Dist AB' };

describe('distributor rules', () => {
  it('REG-2/REG-5: a distributor serves the country it is located in and those it is authorised for', () => {
    expect(servesCountry(nordic, 'SE')).toBe(true);
    expect(servesCountry(nordic, 'NO')).toBe(true);
    expect(servesCountry(nordic, 'DE')).toBe(false);
    expect(servesCountry({ ...nordic, status: 'retired' }, 'SE')).toBe(false);
  });

  it('REG-2: refuses a claim at a distributor outside the territory, naming the distributor and the country', () => {
    expect(checkClaim(nordic, 'DE', 'ACC-1')).toEqual([
      {
        field: 'distributors.distributor',
        rule: 'distributor_not_in_territory',
        params: { distributor: 'Nordic Dist AB', country: 'DE' },
      },
    ]);
    expect(checkClaim(nordic, 'FI', 'ACC-1')).toEqual([]);
    expect(checkClaim(nordic, 'FI', ' ')).toEqual([{ field: 'distributors.account_number', rule: 'required' }]);
    expect(checkClaim(nordic, 'FI', 'bad number!')).toEqual([
      { field: 'distributors.account_number', rule: 'account_number' },
    ]);
  });

  it('REG-2: a claim on the distributor’s list of active accounts under the applicant’s name is confirmed at once, otherwise pending', () => {
    expect(initialClaimStatus({ active: true, resellerName: 'Kranich Systemhaus' }, 'Kranich Systemhaus GmbH')).toEqual(
      { status: 'confirmed', match: { listedName: 'Kranich Systemhaus', score: 1, matched: true } },
    );
    expect(
      initialClaimStatus({ active: false, resellerName: 'Kranich Systemhaus' }, 'Kranich Systemhaus GmbH').status,
    ).toBe('pending');
    expect(initialClaimStatus(undefined, 'Kranich Systemhaus GmbH')).toEqual({ status: 'pending', match: null });
  });

  it('REG-2: a listed account held by another company is not confirmed automatically, and the match says which company', () => {
    const { status, match } = initialClaimStatus(
      { active: true, resellerName: 'Bergmann Elektro AG' },
      'Nordlicht IT GmbH',
    );
    expect(status).toBe('pending');
    expect(match).toMatchObject({ listedName: 'Bergmann Elektro AG', matched: false });
    expect(match!.score).toBeLessThan(NAME_MATCH_THRESHOLD);
  });

  it('REG-2: a list row without a company name proves nothing about who holds the account', () => {
    expect(initialClaimStatus({ active: true, resellerName: null }, 'Kranich Systemhaus GmbH')).toEqual({
      status: 'pending',
      match: { listedName: null, score: null, matched: false },
    });
    expect(matchListedCompany('Kranich Systemhaus GmbH', '  ')).toEqual({
      listedName: null,
      score: null,
      matched: false,
    });
  });

  it('validates a directory entry field by field', () => {
    const clean = normaliseDistributorInput({
      code: ' eu-1 ',
      legalName: ' EuroDist ',
      hqCountry: 'de',
      territories: ['at', 'ch', 'AT', ''],
      website: 'https://eurodist.example',
      phone: '+49 30 1234567',
      email: 'sales@eurodist.example',
      acceptsNewResellers: true,
    });
    expect(clean).toMatchObject({ code: 'EU-1', legalName: 'EuroDist', hqCountry: 'DE', territories: ['AT', 'CH'] });
    expect(checkDistributor(clean)).toEqual([]);
    expect(
      checkDistributor({
        ...clean,
        code: 'x',
        hqCountry: 'XX',
        territories: ['ZZ'],
        website: 'ftp://x',
        phone: 'call me',
        email: 'nope',
      }),
    ).toEqual([
      { field: 'code', rule: 'distributor_code' },
      { field: 'hq_country', rule: 'country_code', params: { value: 'XX' } },
      { field: 'territories', rule: 'country_code', params: { value: 'ZZ' } },
      { field: 'website', rule: 'url' },
      { field: 'phone', rule: 'phone' },
      { field: 'email', rule: 'email_format' },
    ]);
  });

  it('REG-5: checks an inquiry and spots the honeypot', () => {
    const inquiry = {
      name: 'Ann',
      email: 'ann@reseller.example',
      company: '',
      message: 'We would like to open an account.',
      website: '',
    };
    expect(checkInquiry(inquiry)).toEqual([]);
    expect(checkInquiry({ ...inquiry, message: 'hi' })).toEqual([
      { field: 'message', rule: 'too_short', params: { min: 10 } },
    ]);
    expect(isLikelySpam(inquiry)).toBe(false);
    expect(isLikelySpam({ ...inquiry, website: 'http://spam.example' })).toBe(true);
  });
});

describe('REG-4 purchase eligibility', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  const good = {
    partner: { status: 'registered' as const, distributorInfoReviewedAt: new Date('2026-06-01T00:00:00Z') },
    claim: { status: 'confirmed' as const },
    listed: { active: true },
  };

  it('REG-4: a registered partner with a confirmed claim and a current review may buy', () => {
    expect(purchaseEligibility(good, now, 12)).toEqual({ eligible: true, reasons: [] });
  });

  it('REG-4: lists every reason that applies', () => {
    expect(
      purchaseEligibility(
        {
          partner: { status: 'applicant', distributorInfoReviewedAt: null },
          claim: { status: 'pending' },
          listed: { active: false },
        },
        now,
        12,
      ),
    ).toEqual({
      eligible: false,
      reasons: ['partner_not_registered', 'claim_pending', 'review_overdue', 'account_closed'],
    });
    expect(purchaseEligibility({ ...good, claim: { status: 'rejected' } }, now, 12).reasons).toEqual([
      'claim_rejected',
    ]);
    expect(purchaseEligibility({ partner: null, claim: null, listed: { active: true } }, now, 12).reasons).toEqual([
      'not_a_partner',
    ]);
  });

  it('REG-4: the review expires after the maintenance period (configurable)', () => {
    const reviewed = new Date('2025-11-21T12:00:00Z');
    expect(reviewDueAt(reviewed, 12).toISOString()).toBe('2026-11-21T12:00:00.000Z');
    expect(
      purchaseEligibility({ ...good, partner: { status: 'registered', distributorInfoReviewedAt: reviewed } }, now, 12)
        .reasons,
    ).toEqual(['review_overdue']);
    expect(
      purchaseEligibility({ ...good, partner: { status: 'registered', distributorInfoReviewedAt: reviewed } }, now, 13)
        .eligible,
    ).toBe(true);
  });

  it('REG-4: a review on a month end falls due on the last day of a shorter month, not in the next one', () => {
    const reviewed = new Date('2026-01-31T23:30:00Z');
    expect(reviewDueAt(reviewed, 1).toISOString()).toBe('2026-02-28T23:30:00.000Z');
    const partner = { status: 'registered' as const, distributorInfoReviewedAt: reviewed };
    expect(purchaseEligibility({ ...good, partner }, new Date('2026-03-01T00:00:00Z'), 1).reasons).toEqual([
      'review_overdue',
    ]);
  });
});

describe('#15 when a cached eligibility answer must be recomputed', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  const facts = (reviewed: Date | null, termEndsAt: Date | null = null) => ({
    partner: { status: 'registered' as const, distributorInfoReviewedAt: reviewed, termEndsAt },
    claim: { status: 'confirmed' as const },
    listed: { active: true },
  });

  it('#15/REG-4: at the earliest of the review falling due, the term ending and the training flag', () => {
    const reviewed = new Date('2026-01-10T00:00:00Z');
    expect(eligibilityChangesAt(facts(reviewed), now, 12)).toEqual(new Date('2027-01-10T00:00:00Z'));
    const termEnds = new Date('2026-12-01T00:00:00Z');
    expect(eligibilityChangesAt(facts(reviewed, termEnds), now, 12)).toEqual(termEnds);
    const flag = new Date('2026-11-22T00:00:00Z');
    expect(eligibilityChangesAt(facts(reviewed, termEnds), now, 12, flag)).toEqual(flag);
  });

  it('#15/REG-4: never, by the clock, once the review is overdue or the term over, or without a partner', () => {
    expect(eligibilityChangesAt(facts(new Date('2025-01-01T00:00:00Z'), new Date('2026-01-01')), now, 12)).toBeNull();
    expect(eligibilityChangesAt(facts(null), now, 12)).toBeNull();
    expect(eligibilityChangesAt({ partner: null, claim: null, listed: { active: true } }, now, 12)).toBeNull();
  });
});

describe('REG-2 company name match', () => {
  it.each([
    ['Kranich Systemhaus GmbH', 'Kranich Systemhaus'],
    ['Kranich Systemhaus GmbH', 'KRANICH SYSTEMHAUS G.m.b.H.'],
    ['Société Générale S.A.', 'Societe Generale'],
    ['Müller Datentechnik AG', 'Mueller Datentechnik'],
    ['Acme Inc.', 'ACME Ltd'],
    ['Van Dijk Automatisering B.V.', 'van Dijk Automatisering BV'],
    ['Mexidist S.A. de C.V.', 'Mexidist'],
    ['Alpes Réseaux SARL', 'ALPES RESEAUX'],
    ['ООО «Ромашка»', 'Romashka LLC'],
    ['Ромашка', 'Romashka'],
    ['株式会社ソニック', 'ソニック K.K.'],
    ['ソニック株式会社', '株式会社ソニック'],
    ['Kranich Systemhaus GmbH', 'Kranich Sytemhaus GmbH'],
  ])(
    'REG-2: %s matches a list entry %s (legal form, case, accents, script and a typo do not matter)',
    (applicant, listed) => {
      expect(matchListedCompany(applicant, listed).matched).toBe(true);
    },
  );

  it.each([
    ['Kranich Systemhaus GmbH', 'Kranich Systeme GmbH'],
    ['Nordlicht IT GmbH', 'Nordlicht IT Services GmbH'],
    ['Nordlicht IT GmbH', 'Bergmann Elektro AG'],
    ['Acme Inc.', 'Acne Inc.'],
    ['Ромашка', 'Лютик'],
  ])('REG-2: %s does not match a list entry %s', (applicant, listed) => {
    expect(matchListedCompany(applicant, listed).matched).toBe(false);
  });

  it('REG-2: normalises legal forms, accents, punctuation and script away', () => {
    expect(normaliseCompanyName('  Société Générale S.A. ')).toBe('societe generale');
    expect(normaliseCompanyName('ООО «Ромашка»')).toBe('romashka');
    expect(normaliseCompanyName('株式会社ソニック')).toBe(normaliseCompanyName('ソニック'));
    expect(normaliseCompanyName('Smith & Co. Ltd')).toBe('smith');
    // A name that is only a legal form keeps it, rather than matching every other such name.
    expect(normaliseCompanyName('AG')).toBe('ag');
  });

  it('REG-2: scores from 0 to 1, word order aside', () => {
    expect(companyNameScore('Systemhaus Kranich', 'Kranich Systemhaus GmbH')).toBe(1);
    expect(companyNameScore('', 'Kranich')).toBe(0);
    const score = companyNameScore('Kranich Systemhaus', 'Kranich Systeme');
    expect(score).toBeGreaterThan(0.5);
    expect(score).toBeLessThan(NAME_MATCH_THRESHOLD);
  });
});
