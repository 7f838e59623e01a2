import { auditActor, requireUser, type Actor } from '../../platform/auth.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import type { Trx } from '../../platform/db.ts';
import { conflict, notFound, validationFailed } from '../../platform/errors.ts';
import { isLanguage, translator } from '../../platform/i18n.ts';
import { isUuid } from '../../platform/ids.ts';
import { isUniqueViolation } from '../../platform/pg-errors.ts';
import { memberships } from '../accounts/index.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import { sponsoringPartner } from './administrators.service.ts';
import * as contracts from './contracts.repository.ts';
import { partnerPica } from './contracts.service.ts';
import * as repo from './end-users.repository.ts';
import * as sponsorships from './sponsorships.repository.ts';
import { isTool, RECONFIRM_AFTER_DAYS, TOOLS, type Tool } from './pica.rules.ts';

export interface Access {
  id: string;
  userId: string;
  userName: string;
  userEmail: string;
  customerId: string;
  customerName: string;
  partnerName: string;
  status: 'active' | 'revoked' | 'ended' | 'suspended';
  endReason: string | null;
  employmentAttested: boolean;
  grantedAt: Date;
  /** When the access or one of its tools last changed. */
  changedAt: Date;
  tools: { tool: Tool; enabled: boolean; changedAt: Date }[];
  /** Tools the sponsorship does not carry, which the user may ask for. */
  requestable: Tool[];
  requests: {
    id: string;
    tool: string;
    status: 'pending' | 'granted' | 'declined';
    createdAt: Date;
    userName: string;
  }[];
}

async function toAccess(ctx: AppContext, rows: repo.AccessRow[]): Promise<Access[]> {
  const ids = rows.map((r) => r.id);
  const [tools, requests] = await Promise.all([
    repo.toolsOf(ctx.db, ids),
    repo.toolRequests(ctx.db, { accessIds: ids }),
  ]);
  return rows.map((r) => {
    const own = tools.filter((t) => t.access_id === r.id && isTool(t.tool));
    const latest = Math.max(r.changed_at.getTime(), ...own.map((t) => t.changed_at.getTime()));
    return {
      id: r.id,
      userId: r.user_id,
      userName: r.user_name,
      userEmail: r.user_email,
      customerId: r.customer_id,
      customerName: r.customer_name,
      partnerName: r.partner_name,
      status: r.status,
      endReason: r.end_reason,
      employmentAttested: r.employment_attested,
      grantedAt: r.granted_at,
      changedAt: new Date(latest),
      tools: own.map((t) => ({ tool: t.tool as Tool, enabled: t.enabled, changedAt: t.changed_at })),
      requestable: TOOLS.filter((tool) => !own.some((t) => t.tool === tool)),
      requests: requests
        .filter((q) => q.access_id === r.id)
        .map((q) => ({ id: q.id, tool: q.tool, status: q.status, createdAt: q.created_at, userName: q.user_name })),
    };
  });
}

/** PICA-8: the signed-in end user's access, entitlements and tools. */
export async function myAccess(ctx: AppContext, actor: Actor | null): Promise<Access[]> {
  const user = requireUser(actor);
  return toAccess(ctx, await repo.accessOfUser(ctx.db, user.userId));
}

async function ownAccess(ctx: AppContext, actor: Actor | null, accessId: string) {
  const user = requireUser(actor);
  const row = isUuid(accessId) ? await repo.findAccess(ctx.db, accessId) : undefined;
  if (!row || row.user_id !== user.userId) throw notFound('Access');
  if (row.status !== 'active') throw conflict('access_not_active', 'This access has ended.');
  return { user, row };
}

/** PICA-8: the end user turns one of their entitled tools on or off. */
export async function setToolAccess(
  ctx: AppContext,
  actor: Actor | null,
  accessId: string,
  tool: string,
  enabled: boolean,
  meta: RequestMeta,
): Promise<Access> {
  const { user, row } = await ownAccess(ctx, actor, accessId);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.setTool(trx, accessId, tool, enabled)))
      throw validationFailed([{ field: 'tool', rule: 'tool_not_entitled' }]);
    await recordAudit(trx, {
      actor: auditActor(user),
      action: 'pica.tool_changed',
      subject: { type: 'pica_access', id: accessId },
      organisationId: row.partner_id,
      ip: meta.ip,
      data: { tool, enabled },
    });
  });
  return (await toAccess(ctx, [(await repo.findAccess(ctx.db, accessId))!]))[0]!;
}

/** PICA-8: the end user asks for a tool the sponsorship does not carry; the administrator decides. */
export async function requestTool(
  ctx: AppContext,
  actor: Actor | null,
  accessId: string,
  input: { tool: string; note?: string | undefined },
  meta: RequestMeta,
): Promise<Access> {
  const { user, row } = await ownAccess(ctx, actor, accessId);
  if (!isTool(input.tool) || row.entitlements.includes(input.tool))
    throw validationFailed([{ field: 'tool', rule: 'tool' }]);
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const { id } = await repo.insertToolRequest(trx, {
        access_id: accessId,
        tool: input.tool,
        note: input.note?.trim().slice(0, 500) || null,
      });
      await recordAudit(trx, {
        actor: auditActor(user),
        action: 'pica.tool_requested',
        subject: { type: 'pica_tool_request', id },
        organisationId: row.partner_id,
        ip: meta.ip,
        data: { tool: input.tool },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error, 'pica_tool_requests_pending'))
      throw conflict('request_pending', 'You already asked for this tool.');
    throw error;
  }
  return (await toAccess(ctx, [(await repo.findAccess(ctx.db, accessId))!]))[0]!;
}

// ---- The administrator's side ----

/** PICA-8: the users the administrator's partner sponsored, their access and when it last changed. */
export async function sponsoredUsers(ctx: AppContext, actor: Actor | null, partnerId?: string): Promise<Access[]> {
  const id = sponsoringPartner(actor, partnerId);
  return toAccess(ctx, await repo.accessOfPartner(ctx.db, id));
}

async function notifyEnded(ctx: AppContext, trx: Trx, ended: { id: string; user_id: string }[], reason: string) {
  for (const a of ended) {
    const person = await memberships.findPerson(trx, a.user_id);
    if (!person) continue;
    const language = isLanguage(person.language) ? person.language : 'en';
    await enqueueEmail(trx, brandOf(ctx.config), {
      to: person.email,
      language,
      template: 'pica.email.access_ended',
      recipientName: person.name,
      vars: { reason: translator(language)(`pica.end_reason.${reason}`) },
    });
  }
}

/** PICA-8: the administrator revokes one user's access, or every user of one customer. */
export async function revokeAccess(
  ctx: AppContext,
  actor: Actor | null,
  target: { accessId?: string; customerId?: string },
  meta: RequestMeta,
): Promise<number> {
  const user = requireUser(actor);
  const row = target.accessId && isUuid(target.accessId) ? await repo.findAccess(ctx.db, target.accessId) : undefined;
  const customer =
    target.customerId && isUuid(target.customerId)
      ? await sponsorships.findCustomer(ctx.db, target.customerId)
      : undefined;
  const partnerId = row?.partner_id ?? customer?.partner_id;
  if (!partnerId) throw notFound(target.accessId ? 'Access' : 'Customer');
  sponsoringPartner(user, partnerId);
  return ctx.db.transaction().execute(async (trx) => {
    const ended = await repo.endAccess(
      trx,
      row ? { ids: [row.id] } : { customerId: customer!.id },
      'revoked',
      'revoked_by_partner',
      new Date(),
    );
    await notifyEnded(ctx, trx, ended, 'revoked_by_partner');
    await recordAudit(trx, {
      actor: auditActor(user),
      action: 'pica.access_revoked',
      subject: row ? { type: 'pica_access', id: row.id } : { type: 'pica_customer', id: customer!.id },
      organisationId: partnerId,
      ip: meta.ip,
      data: { ended: ended.map((a) => a.id) },
    });
    return ended.length;
  });
}

export async function decideToolRequest(
  ctx: AppContext,
  actor: Actor | null,
  requestId: string,
  decision: 'grant' | 'decline',
  meta: RequestMeta,
): Promise<void> {
  const user = requireUser(actor);
  const [request] = isUuid(requestId) ? await repo.toolRequests(ctx.db, { id: requestId }) : [];
  if (!request) throw notFound('Request');
  sponsoringPartner(user, request.partner_id);
  await ctx.db.transaction().execute(async (trx) => {
    const decided = await repo.decideToolRequest(
      trx,
      requestId,
      decision === 'grant' ? 'granted' : 'declined',
      user.userId,
    );
    if (!decided) throw conflict('already_decided', 'This request has already been decided.');
    if (decision === 'grant') await repo.insertTools(trx, decided.access_id, [decided.tool]);
    await repo.touchAccess(trx, decided.access_id);
    const language = isLanguage(request.user_language) ? request.user_language : 'en';
    await enqueueEmail(trx, brandOf(ctx.config), {
      to: request.user_email,
      language,
      template: `pica.email.tool_${decision === 'grant' ? 'granted' : 'declined'}`,
      recipientName: request.user_name,
      actionUrl: `${ctx.config.publicUrl}/pica/access`,
      vars: { tool: translator(language)(`pica.tools.${decided.tool}`) },
    });
    await recordAudit(trx, {
      actor: auditActor(user),
      action: `pica.tool_request_${decision === 'grant' ? 'granted' : 'declined'}`,
      subject: { type: 'pica_tool_request', id: requestId },
      organisationId: request.partner_id,
      ip: meta.ip,
      data: { tool: decided.tool },
    });
  });
}

/** PICA-8: the administrator re-confirms a customer for another year; suspended access resumes. */
export async function reconfirmCustomer(
  ctx: AppContext,
  actor: Actor | null,
  customerId: string,
  meta: RequestMeta,
): Promise<void> {
  const user = requireUser(actor);
  const customer = isUuid(customerId) ? await sponsorships.findCustomer(ctx.db, customerId) : undefined;
  if (!customer) throw notFound('Customer');
  sponsoringPartner(user, customer.partner_id);
  const now = new Date();
  await ctx.db.transaction().execute(async (trx) => {
    await sponsorships.markCustomerConfirmed(trx, customerId, now);
    const resumed = await repo.resumeSuspended(trx, customerId, now);
    await recordAudit(trx, {
      actor: auditActor(user),
      action: 'pica.customer_reconfirmed',
      subject: { type: 'pica_customer', id: customerId },
      organisationId: customer.partner_id,
      ip: meta.ip,
      data: { resumed: resumed.length },
    });
  });
}

export interface SponsoredCustomer {
  id: string;
  name: string;
  country: string;
  emailDomains: string[];
  lastConfirmedAt: Date;
  reconfirmBy: Date;
}

export async function sponsoredCustomers(
  ctx: AppContext,
  actor: Actor | null,
  partnerId?: string,
): Promise<SponsoredCustomer[]> {
  const id = sponsoringPartner(actor, partnerId);
  return (await sponsorships.listCustomers(ctx.db, id)).map((c) => ({
    id: c.id,
    name: c.name,
    country: c.country,
    emailDomains: c.email_domains,
    lastConfirmedAt: c.last_confirmed_at,
    reconfirmBy: new Date(c.last_confirmed_at.getTime() + RECONFIRM_AFTER_DAYS * 86_400_000),
  }));
}

/**
 * PICA-8, scheduled: ends the entitlements of contracts that ended or were revoked and of
 * partners that lost PICA eligibility, and suspends access not re-confirmed within a year.
 * Each access row is claimed by one conditional UPDATE inside the transaction that queues its
 * email, so two processes running the job at once end (and announce) each access once.
 */
export async function endLapsedEntitlements(
  ctx: AppContext,
  now = new Date(),
): Promise<{ ended: number; suspended: number }> {
  const ineligible: string[] = [];
  for (const partnerId of await contracts.partnersWithPicaFacts(ctx.db)) {
    const partner = await partnerPica(ctx.db, partnerId, now);
    if (partner && partner.gaps.length > 0) ineligible.push(partnerId);
  }
  return ctx.db.transaction().execute(async (trx) => {
    const ended = await repo.endLapsed(trx, ineligible, now);
    for (const reason of new Set(ended.map((e) => e.reason)))
      await notifyEnded(
        ctx,
        trx,
        ended.filter((e) => e.reason === reason),
        reason,
      );
    const suspended = await repo.suspendUnconfirmed(
      trx,
      new Date(now.getTime() - RECONFIRM_AFTER_DAYS * 86_400_000),
      now,
    );
    await notifyEnded(ctx, trx, suspended, 'not_reconfirmed');
    if (ended.length + suspended.length > 0) {
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        action: 'pica.entitlements_ended',
        subject: { type: 'pica_access', id: 'job' },
        data: { ended: ended.map((e) => ({ id: e.id, reason: e.reason })), suspended: suspended.map((s) => s.id) },
      });
    }
    return { ended: ended.length, suspended: suspended.length };
  });
}
