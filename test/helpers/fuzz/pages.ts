import type { FastifyInstance } from 'fastify';
import type { Caller } from './callers.ts';

/**
 * The forms a role is shown (#16.5, decision 061): a bounded crawl of the pages a signed-in
 * person (or a visitor) reaches from the home page by following same-origin links, and every
 * `<form>` on them as a browser would submit it. The pages are our own server-rendered Preact
 * output (well-formed, attributes quoted, escaped by the renderer), so a small tokeniser is
 * enough and no HTML parser is added to the project.
 */
export interface FormField {
  name: string;
  /** input type (text, hidden, file, checkbox, ...), or select / textarea / button. */
  kind: string;
  /** The value a browser would send untouched (the first option of a select). */
  value: string;
  /** Every value a select or a radio group offers. */
  options: string[];
}

export interface PageForm {
  /** The page the form was found on. */
  page: string;
  action: string;
  method: string;
  multipart: boolean;
  fields: FormField[];
}

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', lt: '<', gt: '>', apos: "'", nbsp: '\u00a0' };
function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#')
      return String.fromCodePoint(
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)),
      );
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g))
    out[m[1]!.toLowerCase()] = decode(m[2] ?? m[3] ?? m[4] ?? '');
  return out;
}

/** Every form of a page, with its fields in document order. */
export function formsOf(html: string, page: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(m[1]!);
    const body = m[2]!;
    const fields: FormField[] = [];
    const radios = new Map<string, FormField>();
    for (const f of body.matchAll(
      /<(input|button)\b([^>]*)>|<select\b([^>]*)>([\s\S]*?)<\/select>|<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi,
    )) {
      if (f[1]) {
        const a = attributes(f[2]!);
        if (!a.name) continue;
        const type = f[1].toLowerCase() === 'button' ? 'button' : (a.type ?? 'text').toLowerCase();
        if (type === 'radio') {
          const group = radios.get(a.name);
          if (group) {
            group.options.push(a.value ?? 'on');
            if ('checked' in a) group.value = a.value ?? 'on';
          } else {
            const field = { name: a.name, kind: 'radio', value: a.value ?? 'on', options: [a.value ?? 'on'] };
            radios.set(a.name, field);
            fields.push(field);
          }
          continue;
        }
        fields.push({ name: a.name, kind: type, value: a.value ?? (type === 'checkbox' ? 'on' : ''), options: [] });
      } else if (f[3] !== undefined) {
        const a = attributes(f[3]);
        if (!a.name) continue;
        const options = [...f[4]!.matchAll(/<option\b([^>]*)>([\s\S]*?)<\/option>/gi)].map((o) => {
          const oa = attributes(o[1]!);
          return { value: oa.value ?? decode(o[2]!.trim()), selected: 'selected' in oa };
        });
        const chosen = options.find((o) => o.selected) ?? options[0];
        fields.push({ name: a.name, kind: 'select', value: chosen?.value ?? '', options: options.map((o) => o.value) });
      } else {
        const a = attributes(f[5]!);
        if (a.name) fields.push({ name: a.name, kind: 'textarea', value: decode(f[6]!), options: [] });
      }
    }
    forms.push({
      page,
      action: relative(attrs.action ?? '', page),
      method: (attrs.method ?? 'get').toLowerCase(),
      multipart: (attrs.enctype ?? '').toLowerCase() === 'multipart/form-data',
      fields,
    });
  }
  return forms;
}

/** An action or link as a path and query on this origin. */
function relative(href: string, page: string): string {
  const url = new URL(href, `http://portal.test${page}`);
  return url.pathname + url.search;
}

/** Links not to follow: they leave the pages, end the session, or act on a GET (a token link). */
function followable(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href, 'http://portal.test/');
  } catch {
    return undefined;
  }
  if (url.origin !== 'http://portal.test') return undefined;
  const p = url.pathname;
  if (/^\/(api|assets|dev)\//.test(p) || p === '/api' || /sign-out|\.(csv|pdf|json|ico|svg|png)$/.test(p))
    return undefined;
  if (url.searchParams.has('token')) return undefined;
  return p + url.search;
}

/** The same page for another object (uuids) or another page of a list: crawled once. */
export const shapeOf = (url: string) =>
  url.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ':id').replace(/\?.*$/, '');

/**
 * Crawls from `start` as `caller` (breadth first, at most `maxPages` pages, each page shape at
 * most twice) and returns the forms it saw (posts, and GET forms such as searches), each form shape (action with ids replaced,
 * field names) once.
 */
export async function crawlForms(
  app: FastifyInstance,
  caller: Caller,
  { start = ['/'], maxPages = 60 }: { start?: string[]; maxPages?: number } = {},
): Promise<{ forms: PageForm[]; pages: string[] }> {
  const queue = [...start];
  const seen = new Set<string>(queue);
  const shapes = new Map<string, number>();
  const pages: string[] = [];
  const forms = new Map<string, PageForm>();
  while (queue.length > 0 && pages.length < maxPages) {
    const url = queue.shift()!;
    const shape = shapeOf(url);
    if ((shapes.get(shape) ?? 0) >= 2) continue;
    shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    const res = await app.inject({ method: 'GET', url, headers: { ...caller.headers, accept: 'text/html' } });
    pages.push(url);
    if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
      const next = followable(String(res.headers.location));
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
      continue;
    }
    if (!String(res.headers['content-type'] ?? '').startsWith('text/html')) continue;
    for (const form of formsOf(res.body, url)) {
      if (!['get', 'post'].includes(form.method) || /sign-out/.test(form.action)) continue;
      const key = `${form.method} ${shapeOf(form.action)} ${form.fields.map((f) => f.name).join(',')}`;
      if (!forms.has(key)) forms.set(key, form);
    }
    for (const m of res.body.matchAll(/<a\b[^>]*\bhref="([^"]*)"/gi)) {
      const next = followable(decode(m[1]!));
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return { forms: [...forms.values()], pages };
}
