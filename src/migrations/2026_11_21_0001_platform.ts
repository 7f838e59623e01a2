import { sql, type Kysely } from 'kysely';

// The platform's tables: accounts and sessions, roles, organisations, the audit chain and the
// email outbox. Each statement runs on its own because PGlite's extended protocol takes one.
const up_statements = [
  `CREATE TABLE organisations (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     kind text NOT NULL CHECK (kind IN ('vendor', 'partner', 'distributor', 'customer')),
     name text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE users (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     email text NOT NULL,
     name text NOT NULL,
     password_hash text NOT NULL,
     language text NOT NULL DEFAULT 'en',
     email_verified_at timestamptz,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE UNIQUE INDEX users_email_key ON users (lower(email))`,
  `CREATE TABLE user_roles (
     user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     role text NOT NULL,
     organisation_id uuid REFERENCES organisations(id),
     granted_at timestamptz NOT NULL DEFAULT now(),
     granted_by uuid REFERENCES users(id)
   )`,
  `CREATE UNIQUE INDEX user_roles_key ON user_roles (user_id, role, coalesce(organisation_id, '00000000-0000-0000-0000-000000000000'::uuid))`,
  `CREATE TABLE sessions (
     id_hash text PRIMARY KEY,
     user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     created_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL,
     ip text,
     user_agent text
   )`,
  `CREATE INDEX sessions_user_id ON sessions (user_id)`,
  `CREATE TABLE email_tokens (
     token_hash text PRIMARY KEY,
     user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
     created_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL,
     used_at timestamptz
   )`,
  `CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose)`,
  `CREATE TABLE sign_in_throttle (
     key text PRIMARY KEY,
     failures integer NOT NULL DEFAULT 0,
     window_started_at timestamptz NOT NULL,
     blocked_until timestamptz
   )`,
  `CREATE TABLE audit_log (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     occurred_at timestamptz NOT NULL,
     actor_user_id uuid,
     actor_label text NOT NULL,
     action text NOT NULL,
     subject_type text NOT NULL,
     subject_id text NOT NULL,
     organisation_id uuid,
     ip text,
     data jsonb NOT NULL DEFAULT '{}'::jsonb,
     prev_hash text NOT NULL,
     hash text NOT NULL UNIQUE
   )`,
  `CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id)`,
  `CREATE INDEX audit_log_organisation ON audit_log (organisation_id, id)`,
  // Append-only: the database itself refuses to change or remove a row.
  `CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'audit_log is append-only';
   END $$`,
  `CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
     FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`,
  `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
     FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`,
  `CREATE TABLE outbox (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     kind text NOT NULL DEFAULT 'email',
     recipient text NOT NULL,
     subject text NOT NULL,
     text_body text NOT NULL,
     html_body text NOT NULL,
     language text NOT NULL,
     template text NOT NULL,
     status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
     attempts integer NOT NULL DEFAULT 0,
     next_attempt_at timestamptz NOT NULL DEFAULT now(),
     locked_until timestamptz,
     last_error text,
     transport text,
     created_at timestamptz NOT NULL DEFAULT now(),
     sent_at timestamptz
   )`,
  `CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending'`,
  `CREATE INDEX outbox_recipient ON outbox (lower(recipient), id)`,
];

const down_statements = [
  'DROP TABLE outbox',
  'DROP TABLE audit_log',
  'DROP FUNCTION audit_log_is_append_only',
  'DROP TABLE sign_in_throttle',
  'DROP TABLE email_tokens',
  'DROP TABLE sessions',
  'DROP TABLE user_roles',
  'DROP TABLE users',
  'DROP TABLE organisations',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
