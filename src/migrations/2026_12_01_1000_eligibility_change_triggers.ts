import { sql, type Kysely } from 'kysely';

// REG-4 (decision 065): every table a purchase-eligibility answer is read from announces its own
// changes on the cache channel, so no write path (a service, a script, SQL by hand) can forget
// to invalidate the cached answers, and the answers can be kept for a minute instead of 2 s.
// Statement-level: one notification per statement, and PostgreSQL folds identical
// notifications of one transaction into one, so a 5,000-row batch costs one.

const ANNOUNCING: [table: string, events: string][] = [
  // What the answer shows or decides on; a partner's contact details do not matter.
  [
    'partners',
    'INSERT OR DELETE OR TRUNCATE OR UPDATE OF organisation_id, legal_name, country, status, distributor_info_reviewed_at, renewal_due_at',
  ],
  [
    'account_claims',
    'INSERT OR DELETE OR TRUNCATE OR UPDATE OF partner_id, distributor_id, account_number, status, created_at',
  ],
  ['distributor_accounts', 'INSERT OR DELETE OR TRUNCATE OR UPDATE OF distributor_id, account_number, active'],
  ['partner_settings', 'INSERT OR DELETE OR TRUNCATE OR UPDATE'],
  // REG-10: whether staff restrict flagged partners, and who is flagged.
  ['training_settings', 'INSERT OR DELETE OR TRUNCATE OR UPDATE'],
  ['key_personnel', 'INSERT OR DELETE OR TRUNCATE OR UPDATE'],
  ['training_assignments', 'INSERT OR DELETE OR TRUNCATE OR UPDATE'],
  ['training_completions', 'INSERT OR DELETE OR TRUNCATE OR UPDATE'],
];

const trigger = (table: string) => `${table}_announce_eligibility`;

export async function up(db: Kysely<unknown>): Promise<void> {
  // The channel and topic of src/platform/cache.ts (announceChange) and distributors/access.ts.
  await sql
    .raw(
      `CREATE FUNCTION pp_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('pp_cache', TG_ARGV[0]);
         RETURN NULL;
       END $$`,
    )
    .execute(db);
  for (const [table, events] of ANNOUNCING)
    await sql
      .raw(
        `CREATE TRIGGER ${trigger(table)} AFTER ${events} ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION pp_announce_change('eligibility')`,
      )
      .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table] of ANNOUNCING) await sql.raw(`DROP TRIGGER ${trigger(table)} ON ${table}`).execute(db);
  await sql.raw('DROP FUNCTION pp_announce_change()').execute(db);
}
