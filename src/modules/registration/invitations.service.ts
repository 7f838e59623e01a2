import { invitationRefusal } from '../../platform/invitation.rules.ts';
import { auditActor, requireUser, type Actor } from '../../platform/auth.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { AppError, conflict, validationFailed } from '../../platform/errors.ts';
import { hashSecret, newSecret } from '../../platform/tokens.ts';
import { checkEmail } from '../../platform/contact.rules.ts';
import { recordAudit } from '../audit/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import * as repo from './registration.repository.ts';
import { isEditable } from './application-status.rules.ts';

import { memberApplication, type InvitationView } from './registration.service.ts';

const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

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
