import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** Sends a server-rendered page. Preact escapes every interpolated value. */
export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`<!doctype html>${renderToString(page)}`);
}

/**
 * Where a page takes HTML rendered earlier and kept as bytes (`sendPageWithBytes`): put it as an
 * element's dangerouslySetInnerHTML. Preact escapes `<` in every text it renders, so only markup
 * the code wrote itself can contain it.
 */
export const KEPT_HTML_MARK = '<!--pp:kept-html-->';

/**
 * Sends a page with a large fragment that was rendered before (for example the review queue's
 * rows) spliced in at KEPT_HTML_MARK as bytes: encoding a large string to UTF-8 for every
 * response cost more than rendering the rest of the page (#15, decision 064).
 */
export function sendPageWithBytes(reply: FastifyReply, page: VNode, kept: Buffer, status = 200): FastifyReply {
  const html = `<!doctype html>${renderToString(page)}`;
  const at = html.indexOf(KEPT_HTML_MARK);
  if (at < 0) throw new Error('sendPageWithBytes: the page has no place for the kept HTML');
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(Buffer.concat([Buffer.from(html.slice(0, at)), kept, Buffer.from(html.slice(at + KEPT_HTML_MARK.length))]));
}
