import { sql, type Kysely } from 'kysely';

// REG-4, REG-10, REG-12, REG-14 (decision 070): a calendar month is counted one way everywhere.
// addMonths in src/platform/dates.ts now keeps the day when the target month has it and otherwise
// takes the month's last day (31 January + 1 month = 28 or 29 February), as PostgreSQL's
// intervals, date-fns, java.time and EDATE count. pp_add_months (migration 2026_12_02_0900) copied
// the old overflow of JavaScript's setUTCMonth (31 January + 1 month = 3 March); it now says the
// new rule. The sum is taken on the UTC wall-clock time (a timestamp without time zone), so the
// session's TimeZone cannot move the day: `timestamptz + interval` would count the months in the
// session's zone (31 January 23:30 UTC is 1 February in Auckland). Same signature, so the
// partner_listability view and every query calling it keep working; the Kysely repositories call
// it for every month sum in SQL.
const CLAMPED = `CREATE OR REPLACE FUNCTION pp_add_months(t timestamptz, months integer) RETURNS timestamptz
     LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
     AS $$ SELECT ((t AT TIME ZONE 'UTC') + make_interval(months => months)) AT TIME ZONE 'UTC' $$`;

// The definition of migration 2026_12_02_0900, for `down`.
const OVERFLOWING = `CREATE OR REPLACE FUNCTION pp_add_months(t timestamptz, months integer) RETURNS timestamptz
     LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
     AS $$ SELECT (date_trunc('month', t AT TIME ZONE 'UTC') + make_interval(months => months)
                   + ((t AT TIME ZONE 'UTC') - date_trunc('month', t AT TIME ZONE 'UTC'))) AT TIME ZONE 'UTC' $$`;

// Every stored value derived from pp_add_months: the locations' listable_until (decision 066),
// recomputed for all partners (only rows whose value changes are written). Values computed in
// TypeScript when they were written (partners.renewal_due_at, training due dates) are left as
// they are: they are the deadlines the partner was told (decision 070).
const REFRESH = 'SELECT pp_refresh_listable_until(NULL)';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [CLAMPED, REFRESH]) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [OVERFLOWING, REFRESH]) await sql.raw(statement).execute(db);
}
