/**
 * X-1: what a person reads or hears on a server-rendered page, from its HTML. The pages come
 * from preact-render-to-string (well-formed, attributes quoted), so a small tokenizer is enough
 * and no HTML parser has to be added to the project.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#')
      return String.fromCodePoint(
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)),
      );
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The attributes of an opening tag's source (`<input type="text" ...>`). */
function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const m of tag.matchAll(/\s([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g))
    attributes.set(m[1]!.toLowerCase(), decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  return attributes;
}

/** Attributes whose values people read (tooltips, placeholders) or hear (screen readers). */
const READ_ATTRIBUTES = ['title', 'placeholder', 'aria-label', 'alt', 'aria-description'];
/** Texts a page's script shows (a confirm dialog, a progress line), handed over in data attributes. */
const SCRIPT_TEXT = /^data-[\w-]*(?:text|warning|message|confirm)$/;
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);
const INLINE = new Set([
  'a',
  'strong',
  'em',
  'b',
  'i',
  'span',
  'code',
  'kbd',
  'abbr',
  'small',
  'mark',
  'time',
  'sup',
  'br',
]);
const BUTTON_INPUTS = new Set(['submit', 'button', 'reset']);
const UNNAMED_INPUTS = new Set(['hidden', 'submit', 'button', 'reset', 'image']);

export interface PageText {
  /** `<html lang>`. */
  lang: string | undefined;
  /**
   * Every visible text node and read attribute value, whitespace collapsed, in page order. Text
   * inside an element whose `lang` differs from the page's (a legal text shown in its governing
   * language, an email in its recipient's) is declared to be in that language and left out.
   */
  texts: string[];
  /** Form controls without an accessible name, described by their tag and name attribute. */
  unnamedControls: string[];
}

export function pageText(html: string): PageText {
  const source = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!doctype[^>]*>/gi, '')
    .replace(/<script\b[\s\S]*?<\/script>/gi, '')
    .replace(/<style\b[\s\S]*?<\/style>/gi, '');
  const texts: string[] = [];
  // The open elements and their `lang`, to know the language each text is declared in.
  const open: { name: string; lang: string | undefined }[] = [];
  const declared = () => open.findLast((e) => e.lang !== undefined)?.lang ?? lang;
  const push = (text: string) => {
    if (declared() !== lang) return;
    const clean = decodeEntities(text).replace(/\s+/g, ' ').trim();
    if (clean) texts.push(clean);
  };
  let lang: string | undefined;
  const labelledIds = new Set<string>();
  const controls: { description: string; id?: string }[] = [];
  let labelDepth = 0;
  let hiddenDepth = 0;
  let buffer = '';
  const flush = () => {
    if (hiddenDepth === 0) push(buffer);
    buffer = '';
  };
  for (const m of source.matchAll(/<(\/?)([a-zA-Z][\w-]*)([^>]*)>|([^<]+)/g)) {
    if (m[4] !== undefined) {
      buffer += m[4];
      continue;
    }
    const closing = m[1] === '/';
    const name = m[2]!.toLowerCase();
    const attributes = closing ? new Map<string, string>() : attributesOf(m[3]!);
    const changesLanguage = closing
      ? open.findLast((e) => e.name === name)?.lang !== undefined
      : attributes.has('lang');
    // Inline elements do not split a sentence into two texts (unless they change its language).
    if (changesLanguage || !INLINE.has(name)) flush();
    else if (name === 'br') buffer += ' ';
    if (name === 'template' || name === 'noscript') hiddenDepth += closing ? -1 : 1;
    if (closing) {
      if (name === 'label') labelDepth -= 1;
      const at = open.findLastIndex((e) => e.name === name);
      if (at >= 0) open.length = at;
      continue;
    }
    if (name === 'html') lang = attributes.get('lang');
    else if (!VOID.has(name) && !m[3]!.trimEnd().endsWith('/')) open.push({ name, lang: attributes.get('lang') });
    if (name === 'label') {
      const target = attributes.get('for');
      if (target) labelledIds.add(target);
      if (!m[3]!.trimEnd().endsWith('/')) labelDepth += 1;
    }
    if (name === 'meta' || name === 'link') continue;
    for (const [attribute, value] of attributes)
      if (READ_ATTRIBUTES.includes(attribute) || SCRIPT_TEXT.test(attribute)) push(value);
    const type = (attributes.get('type') ?? 'text').toLowerCase();
    if (name === 'input' && BUTTON_INPUTS.has(type)) push(attributes.get('value') ?? '');
    const isControl = (name === 'input' && !UNNAMED_INPUTS.has(type)) || name === 'select' || name === 'textarea';
    const named = labelDepth > 0 || ['aria-label', 'aria-labelledby', 'title'].some((a) => attributes.get(a)?.trim());
    if (isControl && !named)
      controls.push({
        description: `<${name}${name === 'input' ? ` type="${type}"` : ''} name="${attributes.get('name') ?? ''}">`,
        id: attributes.get('id'),
      });
  }
  flush();
  return {
    lang,
    texts,
    unnamedControls: controls.filter((c) => !c.id || !labelledIds.has(c.id)).map((c) => c.description),
  };
}

export interface PageForm {
  action: string;
  multipart: boolean;
  /** The hidden fields, as the page gives them (the form token, ids, the step). */
  hidden: Record<string, string>;
  /** Whether a person fills something in (else it is a button, such as "Withdraw"). */
  hasEntry: boolean;
}

/** The POST forms of a page. */
export function formsOf(html: string, pageUrl: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attributes = attributesOf(m[1]!);
    if ((attributes.get('method') ?? 'get').toLowerCase() !== 'post') continue;
    const hidden: Record<string, string> = {};
    let hasEntry = false;
    for (const control of m[2]!.matchAll(/<(input|select|textarea)\b([^>]*)>/gi)) {
      const a = attributesOf(control[2]!);
      const type = (a.get('type') ?? 'text').toLowerCase();
      if (control[1]!.toLowerCase() === 'input' && type === 'hidden')
        hidden[a.get('name') ?? ''] = a.get('value') ?? '';
      else if (!BUTTON_INPUTS.has(type) && type !== 'checkbox' && type !== 'radio') hasEntry = true;
    }
    forms.push({
      action: attributes.get('action') || pageUrl,
      multipart: (attributes.get('enctype') ?? '').includes('multipart'),
      hidden,
      hasEntry,
    });
  }
  return forms;
}
