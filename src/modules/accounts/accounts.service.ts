import { auditActor, type Actor } from '../../platform/auth.ts';
import { brandOf, type AppContext, type RequestMeta } from '../../platform/context.ts';
import type { Executor, Trx } from '../../platform/db.ts';
import { AppError, validationFailed } from '../../platform/errors.ts';
import { isLanguage, type Language } from '../../platform/i18n.ts';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from '../../platform/passwords.ts';
import { isUniqueViolation } from '../../platform/pg-errors.ts';
import { isRole, STAFF_ROLES, type Role } from '../../platform/roles.rules.ts';
import { hashSecret, newSecret } from '../../platform/tokens.ts';
import { recordAudit, SYSTEM_ACTOR } from '../audit/index.ts';
import { enqueueEmail } from '../outbox/index.ts';
import * as repo from './accounts.repository.ts';
import {
  afterFailure,
  blockedMinutes,
  checkLanguage,
  checkName,
  checkPassword,
  checkSignUp,
  EMAIL_TOKEN_TTL_MS,
  normaliseEmail,
  SESSION_TTL_MS,
  THROTTLE,
  type SignUpInput,
} from './accounts.rules.ts';

export interface AccountView {
  id: string;
  email: string;
  name: string;
  language: Language;
  emailVerified: boolean;
}

const asLanguage = (value: string): Language => (isLanguage(value) ? value : 'en');

async function sendLink(
  ctx: AppContext,
  trx: Trx,
  user: { id: string; email: string; name: string; language: string },
  purpose: 'verify_email' | 'reset_password',
  template: string,
) {
  await repo.retireEmailTokens(trx, user.id, purpose);
  const { secret, hash } = newSecret();
  await repo.insertEmailToken(trx, {
    token_hash: hash,
    user_id: user.id,
    purpose,
    expires_at: new Date(Date.now() + EMAIL_TOKEN_TTL_MS),
  });
  const path = purpose === 'verify_email' ? '/verify-email' : '/reset-password';
  const link = `${ctx.config.publicUrl}${path}?token=${secret}`;
  await enqueueEmail(trx, brandOf(ctx.config), {
    to: user.email,
    language: asLanguage(user.language),
    template,
    recipientName: user.name,
    actionUrl: link,
  });
  return link;
}

/**
 * REG-1 (account): creates an unverified account and emails the confirmation link. An address
 * that already has an account gets the same answer (nothing says it exists, as with a reset);
 * its owner is emailed instead: someone tried to sign up with it — sign in or reset.
 */
export async function signUp(ctx: AppContext, input: SignUpInput, meta: RequestMeta): Promise<void> {
  const violations = checkSignUp(input);
  if (violations.length > 0) throw validationFailed(violations);
  const email = input.email.trim();
  // Hashed either way, so both answers take the same time.
  const passwordHash = await hashPassword(input.password);
  const existing = await repo.findUserByEmail(ctx.db, email);
  if (existing) return tellOwnerOfSignUpAttempt(ctx, existing, meta);
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const user = await repo.insertUser(trx, {
        email,
        name: input.name.trim(),
        password_hash: passwordHash,
        language: input.language,
      });
      await recordAudit(trx, {
        actor: { userId: user.id, label: user.email },
        action: 'account.created',
        subject: { type: 'user', id: user.id },
        ip: meta.ip,
        data: { language: user.language },
      });
      await sendLink(ctx, trx, user, 'verify_email', 'verify');
    });
  } catch (error) {
    // Two sign-ups with the same address at once: the unique index decides; the loser's owner is told.
    if (!isUniqueViolation(error, 'users_email_key')) throw error;
    const winner = await repo.findUserByEmail(ctx.db, email);
    if (winner) await tellOwnerOfSignUpAttempt(ctx, winner, meta);
  }
}

async function tellOwnerOfSignUpAttempt(
  ctx: AppContext,
  user: { id: string; email: string; name: string; language: string },
  meta: RequestMeta,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const link = `${ctx.config.publicUrl}/sign-in`;
    await enqueueEmail(trx, brandOf(ctx.config), {
      to: user.email,
      language: asLanguage(user.language),
      template: 'signup_existing',
      recipientName: user.name,
      actionUrl: link,
    });
    await recordAudit(trx, {
      actor: SYSTEM_ACTOR,
      action: 'account.sign_up_attempted',
      subject: { type: 'user', id: user.id },
      ip: meta.ip,
    });
  });
}

/** Sends a fresh confirmation link. Answers the same whether or not the address has an account. */
export async function resendVerification(ctx: AppContext, email: string, meta: RequestMeta): Promise<void> {
  const user = await repo.findUserByEmail(ctx.db, normaliseEmail(email));
  if (!user || user.email_verified_at) return;
  await ctx.db.transaction().execute(async (trx) => {
    await sendLink(ctx, trx, user, 'verify_email', 'verify');
    await recordAudit(trx, {
      actor: SYSTEM_ACTOR,
      action: 'account.verification_sent',
      subject: { type: 'user', id: user.id },
      ip: meta.ip,
    });
  });
}

export async function verifyEmail(ctx: AppContext, token: string, meta: RequestMeta): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const used = await repo.consumeEmailToken(trx, hashSecret(token), 'verify_email');
    if (!used) throw new AppError('token_invalid', 'This link is wrong, already used or expired.', 400);
    await repo.updateUser(trx, used.user_id, { email_verified_at: new Date() });
    await recordAudit(trx, {
      actor: { userId: used.user_id, label: 'email link' },
      action: 'account.email_verified',
      subject: { type: 'user', id: used.user_id },
      ip: meta.ip,
    });
  });
}

export interface SignInResult {
  sessionToken: string;
  expiresAt: Date;
  account: AccountView;
}

/**
 * Signs in with throttling per account and per address. A new session id is issued on every
 * sign-in (the caller ends any previous session), so a planted id is never promoted.
 */
export async function signIn(
  ctx: AppContext,
  input: { email: string; password: string },
  meta: RequestMeta,
): Promise<SignInResult> {
  const email = normaliseEmail(input.email ?? '');
  // The pair, not the account: guessing from one place never locks the owner out elsewhere.
  const pairKey = `pair:${meta.ip ?? 'unknown'}|${email}`;
  const ipKey = `ip:${meta.ip ?? 'unknown'}`;
  const now = new Date();

  const ipMinutes = blockedMinutes(await repo.findThrottle(ctx.db, ipKey), now);
  if (ipMinutes > 0)
    throw new AppError(
      'throttled_ip',
      `Too many failed sign-in attempts from your network. Try again in ${ipMinutes} minutes.`,
      429,
      [],
      { minutes: ipMinutes },
    );
  const pairMinutes = blockedMinutes(await repo.findThrottle(ctx.db, pairKey), now);
  if (pairMinutes > 0)
    throw new AppError(
      'throttled_account',
      `Too many failed sign-in attempts for this account from your network. Try again in ${pairMinutes} minutes.`,
      429,
      [],
      { minutes: pairMinutes },
    );

  const user = email ? await repo.findUserByEmail(ctx.db, email) : undefined;
  const valid = user
    ? await verifyPassword(user.password_hash, input.password ?? '')
    : await verifyAgainstDecoy(input.password ?? '');
  if (!user || !valid) {
    // Counted under a row lock, so simultaneous failures on several processes all count.
    await ctx.db.transaction().execute(async (trx) => {
      for (const [key, policy] of [
        [pairKey, THROTTLE.pair],
        [ipKey, THROTTLE.ip],
      ] as const) {
        await repo.ensureThrottleRow(trx, key, now);
        const state = await repo.findThrottle(trx, key, { forUpdate: true });
        await repo.saveThrottle(trx, key, afterFailure(state && state.failures > 0 ? state : undefined, policy, now));
      }
    });
    throw new AppError('invalid_credentials', 'The email address or password is not right.', 401);
  }
  if (!user.email_verified_at)
    throw new AppError('email_not_verified', 'Confirm your email address first: follow the link we emailed you.', 403);

  const { secret, hash } = newSecret();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.clearThrottle(trx, pairKey);
    await repo.insertSession(trx, {
      id_hash: hash,
      user_id: user.id,
      expires_at: expiresAt,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 500) ?? null,
    });
    await recordAudit(trx, {
      actor: { userId: user.id, label: user.email },
      action: 'session.started',
      subject: { type: 'user', id: user.id },
      ip: meta.ip,
    });
  });
  return { sessionToken: secret, expiresAt, account: toView(user) };
}

export async function signOut(ctx: AppContext, sessionToken: string, meta: RequestMeta): Promise<void> {
  const session = await repo.findSessionUser(ctx.db, hashSecret(sessionToken));
  await ctx.db.transaction().execute(async (trx) => {
    await repo.deleteSession(trx, hashSecret(sessionToken));
    if (session)
      await recordAudit(trx, {
        actor: { userId: session.id, label: session.email },
        action: 'session.ended',
        subject: { type: 'user', id: session.id },
        ip: meta.ip,
      });
  });
}

/** Ends a session without an audit row: used when a sign-in replaces an older session. */
export async function discardSession(ctx: AppContext, sessionToken: string): Promise<void> {
  await repo.deleteSession(ctx.db, hashSecret(sessionToken));
}

/** Emails a reset link. Answers the same whether or not the address has an account. */
export async function requestPasswordReset(ctx: AppContext, email: string, meta: RequestMeta): Promise<void> {
  const user = await repo.findUserByEmail(ctx.db, normaliseEmail(email ?? ''));
  if (!user) return;
  await ctx.db.transaction().execute(async (trx) => {
    await sendLink(ctx, trx, user, 'reset_password', 'reset');
    await recordAudit(trx, {
      actor: SYSTEM_ACTOR,
      action: 'account.password_reset_requested',
      subject: { type: 'user', id: user.id },
      ip: meta.ip,
    });
  });
}

/** Whether a reset link can still be used (the page checks before showing the form). */
export async function isResetTokenUsable(ctx: AppContext, token: string): Promise<boolean> {
  return !!(await repo.findUsableEmailToken(ctx.db, hashSecret(token), 'reset_password'));
}

/**
 * Sets a new password from a reset link and ends every session of the account. Following a
 * link sent to the address also proves the address, so it counts as confirmation.
 */
export async function resetPassword(
  ctx: AppContext,
  token: string,
  password: string,
  meta: RequestMeta,
): Promise<void> {
  const pending = await repo.findUsableEmailToken(ctx.db, hashSecret(token), 'reset_password');
  if (!pending) throw new AppError('token_invalid', 'This link is wrong, already used or expired.', 400);
  const user = await repo.findUserById(ctx.db, pending.user_id);
  const violations = checkPassword(password, user?.email);
  if (violations.length > 0) throw validationFailed(violations);
  const passwordHash = await hashPassword(password);
  await ctx.db.transaction().execute(async (trx) => {
    const used = await repo.consumeEmailToken(trx, hashSecret(token), 'reset_password');
    if (!used) throw new AppError('token_invalid', 'This link is wrong, already used or expired.', 400);
    await repo.updateUser(trx, used.user_id, {
      password_hash: passwordHash,
      ...(user?.email_verified_at ? {} : { email_verified_at: new Date() }),
    });
    await repo.deleteSessionsOf(trx, used.user_id);
    await repo.clearThrottle(trx, `account:${normaliseEmail(user?.email ?? '')}`);
    await recordAudit(trx, {
      actor: { userId: used.user_id, label: 'email link' },
      action: 'account.password_reset',
      subject: { type: 'user', id: used.user_id },
      ip: meta.ip,
    });
  });
}

export async function updateSettings(
  ctx: AppContext,
  actor: Actor,
  input: { name: string; language: string },
  meta: RequestMeta,
): Promise<AccountView> {
  const violations = [...checkName(input.name ?? ''), ...checkLanguage(input.language ?? '')];
  if (violations.length > 0) throw validationFailed(violations);
  const changes = { name: input.name.trim(), language: input.language };
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updateUser(trx, actor.userId, changes);
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'account.settings_changed',
      subject: { type: 'user', id: actor.userId },
      ip: meta.ip,
      data: { from: { name: actor.name, language: actor.language }, to: changes },
    });
  });
  return {
    id: actor.userId,
    email: actor.email,
    name: changes.name,
    language: asLanguage(changes.language),
    emailVerified: actor.emailVerified,
  };
}

/** Saves only the language (the switcher in the page header). */
export async function updateLanguage(
  ctx: AppContext,
  actor: Actor,
  language: Language,
  meta: RequestMeta,
): Promise<void> {
  if (language === actor.language) return;
  await updateSettings(ctx, actor, { name: actor.name, language }, meta);
}

/**
 * Creates a programme staff account (CLI `create-staff`). The person chooses a password through
 * the emailed link, which is also returned so an operator can hand it over directly.
 */
export async function createStaff(
  ctx: AppContext,
  input: { email: string; name: string; role: string; language?: string },
  by: Actor | null,
): Promise<{ account: AccountView; link: string }> {
  const role = input.role as Role;
  const violations = [
    ...checkName(input.name ?? ''),
    ...checkSignUp({
      name: input.name,
      email: input.email,
      password: 'x'.repeat(32),
      language: input.language ?? 'en',
    }).filter((v) => v.field === 'email'),
  ];
  if (!isRole(role) || !STAFF_ROLES.includes(role)) violations.push({ field: 'role', rule: 'staff_role' });
  if (violations.length > 0) throw validationFailed(violations);
  if (await repo.findUserByEmail(ctx.db, input.email))
    throw validationFailed([{ field: 'email', rule: 'email_taken' }]);
  // The password is unknowable until the person sets one through the link.
  const unusable = await hashPassword(newSecret().secret);
  return ctx.db.transaction().execute(async (trx) => {
    const user = await repo.insertUser(trx, {
      email: input.email.trim(),
      name: input.name.trim(),
      password_hash: unusable,
      language: input.language ?? 'en',
    });
    await repo.insertGrant(trx, { user_id: user.id, role, organisation_id: null, granted_by: by?.userId ?? null });
    await recordAudit(trx, {
      actor: by ? auditActor(by) : SYSTEM_ACTOR,
      action: 'staff.created',
      subject: { type: 'user', id: user.id },
      data: { role, email: user.email },
    });
    const link = await sendLink(ctx, trx, user, 'reset_password', 'staff_invite');
    return {
      account: {
        id: user.id,
        email: user.email,
        name: user.name,
        language: asLanguage(user.language),
        emailVerified: false,
      },
      link,
    };
  });
}

/**
 * The actor of an existing account, found by email, with its role grants: what the CLI acts
 * as (`--as EMAIL`). `via` marks the audit rows it writes, e.g. `cli`.
 */
export async function actorForEmail(ctx: AppContext, email: string, via?: string): Promise<Actor | null> {
  const user = await repo.findUserByEmail(ctx.db, normaliseEmail(email));
  return user ? actorOf(ctx, user, via) : null;
}

/** The email of the longest-standing holder of a role, if anyone holds it. */
export async function firstHolderOf(ctx: AppContext, role: Role): Promise<string | undefined> {
  return (await repo.firstUserWithRole(ctx.db, role))?.email;
}

/** The actor behind a session cookie, or null when the session is unknown or expired. */
export async function actorForSession(ctx: AppContext, sessionToken: string): Promise<Actor | null> {
  const row = await repo.findSessionActor(ctx.db, hashSecret(sessionToken), new Date());
  return row ? toActor(row, row.grants) : null;
}

/** A user row and its role grants as the Actor that services check permissions against. */
async function actorOf(
  ctx: AppContext,
  user: { id: string; email: string; name: string; language: string; email_verified_at: Date | null },
  via?: string,
): Promise<Actor> {
  return toActor(user, await repo.grantsOf(ctx.db, user.id), via);
}

function toActor(
  user: { id: string; email: string; name: string; language: string; email_verified_at: Date | null },
  grants: { role: string; organisation_id: string | null }[],
  via?: string,
): Actor {
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    language: asLanguage(user.language),
    emailVerified: !!user.email_verified_at,
    grants: grants
      .filter((g) => isRole(g.role))
      .map((g) => ({ role: g.role as Role, organisationId: g.organisation_id })),
    ...(via ? { via } : {}),
  };
}

/**
 * An account by its email address (any case), as other modules may see it: never the password
 * hash or any other secret of the row.
 */
export async function findAccountByEmail(db: Executor, email: string): Promise<AccountView | undefined> {
  const user = await repo.findUserByEmail(db, email);
  return user ? toView(user) : undefined;
}

function toView(user: {
  id: string;
  email: string;
  name: string;
  language: string;
  email_verified_at: Date | null;
}): AccountView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    language: asLanguage(user.language),
    emailVerified: !!user.email_verified_at,
  };
}
