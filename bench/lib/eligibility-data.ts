/**
 * The purchase-eligibility benchmark's data (REG-4), loaded inside the database with
 * generate_series, the same statements on PostgreSQL and on PGlite: one distributor with an API
 * key, a list of `listRows` accounts (1 in 50 closed), `partners` registered partners (1 in 50
 * with a review overdue), and claims on 19 of 20 accounts (1 in 100 still pending), so that
 * about 90 % of listed accounts are eligible.
 */
import { sql } from 'kysely';
import type { Db } from '../../src/platform/db.ts';
import { hashSecret } from '../../src/platform/tokens.ts';

export interface EligibilityData {
  seconds: number;
  counts: { listRows: number; claims: number; partners: number };
}

/**
 * `db` must hold one session (a pool of one, or PGlite): the session settings below hold for
 * every statement of the load.
 */
export async function loadEligibilityData(
  db: Db,
  settings: { listRows: number; partners: number },
  apiKey: string,
  log: (message: string) => void,
): Promise<EligibilityData> {
  const started = Date.now();
  const rows = async <R>(query: ReturnType<typeof sql<R>>) => (await query.execute(db)).rows;
  await sql`SET synchronous_commit = off`.execute(db);
  // Bulk load without a foreign-key check (or a change notification) per row: the rows are
  // consistent by construction. Needs a superuser (the default postgres role, PGlite's own
  // session); without it the load is slower, not wrong.
  await sql`SET session_replication_role = replica`
    .execute(db)
    .catch(() => log('(not a superuser: loading with foreign-key checks)'));
  const [org] = await rows(
    sql<{
      id: string;
    }>`INSERT INTO organisations (kind, name) VALUES ('distributor', 'Benchmark Distribution GmbH') RETURNING id`,
  );
  const [distributor] = await rows(
    sql<{ id: string }>`INSERT INTO distributors (organisation_id, code, legal_name, hq_country)
      VALUES (${org!.id}, 'BENCH', 'Benchmark Distribution GmbH', 'DE') RETURNING id`,
  );
  const distributorId = distributor!.id;
  await sql`INSERT INTO distributor_territories (distributor_id, country) VALUES (${distributorId}, 'AT'), (${distributorId}, 'CH')`.execute(
    db,
  );
  const [user] = await rows(
    sql<{ id: string }>`INSERT INTO users (email, name, password_hash, email_verified_at)
      VALUES ('bench@benchmark-distribution.example', 'Benchmark Operator', 'not-a-password-hash', now()) RETURNING id`,
  );
  await sql`INSERT INTO user_roles (user_id, role, organisation_id) VALUES (${user!.id}, 'distributor_admin', ${org!.id})`.execute(
    db,
  );
  await sql`INSERT INTO api_keys (organisation_id, name, prefix, key_hash, created_by)
    VALUES (${org!.id}, 'benchmark', 'benchkey', ${hashSecret(apiKey)}, ${user!.id})`.execute(db);
  const [upload] = await rows(
    sql<{
      id: string;
    }>`INSERT INTO account_uploads (distributor_id, filename, status, rows_read, rows_written, uploaded_by, finished_at)
      VALUES (${distributorId}, 'benchmark.csv', 'done', ${settings.listRows}, ${settings.listRows}, ${user!.id}, now()) RETURNING id`,
  );
  log(`loading ${settings.listRows.toLocaleString('en')} account-list rows`);
  // Every 50th account is closed on the list.
  await sql`INSERT INTO distributor_accounts (distributor_id, account_number, reseller_name, country, active, upload_id)
    SELECT ${distributorId}, 'ACC-' || lpad(g::text, 7, '0'), 'Reseller ' || (g % ${settings.partners}), 'DE', g % 50 <> 0, ${upload!.id}
    FROM generate_series(1, ${settings.listRows}::int) g`.execute(db);
  log(`loading ${settings.partners.toLocaleString('en')} registered partners`);
  await sql`CREATE TEMP TABLE bench_partner (n int PRIMARY KEY, id uuid NOT NULL)`.execute(db);
  await sql`WITH o AS (
      INSERT INTO organisations (kind, name)
      SELECT 'partner', 'Benchmark Reseller ' || g FROM generate_series(0, ${settings.partners}::int - 1) g RETURNING id, name
    )
    INSERT INTO bench_partner (n, id) SELECT substring(name FROM 20)::int, id FROM o`.execute(db);
  // Every 50th partner has not reviewed its distributor information in two years (REG-4).
  await sql`INSERT INTO partners (organisation_id, legal_name, country, status, registered_at, initial_distributor_id,
      distributor_info_reviewed_at, contact_email)
    SELECT id, 'Benchmark Reseller ' || n, 'DE', 'registered', now() - interval '3 years', ${distributorId},
           CASE WHEN n % 50 = 0 THEN now() - interval '2 years' ELSE now() - interval '1 month' END,
           'reseller' || n || '@benchmark-reseller.example'
    FROM bench_partner`.execute(db);
  log('loading claims (19 of 20 accounts claimed, 1 in 100 still pending)');
  await sql`INSERT INTO account_claims (partner_id, distributor_id, account_number, status, decided_at, decision_source)
    SELECT p.id, ${distributorId}, 'ACC-' || lpad(g::text, 7, '0'),
           CASE WHEN g % 100 = 1 THEN 'pending' ELSE 'confirmed' END,
           CASE WHEN g % 100 = 1 THEN NULL ELSE now() END,
           CASE WHEN g % 100 = 1 THEN NULL ELSE 'list' END
    FROM generate_series(1, ${settings.listRows}::int) g JOIN bench_partner p ON p.n = g % ${settings.partners}
    WHERE g % 20 <> 0`.execute(db);
  await sql`DROP TABLE bench_partner`.execute(db);
  await sql`SET session_replication_role = origin`.execute(db).catch(() => undefined);
  await sql`VACUUM ANALYZE`.execute(db);
  const [counts] = await rows(
    sql<{ list: number; claims: number; partners: number }>`SELECT
      (SELECT count(*) FROM distributor_accounts)::int AS list,
      (SELECT count(*) FROM account_claims)::int AS claims,
      (SELECT count(*) FROM partners)::int AS partners`,
  );
  return {
    seconds: (Date.now() - started) / 1000,
    counts: { listRows: counts!.list, claims: counts!.claims, partners: counts!.partners },
  };
}
