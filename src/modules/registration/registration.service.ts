import { isUuid } from '../../platform/ids.ts';
import { invitationRefusal } from '../../platform/invitation.rules.ts';
import { isCountryCode } from '../../platform/countries.ts';
import { createHash, randomBytes } from 'node:crypto';
import { auditActor, requirePermission, requireUser, type Actor } from '../../platform/auth.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import type { Executor, Trx } from '../../platform/db.ts';
import { AppError, conflict, notFound, validationFailed, type FieldViolation } from '../../platform/errors.ts';
import { isUniqueViolation } from '../../platform/pg-errors.ts';
import { LANGUAGES, translator, type Language } from '../../platform/i18n.ts';
import { hashSecret, newSecret } from '../../platform/tokens.ts';
import { createApplicantPartner, updateApplicantPartner } from '../partners/index.ts';
import { checkEmail } from '../../platform/contact.rules.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts';
import { claimAccount } from '../distributors/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import * as repo from './registration.repository.ts';
import {
  blocking,
  agreementTextHash,
  checkAgreement,
  isTextGiven,
  staleTextProblem,
  textFor,
  type AgreementInput,
  type ShownText,
  checkApplicantAnswer,
  checkApplication,
  checkSignature,
  checkStep,
  checkListedCompanies,
  type ListedClaimCheck,
  completedStepsAfterSave,
  isEditable,
  releaseOfInformationText,
  signatureAuthorityText,
  STEPS,
  type ApplicationAnswers,
  type ApplicationStatus,
  type DistributorFacts,
  type Finding,
  type RuleContext,
  type Signature,
  type Step,
} from './registration.rules.ts';
import { SHIPPED_WATCHLIST } from './watchlist.ts';
import { allowlistEntries } from './address-lists.repository.ts';

const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

export interface ApplicationView {
  id: string;
  reference: string;
  status: ApplicationStatus;
  answers: ApplicationAnswers;
  completedSteps: Step[];
  version: number;
  legalName: string | null;
  country: string | null;
  signatory: { name: string; title: string } | null;
  submittedAt: Date | null;
  /** REG-12: staff's question when more information is requested; never a decline reason. */
  staffQuestion: string | null;
  members: { name: string; email: string; role: 'preparer' | 'signatory' }[];
}

/** One line of the applicant's list of applications. */
export interface ApplicationSummary {
  id: string;
  reference: string;
  status: ApplicationStatus;
  legalName: string | null;
  country: string | null;
  updatedAt: Date;
  submittedAt: Date | null;
}

/** What the confirmation page says about an invitation before the invited person accepts it. */
export interface InvitationView {
  applicationId: string;
  reference: string;
  company: string | null;
  inviter: string;
}

function toView(row: repo.ApplicationRow, people: Awaited<ReturnType<typeof repo.members>>): ApplicationView {
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    answers: row.answers,
    completedSteps: row.completed_steps.filter((s): s is Step => (STEPS as readonly string[]).includes(s)),
    version: row.version,
    legalName: row.legal_name,
    country: row.country,
    signatory:
      row.signatory_name && row.signatory_title ? { name: row.signatory_name, title: row.signatory_title } : null,
    submittedAt: row.submitted_at,
    staffQuestion: row.status === 'info_requested' ? row.staff_question : null,
    members: people.map((p) => ({ name: p.name, email: p.email, role: p.role })),
  };
}

/** The application, when the actor is one of the people working on it; otherwise not found. */
async function memberApplication(ctx: AppContext, actor: Actor, id: string): Promise<repo.ApplicationRow> {
  const row = isUuid(id) ? await repo.findApplication(ctx.db, id) : undefined;
  if (!row || !(await repo.isMember(ctx.db, id, actor.userId))) throw notFound('Application');
  return row;
}

/** What the rules need beyond the answers: the address watchlist and the named distributors. */
export async function ruleContext(db: Executor, answers: ApplicationAnswers): Promise<RuleContext> {
  const ids = [
    ...new Set(
      (answers.distributors?.items ?? [])
        .map((i) => i.distributorId)
        .concat(answers.distributors?.initialDistributorId ?? ''),
    ),
  ];
  const rows = await repo.distributorsByIds(db, ids);
  const distributors = new Map<string, DistributorFacts>(
    rows.map((r) => [
      r.id,
      { id: r.id, legalName: r.legal_name, hqCountry: r.hq_country, territories: r.territories, status: r.status },
    ]),
  );
  const watchlist = [...SHIPPED_WATCHLIST, ...(await repo.watchlistEntries(db))];
  return { watchlist, distributors, allowlist: await allowlistEntries(db) };
}

// ---- Drafts ----

/** REG-1, REG-13: a signed-in person with a confirmed email starts an application. */
export async function startApplication(
  ctx: AppContext,
  actorOrNull: Actor | null,
  meta: RequestMeta,
): Promise<ApplicationView> {
  const actor = requireUser(actorOrNull);
  if (!actor.emailVerified)
    throw new AppError('email_not_verified', 'Confirm your email address before you apply.', 403);
  const id = await ctx.db.transaction().execute(async (trx) => {
    const reference = `APP-${new Date().getUTCFullYear()}-${randomBytes(4).toString('hex').toUpperCase()}`;
    const { id } = await repo.insertApplication(trx, { reference, created_by: actor.userId });
    await repo.addMember(trx, id, actor.userId, 'preparer');
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'application.created',
      subject: { type: 'application', id },
      ip: meta.ip,
      data: { reference },
    });
    return id;
  });
  return getApplication(ctx, actor, id);
}

export async function getApplication(ctx: AppContext, actorOrNull: Actor | null, id: string): Promise<ApplicationView> {
  const actor = requireUser(actorOrNull);
  const row = await memberApplication(ctx, actor, id);
  return toView(row, await repo.members(ctx.db, id));
}

export async function listMyApplications(ctx: AppContext, actorOrNull: Actor | null): Promise<ApplicationSummary[]> {
  const actor = requireUser(actorOrNull);
  return (await repo.applicationsOfUser(ctx.db, actor.userId)).map((r) => ({
    id: r.id,
    reference: r.reference,
    status: r.status,
    legalName: r.legal_name,
    country: r.country,
    updatedAt: r.updated_at,
    submittedAt: r.submitted_at,
  }));
}

/**
 * REG-13: saves one step of the guided application. What was typed is always kept (a draft may
 * be incomplete); the step counts as complete only when none of its rules fails. Returns the
 * step's findings so the form can show every problem at once.
 */
export async function saveStep(
  ctx: AppContext,
  actorOrNull: Actor | null,
  id: string,
  step: Step,
  stepAnswers: ApplicationAnswers[Step],
  expectedVersion: number,
  meta: RequestMeta,
): Promise<{ application: ApplicationView; findings: Finding[] }> {
  const actor = requireUser(actorOrNull);
  const row = await memberApplication(ctx, actor, id);
  if (!isEditable(row.status))
    throw conflict('application_not_editable', 'This application was submitted; it can no longer be changed.');
  const answers: ApplicationAnswers = { ...row.answers, [step]: stepAnswers };
  const findings = checkStep(step, answers, await ruleContext(ctx.db, answers));
  const completed = completedStepsAfterSave(
    row.completed_steps,
    step,
    findings,
    row.answers.company?.country,
    answers.company?.country,
  );
  await ctx.db.transaction().execute(async (trx) => {
    const saved = await repo.saveAnswers(trx, id, expectedVersion, {
      answers,
      completed_steps: completed,
      legal_name: answers.company?.legalName.trim() || null,
      country: isCountryCode(answers.company?.country) ? answers.company.country : null,
    });
    if (!saved)
      throw conflict(
        'stale_version',
        'This application was changed in another window or by a colleague. Reload it and enter your change again.',
      );
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'application.step_saved',
      subject: { type: 'application', id },
      ip: meta.ip,
      data: {
        step,
        failures: blocking(findings).length,
        reviews: findings.filter((f) => f.outcome === 'review').length,
      },
    });
  });
  return { application: await getApplication(ctx, actor, id), findings };
}

/** Every finding of the application as it stands (the summary before submission). */
export async function reviewApplication(
  ctx: AppContext,
  actorOrNull: Actor | null,
  id: string,
): Promise<{
  application: ApplicationView;
  findings: Finding[];
  agreement: { id: string; version: string; title: string; body: string } | null;
}> {
  const actor = requireUser(actorOrNull);
  const application = await getApplication(ctx, actor, id);
  const findings = checkApplication(application.answers, await ruleContext(ctx.db, application.answers));
  const agreement = await repo.currentAgreement(ctx.db);
  return {
    application,
    findings,
    agreement: agreement
      ? { id: agreement.id, version: agreement.version, title: agreement.title, body: agreement.body }
      : null,
  };
}

// ---- REG-1: inviting a colleague with signature authority ----

export async function inviteSignatory(
  ctx: AppContext,
  actorOrNull: Actor | null,
  id: string,
  email: string,
  meta: RequestMeta,
): Promise<void> {
  const actor = requireUser(actorOrNull);
  const row = await memberApplication(ctx, actor, id);
  if (!isEditable(row.status))
    throw conflict(
      'application_not_editable',
      'This application was submitted; a colleague can no longer be invited to sign it.',
    );
  const problems = checkEmail(email ?? '', 'email');
  if (problems.length > 0) throw validationFailed(problems);
  const { secret, hash } = newSecret();
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertInvitation(trx, {
      application_id: id,
      email: email.trim(),
      token_hash: hash,
      invited_by: actor.userId,
      expires_at: new Date(Date.now() + INVITATION_TTL_MS),
    });
    await enqueueEmail(trx, brandOf(ctx.config), {
      to: email.trim(),
      language: actor.language,
      template: 'signatory_invite',
      recipientName: email.trim(),
      actionUrl: `${ctx.config.publicUrl}/apply/join?token=${secret}`,
      vars: { inviter: actor.name, company: row.legal_name ?? row.reference },
    });
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'application.signatory_invited',
      subject: { type: 'application', id },
      ip: meta.ip,
      data: { email: email.trim() },
    });
  });
}

const invalidInvitation = () =>
  new AppError(
    'token_invalid',
    'This invitation link is wrong, already used or expired. Ask your colleague for a new one.',
    400,
  );

/** REG-1: an open invitation for the signed-in account; anyone else is refused (see invitationRefusal). */
async function invitationFor(db: Executor, actor: Actor, token: string) {
  if (!token || token.length > 200) throw invalidInvitation();
  const invitation = await repo.openInvitation(db, hashSecret(token));
  if (!invitation) throw invalidInvitation();
  const refusal = invitationRefusal(invitation.email, actor);
  if (refusal === 'invitation_not_for_you') {
    throw new AppError(
      refusal,
      'This invitation was sent to a different email address. Sign in with the address it was sent to, or ask your colleague to invite yours.',
      403,
    );
  }
  if (refusal === 'email_not_verified')
    throw new AppError(refusal, 'Confirm your email address before you accept the invitation.', 403);
  return invitation;
}

/** REG-1: what the invited colleague is asked to confirm (nothing changes until they do). */
export async function previewInvitation(
  ctx: AppContext,
  actorOrNull: Actor | null,
  token: string,
): Promise<InvitationView> {
  const actor = requireUser(actorOrNull);
  const invitation = await invitationFor(ctx.db, actor, token);
  return {
    applicationId: invitation.application_id,
    reference: invitation.reference,
    company: invitation.legal_name,
    inviter: invitation.inviter_name,
  };
}

/** REG-1: the invited colleague, signed in with the invited and confirmed address, joins the application. */
export async function acceptSignatoryInvitation(
  ctx: AppContext,
  actorOrNull: Actor | null,
  token: string,
  meta: RequestMeta,
): Promise<string> {
  const actor = requireUser(actorOrNull);
  return ctx.db.transaction().execute(async (trx) => {
    const open = await invitationFor(trx, actor, token);
    const invitation = await repo.acceptInvitation(trx, open.id, actor.userId);
    if (!invitation) throw invalidInvitation();
    await repo.addMember(trx, invitation.application_id, actor.userId, 'signatory');
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'application.signatory_joined',
      subject: { type: 'application', id: invitation.application_id },
      ip: meta.ip,
      data: { invitedEmail: invitation.email },
    });
    return invitation.application_id;
  });
}

// ---- Submission ----

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface SubmissionResult {
  application: ApplicationView;
  findings: Finding[];
  /** False when this call found the application already submitted (a double click or a retry). */
  created: boolean;
}

function asViolations(findings: Finding[]): FieldViolation[] {
  return blocking(findings).map((f) => ({ field: f.field, rule: f.code, ...(f.params ? { params: f.params } : {}) }));
}

/**
 * REG-1, REG-2, REG-6, REG-11, REG-13: submits the application. Every rule runs again; a
 * failing one refuses the submission. In one transaction: the reseller organisation, its
 * account claims (validated against distributor lists), an immutable snapshot of the answers
 * and findings, the consent records (who, when, from where, which text), the audit row and the
 * receipt email. A second submit of the same application answers with the first result.
 */
export async function submitApplication(
  ctx: AppContext,
  actorOrNull: Actor | null,
  id: string,
  signature: Signature,
  applicantAnswer: string | undefined,
  meta: RequestMeta,
): Promise<SubmissionResult> {
  const actor = requireUser(actorOrNull);
  const row = await memberApplication(ctx, actor, id);
  if (!isEditable(row.status)) {
    return {
      application: await getApplication(ctx, actor, id),
      findings: (await repo.latestSubmission(ctx.db, id))?.findings ?? [],
      created: false,
    };
  }
  const agreement = await currentAgreementView(ctx);
  // the text the signatory read must still be the one they accept; a newer version is read first.
  const stale = agreement
    ? staleTextProblem({ language: signature.textLanguage, hash: signature.textHash }, agreement.texts)
    : undefined;
  if (stale)
    throw new AppError(
      'agreement_text_changed',
      'The agreement text shown is no longer the current one. Read the current version and submit again.',
      409,
      [stale],
    );
  const shown = agreement
    ? textFor(agreement.texts, signature.textLanguage ?? agreement.governingLanguage, agreement.governingLanguage)?.text
    : undefined;
  const context = await ruleContext(ctx.db, row.answers);
  const findings = [...checkApplication(row.answers, context), ...checkSignature(signature, agreement?.version)];
  findings.push(...checkApplicantAnswer(row.status, applicantAnswer));
  if (blocking(findings).length > 0) throw validationFailed(asViolations(findings));
  const answers = row.answers;
  const company = answers.company!;
  const contact = answers.contacts!.primary;

  try {
    await ctx.db.transaction().execute(async (trx) => {
      let partnerId = row.partner_id;
      const applicant = {
        legalName: company.legalName,
        country: company.country,
        initialDistributorId: answers.distributors!.initialDistributorId,
        contact: { name: contact.name, email: contact.email, phone: contact.phone },
      };
      if (!partnerId) partnerId = await createApplicantPartner(trx, applicant);
      else await updateApplicantPartner(trx, partnerId, applicant);
      const submitted = await repo.markSubmitted(trx, id, {
        partner_id: partnerId,
        signatory_user_id: actor.userId,
        signatory_name: signature.name.trim(),
        signatory_title: signature.title.trim(),
        applicant_answer: applicantAnswer?.trim() || null,
      });
      // Someone else's submit won the race: roll back and answer with theirs.
      if (!submitted) throw new AppError('already_submitted', 'already submitted', 409);

      const who = auditActor(actor);
      const listChecks: ListedClaimCheck[] = [];
      for (const claim of answers.distributors!.items) {
        const recorded = await claimAccount(
          trx,
          { id: partnerId, country: company.country },
          { distributorId: claim.distributorId, accountNumber: claim.accountNumber },
          who,
        );
        listChecks.push({
          distributor: context.distributors.get(claim.distributorId)?.legalName ?? claim.distributorId,
          accountNumber: claim.accountNumber.trim(),
          nameMatch: recorded.nameMatch,
        });
      }
      findings.push(...checkListedCompanies(listChecks));
      const sequence = await repo.nextSubmissionSequence(trx, id);
      const snapshot = await repo.insertSubmission(trx, {
        application_id: id,
        sequence,
        submitted_by: actor.userId,
        answers,
        findings,
        agreement_id: agreement!.id,
        signatory_name: signature.name.trim(),
        signatory_title: signature.title.trim(),
      });
      const consent = {
        application_id: id,
        submission_id: snapshot.id,
        user_id: actor.userId,
        ip: meta.ip,
        user_agent: meta.userAgent,
      };
      // each consent keeps the language shown and the hash of exactly the words consented to.
      const text = shown!;
      const version = { agreement_id: agreement!.id, text_version: agreement!.version, language: text.language };
      await repo.insertConsent(trx, {
        ...consent,
        ...version,
        kind: 'signature_authority',
        text_hash: sha256(text.signatureAuthority),
      });
      await repo.insertConsent(trx, { ...consent, ...version, kind: 'icpa', text_hash: sha256(text.body) });
      await repo.insertConsent(trx, {
        ...consent,
        ...version,
        kind: 'release_of_information',
        text_hash: sha256(text.releaseOfInformation),
      });
      await recordAudit(trx, {
        actor: who,
        action: sequence === 1 ? 'application.submitted' : 'application.resubmitted',
        subject: { type: 'application', id },
        organisationId: partnerId,
        ip: meta.ip,
        data: {
          reference: row.reference,
          sequence,
          agreementVersion: agreement!.version,
          agreementLanguage: shown!.language,
          agreementTextHash: shown!.textHash,
          signatory: { name: signature.name.trim(), title: signature.title.trim() },
          reviews: findings.filter((f) => f.outcome === 'review').length,
        },
      });
      await enqueueEmail(trx, brandOf(ctx.config), {
        to: actor.email,
        language: actor.language,
        template: 'application_receipt',
        recipientName: actor.name,
        actionUrl: `${ctx.config.publicUrl}/apply/${id}/status`,
        vars: { reference: row.reference, company: company.legalName.trim() },
      });
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'already_submitted')
      return { application: await getApplication(ctx, actor, id), findings, created: false };
    if (isUniqueViolation(error, 'application_submissions'))
      return { application: await getApplication(ctx, actor, id), findings, created: false };
    throw error;
  }
  return { application: await getApplication(ctx, actor, id), findings, created: true };
}

// ---- Pre-check (public) ----

export interface PrecheckInput {
  country?: string | undefined;
  email?: string | undefined;
  website?: string | undefined;
  address?: { lines: string[]; city: string; postcode: string; country: string } | undefined;
  locationType?: string | undefined;
  locationIndex?: number | undefined;
  distributors?: { distributorId: string; accountNumber: string }[] | undefined;
}

/**
 * REG-2, REG-7, REG-8: the same rules, on whatever part of an application is given, for
 * live validation before anything is saved. Only rules whose inputs are present run.
 */
export async function precheck(ctx: AppContext, input: PrecheckInput): Promise<Finding[]> {
  const country = input.country?.trim().toUpperCase() || undefined;
  const answers: ApplicationAnswers = {};
  if (input.address) answers.locations = { items: [{ ...input.address, type: input.locationType ?? 'office' }] };
  if (input.distributors)
    answers.distributors = {
      items: input.distributors,
      initialDistributorId: input.distributors[0]?.distributorId ?? '',
    };
  const context = await ruleContext(ctx.db, answers);
  const findings: Finding[] = [];
  if (input.email !== undefined)
    findings.push(
      ...checkStep(
        'contacts',
        {
          company: {
            legalName: 'x',
            legalForm: 'other',
            country: country ?? '',
            website: input.website ?? '',
            registrationNumber: 'x',
          },
          contacts: { primary: { name: 'x', email: input.email, phone: '', title: '' } },
        },
        context,
      ).filter((f) => f.rule === 'REG-8'),
    );
  if (input.address) {
    // The findings name the form's row (`locations.2.lines`), as the wizard's do.
    const row = (f: Finding) =>
      input.locationIndex
        ? { ...f, field: f.field.replace(/^locations\.0\./, `locations.${input.locationIndex}.`) }
        : f;
    findings.push(
      ...checkStep(
        'locations',
        {
          ...answers,
          company: country
            ? { legalName: 'x', legalForm: 'other', country, website: '', registrationNumber: 'x' }
            : undefined,
        },
        context,
      ).map(row),
    );
  }
  if (input.distributors)
    findings.push(
      ...checkStep(
        'distributors',
        {
          ...answers,
          company: country
            ? { legalName: 'x', legalForm: 'other', country, website: '', registrationNumber: 'x' }
            : undefined,
        },
        context,
      ).filter((f) => f.rule === 'REG-2'),
    );
  return findings;
}

// ---- Agreements (REG-11, X-1) ----

/** one language's texts of a version, with the hash that names exactly them. */
export interface AgreementText extends ShownText {
  textHash: string;
}

/** REG-11: an agreement version as applicants read and accept it; title and body are the governing text. */
export interface AgreementView {
  id: string;
  version: string;
  title: string;
  body: string;
  effectiveAt: Date;
  governingLanguage: Language;
  texts: AgreementText[];
}

/** REG-11: one published version, as programme staff list them. */
export interface AgreementVersion {
  id: string;
  version: string;
  title: string;
  bodyHash: string;
  effectiveAt: Date;
  publishedAt: Date;
  publishedBy: string | null;
}

export type PublishAgreementInput = Omit<AgreementInput, 'governingLanguage'> & { governingLanguage: Language };

async function agreementView(ctx: AppContext, row: repo.AgreementRow | undefined): Promise<AgreementView | null> {
  if (!row) return null;
  const texts = (await repo.agreementTexts(ctx.db, row.id)).map((t) => ({
    language: t.language,
    title: t.title,
    body: t.body,
    // Versions published before the statements were versioned showed the English defaults.
    releaseOfInformation: t.release_text ?? releaseOfInformationText(ctx.config.vendorName),
    signatureAuthority: t.authority_text ?? signatureAuthorityText(ctx.config.vendorName),
    textHash: t.text_hash,
  }));
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    body: row.body,
    effectiveAt: row.effective_at,
    governingLanguage: row.governing_language,
    texts,
  };
}

export async function currentAgreementView(ctx: AppContext): Promise<AgreementView | null> {
  return agreementView(ctx, await repo.currentAgreement(ctx.db));
}

/** a version in effect (current or superseded), by its number, for the page that shows any of its languages. */
export async function agreementVersionView(ctx: AppContext, version: string): Promise<AgreementView | null> {
  const row = await repo.findAgreementByVersion(ctx.db, version);
  return row && row.effective_at <= new Date() ? agreementView(ctx, row) : null;
}

/** REG-11: every version of the agreement, the newest effective first, for programme staff. */
export async function listAgreementVersions(ctx: AppContext, actor: Actor | null): Promise<AgreementVersion[]> {
  requirePermission(actor, 'applications:review');
  const rows = await repo.agreementVersions(ctx.db);
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    title: r.title,
    bodyHash: r.body_hash,
    effectiveAt: r.effective_at,
    publishedAt: r.published_at,
    publishedBy: r.published_by_name,
  }));
}

/** the programme's statements in a language, used when staff publish a language without them. */
export function defaultStatements(
  language: Language,
  vendor: string,
): { releaseOfInformation: string; signatureAuthority: string } {
  const t = translator(language);
  return {
    releaseOfInformation: t('consent.release_of_information', { vendor }),
    signatureAuthority: t('consent.signature_authority', { vendor }),
  };
}

/** REG-11, X-1: writes a new agreement version and its texts inside the caller's transaction (demo data, staff console). */
export async function recordAgreement(
  trx: Trx,
  vendor: string,
  actor: Actor | null,
  input: PublishAgreementInput,
  meta: RequestMeta,
): Promise<string> {
  const texts = LANGUAGES.filter((l) => isTextGiven(input.texts[l])).map((language): AgreementText => {
    const given = input.texts[language]!;
    const defaults = defaultStatements(language, vendor);
    const shown = {
      title: given.title.trim(),
      body: given.body,
      releaseOfInformation: given.releaseOfInformation?.trim() || defaults.releaseOfInformation,
      signatureAuthority: given.signatureAuthority?.trim() || defaults.signatureAuthority,
    };
    return { language, ...shown, textHash: agreementTextHash(shown) };
  });
  const governing = texts.find((t) => t.language === input.governingLanguage);
  // Callers other than publishAgreement (demo data, fixtures) skip checkAgreement: the governing text is still required.
  if (!governing) throw validationFailed([{ field: `texts.${input.governingLanguage}.body`, rule: 'required' }]);
  const version = input.version.trim();
  const row = await repo.insertAgreement(trx, {
    kind: 'icpa',
    version,
    title: governing.title,
    body: governing.body,
    body_hash: sha256(governing.body),
    effective_at: input.effectiveAt,
    published_by: actor?.userId ?? null,
    governing_language: input.governingLanguage,
  });
  await repo.insertAgreementTexts(
    trx,
    texts.map((t) => ({
      agreement_id: row.id,
      language: t.language,
      title: t.title,
      body: t.body,
      release_text: t.releaseOfInformation,
      authority_text: t.signatureAuthority,
      text_hash: t.textHash,
    })),
  );
  const hashes = Object.fromEntries(texts.map((t) => [t.language, t.textHash]));
  await recordAudit(trx, {
    actor: actor ? auditActor(actor) : SYSTEM_ACTOR,
    action: 'agreement.published',
    subject: { type: 'agreement', id: row.id },
    ip: meta.ip,
    data: {
      version,
      effectiveAt: input.effectiveAt.toISOString(),
      bodyHash: sha256(governing.body),
      governingLanguage: input.governingLanguage,
      textHashes: hashes,
    },
  });
  return row.id;
}

/** REG-11, X-1: programme staff publish a new version of the Indirect Channel Partner Agreement, with its texts per language. */
export async function publishAgreement(
  ctx: AppContext,
  actor: Actor | null,
  input: AgreementInput,
  meta: RequestMeta,
): Promise<string> {
  requirePermission(actor, 'agreements:publish');
  const problems = checkAgreement(input);
  if (problems.length > 0) throw validationFailed(problems);
  const checked = { ...input, governingLanguage: input.governingLanguage as Language };
  try {
    return await ctx.db
      .transaction()
      .execute((trx) => recordAgreement(trx, ctx.config.vendorName, actor, checked, meta));
  } catch (error) {
    if (isUniqueViolation(error))
      throw validationFailed([{ field: 'version', rule: 'agreement_version_taken', params: { value: input.version } }]);
    throw error;
  }
}
