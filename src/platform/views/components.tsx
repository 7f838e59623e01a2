import type { ComponentChildren, InputHTMLAttributes } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { FieldViolation } from '../errors.ts';
import type { Translate } from '../i18n.ts';
import { violationMessage } from '../violations.ts';

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** A form's problems: a general message and/or one message per field. */
export interface FormErrors {
  general?: string | undefined;
  fields: Record<string, string>;
}

export const noErrors: FormErrors = { fields: {} };

/** Turns rule violations into translated, field-named messages. */
export function formErrors(t: Translate, violations: FieldViolation[], general?: string): FormErrors {
  const fields: Record<string, string> = {};
  for (const v of violations) {
    fields[v.field] ??= violationMessage(t, v);
  }
  return { general, fields };
}

export const fieldId = (name: string) => `field-${name}`;

/**
 * Lists every problem at the top of the form, each linking to its field, and takes focus
 * (app.js) so a screen reader announces it.
 */
export function ErrorSummary({
  t,
  errors,
  href = (field) => `#${fieldId(field)}`,
  titleId = 'error-summary-title',
  level = 2,
}: {
  t: Translate;
  errors: FormErrors;
  /** Where a problem is fixed, when that is not a field of this form (a multi-page wizard). */
  href?: (field: string) => string;
  /** A second summary on the same page (a second form) needs its own title id and may sit a level lower. */
  titleId?: string;
  level?: 2 | 3;
}) {
  const entries = Object.entries(errors.fields);
  if (!errors.general && entries.length === 0) return null;
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <div class="error-summary" role="alert" aria-labelledby={titleId} tabindex={-1} data-error-summary>
      <Heading id={titleId}>{t('form.error_summary')}</Heading>
      {errors.general && <p>{errors.general}</p>}
      {entries.length > 0 && (
        <ul>
          {entries.map(([field, message]) => (
            <li>
              <a href={href(field)}>{message}</a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  type?: 'text' | 'email' | 'password' | 'tel' | 'url' | 'search' | 'number';
  autocomplete?: string;
  required?: boolean;
  maxLength?: number;
  /** The field path the rules report problems on, when it differs from the input's name (the id follows it). */
  field?: string;
}

/** The ids of a field's error and hint (and anything else) for aria-describedby. */
export function describedBy(id: string, error?: string, hint?: string, extra?: string): string | undefined {
  return [error && `${id}-error`, hint && `${id}-hint`, extra].filter(Boolean).join(' ') || undefined;
}

/** A field's error (linked from the error summary) and hint, below the control. */
export function FieldMessages({
  id,
  error,
  hint,
}: {
  id: string;
  error?: string | undefined;
  hint?: string | undefined;
}) {
  return (
    <>
      {error && (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      )}
      {hint && <small id={`${id}-hint`}>{hint}</small>}
    </>
  );
}

export function TextField({
  name,
  field = name,
  label,
  value,
  error,
  hint,
  type = 'text',
  autocomplete,
  required = true,
  maxLength,
}: FieldProps) {
  const id = fieldId(field);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        {...({
          id,
          name,
          type,
          // A password is never echoed back into the page.
          value: type === 'password' ? undefined : value,
          autocomplete,
          required,
          maxLength,
          'aria-invalid': error ? 'true' : undefined,
          'aria-describedby': describedBy(id, error, hint),
        } as InputHTMLAttributes)}
      />
      <FieldMessages id={id} error={error} hint={hint} />
    </div>
  );
}

export interface SelectOption {
  value: string;
  label: string;
  lang?: string;
}

/**
 * Lists at least this long are rendered once per chosen value and kept (`optionsHtml`): the
 * country list (about 250 options, two thirds of the Partner Locator page's HTML) was rendered
 * as 250 elements on every page (#15).
 */
const KEPT_OPTIONS_MIN = 50;
/** The options of a list as HTML, per chosen value; keyed by the list itself, so only lists a caller keeps are kept. */
const keptOptions = new WeakMap<readonly SelectOption[], Map<string, string>>();

function Options({ options, value }: { options: readonly SelectOption[]; value: string | undefined }) {
  return (
    <>
      {options.map((o) => (
        <option value={o.value} selected={o.value === value} lang={o.lang}>
          {o.label}
        </option>
      ))}
    </>
  );
}

/** The options' HTML with `value` chosen, rendered once per list and value (a value that is no option chooses none). */
function optionsHtml(options: readonly SelectOption[], value: string | undefined): string {
  let byValue = keptOptions.get(options);
  if (!byValue) keptOptions.set(options, (byValue = new Map()));
  // Bounded by the list: a value that matches no option renders like any other such value.
  const chosen = value !== undefined && options.some((o) => o.value === value) ? value : undefined;
  const key = chosen === undefined ? '\u0000none' : chosen;
  let html = byValue.get(key);
  if (html === undefined) byValue.set(key, (html = renderToString(<Options options={options} value={chosen} />)));
  return html;
}

export function SelectField({
  name,
  label,
  value,
  error,
  options,
}: {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  options: readonly SelectOption[];
}) {
  const id = fieldId(name);
  const long = options.length >= KEPT_OPTIONS_MIN;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        name={name}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        // Preact escaped the kept HTML when it rendered it (optionsHtml).
        dangerouslySetInnerHTML={long ? { __html: optionsHtml(options, value) } : undefined}
      >
        {long ? undefined : <Options options={options} value={value} />}
      </select>
      {error && (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      )}
    </div>
  );
}

export function PageHeading({ children }: { children: ComponentChildren }) {
  return <h1>{children}</h1>;
}
