import { auditActor, requireUser, type Actor } from '../../platform/auth.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import { AppError, conflict, notFound, validationFailed } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { invitationRefusal } from '../../platform/invitation.rules.ts';
import { newSecret, hashSecret } from '../../platform/tokens.ts';
import { deleteGrants, insertGrant, membersOfOrganisation } from '../accounts/index.ts';
import { recordAudit } from '../audit/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import type { PartnerRole } from './partners.table.ts';
import * as repo from './self-service.repository.ts';
import {
  INVITATION_TTL_DAYS,
  invitationState,
  leavesNoAdmin,
  PARTNER_ROLES,
  type InvitationState,
} from './self-service.rules.ts';
import { partnerFor } from './self-service.service.ts';

// Issue #12 item 3: a partner's people. Admins invite colleagues, assign roles and remove
// people; a partner always keeps one admin.

export interface Colleague {
  userId: string;
  name: string;
  email: string;
  roles: PartnerRole[];
}

export interface Invitation {
  id: string;
  email: string;
  role: PartnerRole;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
  state: InvitationState;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const isPartnerRole = (role: string): role is PartnerRole => (PARTNER_ROLES as readonly string[]).includes(role);

async function colleaguesOf(db: AppContext['db'], partnerId: string): Promise<Colleague[]> {
  return (await membersOfOrganisation(db, partnerId)).map((m) => ({
    userId: m.id,
    name: m.name,
    email: m.email,
    roles: m.roles.filter(isPartnerRole),
  }));
}

export async function listColleagues(
  ctx: AppContext,
  actor: Actor | null,
  partnerId: string,
  now = new Date(),
): Promise<{ colleagues: Colleague[]; invitations: Invitation[] }> {
  const partner = await partnerFor(ctx, actor, partnerId);
  const invitations = (await repo.invitationsOf(ctx.db, partner.id)).map((i) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    invitedBy: i.inviter_name,
    createdAt: i.created_at,
    expiresAt: i.expires_at,
    state: invitationState({ acceptedAt: i.accepted_at, revokedAt: i.revoked_at, expiresAt: i.expires_at }, now),
  }));
  return { colleagues: await colleaguesOf(ctx.db, partner.id), invitations };
}

const inviteUrl = (ctx: AppContext, token: string) => `${ctx.config.publicUrl}/partner/join?token=${token}`;

/** Invites a colleague by email for 7 days. An open invitation of the same address is refused (resend it); an expired one is not. */
export async function inviteColleague(
  ctx: AppContext,
  actorOrNull: Actor | null,
  partnerId: string,
  input: { email: string; role: string },
  meta: RequestMeta,
  now = new Date(),
): Promise<{ id: string }> {
  const partner = await partnerFor(ctx, actorOrNull, partnerId, 'partner:manage');
  const actor = requireUser(actorOrNull);
  const email = input.email.trim();
  const problems = [];
  if (!email) problems.push({ field: 'email', rule: 'required' });
  else if (email.length > 254 || !EMAIL.test(email)) problems.push({ field: 'email', rule: 'email_format' });
  if (!isPartnerRole(input.role)) problems.push({ field: 'role', rule: 'required' });
  if (problems.length) throw validationFailed(problems);
  const { secret, hash } = newSecret();
  const id = await ctx.db.transaction().execute(async (trx) => {
    await repo.lockPartner(trx, partner.id);
    if ((await colleaguesOf(trx, partner.id)).some((c) => c.email.toLowerCase() === email.toLowerCase()))
      throw conflict('already_member', 'This person already works for your company here.');
    if (await repo.openInvitationFor(trx, partner.id, email, now))
      throw conflict('invitation_pending', 'An invitation to this address is still open: resend or revoke it.');
    const invitationId = await repo.insertInvitation(trx, {
      partner_id: partner.id,
      email,
      role: input.role as PartnerRole,
      token_hash: hash,
      invited_by: actor.userId,
      expires_at: new Date(now.getTime() + INVITATION_TTL_DAYS * 86_400_000),
    });
    await sendInvitation(trx, ctx, {
      email,
      language: actor.language,
      inviter: actor.name,
      company: partner.legalName,
      token: secret,
    });
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'partner.colleague_invited',
      subject: { type: 'partner_invitation', id: invitationId },
      organisationId: partner.id,
      ip: meta.ip,
      data: { email, role: input.role },
    });
    return invitationId;
  });
  return { id };
}

async function sendInvitation(
  trx: Parameters<typeof enqueueEmail>[0],
  ctx: AppContext,
  m: { email: string; language: Actor['language']; inviter: string; company: string; token: string },
) {
  await enqueueEmail(trx, brandOf(ctx.config), {
    to: m.email,
    language: m.language,
    template: 'partner_invite',
    recipientName: m.email,
    actionUrl: inviteUrl(ctx, m.token),
    vars: { inviter: m.inviter, company: m.company },
  });
}

/** A resend issues a new link valid 7 more days; the old link stops working. */
export async function resendInvitation(
  ctx: AppContext,
  actorOrNull: Actor | null,
  partnerId: string,
  invitationId: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<void> {
  const partner = await partnerFor(ctx, actorOrNull, partnerId, 'partner:manage');
  const actor = requireUser(actorOrNull);
  if (!isUuid(invitationId)) throw notFound('Invitation');
  const { secret, hash } = newSecret();
  await ctx.db.transaction().execute(async (trx) => {
    const renewed = await repo.renewInvitation(
      trx,
      partner.id,
      invitationId,
      hash,
      new Date(now.getTime() + INVITATION_TTL_DAYS * 86_400_000),
    );
    if (!renewed) throw notFound('Invitation');
    await sendInvitation(trx, ctx, {
      email: renewed.email,
      language: actor.language,
      inviter: actor.name,
      company: partner.legalName,
      token: secret,
    });
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'partner.invitation_resent',
      subject: { type: 'partner_invitation', id: invitationId },
      organisationId: partner.id,
      ip: meta.ip,
      data: { email: renewed.email },
    });
  });
}

export async function revokeInvitation(
  ctx: AppContext,
  actorOrNull: Actor | null,
  partnerId: string,
  invitationId: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<void> {
  const partner = await partnerFor(ctx, actorOrNull, partnerId, 'partner:manage');
  const actor = requireUser(actorOrNull);
  if (!isUuid(invitationId)) throw notFound('Invitation');
  await ctx.db.transaction().execute(async (trx) => {
    const revoked = await repo.revokeInvitation(trx, partner.id, invitationId, now);
    if (!revoked) throw notFound('Invitation');
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'partner.invitation_revoked',
      subject: { type: 'partner_invitation', id: invitationId },
      organisationId: partner.id,
      ip: meta.ip,
      data: { email: revoked.email },
    });
  });
}

const invalidInvitation = () =>
  new AppError(
    'token_invalid',
    'This invitation link is wrong, already used, revoked or expired. Ask your colleague for a new one.',
    400,
  );

async function openInvitation(db: AppContext['db'], actor: Actor, token: string, now: Date) {
  if (!token || token.length > 200) throw invalidInvitation();
  const invitation = await repo.invitationByHash(db, hashSecret(token), now);
  if (!invitation) throw invalidInvitation();
  const refusal = invitationRefusal(invitation.email, actor);
  if (refusal === 'invitation_not_for_you')
    throw new AppError(
      refusal,
      'This invitation was sent to a different email address. Sign in with that address, or ask your colleague to invite yours.',
      403,
    );
  if (refusal === 'email_not_verified')
    throw new AppError(refusal, 'Confirm your email address before you accept the invitation.', 403);
  return invitation;
}

/** What the invited person is asked to confirm; nothing changes until they post. */
export async function previewInvitation(ctx: AppContext, actorOrNull: Actor | null, token: string, now = new Date()) {
  const invitation = await openInvitation(ctx.db, requireUser(actorOrNull), token, now);
  return {
    partnerId: invitation.partner_id,
    company: invitation.legal_name,
    inviter: invitation.inviter_name,
    role: invitation.role,
  };
}

/** The invited address, signed in and confirmed, joins the partner with the role it was invited for. */
export async function acceptInvitation(
  ctx: AppContext,
  actorOrNull: Actor | null,
  token: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<string> {
  const actor = requireUser(actorOrNull);
  return ctx.db.transaction().execute(async (trx) => {
    const open = await openInvitation(trx, actor, token, now);
    const accepted = await repo.acceptInvitation(trx, open.id, actor.userId, now);
    if (!accepted) throw invalidInvitation();
    await insertGrant(trx, {
      user_id: actor.userId,
      role: accepted.role,
      organisation_id: accepted.partner_id,
      granted_by: null,
    });
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'partner.colleague_joined',
      subject: { type: 'partner_invitation', id: accepted.id },
      organisationId: accepted.partner_id,
      ip: meta.ip,
      data: { email: accepted.email, role: accepted.role },
    });
    return accepted.partner_id;
  });
}

const lastAdmin = () =>
  conflict(
    'last_partner_admin',
    'Your company keeps at least one administrator: make someone else an administrator first.',
  );

/** Sets a colleague's roles at this partner (at least one; removing everyone is removeColleague). */
export async function setColleagueRoles(
  ctx: AppContext,
  actorOrNull: Actor | null,
  partnerId: string,
  userId: string,
  roles: readonly string[],
  meta: RequestMeta,
): Promise<void> {
  const partner = await partnerFor(ctx, actorOrNull, partnerId, 'partner:manage');
  const actor = requireUser(actorOrNull);
  const wanted = [...new Set(roles)].filter(isPartnerRole);
  if (wanted.length === 0 || wanted.length !== new Set(roles).size)
    throw validationFailed([{ field: 'roles', rule: 'required' }]);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.lockPartner(trx, partner.id);
    const colleagues = await colleaguesOf(trx, partner.id);
    const target = isUuid(userId) ? colleagues.find((c) => c.userId === userId) : undefined;
    if (!target) throw notFound('Colleague');
    const admins = colleagues.filter((c) => c.roles.includes('partner_admin')).map((c) => c.userId);
    if (leavesNoAdmin(admins, userId, wanted.includes('partner_admin'))) throw lastAdmin();
    const dropped = target.roles.filter((r) => !wanted.includes(r));
    if (dropped.length) await deleteGrants(trx, userId, partner.id, dropped);
    for (const role of wanted.filter((r) => !target.roles.includes(r)))
      await insertGrant(trx, { user_id: userId, role, organisation_id: partner.id, granted_by: actor.userId });
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'partner.colleague_roles_set',
      subject: { type: 'user', id: userId },
      organisationId: partner.id,
      ip: meta.ip,
      data: { email: target.email, from: target.roles, to: wanted },
    });
  });
}

/** Removes a person from the partner (every role they hold there); never the last admin. */
export async function removeColleague(
  ctx: AppContext,
  actorOrNull: Actor | null,
  partnerId: string,
  userId: string,
  meta: RequestMeta,
): Promise<void> {
  const partner = await partnerFor(ctx, actorOrNull, partnerId, 'partner:manage');
  const actor = requireUser(actorOrNull);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.lockPartner(trx, partner.id);
    const colleagues = await colleaguesOf(trx, partner.id);
    const target = isUuid(userId) ? colleagues.find((c) => c.userId === userId) : undefined;
    if (!target) throw notFound('Colleague');
    if (
      leavesNoAdmin(
        colleagues.filter((c) => c.roles.includes('partner_admin')).map((c) => c.userId),
        userId,
        false,
      )
    )
      throw lastAdmin();
    await deleteGrants(trx, userId, partner.id);
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'partner.colleague_removed',
      subject: { type: 'user', id: userId },
      organisationId: partner.id,
      ip: meta.ip,
      data: { email: target.email, roles: target.roles },
    });
  });
}
