import { invitationRefusal } from '../../platform/invitation.rules.ts';
import { describe, expect, it } from 'vitest';
import {
  checkAddedValue,
  checkBusinessEmail,
  checkContacts,
  checkDistributorClaims,
  checkListedCompanies,
  checkLocation,
  checkPersonnel,
  checkSignature,
  type DistributorFacts,
  type Finding,
  type LocationAnswers,
} from './registration.rules.ts';
import {
  APPLICATION_STATUSES,
  checkApplicantAnswer,
  completedStepsAfterSave,
  isEditable,
} from './application-status.rules.ts';
import { SHIPPED_WATCHLIST } from './watchlist.ts';

const outcomes = (findings: Finding[]) => findings.map((f) => `${f.rule}:${f.outcome}:${f.code}`);
const office = (overrides: Partial<LocationAnswers> = {}): LocationAnswers => ({
  lines: ['Friedrichstraße 123'],
  city: 'Berlin',
  postcode: '10117',
  country: 'DE',
  type: 'office',
  ...overrides,
});

describe('REG-8 business email', () => {
  it('REG-8: refuses public email domains, whatever the case and subdomain', () => {
    expect(outcomes(checkBusinessEmail('ann@gmail.com', undefined))).toEqual(['REG-8:fail:email_public_domain']);
    expect(outcomes(checkBusinessEmail('Ann@Mail.Yahoo.COM', undefined))).toEqual(['REG-8:fail:email_public_domain']);
    expect(checkBusinessEmail('ann@outlook.com', undefined)[0]!.params).toEqual({ domain: 'outlook.com' });
  });

  it('REG-8: refuses disposable email domains', () => {
    expect(outcomes(checkBusinessEmail('x@mailinator.com', undefined))).toEqual(['REG-8:fail:email_disposable']);
  });

  it('REG-8: passes a business domain and flags one that differs from the website', () => {
    expect(outcomes(checkBusinessEmail('ann@contoso.example', 'https://www.contoso.example'))).toEqual([
      'REG-8:pass:email_business',
    ]);
    expect(outcomes(checkBusinessEmail('ann@sales.contoso.example', 'https://contoso.example'))).toEqual([
      'REG-8:pass:email_business',
    ]);
    expect(checkBusinessEmail('ann@fabrikam.example', 'https://contoso.example')).toEqual([
      {
        rule: 'REG-8',
        outcome: 'review',
        field: 'contacts.email',
        code: 'email_domain_differs',
        params: { domain: 'fabrikam.example', website: 'contoso.example' },
      },
    ]);
  });

  it('REG-8: a malformed address fails the format rule first', () => {
    expect(outcomes(checkBusinessEmail('not an email', undefined))).toEqual(['REG-8:fail:email_format']);
  });
});

describe('REG-7 physical address in the country', () => {
  it('REG-7: passes an office in the registration country with a valid postcode', () => {
    expect(outcomes(checkLocation(office(), 'DE', SHIPPED_WATCHLIST, 0))).toEqual(['REG-7:pass:location_ok']);
  });

  it('REG-7: refuses a location outside the registration country and a bad postcode', () => {
    expect(outcomes(checkLocation(office({ country: 'AT', postcode: '1010' }), 'DE', SHIPPED_WATCHLIST, 0))).toEqual([
      'REG-7:fail:location_outside_country',
    ]);
    expect(checkLocation(office({ postcode: 'ABC' }), 'DE', SHIPPED_WATCHLIST, 2)).toEqual([
      {
        rule: 'REG-7',
        outcome: 'fail',
        field: 'locations.2.postcode',
        code: 'postcode_format',
        params: { value: 'ABC', country: 'DE' },
      },
    ]);
  });

  it('REG-7: refuses a private residence', () => {
    expect(outcomes(checkLocation(office({ type: 'residence' }), 'DE', SHIPPED_WATCHLIST, 0))).toEqual([
      'REG-7:fail:location_residence',
    ]);
  });

  it.each([
    ['PO Box 1234', 'US', '94105', 'San Francisco'],
    ['P.O. Box 77', 'US', '10001', 'New York'],
    ['Postfach 10 20 30', 'DE', '10117', 'Berlin'],
    ['Boîte postale 45', 'FR', '75008', 'Paris'],
    ['BP 123', 'FR', '75008', 'Paris'],
    ['Apartado de Correos 55', 'ES', '28001', 'Madrid'],
    ['Caixa Postal 1000', 'BR', '01310-100', 'São Paulo'],
    ['Casilla 13', 'CL', '8320000', 'Santiago'],
    ['Skrytka pocztowa 12', 'PL', '00-001', 'Warszawa'],
    ['Postbus 200', 'NL', '1012 AB', 'Amsterdam'],
    ['Box 1234', 'SE', '111 22', 'Stockholm'],
    ['東京中央郵便局私書箱 100号', 'JP', '100-8994', '千代田区'],
  ])('REG-7: flags the post-office box in "%s" for review with its evidence', (line, country, postcode, city) => {
    const findings = checkLocation(
      { lines: [line], city, postcode, country, type: 'office' },
      country,
      SHIPPED_WATCHLIST,
      0,
    );
    const flag = findings.find((f) => f.code === 'address_po_box');
    expect(flag).toMatchObject({ rule: 'REG-7', outcome: 'review', field: 'locations.0.lines', params: { line: 1 } });
    // The evidence is the keyword with the box number that follows it.
    expect(String(flag!.params!.evidence)).toMatch(/\d/);
    expect(findings.some((f) => f.outcome === 'fail')).toBe(false);
  });

  it('REG-7: flags a private mailbox (PMB) and known mail-drop, virtual-office and logistics providers', () => {
    const pmb = checkLocation(
      office({ lines: ['2261 Market Street', 'PMB 4521'], country: 'US', postcode: '94114', city: 'San Francisco' }),
      'US',
      SHIPPED_WATCHLIST,
      0,
    );
    expect(pmb.filter((f) => f.code === 'address_mail_drop').map((f) => f.params)).toContainEqual({
      evidence: 'PMB 4521',
      line: 2,
    });
    const ups = checkLocation(
      office({ lines: ['The UPS Store', '1 Main St Suite #245'], country: 'US', postcode: '02108', city: 'Boston' }),
      'US',
      SHIPPED_WATCHLIST,
      0,
    );
    expect(ups.find((f) => f.code === 'address_mail_drop')).toMatchObject({
      outcome: 'review',
      params: { provider: 'The UPS Store', evidence: 'The UPS Store', line: 1 },
    });
    const regus = checkLocation(
      office({ lines: ['c/o Regus Business Centre', 'Friedrichstraße 123'] }),
      'DE',
      SHIPPED_WATCHLIST,
      0,
    );
    expect(outcomes(regus)).toContain('REG-7:review:address_mail_drop');
    const forwarder = checkLocation(
      office({ lines: ['Kühne + Nagel Lager 4', 'Hafenstraße 1'], postcode: '20457', city: 'Hamburg' }),
      'DE',
      SHIPPED_WATCHLIST,
      0,
    );
    expect(outcomes(forwarder)).toContain('REG-7:review:address_logistics');
  });

  it('REG-7: uses entries that programme staff added to the list', () => {
    const findings = checkLocation(
      office({ lines: ['Acme Mail Drop', 'Friedrichstraße 9'] }),
      'DE',
      [...SHIPPED_WATCHLIST, { kind: 'mail_drop', name: 'Acme Mail Drop' }],
      0,
    );
    expect(outcomes(findings)).toContain('REG-7:review:address_mail_drop');
  });
});

describe('REG-2 and REG-3 distributors', () => {
  const distributors = new Map<string, DistributorFacts>([
    ['d-de', { id: 'd-de', legalName: 'EuroDist GmbH', hqCountry: 'DE', territories: ['AT'], status: 'active' }],
    ['d-se', { id: 'd-se', legalName: 'Nordic Dist AB', hqCountry: 'SE', territories: ['NO'], status: 'active' }],
  ]);

  it('REG-2: requires at least one account and refuses a distributor outside the territory', () => {
    expect(outcomes(checkDistributorClaims({ items: [], initialDistributorId: '' }, 'AT', distributors))).toEqual([
      'REG-2:fail:claim_required',
    ]);
    const findings = checkDistributorClaims(
      { items: [{ distributorId: 'd-se', accountNumber: 'A1' }], initialDistributorId: 'd-se' },
      'AT',
      distributors,
    );
    expect(findings).toEqual([
      {
        rule: 'REG-2',
        outcome: 'fail',
        field: 'distributors.0.distributor',
        code: 'distributor_not_in_territory',
        params: { distributor: 'Nordic Dist AB', country: 'AT' },
      },
    ]);
  });

  it('REG-2/REG-3: passes claims in the territory with the initial distributor among them', () => {
    expect(
      outcomes(
        checkDistributorClaims(
          { items: [{ distributorId: 'd-de', accountNumber: 'A1' }], initialDistributorId: 'd-de' },
          'AT',
          distributors,
        ),
      ),
    ).toEqual(['REG-2:pass:claims_ok']);
    expect(
      outcomes(
        checkDistributorClaims(
          { items: [{ distributorId: 'd-de', accountNumber: 'A1' }], initialDistributorId: 'd-se' },
          'AT',
          distributors,
        ),
      ),
    ).toEqual(['REG-3:fail:initial_distributor_not_listed']);
  });

  it('REG-2: refuses a claim listed twice', () => {
    const twice = checkDistributorClaims(
      {
        items: [
          { distributorId: 'd-de', accountNumber: 'A1' },
          { distributorId: 'd-de', accountNumber: 'A1' },
        ],
        initialDistributorId: 'd-de',
      },
      'DE',
      distributors,
    );
    expect(outcomes(twice)).toEqual(['REG-2:fail:claim_duplicate']);
  });
});

describe('REG-9, REG-10, contacts', () => {
  it('REG-9: requires both attestations and a description of the services', () => {
    expect(
      outcomes(checkAddedValue({ canDemonstrate: true, providesServices: false, servicesDescription: 'short' })),
    ).toEqual(['REG-9:fail:attestation_required', 'REG-9:fail:too_short']);
    expect(
      outcomes(
        checkAddedValue({
          canDemonstrate: true,
          providesServices: true,
          servicesDescription: 'On-site demos, installation and managed support.',
        }),
      ),
    ).toEqual(['REG-9:pass:added_value_ok']);
  });

  it('REG-10: requires key personnel with names and distinct emails', () => {
    expect(outcomes(checkPersonnel({ items: [] }))).toEqual(['REG-10:fail:personnel_required']);
    expect(
      outcomes(
        checkPersonnel({
          items: [
            { name: 'A', email: 'a@c.example', role: '' },
            { name: 'B', email: 'A@c.example', role: '' },
          ],
        }),
      ),
    ).toEqual(['REG-10:fail:personnel_duplicate']);
  });

  it('REG-13: validates the phone number for the country of registration', () => {
    const company = {
      legalName: 'Contoso GmbH',
      legalForm: 'limited_company',
      country: 'DE',
      website: 'https://contoso.example',
      registrationNumber: 'HRB 1',
    };
    expect(
      outcomes(
        checkContacts(
          { primary: { name: 'Ann', email: 'ann@contoso.example', phone: '+49 30 901820', title: 'CEO' } },
          company,
        ),
      ),
    ).toEqual(['REG-8:pass:email_business']);
    expect(
      outcomes(
        checkContacts({ primary: { name: 'Ann', email: 'ann@contoso.example', phone: '12', title: 'CEO' } }, company),
      ),
    ).toEqual(['REG-8:pass:email_business', 'REG-13:fail:phone_for_country']);
  });
});

describe('REG-1, REG-6, REG-11 signing', () => {
  const signature = {
    confirmsAuthority: true,
    name: 'Ann Lee',
    title: 'Managing Director',
    acceptedAgreementVersion: '2026.1',
    consentsToRelease: true,
  };
  it('REG-1/REG-6/REG-11: passes a complete signature on the current agreement', () => {
    expect(checkSignature(signature, '2026.1')).toEqual([]);
  });
  it('REG-1/REG-6/REG-11: refuses without authority, consent or the current agreement version', () => {
    expect(
      outcomes(
        checkSignature(
          { ...signature, confirmsAuthority: false, acceptedAgreementVersion: '2025.4', consentsToRelease: false },
          '2026.1',
        ),
      ),
    ).toEqual([
      'REG-1:fail:signature_authority_required',
      'REG-11:fail:agreement_not_current',
      'REG-6:fail:release_consent_required',
    ]);
  });
});

describe('REG-2 listed companies', () => {
  it('REG-2: flags for review each claim whose account the distributor lists for another company, or for none', () => {
    const findings = checkListedCompanies([
      {
        distributor: 'EuroDist Networks AG',
        accountNumber: 'EDN-100001',
        nameMatch: { listedName: 'Kranich Systemhaus', score: 1, matched: true },
      },
      {
        distributor: 'EuroDist Networks AG',
        accountNumber: 'EDN-100004',
        nameMatch: { listedName: 'Bergmann Elektro GmbH', score: 0.214, matched: false },
      },
      {
        distributor: 'EuroDist Networks AG',
        accountNumber: 'EDN-100006',
        nameMatch: { listedName: null, score: null, matched: false },
      },
      { distributor: 'EuroDist Networks AG', accountNumber: 'EDN-999999', nameMatch: null },
    ]);
    expect(findings).toEqual([
      {
        rule: 'REG-2',
        outcome: 'review',
        field: 'distributors.1.account_number',
        code: 'listed_company_differs',
        params: {
          distributor: 'EuroDist Networks AG',
          account: 'EDN-100004',
          listed: 'Bergmann Elektro GmbH',
          score: 21,
        },
      },
      {
        rule: 'REG-2',
        outcome: 'review',
        field: 'distributors.2.account_number',
        code: 'listed_company_unnamed',
        params: { distributor: 'EuroDist Networks AG', account: 'EDN-100006' },
      },
    ]);
  });
});

describe('The application lifecycle (REG-12, REG-13)', () => {
  it('REG-13: only a draft or an application with a question from staff can be changed', () => {
    expect(APPLICATION_STATUSES.filter(isEditable)).toEqual(['draft', 'info_requested']);
  });

  it('REG-12: a resubmission after a question from staff needs an answer of at most 4000 characters', () => {
    expect(outcomes(checkApplicantAnswer('info_requested', '  '))).toEqual(['REG-12:fail:required']);
    expect(outcomes(checkApplicantAnswer('info_requested', 'a'.repeat(4001)))).toEqual(['REG-12:fail:too_long']);
    expect(checkApplicantAnswer('info_requested', 'Yes, from 9 to 5.')).toEqual([]);
    expect(checkApplicantAnswer('draft', undefined)).toEqual([]);
  });

  it('REG-13: a step is complete when no rule fails; a new country reopens the steps checked against it', () => {
    const all = ['company', 'contacts', 'locations', 'distributors', 'added_value'];
    const fail: Finding = { rule: 'REG-7', outcome: 'fail', field: 'locations', code: 'location_required' };
    expect(completedStepsAfterSave(['company'], 'contacts', [], 'DE', 'DE')).toEqual(['company', 'contacts']);
    expect(completedStepsAfterSave(all, 'locations', [fail], 'DE', 'DE')).toEqual([
      'company',
      'contacts',
      'distributors',
      'added_value',
    ]);
    expect(completedStepsAfterSave(all, 'company', [], 'DE', 'DE')).toEqual(all);
    expect(completedStepsAfterSave(all, 'company', [], 'DE', 'AT')).toEqual(['company', 'added_value']);
  });

  it('REG-1: an invitation is accepted only by its confirmed address, in any case', () => {
    expect(
      invitationRefusal('Boss@Contoso.example', { email: 'boss@contoso.example', emailVerified: true }),
    ).toBeUndefined();
    expect(invitationRefusal('boss@contoso.example', { email: 'someone@contoso.example', emailVerified: true })).toBe(
      'invitation_not_for_you',
    );
    expect(invitationRefusal('boss@contoso.example', { email: 'boss@contoso.example', emailVerified: false })).toBe(
      'email_not_verified',
    );
  });
});
