import { sql, type Kysely } from 'kysely';

// REG-2: a claim records which company the distributor's list names for the account and how
// well that name matched the applicant's (decision 018), so distributors and reviewers see why
// a claim was or was not confirmed automatically.
const up_statements = [
  `ALTER TABLE account_claims ADD COLUMN listed_name text`,
  `ALTER TABLE account_claims ADD COLUMN name_match_score numeric(4, 3) CHECK (name_match_score BETWEEN 0 AND 1)`,
  `ALTER TABLE account_claims ADD COLUMN name_matched boolean`,
];

const down_statements = [
  'ALTER TABLE account_claims DROP COLUMN name_matched',
  'ALTER TABLE account_claims DROP COLUMN name_match_score',
  'ALTER TABLE account_claims DROP COLUMN listed_name',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
