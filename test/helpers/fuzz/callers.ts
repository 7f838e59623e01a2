import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../src/platform/context.ts';
import { credentialHeaders, type Credential } from '../../authorisation-matrix/world.ts';

/** How one role asks: its credential's headers, and the CSRF token bound to its session. */
export interface Caller {
  headers: Record<string, string>;
  /** For form, multipart and text/plain bodies; a key-only caller needs none (decision 006). */
  csrfToken?: string;
}

/**
 * A caller for a role of the authorisation matrix's world: one session (or key) for all its
 * requests, and a CSRF token read from a page the way a browser gets it, so that form-encoded
 * and multipart bodies get past the token check and reach the parsers and the handlers.
 */
export async function callerFor(app: FastifyInstance, ctx: AppContext, credential: Credential): Promise<Caller> {
  const headers = await credentialHeaders(ctx, credential);
  if (credential.kind === 'key') return { headers };
  const page = await app.inject({ method: 'GET', url: '/distributors', headers: { ...headers, accept: 'text/html' } });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  const secret = (page.cookies as { name: string; value: string }[]).find((c) => c.name === 'pp_csrf')?.value;
  if (!token || !secret) throw new Error(`no CSRF token on GET /distributors (status ${page.statusCode})`);
  return {
    headers: { ...headers, cookie: [headers.cookie, `pp_csrf=${secret}`].filter(Boolean).join('; ') },
    csrfToken: token,
  };
}
