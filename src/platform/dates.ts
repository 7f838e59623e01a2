import { dateTimeFormat } from './formats.ts';

/** A date (no time) in the page's language, in UTC like every date the product shows. */
export function formatDate(date: Date, lang: string): string {
  return dateTimeFormat(lang, MEDIUM_DATE).format(date);
}

const MEDIUM_DATE: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeZone: 'UTC' };

/**
 * A YYYY-MM-DD date typed into a form, as midnight UTC, of the years 1900 to 9999; anything else
 * is not a date. Year 0000 is a day to JavaScript but none PostgreSQL accepts (a 500 the form
 * fuzzing found, #16.5), and no business date of this programme (contract terms, agreements,
 * training completions, audit searches) predates 1900.
 */
export function parseDay(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return undefined;
  const date = new Date(`${value.trim()}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value.trim()) return undefined;
  const year = date.getUTCFullYear();
  return year >= 1900 && year <= 9999 ? date : undefined;
}

/**
 * The same time of day `months` calendar months later (earlier when negative), in UTC, as
 * agreement terms (REG-12), renewals and distributor-information reviews (REG-4, REG-14) and
 * training validity (REG-10) count them. A day the target month lacks becomes its last day
 * (31 January + 1 month = 28 or 29 February), as PostgreSQL's intervals, date-fns, java.time and
 * spreadsheets' EDATE count; `setUTCMonth` alone would run over into the next month (3 March).
 * SQL counts the same with `pp_add_months` (migration 2026_12_03_0900, decision 070).
 */
export function addMonths(date: Date, months: number): Date {
  if (!Number.isInteger(months)) throw new RangeError(`addMonths: ${months} is not a whole number of months`);
  const target = new Date(date);
  // Day 1 of the target month first, so that setting the month cannot overflow, then the day
  // clamped to that month's length (day 0 of the following month is its last day).
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const monthEnd = new Date(target);
  monthEnd.setUTCMonth(monthEnd.getUTCMonth() + 1, 0);
  target.setUTCDate(Math.min(date.getUTCDate(), monthEnd.getUTCDate()));
  return target;
}
