import { createApiKey } from '../../src/modules/accounts/index.ts';
import { startApplication, saveStep } from '../../src/modules/registration/registration.service.ts';
import type { ApplicationAnswers, Step } from '../../src/modules/registration/registration.rules.ts';
import { requestAdministrator } from '../../src/modules/pica/administrators.service.ts';
import { requestTool } from '../../src/modules/pica/entitlements.service.ts';
import { addToAllowlist, addToWatchlist } from '../../src/modules/registration/address-lists.service.ts';
import { newSecret } from '../../src/platform/tokens.ts';
import { createDistributor, createUser, insertClaim, testMeta } from '../helpers/fixtures.ts';
import {
  newColleagueInvitation,
  newCompletion,
  newEndUser,
  newEndUserToken,
  newKeyPerson,
  newLocation,
  newSignatoryInvitation,
  newSponsorship,
  newSubmittedApplication,
  PASSWORD,
  tokenMailedTo,
  unique,
  type RoleKey,
  type World,
} from './world.ts';

/** One request of the matrix: the path (with query) and the body; `after` undoes what must not last. */
export interface MatrixRequest {
  url: string;
  json?: unknown;
  csv?: string;
  /** Ids the answer may name although the role's secrets list them (it just joined, say). */
  reveals?: string[];
  after?: () => Promise<void>;
}

/**
 * Builds the request a role sends for one operation. `fresh` is true when the table expects the
 * role to succeed: a state-changing operation then gets its own new object, so one role's
 * success never changes the answer another role gets (a shared object is used otherwise).
 */
export type RequestBuilder = (w: World, role: RoleKey, fresh: boolean) => MatrixRequest | Promise<MatrixRequest>;

const DAY = 86_400_000;
const today = (offsetDays = 0) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
const get =
  (url: (w: World) => string): RequestBuilder =>
  (w) => ({ url: url(w) });

/** A complete set of answers for a German reseller naming distributor `distributorId`. */
export function answersFor(distributorId: string): ApplicationAnswers {
  const domain = `reseller-${unique()}.example`;
  return {
    company: {
      legalName: `Reseller ${unique()} GmbH`,
      legalForm: 'limited_company',
      country: 'DE',
      website: `https://${domain}`,
      registrationNumber: 'HRB 1',
    },
    contacts: { primary: { name: 'Applicant Person', email: `owner@${domain}`, phone: '+49 30 901820', title: 'CEO' } },
    locations: {
      items: [{ lines: ['Unter den Linden 5'], city: 'Berlin', postcode: '10117', country: 'DE', type: 'office' }],
    },
    distributors: {
      items: [{ distributorId, accountNumber: `ACC-${unique()}` }],
      initialDistributorId: distributorId,
    },
    added_value: {
      canDemonstrate: true,
      providesServices: true,
      servicesDescription: 'Demonstrations on site and professional services with every sale.',
    },
    personnel: { items: [{ name: 'Key Person', email: `key@${domain}`, role: 'Account manager' }] },
  };
}

const applicationVersion = async (w: World, id: string) =>
  (await w.ctx.db.selectFrom('applications').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;

/** PUT /applications/{id}/<step>: the applicant's draft, at its current version. */
const step =
  (name: Step): RequestBuilder =>
  async (w) => ({
    url: `/api/v1/applications/${w.applicationId}/${name.replace('_', '-')}`,
    json: {
      version: await applicationVersion(w, w.applicationId),
      answers: answersFor(w.distributorA.id)[name],
    },
  });

const distributorVersion = async (w: World, id: string) =>
  (await w.ctx.db.selectFrom('distributors').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;

const A = (w: World) => `/api/v1/distributor/${w.distributorA.id}`;
const P = (w: World) => `/api/v1/partner/${w.partner.id}`;
const T = (w: World) => `/api/v1/partners/${w.partner.id}/training`;

/** A fresh colleague of partner P (a partner member), to change or remove. */
const newColleague = (w: World) => createUser(w.ctx, [{ role: 'partner_member', organisationId: w.partner.id }]);

/** An email token written straight to the table, for a user who has no session to lose. */
async function emailToken(w: World, purpose: 'verify_email' | 'reset_password'): Promise<string> {
  const user = await createUser(w.ctx, []);
  const { secret, hash } = newSecret();
  await w.ctx.db
    .insertInto('email_tokens')
    .values({ token_hash: hash, user_id: user.userId, purpose, expires_at: new Date(Date.now() + DAY) })
    .execute();
  return secret;
}

/** PICA-4: an administrator request lists every contract of the company (staff add some here). */
const contractsOfP = async (w: World) =>
  (await w.ctx.db.selectFrom('pica_contracts').select('number').where('partner_id', '=', w.partner.id).execute()).map(
    (c) => c.number,
  );

const sponsorshipBody = (w: World) => ({
  customerName: `Contoso ${unique()} SA`,
  country: 'ES',
  emailDomains: ['contoso.example'],
  purchaseReference: 'PO-42',
  attestPurchase: true,
  contractNumber: w.contractNumber,
});

/** Every operation of the served OpenAPI document, as `METHOD /path/{param}`. */
export const REQUESTS: Record<string, RequestBuilder> = {
  // ---- operations ----
  'GET /healthz': () => ({ url: '/healthz' }),
  'GET /readyz': () => ({ url: '/readyz' }),

  // ---- accounts ----
  'POST /api/v1/auth/sign-up': () => ({
    url: '/api/v1/auth/sign-up',
    json: { name: 'New Person', email: `new-${unique()}@example.test`, password: PASSWORD },
  }),
  'POST /api/v1/auth/verify-email': async (w) => ({
    url: '/api/v1/auth/verify-email',
    json: { token: await emailToken(w, 'verify_email') },
  }),
  'POST /api/v1/auth/resend-verification': () => ({
    url: '/api/v1/auth/resend-verification',
    json: { email: `someone-${unique()}@example.test` },
  }),
  'POST /api/v1/auth/sign-in': (w) => ({
    url: '/api/v1/auth/sign-in',
    json: { email: w.signInEmail, password: PASSWORD },
  }),
  'POST /api/v1/auth/sign-out': () => ({ url: '/api/v1/auth/sign-out' }),
  'POST /api/v1/auth/password-reset': (w) => ({ url: '/api/v1/auth/password-reset', json: { email: w.signInEmail } }),
  'POST /api/v1/auth/password-reset/confirm': async (w) => ({
    url: '/api/v1/auth/password-reset/confirm',
    json: { token: await emailToken(w, 'reset_password'), password: PASSWORD },
  }),
  'GET /api/v1/me': () => ({ url: '/api/v1/me' }),
  'PATCH /api/v1/me': () => ({ url: '/api/v1/me', json: { language: 'en' } }),

  // ---- distributor locator (public) ----
  'GET /api/v1/distributors': () => ({ url: '/api/v1/distributors?country=DE' }),
  'GET /api/v1/distributors/{id}': get((w) => `/api/v1/distributors/${w.distributorA.id}`),
  'POST /api/v1/distributors/{id}/inquiries': (w) => ({
    url: `/api/v1/distributors/${w.distributorA.id}/inquiries`,
    json: { name: 'Pat Visitor', email: 'pat@visitor.example', message: 'Do you serve Berlin?' },
  }),

  // ---- staff: the distributor directory ----
  'GET /api/v1/staff/distributors': () => ({ url: '/api/v1/staff/distributors' }),
  'POST /api/v1/staff/distributors': () => ({
    url: '/api/v1/staff/distributors',
    json: { code: `M-${unique()}`, legalName: `Matrix ${unique()} GmbH`, hqCountry: 'DE', territories: ['AT'] },
  }),
  'PUT /api/v1/staff/distributors/{id}': async (w, _r, fresh) => {
    const d = fresh ? await createDistributor(w.ctx, { hqCountry: 'DE' }) : w.distributorA;
    return {
      url: `/api/v1/staff/distributors/${d.id}`,
      json: {
        legalName: d.legalName,
        hqCountry: 'DE',
        territories: [],
        version: await distributorVersion(w, d.id),
      },
    };
  },
  'POST /api/v1/staff/distributors/{id}/retire': async (w, _r, fresh) => {
    const d = fresh ? await createDistributor(w.ctx, { hqCountry: 'DE' }) : w.distributorA;
    return { url: `/api/v1/staff/distributors/${d.id}/retire`, json: { version: await distributorVersion(w, d.id) } };
  },
  'POST /api/v1/staff/distributors/{id}/reactivate': async (w) => {
    const d = await createDistributor(w.ctx, { hqCountry: 'DE', status: 'retired' });
    return {
      url: `/api/v1/staff/distributors/${d.id}/reactivate`,
      json: { version: await distributorVersion(w, d.id) },
    };
  },
  'POST /api/v1/staff/distributors/import': () => ({
    url: '/api/v1/staff/distributors/import',
    csv:
      'code,legal_name,hq_country,territories,website,phone,email,accepts_new_resellers\n' +
      `M-${unique()},Imported Matrix GmbH,DE,AT,https://imported.example,+49 30 5550 1000,sales@imported.example,true\n`,
  }),
  'GET /api/v1/staff/distributors.csv': () => ({ url: '/api/v1/staff/distributors.csv' }),

  // ---- distributor portal (distributor A's objects) ----
  'GET /api/v1/distributor': () => ({ url: '/api/v1/distributor' }),
  'GET /api/v1/distributor/{distributorId}/claims': get((w) => `${A(w)}/claims`),
  'POST /api/v1/distributor/{distributorId}/claims/{claimId}/decision': async (w) => ({
    url: `${A(w)}/claims/${await insertClaim(w.ctx, w.partner.id, w.distributorA.id, `ACC-${unique()}`)}/decision`,
    json: { decision: 'confirm' },
  }),
  'POST /api/v1/distributor/{distributorId}/account-lists': (w) => ({
    url: `${A(w)}/account-lists`,
    csv: `account_number,reseller_name,country,status\nACC-${unique()},Someone GmbH,DE,active\n`,
  }),
  'GET /api/v1/distributor/{distributorId}/account-lists/{uploadId}': get((w) => `${A(w)}/account-lists/${w.uploadId}`),
  'GET /api/v1/distributor/{distributorId}/onboarding': get((w) => `${A(w)}/onboarding`),
  'GET /api/v1/distributor/{distributorId}/resellers/{partnerId}': get((w) => `${A(w)}/resellers/${w.partner.id}`),
  'GET /api/v1/distributor/{distributorId}/api-keys': get((w) => `${A(w)}/api-keys`),
  'POST /api/v1/distributor/{distributorId}/api-keys': (w) => ({ url: `${A(w)}/api-keys`, json: { name: 'Orders' } }),
  'DELETE /api/v1/distributor/{distributorId}/api-keys/{keyId}': async (w) => {
    const key = await createApiKey(w.ctx, w.distributorA.admin, w.distributorA.organisationId, 'Spare', testMeta);
    return { url: `${A(w)}/api-keys/${key.id}` };
  },
  'GET /api/v1/distributor/{distributorId}/users': get((w) => `${A(w)}/users`),
  'POST /api/v1/distributor/{distributorId}/users': async (w) => ({
    url: `${A(w)}/users`,
    json: { email: (await createUser(w.ctx, [])).email, role: 'distributor_user' },
  }),
  'DELETE /api/v1/distributor/{distributorId}/users/{userId}': async (w) => {
    const user = await createUser(w.ctx, [{ role: 'distributor_user', organisationId: w.distributorA.organisationId }]);
    return { url: `${A(w)}/users/${user.userId}` };
  },
  'GET /api/v1/purchase-eligibility': async (w) => {
    const claim = await w.ctx.db
      .selectFrom('account_claims')
      .select('account_number')
      .where('id', '=', w.claimAtA)
      .executeTakeFirstOrThrow();
    return { url: `/api/v1/purchase-eligibility?account=${encodeURIComponent(claim.account_number)}` };
  },

  // ---- registration (the applicant's draft) ----
  'POST /api/v1/registration/pre-check': () => ({
    url: '/api/v1/registration/pre-check',
    json: { country: 'DE', email: 'owner@reseller.example' },
  }),
  'GET /api/v1/agreements/current': () => ({ url: '/api/v1/agreements/current' }),
  'GET /api/v1/applications': () => ({ url: '/api/v1/applications' }),
  'POST /api/v1/applications': () => ({ url: '/api/v1/applications' }),
  'GET /api/v1/applications/{id}': get((w) => `/api/v1/applications/${w.applicationId}`),
  'PUT /api/v1/applications/{id}/company': step('company'),
  'PUT /api/v1/applications/{id}/contacts': step('contacts'),
  'PUT /api/v1/applications/{id}/locations': step('locations'),
  'PUT /api/v1/applications/{id}/distributors': step('distributors'),
  'PUT /api/v1/applications/{id}/added-value': step('added_value'),
  'PUT /api/v1/applications/{id}/personnel': step('personnel'),
  'GET /api/v1/applications/{id}/review': get((w) => `/api/v1/applications/${w.applicationId}/review`),
  'POST /api/v1/applications/{id}/invitations': (w) => ({
    url: `/api/v1/applications/${w.applicationId}/invitations`,
    json: { email: `signatory-${unique()}@reseller.example` },
  }),
  // The invitation goes to the other applicant: only that person may join; the membership is undone.
  'POST /api/v1/applications/join': async (w) => {
    const invitee = w.actors.otherApplicant;
    const token = await newSignatoryInvitation(w.ctx, w.actors.applicant, w.applicationId, invitee.email);
    return {
      url: '/api/v1/applications/join',
      json: { token },
      reveals: [w.applicationId],
      after: async () => {
        await w.ctx.db
          .deleteFrom('application_members')
          .where('application_id', '=', w.applicationId)
          .where('user_id', '=', invitee.userId)
          .execute();
      },
    };
  },
  // A complete draft of the applicant's, so that the signature, not a missing step, decides.
  'POST /api/v1/applications/{id}/submit': async (w, _r, fresh) => {
    let id = w.applicationId;
    if (fresh) {
      const app = await startApplication(w.ctx, w.actors.applicant, testMeta);
      const answers = answersFor(w.distributorA.id);
      let version = app.version;
      for (const s of Object.keys(answers) as Step[])
        version = (await saveStep(w.ctx, w.actors.applicant, app.id, s, answers[s], version, testMeta)).application
          .version;
      id = app.id;
    }
    return {
      url: `/api/v1/applications/${id}/submit`,
      json: {
        confirmsAuthority: true,
        name: 'Applicant Person',
        title: 'CEO',
        acceptedAgreementVersion: '2026.1',
        consentsToRelease: true,
      },
    };
  },
  'GET /api/v1/applications/{id}/status': get((w) => `/api/v1/applications/${w.applicationId}/status`),

  // ---- staff: review ----
  'GET /api/v1/staff/applications': () => ({ url: '/api/v1/staff/applications' }),
  'GET /api/v1/staff/applications/{id}': get((w) => `/api/v1/staff/applications/${w.submittedId}`),
  // Taking over: otherwise the second reviewer to claim gets 409 (a colleague holds it).
  'POST /api/v1/staff/applications/{id}/claim': (w) => ({
    url: `/api/v1/staff/applications/${w.submittedId}/claim`,
    json: { takeOver: true },
  }),
  'PUT /api/v1/staff/applications/{id}/checklist/{item}': (w) => ({
    url: `/api/v1/staff/applications/${w.submittedId}/checklist/address_is_business_location`,
    json: { checked: true },
  }),
  'POST /api/v1/staff/applications/{id}/decision': async (w, _r, fresh) => ({
    url: `/api/v1/staff/applications/${fresh ? await newSubmittedApplication(w.ctx, w.distributorA.id) : w.submittedId}/decision`,
    json: { decision: 'request_info', question: 'Please send the trade register extract.' },
  }),
  'POST /api/v1/staff/agreements': () => ({
    url: '/api/v1/staff/agreements',
    json: {
      version: `2027.${unique()}`,
      effectiveAt: new Date(Date.now() + 365 * DAY).toISOString(),
      governingLanguage: 'en',
      texts: { en: { title: 'ICPA', body: 'Terms, next year.' } },
    },
  }),
  'POST /api/v1/staff/denied-parties/import': () => ({
    url: '/api/v1/staff/denied-parties/import',
    csv: `name,country,source,list_date\nDenied ${unique()} Trading,DE,Matrix list,2026-01-01\n`,
  }),
  'GET /api/v1/staff/api-keys': () => ({ url: '/api/v1/staff/api-keys' }),
  'POST /api/v1/staff/api-keys': () => ({ url: '/api/v1/staff/api-keys', json: { name: 'Learning system' } }),
  'DELETE /api/v1/staff/api-keys/{id}': async (w) => {
    const key = await createApiKey(w.ctx, w.actors.staffAdmin, w.vendorOrganisationId, 'Spare', testMeta);
    return { url: `/api/v1/staff/api-keys/${key.id}` };
  },
  'GET /api/v1/staff/audit': () => ({ url: '/api/v1/staff/audit?limit=5' }),
  'GET /api/v1/staff/audit.csv': () => ({ url: '/api/v1/staff/audit.csv?limit=5' }),
  'GET /api/v1/staff/audit/verify': () => ({ url: '/api/v1/staff/audit/verify' }),
  'GET /api/v1/staff/dashboard': () => ({ url: '/api/v1/staff/dashboard' }),
  'PUT /api/v1/staff/applications/{id}/findings/verdict': (w) => ({
    url: `/api/v1/staff/applications/${w.flaggedId}/findings/verdict`,
    json: { ...w.flag, verdict: 'false_alarm', note: 'A real office.' },
  }),
  'POST /api/v1/staff/applications/{id}/findings/allowlist': (w) => ({
    url: `/api/v1/staff/applications/${w.flaggedId}/findings/allowlist`,
    json: { ...w.flag, where: 'here' },
  }),
  'GET /api/v1/staff/allowlist': () => ({ url: '/api/v1/staff/allowlist' }),
  'POST /api/v1/staff/allowlist': () => ({
    url: '/api/v1/staff/allowlist',
    json: { code: 'address_po_box', phrase: `Postfach ${unique()}`, reason: 'A real office.' },
  }),
  'DELETE /api/v1/staff/allowlist/{id}': async (w) => {
    const { id } = await addToAllowlist(
      w.ctx,
      w.actors.staffAdmin,
      { code: 'address_po_box', phrase: `Postfach ${unique()}`, scope: null, reason: 'Spare' },
      testMeta,
    );
    return { url: `/api/v1/staff/allowlist/${id}` };
  },
  'GET /api/v1/staff/watchlist': () => ({ url: '/api/v1/staff/watchlist' }),
  'POST /api/v1/staff/watchlist': () => ({
    url: '/api/v1/staff/watchlist',
    json: { kind: 'mail_drop', name: `Mailboxes ${unique()}` },
  }),
  'DELETE /api/v1/staff/watchlist/{id}': async (w) => {
    const { id } = await addToWatchlist(
      w.ctx,
      w.actors.staffAdmin,
      { kind: 'mail_drop', name: `Spare ${unique()}` },
      testMeta,
    );
    return { url: `/api/v1/staff/watchlist/${id}` };
  },

  // ---- partner self service (partner P's objects) ----
  'GET /api/v1/partner': () => ({ url: '/api/v1/partner' }),
  'GET /api/v1/partner/{partnerId}': get(P),
  'GET /api/v1/partner/{partnerId}/colleagues': get((w) => `${P(w)}/colleagues`),
  'POST /api/v1/partner/{partnerId}/invitations': (w) => ({
    url: `${P(w)}/invitations`,
    json: { email: `colleague-${unique()}@reseller.example`, role: 'partner_member' },
  }),
  'POST /api/v1/partner/{partnerId}/invitations/{id}/resend': async (w) => ({
    url: `${P(w)}/invitations/${(await newColleagueInvitation(w.ctx, w.actors.partnerAdmin, w.partner.id)).id}/resend`,
  }),
  'DELETE /api/v1/partner/{partnerId}/invitations/{id}': async (w) => ({
    url: `${P(w)}/invitations/${(await newColleagueInvitation(w.ctx, w.actors.partnerAdmin, w.partner.id)).id}`,
  }),
  // The invitation goes to the other applicant: only that person may accept; the grant is undone.
  'POST /api/v1/partner/invitations/accept': async (w) => {
    const invitee = w.actors.otherApplicant;
    const { email } = await newColleagueInvitation(w.ctx, w.actors.partnerAdmin, w.partner.id, invitee.email);
    return {
      url: '/api/v1/partner/invitations/accept',
      json: { token: await tokenMailedTo(w.ctx, email) },
      after: async () => {
        await w.ctx.db
          .deleteFrom('user_roles')
          .where('user_id', '=', invitee.userId)
          .where('organisation_id', '=', w.partner.id)
          .execute();
        await w.ctx.db
          .deleteFrom('partner_invitations')
          .where('partner_id', '=', w.partner.id)
          .where('email', '=', invitee.email)
          .execute();
      },
    };
  },
  'PUT /api/v1/partner/{partnerId}/colleagues/{id}/roles': async (w) => ({
    url: `${P(w)}/colleagues/${(await newColleague(w)).userId}/roles`,
    json: { roles: ['partner_member', 'partner_signatory'] },
  }),
  'DELETE /api/v1/partner/{partnerId}/colleagues/{id}': async (w) => ({
    url: `${P(w)}/colleagues/${(await newColleague(w)).userId}`,
  }),
  'GET /api/v1/partner/{partnerId}/accounts': get((w) => `${P(w)}/accounts`),
  'POST /api/v1/partner/{partnerId}/accounts': (w) => ({
    url: `${P(w)}/accounts`,
    json: { distributorId: w.distributorA.id, accountNumber: `ACC-${unique()}` },
  }),
  'DELETE /api/v1/partner/{partnerId}/accounts/{id}': async (w) => ({
    url: `${P(w)}/accounts/${await insertClaim(w.ctx, w.partner.id, w.distributorA.id, `ACC-${unique()}`)}`,
  }),
  'POST /api/v1/partner/{partnerId}/accounts/review': (w) => ({ url: `${P(w)}/accounts/review` }),
  'GET /api/v1/partner/{partnerId}/locations': get((w) => `${P(w)}/locations`),
  'POST /api/v1/partner/{partnerId}/locations': (w) => ({
    url: `${P(w)}/locations`,
    json: { lines: ['Friedrichstraße 100'], city: 'Berlin', postcode: '10117', type: 'office' },
  }),
  'PUT /api/v1/partner/{partnerId}/locations/{id}': async (w) => ({
    url: `${P(w)}/locations/${await newLocation(w.ctx, w.actors.partnerAdmin, w.partner.id)}`,
    json: { lines: ['Friedrichstraße 101'], city: 'Berlin', postcode: '10117', type: 'office' },
  }),
  'DELETE /api/v1/partner/{partnerId}/locations/{id}': async (w) => ({
    url: `${P(w)}/locations/${await newLocation(w.ctx, w.actors.partnerAdmin, w.partner.id)}`,
  }),
  'PUT /api/v1/partner/{partnerId}/locations/{id}/listing': async (w) => ({
    url: `${P(w)}/locations/${await newLocation(w.ctx, w.actors.partnerAdmin, w.partner.id)}/listing`,
    json: { listed: false },
  }),
  'GET /api/v1/partner/{partnerId}/renewal': get((w) => `${P(w)}/renewal`),
  // The term ends in ten days, so the renewal is open (it is not due otherwise: 409).
  'POST /api/v1/partner/{partnerId}/renewal': async (w) => {
    await w.ctx.db
      .updateTable('partners')
      .set({ renewal_due_at: new Date(Date.now() + 10 * DAY) })
      .where('organisation_id', '=', w.partner.id)
      .execute();
    return {
      url: `${P(w)}/renewal`,
      json: {
        confirmed: ['business_email', 'locations', 'distributor_accounts', 'added_value'],
        agreementAccepted: true,
      },
    };
  },
  'GET /api/v1/staff/renewals': () => ({ url: '/api/v1/staff/renewals' }),
  'GET /api/v1/staff/partner-settings': () => ({ url: '/api/v1/staff/partner-settings' }),
  'PUT /api/v1/staff/partner-settings': () => ({
    url: '/api/v1/staff/partner-settings',
    json: { maintenanceMonths: 12 },
  }),

  // ---- training (partner P's key personnel) ----
  'GET /api/v1/partners/{partnerId}/training': get(T),
  'GET /api/v1/partners/{partnerId}/training/former': get((w) => `${T(w)}/former`),
  'POST /api/v1/partners/{partnerId}/training/people': (w) => ({
    url: `${T(w)}/people`,
    json: { name: 'New Key Person', email: `key-${unique()}@reseller.example`, role: 'Sales' },
  }),
  'PUT /api/v1/partners/{partnerId}/training/people/{id}': async (w) => {
    const person = await newKeyPerson(w.ctx, w.actors.partnerAdmin, w.partner.id);
    return {
      url: `${T(w)}/people/${person.id}`,
      json: { name: 'Renamed Key Person', email: `key-${unique()}@reseller.example`, role: 'Sales', version: 1 },
    };
  },
  'DELETE /api/v1/partners/{partnerId}/training/people/{id}': async (w) => {
    const person = await newKeyPerson(w.ctx, w.actors.partnerAdmin, w.partner.id);
    return { url: `${T(w)}/people/${person.id}?version=1` };
  },
  'GET /api/v1/partners/{partnerId}/training/completions': get((w) => `${T(w)}/completions`),
  'POST /api/v1/partners/{partnerId}/training/assignments/{id}/completions': async (w) => {
    const person = await newKeyPerson(w.ctx, w.actors.partnerAdmin, w.partner.id);
    return {
      url: `${T(w)}/assignments/${person.assignmentId}/completions`,
      json: { courseId: w.courseId, completedOn: today(-1) },
    };
  },
  'GET /api/v1/training/completions/{id}/certificate': get(
    (w) => `/api/v1/training/completions/${w.completionId}/certificate`,
  ),
  'GET /api/v1/training/courses': () => ({ url: '/api/v1/training/courses' }),
  'GET /api/v1/staff/training': () => ({ url: '/api/v1/staff/training' }),
  'GET /api/v1/staff/training.csv': () => ({ url: '/api/v1/staff/training.csv' }),
  'GET /api/v1/staff/training/completions': () => ({ url: '/api/v1/staff/training/completions' }),
  'POST /api/v1/staff/training/completions/{id}/review': async (w) => ({
    url: `/api/v1/staff/training/completions/${await newCompletion(w.ctx, w.actors.partnerAdmin, w.partner.id, false)}/review`,
    json: { decision: 'verify', version: 1 },
  }),
  'GET /api/v1/staff/training/settings': () => ({ url: '/api/v1/staff/training/settings' }),
  'PUT /api/v1/staff/training/settings': async (w) => {
    const s = await w.ctx.db.selectFrom('training_settings').select('version').executeTakeFirstOrThrow();
    return {
      url: '/api/v1/staff/training/settings',
      json: { graceDays: 90, flagAfterDays: 30, restrictNonCompliant: false, version: s.version },
    };
  },
  'GET /api/v1/staff/training/courses': () => ({ url: '/api/v1/staff/training/courses' }),
  'POST /api/v1/staff/training/courses': () => ({
    url: '/api/v1/staff/training/courses',
    json: { name: `Course ${unique()}`, provider: 'third_party', languages: ['en'] },
  }),
  'PUT /api/v1/staff/training/courses/{id}': (w) => ({
    url: `/api/v1/staff/training/courses/${w.courseId}`,
    json: { name: 'Anticorruption basics', provider: 'vendor', languages: ['en'], validityMonths: 12, active: true },
  }),
  // A new key person each time: a reported completion closes the assignment it matched.
  'POST /api/v1/training/completions': async (w) => {
    const { id } = await newKeyPerson(w.ctx, w.actors.partnerAdmin, w.partner.id);
    const person = await w.ctx.db
      .selectFrom('key_personnel')
      .select('email')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return {
      url: '/api/v1/training/completions',
      json: {
        system: 'matrix-lms',
        completionId: `LMS-${unique()}`,
        email: person.email,
        partnerId: w.partner.id,
        courseId: w.courseId,
        completedOn: today(-1),
      },
    };
  },

  // ---- PICA ----
  'GET /api/v1/pica/contract-types': () => ({ url: '/api/v1/pica/contract-types' }),
  'PUT /api/v1/pica/contract-types/{code}': () => ({
    url: `/api/v1/pica/contract-types/T${unique().toUpperCase()}`,
    json: { name: 'Basic support', qualifiesPica: false, entitlements: ['support_cases'] },
  }),
  'GET /api/v1/pica/contracts': (w) => ({ url: `/api/v1/pica/contracts?partnerId=${w.partner.id}` }),
  'POST /api/v1/pica/contracts': (w) => ({
    url: '/api/v1/pica/contracts',
    json: {
      number: `SC-${unique()}`,
      partnerId: w.partner.id,
      typeCode: w.contractTypeCode,
      startsOn: today(-30),
      endsOn: today(300),
    },
  }),
  'GET /api/v1/pica/contracts/{id}': get((w) => `/api/v1/pica/contracts/${w.contractId}`),
  'PUT /api/v1/pica/contracts/{id}': async (w) => {
    const c = await w.ctx.db
      .selectFrom('pica_contracts')
      .select(['version', 'starts_on', 'ends_on'])
      .where('id', '=', w.contractId)
      .executeTakeFirstOrThrow();
    return {
      url: `/api/v1/pica/contracts/${w.contractId}`,
      json: {
        partnerId: w.partner.id,
        typeCode: w.contractTypeCode,
        startsOn: c.starts_on.toISOString().slice(0, 10),
        endsOn: c.ends_on.toISOString().slice(0, 10),
        status: 'active',
        version: c.version,
      },
    };
  },
  'POST /api/v1/pica/contracts/import': (w) => ({
    url: '/api/v1/pica/contracts/import',
    csv:
      'number,partner_id,type,customer,starts_on,ends_on,status\n' +
      `SC-${unique()},${w.partner.id},${w.contractTypeCode},,${today(-30)},${today(300)},active\n`,
  }),
  'GET /api/v1/pica/partners/{id}': get((w) => `/api/v1/pica/partners/${w.partner.id}`),
  'PUT /api/v1/pica/partners/{id}/settings': (w) => ({
    url: `/api/v1/pica/partners/${w.partner.id}/settings`,
    json: { ownBrandSupport: true, agreementSignedOn: '2026-01-01' },
  }),
  'GET /api/v1/pica/administrator-requests': () => ({ url: '/api/v1/pica/administrator-requests' }),
  'POST /api/v1/pica/administrator-requests': async (w) => ({
    url: '/api/v1/pica/administrator-requests',
    json: { partnerId: w.partner.id, jobTitle: 'Support lead', contractNumbers: await contractsOfP(w) },
    after: async () => {
      await w.ctx.db.deleteFrom('pica_admin_requests').where('id', '!=', w.adminRequestId).execute();
    },
  }),
  'GET /api/v1/pica/administrator-requests/{id}': get((w) => `/api/v1/pica/administrator-requests/${w.adminRequestId}`),
  'POST /api/v1/pica/administrator-requests/{id}/decision': async (w) => {
    const requester = await createUser(w.ctx, [{ role: 'partner_member', organisationId: w.partner.id }]);
    const request = await requestAdministrator(
      w.ctx,
      requester,
      { partnerId: w.partner.id, jobTitle: 'Support lead', contractNumbers: (await contractsOfP(w)).join('\n') },
      testMeta,
    );
    return {
      url: `/api/v1/pica/administrator-requests/${request.id}/decision`,
      json: { decision: 'decline', internalReason: 'Not this year.' },
    };
  },
  'GET /api/v1/pica/administrator': () => ({ url: '/api/v1/pica/administrator' }),
  'GET /api/v1/pica/sponsorships': () => ({ url: '/api/v1/pica/sponsorships' }),
  'POST /api/v1/pica/sponsorships': (w) => ({ url: '/api/v1/pica/sponsorships', json: sponsorshipBody(w) }),
  'GET /api/v1/pica/sponsorships/{id}': get((w) => `/api/v1/pica/sponsorships/${w.sponsorshipId}`),
  'POST /api/v1/pica/sponsorships/{id}/revoke': async (w) => ({
    url: `/api/v1/pica/sponsorships/${(await newSponsorship(w.ctx, w.actors.picaAdmin, w.contractNumber)).sponsorship.id}/revoke`,
  }),
  'POST /api/v1/pica/sponsorships/{id}/key': async (w) => ({
    url: `/api/v1/pica/sponsorships/${(await newSponsorship(w.ctx, w.actors.picaAdmin, w.contractNumber)).sponsorship.id}/key`,
  }),
  'GET /api/v1/pica/sponsored-users': () => ({ url: '/api/v1/pica/sponsored-users' }),
  'POST /api/v1/pica/sponsored-users/{id}/revoke': async (w, _r, fresh) => ({
    url: `/api/v1/pica/sponsored-users/${fresh ? (await newEndUser(w.ctx, w.actors.picaAdmin, w.contractNumber)).accessId : w.accessId}/revoke`,
  }),
  'GET /api/v1/pica/customers': () => ({ url: '/api/v1/pica/customers' }),
  'POST /api/v1/pica/customers/{id}/revoke': async (w, _r, fresh) => ({
    url: `/api/v1/pica/customers/${fresh ? (await newEndUser(w.ctx, w.actors.picaAdmin, w.contractNumber)).customerId : w.customerId}/revoke`,
  }),
  'POST /api/v1/pica/customers/{id}/reconfirm': (w) => ({ url: `/api/v1/pica/customers/${w.customerId}/reconfirm` }),
  'POST /api/v1/pica/tool-requests/{id}/decision': async (w, _r, fresh) => {
    let id = w.toolRequestId;
    if (fresh) {
      const user = await newEndUser(w.ctx, w.actors.picaAdmin, w.contractNumber);
      await requestTool(w.ctx, user.actor, user.accessId, { tool: 'documentation' }, testMeta);
      id = (
        await w.ctx.db
          .selectFrom('pica_tool_requests')
          .select('id')
          .where('access_id', '=', user.accessId)
          .executeTakeFirstOrThrow()
      ).id;
    }
    return { url: `/api/v1/pica/tool-requests/${id}/decision`, json: { decision: 'decline' } };
  },
  'POST /api/v1/pica/registrations/verify': (w) => ({
    url: '/api/v1/pica/registrations/verify',
    json: { registrationNumber: w.registration.number, verificationKey: w.registration.key },
  }),
  'POST /api/v1/pica/registrations': async (w) => {
    const s = await newSponsorship(w.ctx, w.actors.picaAdmin, w.contractNumber);
    return {
      url: '/api/v1/pica/registrations',
      json: {
        name: 'Ana García',
        email: `ana-${unique()}@fabrikam.example`,
        password: PASSWORD,
        registrationNumber: s.sponsorship.registrationNumber,
        verificationKey: s.verificationKey,
        jobTitle: 'Network engineer',
        attestEmployment: true,
      },
    };
  },
  'POST /api/v1/pica/registrations/confirm': async (w) => ({
    url: '/api/v1/pica/registrations/confirm',
    json: { token: (await newEndUserToken(w.ctx, w.actors.picaAdmin, w.contractNumber)).token },
  }),
  'POST /api/v1/pica/registrations/resend': () => ({
    url: '/api/v1/pica/registrations/resend',
    json: { email: `ana-${unique()}@fabrikam.example` },
  }),
  'GET /api/v1/pica/access': () => ({ url: '/api/v1/pica/access' }),
  'PUT /api/v1/pica/access/{id}/tools/{tool}': (w) => ({
    url: `/api/v1/pica/access/${w.accessId}/tools/software_downloads`,
    json: { enabled: true },
  }),
  'POST /api/v1/pica/access/{id}/requests': (w) => ({
    url: `/api/v1/pica/access/${w.accessId}/requests`,
    json: { tool: 'documentation', note: 'For the manuals.' },
    after: async () => {
      await w.ctx.db.deleteFrom('pica_tool_requests').where('access_id', '=', w.accessId).execute();
    },
  }),

  // ---- partner locator ----
  'GET /api/v1/partners/search': () => ({ url: '/api/v1/partners/search?place=Berlin' }),
  'PUT /api/v1/partners/locations/{id}/coordinates': (w) => ({
    url: `/api/v1/partners/locations/${w.locationId}/coordinates`,
    json: { latitude: 52.52, longitude: 13.39 },
  }),
};
