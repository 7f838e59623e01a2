import { sql, type Kysely } from 'kysely';

// #16 item 3: the per-route request rate limits, counted in the database so that every process
// sharing it counts the same hits (decision 059). One row per limited route and client: the
// window it is counting and the hits in it. UNLOGGED: the counters write no WAL, so a hit costs
// no disk flush at commit; after a database crash the table starts empty, which only forgets
// the hits of the last minute.
const up_statements = [
  `CREATE UNLOGGED TABLE rate_limit_hits (
     key text PRIMARY KEY,
     count integer NOT NULL,
     expires_at timestamptz NOT NULL
   )`,
];

const down_statements = ['DROP TABLE rate_limit_hits'];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
