import { dateTimeFormat } from './formats.ts';

/** A date (no time) in the page's language, in UTC like every date the product shows. */
export function formatDate(date: Date, lang: string): string {
  return dateTimeFormat(lang, MEDIUM_DATE).format(date);
}

const MEDIUM_DATE: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeZone: 'UTC' };

/** A YYYY-MM-DD date typed into a form, as midnight UTC; anything else is not a date. */
export function parseDay(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return undefined;
  const date = new Date(`${value.trim()}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value.trim() ? undefined : date;
}

/** The same instant `months` calendar months later (UTC), as agreement and training terms count them. */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date);
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
}
