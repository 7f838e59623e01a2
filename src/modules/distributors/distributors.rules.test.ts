import { describe, expect, it } from 'vitest';
import { checkClaim, checkDistributor, checkInquiry, initialClaimStatus, isLikelySpam, normaliseDistributorInput, purchaseEligibility, reviewDueAt, servesCountry } from './distributors.rules.ts';

const nordic = { hqCountry: 'SE', territories: ['DK', 'FI', 'NO'], status: 'active', legalName: 'Nordic Dist AB' };

describe('distributor rules', () => {
  it('REG-2/REG-5: a distributor serves the country it is located in and those it is authorised for', () => {
    expect(servesCountry(nordic, 'SE')).toBe(true);
    expect(servesCountry(nordic, 'NO')).toBe(true);
    expect(servesCountry(nordic, 'DE')).toBe(false);
    expect(servesCountry({ ...nordic, status: 'retired' }, 'SE')).toBe(false);
  });

  it('REG-2: refuses a claim at a distributor outside the territory, naming the distributor and the country', () => {
    expect(checkClaim(nordic, 'DE', 'ACC-1')).toEqual([{ field: 'distributors.distributor', rule: 'distributor_not_in_territory', params: { distributor: 'Nordic Dist AB', country: 'DE' } }]);
    expect(checkClaim(nordic, 'FI', 'ACC-1')).toEqual([]);
    expect(checkClaim(nordic, 'FI', ' ')).toEqual([{ field: 'distributors.account_number', rule: 'required' }]);
    expect(checkClaim(nordic, 'FI', 'bad number!')).toEqual([{ field: 'distributors.account_number', rule: 'account_number' }]);
  });

  it('REG-2: a claim on the distributor’s list of active accounts is confirmed at once, otherwise pending', () => {
    expect(initialClaimStatus({ active: true })).toBe('confirmed');
    expect(initialClaimStatus({ active: false })).toBe('pending');
    expect(initialClaimStatus(undefined)).toBe('pending');
  });

  it('validates a directory entry field by field', () => {
    const clean = normaliseDistributorInput({ code: ' eu-1 ', legalName: ' EuroDist ', hqCountry: 'de', territories: ['at', 'ch', 'AT', ''], website: 'https://eurodist.example', phone: '+49 30 1234567', email: 'sales@eurodist.example', acceptsNewResellers: true });
    expect(clean).toMatchObject({ code: 'EU-1', legalName: 'EuroDist', hqCountry: 'DE', territories: ['AT', 'CH'] });
    expect(checkDistributor(clean)).toEqual([]);
    expect(checkDistributor({ ...clean, code: 'x', hqCountry: 'XX', territories: ['ZZ'], website: 'ftp://x', phone: 'call me', email: 'nope' })).toEqual([
      { field: 'code', rule: 'distributor_code' },
      { field: 'hq_country', rule: 'country_code', params: { value: 'XX' } },
      { field: 'territories', rule: 'country_code', params: { value: 'ZZ' } },
      { field: 'website', rule: 'url' },
      { field: 'phone', rule: 'phone' },
      { field: 'email', rule: 'email_format' },
    ]);
  });

  it('REG-5: checks an inquiry and spots the honeypot', () => {
    const inquiry = { name: 'Ann', email: 'ann@reseller.example', company: '', message: 'We would like to open an account.', website: '' };
    expect(checkInquiry(inquiry)).toEqual([]);
    expect(checkInquiry({ ...inquiry, message: 'hi' })).toEqual([{ field: 'message', rule: 'too_short', params: { min: 10 } }]);
    expect(isLikelySpam(inquiry)).toBe(false);
    expect(isLikelySpam({ ...inquiry, website: 'http://spam.example' })).toBe(true);
  });
});

describe('REG-4 purchase eligibility', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  const good = { partner: { status: 'registered' as const, distributorInfoReviewedAt: new Date('2026-06-01T00:00:00Z') }, claim: { status: 'confirmed' as const }, listed: { active: true } };

  it('REG-4: a registered partner with a confirmed claim and a current review may buy', () => {
    expect(purchaseEligibility(good, now, 12)).toEqual({ eligible: true, reasons: [] });
  });

  it('REG-4: lists every reason that applies', () => {
    expect(purchaseEligibility({ partner: { status: 'applicant', distributorInfoReviewedAt: null }, claim: { status: 'pending' }, listed: { active: false } }, now, 12)).toEqual({
      eligible: false,
      reasons: ['partner_not_registered', 'claim_pending', 'review_overdue', 'account_closed'],
    });
    expect(purchaseEligibility({ ...good, claim: { status: 'rejected' } }, now, 12).reasons).toEqual(['claim_rejected']);
    expect(purchaseEligibility({ partner: null, claim: null, listed: { active: true } }, now, 12).reasons).toEqual(['not_a_partner']);
  });

  it('REG-4: the review expires after the maintenance period (configurable)', () => {
    const reviewed = new Date('2025-11-21T12:00:00Z');
    expect(reviewDueAt(reviewed, 12).toISOString()).toBe('2026-11-21T12:00:00.000Z');
    expect(purchaseEligibility({ ...good, partner: { status: 'registered', distributorInfoReviewedAt: reviewed } }, now, 12).reasons).toEqual(['review_overdue']);
    expect(purchaseEligibility({ ...good, partner: { status: 'registered', distributorInfoReviewedAt: reviewed } }, now, 13).eligible).toBe(true);
  });
});
