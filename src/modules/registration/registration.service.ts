import { isUuid } from '../../platform/ids.ts';
import { isCountryCode } from '../../platform/countries.ts';
import { randomBytes } from 'node:crypto';
import { auditActor, requireUser, type Actor } from '../../platform/auth.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import { ADDRESS_LISTS_TOPIC, APPLICATION_VIEWS_TOPIC, cacheFor } from '../../platform/cache.ts';
import type { Db, Executor } from '../../platform/db.ts';
import { AppError, conflict, notFound, validationFailed, type FieldViolation } from '../../platform/errors.ts';
import { isUniqueViolation } from '../../platform/pg-errors.ts';
import { sha256 } from '../../platform/tokens.ts';
import { createApplicantPartner, updateApplicantPartner } from '../partners/index.ts';
import { recordAudit } from '../audit/index.ts';
import { claimAccount } from '../distributors/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import * as repo from './registration.repository.ts';
import { currentAgreementView } from './agreements.service.ts';
import {
  blocking,
  checkApplication,
  checkSignature,
  checkStep,
  checkListedCompanies,
  type ListedClaimCheck,
  STEPS,
  type ApplicationAnswers,
  type DistributorFacts,
  type Finding,
  type RuleContext,
  type Signature,
  type Step,
} from './registration.rules.ts';
import {
  checkApplicantAnswer,
  completedStepsAfterSave,
  isEditable,
  type ApplicationStatus,
} from './application-status.rules.ts';
import { staleTextProblem, textFor } from './agreement-texts.rules.ts';
import { SHIPPED_WATCHLIST } from './watchlist.ts';
import { allowlistEntries } from './address-lists.repository.ts';

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

export function toView(row: repo.ApplicationRow, people: Awaited<ReturnType<typeof repo.members>>): ApplicationView {
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
export async function memberApplication(ctx: AppContext, actor: Actor, id: string): Promise<repo.ApplicationRow> {
  const found = isUuid(id) ? await repo.findApplicationOfMember(ctx.db, id, actor.userId) : undefined;
  if (!found) throw notFound('Application');
  const { people: _people, ...row } = found;
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
  return { ...(await addressLists(db)), distributors };
}

/** How long the address lists are kept when no change is announced (decision 064). */
const ADDRESS_LISTS_TTL_MS = 5_000;

/**
 * The watchlist (shipped and staff's) and the allow-list the address checks take: read on every
 * wizard page and submission, changed by staff now and then (ADDRESS_LISTS_TOPIC), so kept for a
 * few seconds (#15, decision 064). Inside a transaction they are read afresh.
 */
async function addressLists(db: Executor): Promise<Pick<RuleContext, 'watchlist' | 'allowlist'>> {
  const read = async () => ({
    watchlist: [...SHIPPED_WATCHLIST, ...(await repo.watchlistEntries(db))],
    allowlist: await allowlistEntries(db),
  });
  if (db.isTransaction) return read();
  const cache = cacheFor<Pick<RuleContext, 'watchlist' | 'allowlist'>>(
    db as Db,
    ADDRESS_LISTS_TOPIC,
    ADDRESS_LISTS_TTL_MS,
    1,
    { eager: true },
  );
  const kept = cache.get('lists');
  if (kept) return kept;
  const generation = cache.generation;
  const lists = await read();
  if (cache.generation === generation) cache.set('lists', lists);
  return lists;
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
  if (!isUuid(id)) throw notFound('Application');
  const found = await applicationOfMember(ctx, id, actor.userId);
  if (!found) throw notFound('Application');
  const { people, ...row } = found;
  return toView(row, people);
}

/**
 * The application as one of its people sees it, read by every wizard page (#15). Kept per
 * application and person for APPLICATION_VIEW_TTL_MS, so the membership check is part of the key;
 * dropped by every write of an application, of its people or of a person's name
 * (APPLICATION_VIEWS_TOPIC, decision 064). Only found applications are kept: someone who joins
 * is not held to an earlier "not found". Writes read the row afresh (memberApplication).
 */
async function applicationOfMember(ctx: AppContext, id: string, userId: string) {
  const cache = cacheFor<NonNullable<Awaited<ReturnType<typeof repo.findApplicationOfMember>>>>(
    ctx.db,
    APPLICATION_VIEWS_TOPIC,
    APPLICATION_VIEW_TTL_MS,
    10_000,
    { eager: true },
  );
  const key = `${id}:${userId}`;
  const kept = cache.get(key);
  if (kept) return kept;
  const generation = cache.generation;
  const found = await repo.findApplicationOfMember(ctx.db, id, userId);
  if (found) cache.set(key, found, { generation });
  return found;
}

/** How long a wizard's view of an application is kept when a change's notification is lost. */
const APPLICATION_VIEW_TTL_MS = 5_000;

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
  const agreement = await currentAgreementView(ctx);
  return {
    application,
    findings,
    agreement: agreement
      ? { id: agreement.id, version: agreement.version, title: agreement.title, body: agreement.body }
      : null,
  };
}

// ---- Submission ----

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
  const found = isUuid(id) ? await repo.findApplicationOfMember(ctx.db, id, actor.userId) : undefined;
  if (!found) throw notFound('Application');
  const { people, ...row } = found;
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
    const submittedRow = await ctx.db.transaction().execute(async (trx) => {
      let partnerId = row.partner_id;
      const isNew = !partnerId;
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
          // What the rules read a moment ago and what was just written: not read again (#15).
          {
            distributor: context.distributors.get(claim.distributorId),
            partner: { legalName: company.legalName.trim(), isNew },
          },
        );
        listChecks.push({
          distributor: context.distributors.get(claim.distributorId)?.legalName ?? claim.distributorId,
          accountNumber: claim.accountNumber.trim(),
          nameMatch: recorded.nameMatch,
        });
      }
      findings.push(...checkListedCompanies(listChecks));
      const snapshot = await repo.insertSubmission(trx, {
        application_id: id,
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
      await repo.insertConsents(trx, [
        { ...consent, ...version, kind: 'signature_authority', text_hash: sha256(text.signatureAuthority) },
        { ...consent, ...version, kind: 'icpa', text_hash: sha256(text.body) },
        { ...consent, ...version, kind: 'release_of_information', text_hash: sha256(text.releaseOfInformation) },
      ]);
      await recordAudit(trx, {
        actor: who,
        action: snapshot.sequence === 1 ? 'application.submitted' : 'application.resubmitted',
        subject: { type: 'application', id },
        organisationId: partnerId,
        ip: meta.ip,
        data: {
          reference: row.reference,
          sequence: snapshot.sequence,
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
      return submitted;
    });
    // The answer from the row as the submission left it and the members read before (a
    // submission does not change who works on it): no read after the commit (#15).
    return { application: toView(submittedRow, people), findings, created: true };
  } catch (error) {
    if (error instanceof AppError && error.code === 'already_submitted')
      return { application: await getApplication(ctx, actor, id), findings, created: false };
    if (isUniqueViolation(error, 'application_submissions'))
      return { application: await getApplication(ctx, actor, id), findings, created: false };
    throw error;
  }
}
