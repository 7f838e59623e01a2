import { auditActor, can, requirePermission, requireUser, type Actor } from '../../platform/auth.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import {
  AppError,
  conflict,
  forbidden,
  notFound,
  validationFailed,
  type FieldViolation,
} from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { isUniqueViolation } from '../../platform/pg-errors.ts';
import { isLanguage } from '../../platform/i18n.ts';
import { memberships } from '../accounts/index.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import * as repo from './administrators.repository.ts';
import * as contracts from './contracts.repository.ts';
import { contractFacts, partnerPica, type PartnerPica } from './contracts.service.ts';
import { checkContractList, reminderMonth, splitContractNumbers } from './pica.rules.ts';

export const PARTNER_ROLES = ['partner_member', 'partner_admin', 'partner_signatory', 'pica_admin'] as const;

/** The partner organisations the actor works for (by their partner role grants). */
export function partnerIdsOf(actor: Actor | null): string[] {
  return [
    ...new Set(
      (actor?.grants ?? [])
        .filter((g) => (PARTNER_ROLES as readonly string[]).includes(g.role) && g.organisationId)
        .map((g) => g.organisationId!),
    ),
  ];
}

/** The partner an administrator acts for: the one named, or their only one. Another partner's is a 404. */
export function sponsoringPartner(actor: Actor | null, partnerId?: string): string {
  const user = requireUser(actor);
  const mine = user.grants.filter((g) => g.role === 'pica_admin' && g.organisationId).map((g) => g.organisationId!);
  if (partnerId) {
    if (!mine.includes(partnerId)) throw notFound('Partner');
    return partnerId;
  }
  if (mine.length === 0) throw forbidden('Only a PICA administrator can do that.');
  return mine[0]!;
}

export interface AdminRequest {
  id: string;
  partnerId: string;
  partnerName: string;
  userId: string;
  userName: string;
  userEmail: string;
  jobTitle: string;
  contractNumbers: string[];
  status: 'pending' | 'approved' | 'declined';
  createdAt: Date;
  decidedAt: Date | null;
}

/** Staff see the internal reason; the applicant's view never carries it (as REG-12). */
export interface StaffAdminRequest extends AdminRequest {
  internalReason: string | null;
  gaps: PartnerPica['gaps'];
}

export interface AdminStanding {
  partner: PartnerPica;
  isAdministrator: boolean;
  requests: AdminRequest[];
  emailVerified: boolean;
}

const toRequest = (r: repo.AdminRequestRow, partnerName: string): AdminRequest => ({
  id: r.id,
  partnerId: r.partner_id,
  partnerName,
  userId: r.user_id,
  userName: r.user_name,
  userEmail: r.user_email,
  jobTitle: r.job_title,
  contractNumbers: r.contract_numbers,
  status: r.status,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
});

/** PICA-3: where a partner user stands: the partner's eligibility, their role, their requests. */
export async function adminStanding(ctx: AppContext, actor: Actor | null): Promise<AdminStanding[]> {
  const user = requireUser(actor);
  const requests = await repo.listRequests(ctx.db, { userId: user.userId });
  const standings: AdminStanding[] = [];
  for (const partnerId of partnerIdsOf(user)) {
    const partner = await partnerPica(ctx.db, partnerId);
    if (!partner) continue;
    standings.push({
      partner,
      isAdministrator:
        can(user, 'pica:sponsor', partnerId) &&
        user.grants.some((g) => g.role === 'pica_admin' && g.organisationId === partnerId),
      requests: requests.filter((r) => r.partner_id === partnerId).map((r) => toRequest(r, partner.legalName)),
      emailVerified: user.emailVerified,
    });
  }
  return standings;
}

/** Problems with a typed list of contract numbers, one violation per number (PICA-4). */
export async function checkContractNumbers(
  ctx: AppContext,
  partnerId: string,
  numbers: string[],
  now = new Date(),
): Promise<FieldViolation[]> {
  const listed = await contracts.findContractsByNumbers(ctx.db, numbers);
  const own = await contracts.listContracts(ctx.db, { partnerId });
  const { problems, omitted } = checkContractList(numbers, [...listed, ...own].map(contractFacts), partnerId, now);
  const v: FieldViolation[] = problems.map((p) => ({
    field: 'contract_numbers',
    rule: p.problem,
    params: { number: p.number },
  }));
  if (omitted.length > 0)
    v.push({ field: 'contract_numbers', rule: 'contract_omitted', params: { numbers: omitted.join(', ') } });
  if (numbers.length === 0) v.push({ field: 'contract_numbers', rule: 'required' });
  return v;
}

/**
 * PICA-3, PICA-4: "Register to be a PICA administrator". The person must have a confirmed
 * account and work for the partner; the partner must be able to administer PICA; the list of
 * contract numbers must be the company's complete list of active contracts.
 */
export async function requestAdministrator(
  ctx: AppContext,
  actor: Actor | null,
  input: { partnerId: string; contractNumbers: string; jobTitle: string },
  meta: RequestMeta,
): Promise<AdminRequest> {
  const user = requireUser(actor);
  if (!user.emailVerified)
    throw new AppError('email_not_verified', 'Confirm your email address first: follow the link we emailed you.', 403);
  if (!isUuid(input.partnerId) || !partnerIdsOf(user).includes(input.partnerId)) throw notFound('Partner');
  const partner = (await partnerPica(ctx.db, input.partnerId))!;
  if (partner.gaps.length > 0)
    throw new AppError(
      'pica_not_eligible',
      `${partner.legalName} cannot administer PICA yet: ${partner.gaps.join(', ')}.`,
      409,
      [],
      { gaps: partner.gaps.join(', ') },
    );
  const numbers = splitContractNumbers(input.contractNumbers);
  const violations = await checkContractNumbers(ctx, input.partnerId, numbers);
  const jobTitle = input.jobTitle.trim();
  if (!jobTitle || jobTitle.length > 120) violations.push({ field: 'job_title', rule: 'required' });
  if (violations.length > 0) throw validationFailed(violations);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const { id } = await repo.insertRequest(trx, {
        partner_id: input.partnerId,
        user_id: user.userId,
        contract_numbers: numbers,
        job_title: jobTitle,
      });
      await recordAudit(trx, {
        actor: auditActor(user),
        action: 'pica.admin_requested',
        subject: { type: 'pica_admin_request', id },
        organisationId: input.partnerId,
        ip: meta.ip,
        data: { contractNumbers: numbers },
      });
      return toRequest((await repo.findRequest(trx, id))!, partner.legalName);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'pica_admin_requests_pending'))
      throw conflict('request_pending', 'You already have a request waiting for a decision.');
    throw error;
  }
}

export async function listAdminRequests(
  ctx: AppContext,
  actor: Actor | null,
  status?: 'pending' | 'approved' | 'declined',
): Promise<StaffAdminRequest[]> {
  requirePermission(actor, 'pica-admins:decide');
  const rows = await repo.listRequests(ctx.db, status ? { status } : {});
  const out: StaffAdminRequest[] = [];
  for (const r of rows) {
    const partner = await partnerPica(ctx.db, r.partner_id);
    out.push({
      ...toRequest(r, partner?.legalName ?? ''),
      internalReason: r.internal_reason,
      gaps: partner?.gaps ?? [],
    });
  }
  return out;
}

export async function getAdminRequest(ctx: AppContext, actor: Actor | null, id: string): Promise<StaffAdminRequest> {
  requirePermission(actor, 'pica-admins:decide');
  const r = isUuid(id) ? await repo.findRequest(ctx.db, id) : undefined;
  if (!r) throw notFound('Request');
  const partner = await partnerPica(ctx.db, r.partner_id);
  return { ...toRequest(r, partner?.legalName ?? ''), internalReason: r.internal_reason, gaps: partner?.gaps ?? [] };
}

/**
 * PICA-4: staff approve or decline. Approval makes the person a PICA administrator of the
 * partner and emails them from the help mailbox; a decline's reason stays internal.
 */
export async function decideAdminRequest(
  ctx: AppContext,
  actor: Actor | null,
  id: string,
  input: { decision: 'approve' | 'decline'; internalReason?: string | undefined },
  meta: RequestMeta,
): Promise<StaffAdminRequest> {
  const by = requirePermission(actor, 'pica-admins:decide');
  const request = isUuid(id) ? await repo.findRequest(ctx.db, id) : undefined;
  if (!request) throw notFound('Request');
  const reason = input.internalReason?.trim() || null;
  if (input.decision === 'decline' && !reason) throw validationFailed([{ field: 'internal_reason', rule: 'required' }]);
  const partner = (await partnerPica(ctx.db, request.partner_id))!;
  if (input.decision === 'approve' && partner.gaps.length > 0)
    throw new AppError(
      'pica_not_eligible',
      `${partner.legalName} cannot administer PICA: ${partner.gaps.join(', ')}.`,
      409,
      [],
      { gaps: partner.gaps.join(', ') },
    );
  const brand = brandOf(ctx.config);
  await ctx.db.transaction().execute(async (trx) => {
    const decided = await repo.decideRequest(trx, id, {
      status: input.decision === 'approve' ? 'approved' : 'declined',
      internal_reason: reason,
      decided_by: by.userId,
    });
    if (!decided) throw conflict('already_decided', 'This request has already been decided.');
    if (input.decision === 'approve')
      await memberships.grantRole(trx, {
        userId: request.user_id,
        role: 'pica_admin',
        organisationId: request.partner_id,
        grantedBy: by.userId,
      });
    await enqueueEmail(trx, brand, {
      to: request.user_email,
      language: isLanguage(request.user_language) ? request.user_language : 'en',
      template: input.decision === 'approve' ? 'pica.email.admin_approved' : 'pica.email.admin_declined',
      recipientName: request.user_name,
      actionUrl: input.decision === 'approve' ? `${ctx.config.publicUrl}/pica/admin` : undefined,
      vars: { company: partner.legalName },
      from: brand.help,
    });
    await recordAudit(trx, {
      actor: auditActor(by),
      action: `pica.admin_${input.decision === 'approve' ? 'approved' : 'declined'}`,
      subject: { type: 'pica_admin_request', id },
      organisationId: request.partner_id,
      ip: meta.ip,
      data: { userId: request.user_id, internalReason: reason },
    });
  });
  return getAdminRequest(ctx, by, id);
}

/**
 * PICA-2: reminds each eligible partner without a PICA administrator, once per calendar month
 * however many processes run the job: the (partner, month) row is claimed in the transaction
 * that queues the email, so a second process finds it taken.
 */
export async function sendAdministratorReminders(ctx: AppContext, now = new Date()): Promise<number> {
  const month = reminderMonth(now);
  let sent = 0;
  for (const partnerId of await contracts.partnersWithPicaFacts(ctx.db)) {
    const partner = await partnerPica(ctx.db, partnerId, now);
    if (!partner || partner.gaps.length > 0) continue;
    if ((await memberships.holdersOf(ctx.db, 'pica_admin', partnerId)).length > 0) continue;
    const recipients = [...(await memberships.holdersOf(ctx.db, 'partner_admin', partnerId))];
    if (recipients.length === 0) recipients.push(...(await memberships.holdersOf(ctx.db, 'partner_member', partnerId)));
    if (recipients.length === 0) continue;
    sent += await ctx.db.transaction().execute(async (trx) => {
      if (!(await repo.claimReminder(trx, partnerId, month))) return 0;
      for (const person of recipients) {
        await enqueueEmail(trx, brandOf(ctx.config), {
          to: person.email,
          language: person.language,
          template: 'pica.email.admin_reminder',
          recipientName: person.name,
          actionUrl: `${ctx.config.publicUrl}/pica/administrator`,
          vars: { company: partner.legalName },
          from: ctx.config.helpMailbox,
        });
      }
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'pica.admin_reminder_sent',
        subject: { type: 'partner', id: partnerId },
        organisationId: partnerId,
        data: { month, recipients: recipients.map((p) => p.email) },
      });
      return 1;
    });
  }
  return sent;
}
