import { collator, dateTimeFormat, listFormat } from '../formats.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../auth.ts';
import { countryName, countryOptions } from '../countries.ts';
import { AppError } from '../errors.ts';
import type { Language } from '../i18n.ts';
import { formField } from '../request-meta.ts';
import { fieldId, formErrors, type FormErrors, type SelectOption } from './components.tsx';
import { pageContext, type PageContext } from './page-context.ts';

/**
 * The page context, with this module's one-line confirmations: `?notice=<key>` shows the
 * translation of `notices[key]` (unknown keys show nothing). A page rendered in answer to a
 * form post names the page to come back to (`path`, used by the language switcher), since
 * the post's own address has no page.
 */
export function pageCtx(
  req: FastifyRequest,
  reply: FastifyReply,
  { notices = {}, path }: { notices?: Record<string, string>; path?: string } = {},
): PageContext {
  const ctx = pageContext(req, reply);
  const key = (req.query as Record<string, unknown> | undefined)?.notice;
  const notice = typeof key === 'string' && Object.hasOwn(notices, key) ? req.t(notices[key]!) : undefined;
  return { ...ctx, ...(notice ? { notice } : {}), ...(path ? { path } : {}) };
}

/** The signed-in actor, or undefined after answering with a redirect to the sign-in page. */
export function signedIn(req: FastifyRequest, reply: FastifyReply, returnTo: string = req.url): Actor | undefined {
  if (req.actor) return req.actor;
  void reply.redirect(`/sign-in?return_to=${encodeURIComponent(returnTo)}`, 303);
  return undefined;
}

/** Validation problems and conflicts re-render the form; anything else goes to the error page. */
export function asFormErrors(ctx: PageContext, error: unknown, fieldNames: Record<string, string> = {}): FormErrors {
  if (
    !(error instanceof AppError) ||
    error.status >= 500 ||
    error.status === 401 ||
    error.status === 403 ||
    error.status === 404
  )
    throw error;
  if (error.code === 'validation_failed')
    return formErrors(
      ctx.t,
      error.violations.map((v) => ({ ...v, field: fieldNames[v.field] ?? v.field })),
    );
  return { general: errorText(ctx, error), fields: {} };
}

/** An error's translated message, falling back to its English text. */
export function errorText(ctx: PageContext, error: AppError, params: Record<string, string | number> = {}): string {
  return ctx.t(`errors.${error.code}`, { ...error.params, ...params, defaultValue: error.message });
}

export function pick(body: unknown, ...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, formField(body, n)]));
}

/** Country names in the page's language, sorted and joined as a list ("France, Germany and Spain"). */
export function countryList(codes: readonly string[], lang: Language): string {
  const names = codes.map((c) => countryName(c, lang)).sort(collator(lang).compare);
  return listFormat(lang, { style: 'long', type: 'conjunction' }).format(names);
}

/** A date and time, in UTC, formatted for the page's language. */
export function DateTime({ date, lang }: { date: Date | null | undefined; lang: Language }) {
  if (!date) return <>—</>;
  const text = dateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date);
  return <time datetime={date.toISOString()}>{`${text} UTC`}</time>;
}

/** A multi-line text field, like TextField. */
export function TextArea({
  name,
  label,
  value,
  error,
  hint,
  required = true,
  maxLength,
  rows = 6,
}: {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  maxLength?: number;
  rows?: number;
}) {
  const id = fieldId(name);
  const describedBy = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        name={name}
        rows={rows}
        required={required}
        maxLength={maxLength}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
      >
        {value ?? ''}
      </textarea>
      {error && (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      )}
      {hint && <small id={`${id}-hint`}>{hint}</small>}
    </div>
  );
}

/** Every country as an option of a select, names in the page's language, with an empty first choice. */
export function countrySelectOptions(lang: Language, emptyLabel: string): readonly SelectOption[] {
  // The same array for the same language and label, so that SelectField renders its options once
  // per chosen country instead of on every page (#15). The labels are the catalogues' own words.
  const key = `${lang}\u0000${emptyLabel}`;
  let list = withEmptyChoice.get(key);
  if (!list) withEmptyChoice.set(key, (list = [{ value: '', label: emptyLabel }, ...countrySelectList(lang)]));
  return list;
}

const withEmptyChoice = new Map<string, readonly SelectOption[]>();

const selectLists: Partial<Record<Language, { value: string; label: string }[]>> = {};

/** The countries as select options, once per language (they never change while the process runs). */
export function countrySelectList(lang: Language): readonly { value: string; label: string }[] {
  return (selectLists[lang] ??= countryOptions(lang).map((c) => ({ value: c.code, label: c.name })));
}

/** The file input of an upload form; its field is named `file`. */
export function FileField({
  ctx,
  error,
  describedBy,
}: {
  ctx: PageContext;
  error?: string | undefined;
  describedBy?: string;
}) {
  const id = fieldId('file');
  const described = [error && `${id}-error`, describedBy].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{ctx.t('fields.file')}</label>
      <input
        id={id}
        name="file"
        type="file"
        accept=".csv,text/csv"
        required
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described}
      />
      {error && (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      )}
    </div>
  );
}
