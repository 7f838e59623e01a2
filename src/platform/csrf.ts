import type { FastifyRequest } from 'fastify';
import { createHash, createHmac } from 'node:crypto';

/** The session cookie's name; accounts/session.ts owns what is in it. */
export const SESSION_COOKIE = 'pp_session';

/**
 * What a CSRF token is bound to: the session the browser presents (a hash of its cookie), or
 * nothing for a visitor without one. A token taken from one session — or minted for a visitor
 * and planted with a tossed `pp_csrf` cookie — does not verify under another (issue #10).
 */
export function csrfUserInfo(req: FastifyRequest): string {
  const session = req.cookies[SESSION_COOKIE];
  // The library refuses an empty userInfo, so a visitor without a session gets a fixed marker.
  return session ? createHash('sha256').update(session).digest('base64url') : 'no-session';
}

/** The HMAC key the token binding needs, derived from SESSION_SECRET so no new setting exists. */
export function csrfHmacKey(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('csrf-token-binding').digest('base64url');
}

export function hasSessionCookie(req: FastifyRequest): boolean {
  return !!req.cookies[SESSION_COOKIE];
}
