import { sql, type Kysely } from 'kysely';

// REG-7, REG-8 (#11): reviewers' verdicts on flags, the allow-list of confirmed false alarms the
// address and email checks consult, and a watchlist that takes every kind of provider the
// address checks know (decision 054).
const up_statements = [
  `CREATE TABLE finding_feedback (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     application_id uuid NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
     rule text NOT NULL,
     code text NOT NULL,
     field text NOT NULL,
     verdict text NOT NULL CHECK (verdict IN ('confirmed', 'false_alarm')),
     reviewer_id uuid NOT NULL REFERENCES users(id),
     note text,
     at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (application_id, rule, code, field)
   )`,
  `CREATE INDEX finding_feedback_code ON finding_feedback (code, verdict)`,
  `CREATE TABLE address_allowlist (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     code text NOT NULL,
     phrase text NOT NULL,
     scope text,
     reason text NOT NULL,
     added_by uuid REFERENCES users(id),
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  // One entry per flag kind, phrase and scope: adding the same false alarm twice changes nothing.
  `CREATE UNIQUE INDEX address_allowlist_unique ON address_allowlist (code, lower(phrase), coalesce(lower(scope), ''))`,
  `ALTER TABLE address_watchlist DROP CONSTRAINT address_watchlist_kind_check`,
  `ALTER TABLE address_watchlist ADD CONSTRAINT address_watchlist_kind_check
     CHECK (kind IN ('mail_drop', 'virtual_office', 'logistics', 'forwarding', 'pickup_point', 'po_box', 'care_of'))`,
];

const down_statements = [
  `DELETE FROM address_watchlist WHERE kind NOT IN ('mail_drop', 'virtual_office', 'logistics')`,
  `ALTER TABLE address_watchlist DROP CONSTRAINT address_watchlist_kind_check`,
  `ALTER TABLE address_watchlist ADD CONSTRAINT address_watchlist_kind_check CHECK (kind IN ('mail_drop', 'virtual_office', 'logistics'))`,
  'DROP TABLE address_allowlist',
  'DROP TABLE finding_feedback',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
