/**
 * Intl formatters, made once per language and options. Creating an Intl.DateTimeFormat costs
 * tens of microseconds — more than formatting with it — and pages format a date or a number on
 * every table row (#15); a formatter is immutable, so sharing one is safe.
 */
const made = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.ListFormat | Intl.Collator>();

function once<F>(kind: string, lang: string, options: object | undefined, make: () => F): F {
  const key = `${kind}|${lang}|${options ? JSON.stringify(options) : ''}`;
  let formatter = made.get(key) as F | undefined;
  if (!formatter) {
    formatter = make();
    made.set(key, formatter as never);
  }
  return formatter;
}

export const dateTimeFormat = (lang: string, options?: Intl.DateTimeFormatOptions) =>
  once('date', lang, options, () => new Intl.DateTimeFormat(lang, options));

export const numberFormat = (lang: string, options?: Intl.NumberFormatOptions) =>
  once('number', lang, options, () => new Intl.NumberFormat(lang, options));

export const listFormat = (lang: string, options?: Intl.ListFormatOptions) =>
  once('list', lang, options, () => new Intl.ListFormat(lang, options));

export const collator = (lang: string) => once('collator', lang, undefined, () => new Intl.Collator(lang));
