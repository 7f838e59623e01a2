import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Actor } from '../../src/platform/auth.ts';
import type { AppContext } from '../../src/platform/context.ts';
import type { Role } from '../../src/platform/roles.rules.ts';
import { hashPassword } from '../../src/platform/passwords.ts';
import { createApiKey, ensureVendorOrganisation } from '../../src/modules/accounts/index.ts';
import { startApplication } from '../../src/modules/registration/registration.service.ts';
import { inviteSignatory } from '../../src/modules/registration/invitations.service.ts';
import { inviteColleague } from '../../src/modules/partners/colleagues.service.ts';
import { saveLocation } from '../../src/modules/partners/locations.service.ts';
import { addKeyPerson } from '../../src/modules/partners/training.service.ts';
import { recordCompletion } from '../../src/modules/partners/training-completions.service.ts';
import { saveCourse } from '../../src/modules/partners/training-admin.service.ts';
import { importAccountList } from '../../src/modules/distributors/account-lists.service.ts';
import { createContract, saveContractType, setPartnerSettings } from '../../src/modules/pica/contracts.service.ts';
import { requestAdministrator } from '../../src/modules/pica/administrators.service.ts';
import { sponsorCustomer } from '../../src/modules/pica/sponsorships.service.ts';
import { confirmRegistration, startRegistration, submitDetails } from '../../src/modules/pica/end-users.service.ts';
import { requestTool } from '../../src/modules/pica/entitlements.service.ts';
import { addToAllowlist, addToWatchlist } from '../../src/modules/registration/address-lists.service.ts';
import { reviewDetail } from '../../src/modules/review/review.service.ts';
import { reviewSetting, submittedApplication } from '../helpers/applications.ts';
import {
  createDistributor,
  createPartner,
  createUser,
  insertClaim,
  sessionFor,
  testMeta,
  type DistributorFixture,
  type PartnerFixture,
} from '../helpers/fixtures.ts';

/**
 * #16.4: the people the authorisation matrix asks on behalf of, one column each, in the order
 * of the table in test/authorisation-matrix.md. "Home" objects (the ones path parameters name)
 * belong to the applicant, partner P, distributor A, P's PICA administrator and the end user;
 * the "other" roles are the same kind of person at another applicant, partner or distributor.
 */
export const ROLE_KEYS = [
  'anon',
  'appl',
  'appl2',
  'pmem',
  'padm',
  'qadm',
  'dA',
  'dAkey',
  'dB',
  'dBkey',
  'pica',
  'qpica',
  'endu',
  'rev',
  'sadm',
  'skey',
] as const;
export type RoleKey = (typeof ROLE_KEYS)[number];

/** How a role authenticates: nothing, a session of this user, or this API key. */
export type Credential = { kind: 'none' } | { kind: 'session'; actor: Actor } | { kind: 'key'; secret: string };

/**
 * The headers that present a role's credential: a new session of its user (so that one
 * request's sign-out does not end the next one's), its API key, or nothing.
 */
export async function credentialHeaders(ctx: AppContext, credential: Credential): Promise<Record<string, string>> {
  if (credential.kind === 'key') return { authorization: `Bearer ${credential.secret}` };
  if (credential.kind === 'session') return { cookie: `pp_session=${await sessionFor(ctx, credential.actor)}` };
  return {};
}

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);
export const unique = () => randomBytes(4).toString('hex');
/** The smallest file the certificate check accepts as a PDF (it reads the magic bytes). */
export const PDF = Buffer.from('%PDF-1.4\n%matrix\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
/** A password good enough for sign-up, sign-in and reset (12+ characters, not the address). */
export const PASSWORD = 'matrix-password-2026';

export interface World {
  ctx: AppContext;
  credentials: Record<RoleKey, Credential>;
  /** Ids a role must never find in an answer it gets (named, for the failure message). */
  secrets: Record<RoleKey, Record<string, string>>;
  actors: {
    applicant: Actor;
    otherApplicant: Actor;
    partnerMember: Actor;
    partnerAdmin: Actor;
    otherPartnerAdmin: Actor;
    picaAdmin: Actor;
    otherPicaAdmin: Actor;
    endUser: Actor;
    reviewer: Actor;
    staffAdmin: Actor;
  };
  distributorA: DistributorFixture;
  distributorB: DistributorFixture;
  vendorOrganisationId: string;
  /** Partner P: the home partner (registered, DE, on-boarding with A, PICA-eligible). */
  partner: PartnerFixture;
  /** Partner Q: another registered partner (on-boarding with B, PICA-eligible). */
  otherPartner: PartnerFixture;
  /** The applicant's draft and the other applicant's. */
  applicationId: string;
  otherApplicationId: string;
  /** A submitted application in the review queue (for read-only staff operations). */
  submittedId: string;
  locationId: string;
  claimAtA: string;
  keyPersonId: string;
  assignmentId: string;
  completionId: string;
  courseId: string;
  uploadId: string;
  contractTypeCode: string;
  contractId: string;
  contractNumber: string;
  otherContractNumber: string;
  adminRequestId: string;
  sponsorshipId: string;
  customerId: string;
  accessId: string;
  toolRequestId: string;
  /** A registration number and verification key that work (PICA-6). */
  registration: { number: string; key: string };
  /** A submitted application with an address flag, and that flag. */
  flaggedId: string;
  flag: { rule: string; code: string; field: string };
  /** A user with a real password: sign-in works for them. */
  signInEmail: string;
}

export async function newLocation(ctx: AppContext, actor: Actor, partnerId: string): Promise<string> {
  const saved = await saveLocation(
    ctx,
    actor,
    partnerId,
    undefined,
    {
      lines: [`Friedrichstraße ${10 + Math.floor(Math.random() * 80)}`],
      city: 'Berlin',
      postcode: '10117',
      type: 'office',
      phone: '+49 30 901820',
      email: '',
      website: '',
      services: ['sales'],
    },
    testMeta,
  );
  return saved.id;
}

export async function newKeyPerson(
  ctx: AppContext,
  actor: Actor,
  partnerId: string,
): Promise<{ id: string; assignmentId: string }> {
  const person = await addKeyPerson(
    ctx,
    actor,
    partnerId,
    { name: 'Key Person', email: `key-${unique()}@reseller.example`, role: 'Sales' },
    testMeta,
  );
  const assignment = await ctx.db
    .selectFrom('training_assignments')
    .select('id')
    .where('key_person_id', '=', person.id)
    .executeTakeFirstOrThrow();
  return { id: person.id, assignmentId: assignment.id };
}

export async function newCompletion(ctx: AppContext, actor: Actor, partnerId: string, certificate = true) {
  const { assignmentId } = await newKeyPerson(ctx, actor, partnerId);
  const record = await recordCompletion(
    ctx,
    actor,
    partnerId,
    assignmentId,
    { courseName: 'Anticorruption basics', provider: 'third_party', completedOn: new Date(Date.now() - DAY) },
    certificate ? { bytes: PDF, name: 'certificate.pdf' } : undefined,
    testMeta,
  );
  return record.id;
}

export async function newSponsorship(ctx: AppContext, admin: Actor, contractNumber: string) {
  return sponsorCustomer(
    ctx,
    admin,
    {
      customerName: `Fabrikam ${unique()} Ltd`,
      country: 'ES',
      emailDomains: 'fabrikam.example',
      purchaseReference: 'PO-7',
      attestPurchase: true,
      contractNumber,
    },
    testMeta,
  );
}

/** A registration number and key that work, and the token of a started end-user registration. */
export async function newEndUserToken(
  ctx: AppContext,
  admin: Actor,
  contractNumber: string,
): Promise<{ email: string; token: string }> {
  const s = await newSponsorship(ctx, admin, contractNumber);
  // An account of the customer's domain that adds the access (PICA-7): no password to hash.
  const { email } = await createUser(ctx, [], `ana-${unique()}@fabrikam.example`);
  const { draft } = await startRegistration(
    ctx,
    await actorOf(ctx, email),
    {
      you: { name: 'Ana García', email, password: PASSWORD, language: 'en' },
      accessType: 'pica_customer',
      registrationNumber: s.sponsorship.registrationNumber,
      verificationKey: s.verificationKey,
    },
    testMeta,
  );
  await submitDetails(ctx, draft, { jobTitle: 'Network engineer', attestEmployment: true }, testMeta);
  return { email, token: await tokenMailedTo(ctx, email) };
}

async function actorOf(ctx: AppContext, email: string): Promise<Actor> {
  const user = await ctx.db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  const grants = await ctx.db
    .selectFrom('user_roles')
    .select(['role', 'organisation_id'])
    .where('user_id', '=', user.id)
    .execute();
  return {
    userId: user.id,
    email,
    name: user.name,
    language: 'en',
    emailVerified: true,
    grants: grants.map((g) => ({ role: g.role as Role, organisationId: g.organisation_id })),
  };
}

/** The token in the newest email to an address (the outbox is the mailbox in tests). */
export async function tokenMailedTo(ctx: AppContext, email: string): Promise<string> {
  const message = await ctx.db
    .selectFrom('outbox')
    .select('text_body')
    .where('recipient', '=', email)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const token = /token=([\w-]+)/.exec(message.text_body)?.[1] ?? /\/([\w-]{30,})\b/.exec(message.text_body)?.[1];
  if (!token) throw new Error(`no token in the last email to ${email}`);
  return token;
}

export async function newColleagueInvitation(ctx: AppContext, admin: Actor, partnerId: string, email?: string) {
  const to = email ?? `colleague-${unique()}@reseller.example`;
  const { id } = await inviteColleague(ctx, admin, partnerId, { email: to, role: 'partner_member' }, testMeta);
  return { id, email: to };
}

export async function newSignatoryInvitation(ctx: AppContext, applicant: Actor, applicationId: string, email: string) {
  await inviteSignatory(ctx, applicant, applicationId, email, testMeta);
  return tokenMailedTo(ctx, email);
}

export async function newSubmittedApplication(ctx: AppContext, distributorId: string): Promise<string> {
  const domain = `reseller-${unique()}.example`;
  return submittedApplication(ctx, {
    name: `Reseller ${unique()} GmbH`,
    email: `owner@${domain}`,
    distributorId,
    lines: [`Unter den Linden ${1 + Math.floor(Math.random() * 70)}`],
  });
}

/** A verified user with a real password (argon2id), for sign-in and reset. */
export async function userWithPassword(ctx: AppContext, roles: { role: Role; organisationId: string | null }[] = []) {
  const actor = await createUser(ctx, roles, `person-${unique()}@example.test`);
  await ctx.db
    .updateTable('users')
    .set({ password_hash: await hashPassword(PASSWORD) })
    .where('id', '=', actor.userId)
    .execute();
  return actor;
}

/** A confirmed end user sponsored by `admin`'s partner: the user, their access and its customer. */
export async function newEndUser(
  ctx: AppContext,
  admin: Actor,
  contractNumber: string,
): Promise<{ actor: Actor; accessId: string; customerId: string; sponsorshipId: string }> {
  const { email, token } = await newEndUserToken(ctx, admin, contractNumber);
  await confirmRegistration(ctx, token, testMeta);
  const actor = await actorOf(ctx, email);
  const access = await ctx.db
    .selectFrom('pica_access')
    .select(['id', 'customer_id', 'sponsorship_id'])
    .where('user_id', '=', actor.userId)
    .executeTakeFirstOrThrow();
  return {
    actor,
    accessId: access.id,
    customerId: access.customer_id,
    sponsorshipId: access.sponsorship_id,
  };
}

async function picaPartner(ctx: AppContext, staff: Actor, partnerId: string, typeCode: string) {
  const created = await createContract(
    ctx,
    staff,
    {
      number: `SC-${unique().toUpperCase()}`,
      partnerId,
      typeCode,
      startsOn: iso(new Date(Date.now() - 30 * DAY)),
      endsOn: iso(new Date(Date.now() + 300 * DAY)),
    },
    testMeta,
  );
  await setPartnerSettings(ctx, staff, partnerId, { ownBrandSupport: true, agreementSignedOn: '2026-01-01' }, testMeta);
  return { number: created.number, id: created.id };
}

export async function buildWorld(ctx: AppContext): Promise<World> {
  const { eurodist: distributorA, reviewerA: reviewer } = await reviewSetting(ctx, ['AT']);
  const distributorB = await createDistributor(ctx, { hqCountry: 'DE', legalName: 'Other Distribution GmbH' });
  const staffAdmin = await createUser(ctx, [{ role: 'staff_admin', organisationId: null }]);
  const vendorOrganisationId = await ensureVendorOrganisation(ctx.db, ctx.config.vendorName);
  const staffKey = await createApiKey(ctx, staffAdmin, vendorOrganisationId, 'matrix staff key', testMeta);

  const partner = await createPartner(ctx, { country: 'DE', initialDistributorId: distributorA.id });
  const otherPartner = await createPartner(ctx, { country: 'DE', initialDistributorId: distributorB.id });
  const partnerMember = await createUser(ctx, [{ role: 'partner_member', organisationId: partner.id }]);
  const partnerAdmin = await createUser(ctx, [
    { role: 'partner_member', organisationId: partner.id },
    { role: 'partner_admin', organisationId: partner.id },
  ]);
  const otherPartnerAdmin = await createUser(ctx, [
    { role: 'partner_member', organisationId: otherPartner.id },
    { role: 'partner_admin', organisationId: otherPartner.id },
  ]);
  const picaAdmin = await createUser(ctx, [
    { role: 'partner_member', organisationId: partner.id },
    { role: 'pica_admin', organisationId: partner.id },
  ]);
  const otherPicaAdmin = await createUser(ctx, [
    { role: 'partner_member', organisationId: otherPartner.id },
    { role: 'pica_admin', organisationId: otherPartner.id },
  ]);

  const applicant = await createUser(ctx, []);
  const otherApplicant = await createUser(ctx, []);
  const applicationId = (await startApplication(ctx, applicant, testMeta)).id;
  const otherApplicationId = (await startApplication(ctx, otherApplicant, testMeta)).id;
  const submittedId = await newSubmittedApplication(ctx, distributorA.id);

  // Partner P's self-service objects: two listed locations (so one may go), a claim at A, training.
  const locationId = await newLocation(ctx, partnerAdmin, partner.id);
  await newLocation(ctx, partnerAdmin, partner.id);
  await newLocation(ctx, otherPartnerAdmin, otherPartner.id);
  const claimAtA = await insertClaim(ctx, partner.id, distributorA.id, `ACC-${unique()}`, 'confirmed');
  const claimAtB = await insertClaim(ctx, otherPartner.id, distributorB.id, `ACC-${unique()}`, 'confirmed');
  const course = await saveCourse(
    ctx,
    staffAdmin,
    undefined,
    { name: 'Anticorruption basics', provider: 'vendor', languages: ['en'], validityMonths: 12, active: true },
    testMeta,
  );
  const keyPerson = await newKeyPerson(ctx, partnerAdmin, partner.id);
  const completionId = await newCompletion(ctx, partnerAdmin, partner.id);
  const upload = await importAccountList(
    ctx,
    distributorA.admin,
    distributorA.id,
    Readable.from(['account_number,reseller_name,country,status\nACC-LISTED-1,Someone GmbH,DE,active\n']),
    'matrix.csv',
    testMeta,
  );

  // PICA: both partners eligible; P's administrator sponsored a customer whose end user registered.
  const contractTypeCode = 'PICA';
  await saveContractType(
    ctx,
    staffAdmin,
    {
      code: contractTypeCode,
      name: 'Partner support with PICA',
      qualifiesPica: true,
      entitlements: ['software_downloads', 'support_cases', 'bug_search'],
    },
    testMeta,
  );
  const contract = await picaPartner(ctx, staffAdmin, partner.id, contractTypeCode);
  const otherContract = await picaPartner(ctx, staffAdmin, otherPartner.id, contractTypeCode);
  const adminRequest = await requestAdministrator(
    ctx,
    await createUser(ctx, [{ role: 'partner_member', organisationId: partner.id }]),
    { partnerId: partner.id, jobTitle: 'Support lead', contractNumbers: contract.number },
    testMeta,
  );
  const endUser = await newEndUser(ctx, picaAdmin, contract.number);
  // Another end user's pending request for a tool: the one the decision operation is about.
  const requester = await newEndUser(ctx, picaAdmin, contract.number);
  await requestTool(ctx, requester.actor, requester.accessId, { tool: 'documentation', note: 'Please' }, testMeta);
  const toolRequest = await ctx.db
    .selectFrom('pica_tool_requests')
    .select('id')
    .where('access_id', '=', requester.accessId)
    .executeTakeFirstOrThrow();
  const kept = await newSponsorship(ctx, picaAdmin, contract.number);

  // A submitted application with a flag (a post-office box) for the reviewers' verdicts.
  const flaggedId = await submittedApplication(ctx, {
    name: `Flagged ${unique()} GmbH`,
    email: `owner@flagged-${unique()}.example`,
    distributorId: distributorA.id,
    lines: ['Postfach 12 34 56'],
  });
  const detail = await reviewDetail(ctx, reviewer, flaggedId);
  const finding = detail.findings.find((f) => f.outcome === 'review' && f.code.startsWith('address_'));
  if (!finding) throw new Error('the flagged application has no address flag');

  await addToAllowlist(
    ctx,
    staffAdmin,
    { code: 'address_po_box', phrase: 'Postfach 1', scope: null, reason: 'Matrix fixture' },
    testMeta,
  );
  await addToWatchlist(ctx, staffAdmin, { kind: 'mail_drop', name: 'Matrix Mailboxes' }, testMeta);

  const signIn = await userWithPassword(ctx);

  // What each role must never find in an answer it gets: other people's objects (#16.4).
  const ofP = { claimAtA, sponsorship: endUser.sponsorshipId, customer: endUser.customerId, access: endUser.accessId };
  const ofPTraining = { keyPerson: keyPerson.id, completion: completionId, contract: contract.id };
  const ofQ = { claimAtB, contractOfQ: otherContract.id };
  const secrets: Record<RoleKey, Record<string, string>> = {
    anon: { application: applicationId, ...ofP, ...ofPTraining },
    appl: { otherApplication: otherApplicationId, ...ofP },
    appl2: { application: applicationId, ...ofP },
    pmem: ofQ,
    padm: ofQ,
    qadm: { ...ofP, ...ofPTraining },
    dA: { claimAtB },
    dAkey: { claimAtB },
    dB: { claimAtA, upload: upload.uploadId, ...ofPTraining },
    dBkey: { claimAtA, upload: upload.uploadId, ...ofPTraining },
    pica: ofQ,
    qpica: { ...ofP, ...ofPTraining },
    endu: { otherAccess: requester.accessId, toolRequest: toolRequest.id, claimAtA },
    rev: {},
    sadm: {},
    skey: {},
  };

  return {
    ctx,
    secrets,
    credentials: {
      anon: { kind: 'none' },
      appl: { kind: 'session', actor: applicant },
      appl2: { kind: 'session', actor: otherApplicant },
      pmem: { kind: 'session', actor: partnerMember },
      padm: { kind: 'session', actor: partnerAdmin },
      qadm: { kind: 'session', actor: otherPartnerAdmin },
      dA: { kind: 'session', actor: distributorA.admin },
      dAkey: { kind: 'key', secret: distributorA.apiKey },
      dB: { kind: 'session', actor: distributorB.admin },
      dBkey: { kind: 'key', secret: distributorB.apiKey },
      pica: { kind: 'session', actor: picaAdmin },
      qpica: { kind: 'session', actor: otherPicaAdmin },
      endu: { kind: 'session', actor: endUser.actor },
      rev: { kind: 'session', actor: reviewer },
      sadm: { kind: 'session', actor: staffAdmin },
      skey: { kind: 'key', secret: staffKey.secret },
    },
    actors: {
      applicant,
      otherApplicant,
      partnerMember,
      partnerAdmin,
      otherPartnerAdmin,
      picaAdmin,
      otherPicaAdmin,
      endUser: endUser.actor,
      reviewer,
      staffAdmin,
    },
    distributorA,
    distributorB,
    vendorOrganisationId,
    partner,
    otherPartner,
    applicationId,
    otherApplicationId,
    submittedId,
    locationId,
    claimAtA,
    keyPersonId: keyPerson.id,
    assignmentId: keyPerson.assignmentId,
    completionId,
    courseId: course.id,
    uploadId: upload.uploadId,
    contractTypeCode,
    contractId: contract.id,
    contractNumber: contract.number,
    otherContractNumber: otherContract.number,
    adminRequestId: adminRequest.id,
    sponsorshipId: endUser.sponsorshipId,
    customerId: endUser.customerId,
    accessId: endUser.accessId,
    toolRequestId: toolRequest.id,
    registration: { number: kept.sponsorship.registrationNumber, key: kept.verificationKey },
    flaggedId,
    flag: { rule: finding.rule, code: finding.code, field: finding.field },
    signInEmail: signIn.email,
  };
}
