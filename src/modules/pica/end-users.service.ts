import { auditActor, type Actor } from '../../platform/auth.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import { AppError, validationFailed, type FieldViolation } from '../../platform/errors.ts';
import { isLanguage } from '../../platform/i18n.ts';
import { hashPassword } from '../../platform/passwords.ts';
import { isUniqueViolation } from '../../platform/pg-errors.ts';
import { hashSecret, newSecret } from '../../platform/tokens.ts';
import { memberships } from '../accounts/index.ts';
import { recordAudit } from '../audit/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import * as contracts from './contracts.repository.ts';
import * as repo from './end-users.repository.ts';
import { partnerPica } from './contracts.service.ts';
import * as sponsorships from './sponsorships.repository.ts';
import { hashKey } from './sponsorships.service.ts';
import {
  CONFIRM_LINK_TTL_MS,
  checkDetails,
  emailAtDomains,
  GUESS_THROTTLE,
  isTool,
  parseRegistrationNumber,
  sponsorshipState,
} from './pica.rules.ts';

/** What a correct registration number and key open: the sponsored company, by name. */
export interface VerifiedSponsorship {
  sponsorshipId: string;
  registrationNumber: string;
  customerName: string;
  partnerName: string;
  emailDomains: string[];
}

const invalid = () =>
  new AppError(
    'registration_invalid',
    'The registration number or verification key is not right. Check both with the partner who gave them to you.',
    400,
  );

/**
 * PICA-6: checks a registration number and verification key. A wrong pair gets one answer that
 * does not say which part was wrong. Guessing is throttled per registration number (5 misses
 * lock it for 15 minutes) and per network address; every failure is audited (decision 031).
 */
export async function verifyRegistrationKey(
  ctx: AppContext,
  input: { registrationNumber: string; verificationKey: string },
  meta: RequestMeta,
  now = new Date(),
): Promise<VerifiedSponsorship> {
  const digits = input.registrationNumber.replace(/\D/g, '').slice(0, 40);
  const numberKey = `pica-number:${digits || 'none'}`;
  const ipKey = `pica-ip:${meta.ip ?? 'unknown'}`;
  for (const key of [ipKey, numberKey]) {
    const minutes = await memberships.throttleMinutes(ctx.db, key, now);
    if (minutes > 0)
      throw new AppError(
        'registration_locked',
        `Too many wrong registration numbers or keys. Try again in ${minutes} minutes.`,
        429,
        [],
        { minutes },
      );
  }
  const number = parseRegistrationNumber(input.registrationNumber);
  const row = number ? await sponsorships.findSponsorshipByNumber(ctx.db, number) : undefined;
  const keyMatches = !!row && row.key_hash === hashKey(input.verificationKey ?? '');
  if (!row || !keyMatches) {
    await ctx.db.transaction().execute(async (trx) => {
      await memberships.countFailures(
        trx,
        [
          [numberKey, GUESS_THROTTLE.number],
          [ipKey, GUESS_THROTTLE.ip],
        ],
        now,
      );
      await recordAudit(trx, {
        actor: { userId: null, label: 'anonymous' },
        action: 'pica.registration_key_failed',
        subject: { type: 'pica_registration_number', id: digits || 'none' },
        organisationId: row?.partner_id ?? null,
        ip: meta.ip,
        data: { numberKnown: !!row },
      });
    });
    throw invalid();
  }
  const state = sponsorshipState(
    { revokedAt: row.revoked_at, expiresAt: row.expires_at, uses: row.uses, maxUses: row.max_uses },
    now,
  );
  if (state !== 'pending')
    throw new AppError(
      'registration_unavailable',
      'This registration number can no longer be used. Ask your partner for a new one.',
      410,
    );
  const partner = await partnerPica(ctx.db, row.partner_id, now);
  if (!partner || partner.gaps.length > 0)
    throw new AppError(
      'registration_unavailable',
      'This registration number can no longer be used. Ask your partner for a new one.',
      410,
    );
  return {
    sponsorshipId: row.id,
    registrationNumber: row.registration_number,
    customerName: row.customer_name,
    partnerName: partner.legalName,
    emailDomains: row.email_domains,
  };
}

export interface YourInformation {
  name: string;
  email: string;
  password: string;
  language: string;
}

/**
 * PICA-6 steps 2–4: "Your information" (unless signed in: then the access is added to that
 * account, PICA-7), "Customer of a PICA partner", and the number and key. Returns the secret
 * of the draft that step 5 completes.
 */
export async function startRegistration(
  ctx: AppContext,
  actor: Actor | null,
  input: { you: YourInformation; accessType: string; registrationNumber: string; verificationKey: string },
  meta: RequestMeta,
  /** Step 5's answers when they come in the same request (the API): checked before anything is written. */
  details?: { jobTitle: string; attestEmployment: boolean },
): Promise<{ draft: string; sponsorship: VerifiedSponsorship }> {
  const v: FieldViolation[] = [];
  if (!actor) {
    v.push(...memberships.checkSignUp(input.you));
    if (v.length === 0 && (await memberships.findPersonByEmail(ctx.db, input.you.email)))
      v.push({ field: 'email', rule: 'email_taken_sign_in' });
  }
  if (input.accessType !== 'pica_customer') v.push({ field: 'access_type', rule: 'required' });
  if (!input.registrationNumber.trim()) v.push({ field: 'registration_number', rule: 'required' });
  if (!input.verificationKey.trim()) v.push({ field: 'verification_key', rule: 'required' });
  if (v.length > 0) throw validationFailed(v);
  const sponsorship = await verifyRegistrationKey(ctx, input, meta);
  const email = actor?.email ?? memberships.normaliseEmail(input.you.email);
  const late = details ? checkDetails(details, emailAtDomains(email, sponsorship.emailDomains)) : [];
  if (late.length > 0) throw validationFailed(late);
  const passwordHash = actor ? null : await hashPassword(input.you.password);
  const { secret, hash } = newSecret();
  await ctx.db.transaction().execute(async (trx) => {
    const { id } = await repo.insertRegistration(trx, {
      sponsorship_id: sponsorship.sponsorshipId,
      existing_user_id: actor?.userId ?? null,
      email,
      name: actor?.name ?? input.you.name.trim(),
      language: actor?.language ?? input.you.language,
      password_hash: passwordHash,
      draft_hash: hash,
    });
    await recordAudit(trx, {
      actor: actor ? auditActor(actor) : { userId: null, label: memberships.normaliseEmail(input.you.email) },
      action: 'pica.registration_started',
      subject: { type: 'pica_registration', id },
      ip: meta.ip,
      data: { registrationNumber: sponsorship.registrationNumber, existingAccount: !!actor },
    });
  });
  return { draft: secret, sponsorship };
}

export interface Draft {
  email: string;
  name: string;
  status: 'details' | 'awaiting_confirmation' | 'confirmed';
  customerName: string;
  partnerName: string;
  /** Whether the address is at one of the customer's domains; otherwise employment is attested. */
  domainMatches: boolean;
  jobTitle: string | null;
}

export async function findDraft(ctx: AppContext, draft: string): Promise<Draft | undefined> {
  const row = draft ? await repo.findRegistrationByDraft(ctx.db, hashSecret(draft)) : undefined;
  if (!row || Date.now() - row.created_at.getTime() > CONFIRM_LINK_TTL_MS * 7) return undefined;
  const s = (await sponsorships.findSponsorship(ctx.db, row.sponsorship_id))!;
  const partner = await partnerPica(ctx.db, s.partner_id);
  return {
    email: row.email,
    name: row.name,
    status: row.status,
    customerName: s.customer_name,
    partnerName: partner?.legalName ?? '',
    domainMatches: emailAtDomains(row.email, s.email_domains),
    jobTitle: row.job_title,
  };
}

/**
 * PICA-6 step 5, PICA-7: the additional information. The company is the sponsored one; an
 * address outside its domains needs an attestation of employment, which the administrator
 * sees flagged. Emails the confirmation link (single use, 24 hours).
 */
export async function submitDetails(
  ctx: AppContext,
  draft: string,
  input: { jobTitle: string; attestEmployment: boolean },
  meta: RequestMeta,
): Promise<{ email: string }> {
  const row = draft ? await repo.findRegistrationByDraft(ctx.db, hashSecret(draft)) : undefined;
  if (!row || row.status === 'confirmed')
    throw new AppError(
      'registration_draft_unknown',
      'This registration has expired or is already complete. Start again.',
      404,
    );
  const s = (await sponsorships.findSponsorship(ctx.db, row.sponsorship_id))!;
  const domainMatches = emailAtDomains(row.email, s.email_domains);
  const v = checkDetails(input, domainMatches);
  if (v.length > 0) throw validationFailed(v);
  const jobTitle = input.jobTitle.trim();
  const { secret, hash } = newSecret();
  await ctx.db.transaction().execute(async (trx) => {
    await repo.saveDetails(trx, row.id, {
      job_title: jobTitle,
      domain_matches: domainMatches,
      employment_attested: !domainMatches,
      token_hash: hash,
      token_expires_at: new Date(Date.now() + CONFIRM_LINK_TTL_MS),
    });
    await enqueueEmail(trx, brandOf(ctx.config), confirmationEmail(ctx, row, s.customer_name, secret));
    await recordAudit(trx, {
      actor: { userId: row.existing_user_id, label: row.email },
      action: 'pica.registration_submitted',
      subject: { type: 'pica_registration', id: row.id },
      ip: meta.ip,
      data: { jobTitle, domainMatches, employmentAttested: !domainMatches },
    });
  });
  return { email: row.email };
}

function confirmationEmail(ctx: AppContext, row: repo.RegistrationRow, customerName: string, secret: string) {
  return {
    to: row.email,
    language: isLanguage(row.language) ? row.language : ('en' as const),
    template: 'pica.email.confirm_registration',
    recipientName: row.name,
    actionUrl: `${ctx.config.publicUrl}/pica/register/confirm?token=${secret}`,
    vars: { company: customerName },
  };
}

/** PICA-6: sends the confirmation link again; the older link stops working. Same answer for any address. */
export async function resendConfirmation(ctx: AppContext, email: string, meta: RequestMeta): Promise<void> {
  for (const row of await repo.awaitingConfirmation(ctx.db, email)) {
    const s = (await sponsorships.findSponsorship(ctx.db, row.sponsorship_id))!;
    const { secret, hash } = newSecret();
    await ctx.db.transaction().execute(async (trx) => {
      await repo.replaceToken(trx, row.id, hash, new Date(Date.now() + CONFIRM_LINK_TTL_MS));
      await enqueueEmail(trx, brandOf(ctx.config), confirmationEmail(ctx, row, s.customer_name, secret));
      await recordAudit(trx, {
        actor: { userId: row.existing_user_id, label: row.email },
        action: 'pica.registration_link_resent',
        subject: { type: 'pica_registration', id: row.id },
        ip: meta.ip,
      });
    });
  }
}

export async function resendForDraft(ctx: AppContext, draft: string, meta: RequestMeta): Promise<void> {
  const row = draft ? await repo.findRegistrationByDraft(ctx.db, hashSecret(draft)) : undefined;
  if (row) await resendConfirmation(ctx, row.email, meta);
}

/**
 * PICA-6, PICA-7: following the link completes the registration: a new account (or the
 * existing one) gets the end-user role at the sponsored company and the entitlements the
 * linked contract carries, and the sponsorship's use is counted — all in one transaction.
 */
export async function confirmRegistration(
  ctx: AppContext,
  token: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<{ email: string; newAccount: boolean }> {
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const row = await repo.consumeToken(trx, hashSecret(token ?? ''), now);
      if (!row) throw new AppError('token_invalid', 'This link is wrong, already used or expired.', 400);
      if (!(await sponsorships.takeUse(trx, row.sponsorship_id, now)))
        throw new AppError(
          'registration_unavailable',
          'This registration number can no longer be used. Ask your partner for a new one.',
          410,
        );
      const s = (await sponsorships.findSponsorship(trx, row.sponsorship_id))!;
      const person = row.existing_user_id
        ? (await memberships.findPerson(trx, row.existing_user_id))!
        : await memberships.createVerifiedAccount(trx, {
            email: row.email,
            name: row.name,
            passwordHash: row.password_hash!,
            language: row.language,
          });
      await repo.setRegisteredUser(trx, row.id, person.id);
      await memberships.grantRole(trx, {
        userId: person.id,
        role: 'end_user',
        organisationId: s.customer_organisation_id,
        grantedBy: null,
      });
      if (!(await repo.findActiveAccess(trx, person.id, s.customer_id))) {
        const { id } = await repo.insertAccess(trx, {
          user_id: person.id,
          sponsorship_id: s.id,
          partner_id: s.partner_id,
          customer_id: s.customer_id,
          employment_attested: row.employment_attested,
        });
        const contract = (await contracts.findContractById(trx, s.contract_id))!;
        await repo.insertTools(trx, id, contract.entitlements.filter(isTool));
      }
      await recordAudit(trx, {
        actor: { userId: person.id, label: person.email },
        action: 'pica.registration_confirmed',
        subject: { type: 'pica_registration', id: row.id },
        organisationId: s.partner_id,
        ip: meta.ip,
        data: { registrationNumber: s.registration_number, newAccount: !row.existing_user_id },
      });
      return { email: person.email, newAccount: !row.existing_user_id };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_key'))
      throw new AppError(
        'email_taken',
        'An account with this email address was created meanwhile. Sign in and register again to add the access to it.',
        409,
      );
    throw error;
  }
}
