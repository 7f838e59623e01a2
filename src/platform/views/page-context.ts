import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../auth.ts';
import { csrfUserInfo } from '../csrf.ts';
import type { Language, Translate } from '../i18n.ts';

/** What every page needs to render its frame: language, the signed-in actor, the form token. */
export interface PageContext {
  t: Translate;
  lang: Language;
  actor: Actor | null;
  csrfToken: string;
  path: string;
  vendor: string;
  help: string;
  localMailbox: boolean;
  /** A one-line confirmation shown above the page (from `?notice=`), already translated. */
  notice?: string | undefined;
}

const NOTICES: Record<string, string> = {
  signed_out: 'sign_out.done',
  saved: 'account.saved',
  password_reset: 'reset.done',
  email_verified: 'verify.done_body',
};

/** The page's own address, less a one-time notice, for forms that come back to it. */
function withoutNotice(url: string): string {
  const parsed = new URL(url, 'http://x');
  parsed.searchParams.delete('notice');
  return `${parsed.pathname}${parsed.search}`;
}

export function pageContext(req: FastifyRequest, reply: FastifyReply): PageContext {
  const { config } = req.server.appContext;
  const noticeKey = (req.query as Record<string, unknown> | undefined)?.notice;
  const notice = typeof noticeKey === 'string' && NOTICES[noticeKey] ? req.t(NOTICES[noticeKey]) : undefined;
  return {
    t: req.t,
    lang: req.lang,
    actor: req.actor,
    // A request the router refused (a malformed %-escape in the address) reaches the error page
    // without having passed the plugins: no cookies, no CSRF helper. Its page renders without a
    // form token (a form on it asks to reload), rather than failing as a 500 (#16.5).
    csrfToken: typeof reply.generateCsrf === 'function' ? reply.generateCsrf({ userInfo: csrfUserInfo(req) }) : '',
    path: withoutNotice(req.url),
    vendor: config.vendorName,
    help: config.helpMailbox,
    localMailbox: config.localMailbox,
    notice,
  };
}
