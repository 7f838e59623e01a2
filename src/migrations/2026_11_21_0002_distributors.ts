import { sql, type Kysely } from 'kysely';

// Authorised distributors, their territories and uploaded customer account lists; resellers
// (partners) as far as distributors need them; account claims; API keys; cache notifications.
const up_statements = [
  `CREATE TABLE distributors (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     organisation_id uuid NOT NULL UNIQUE REFERENCES organisations(id),
     code text NOT NULL UNIQUE,
     legal_name text NOT NULL,
     hq_country char(2) NOT NULL,
     website text,
     phone text,
     email text,
     accepts_new_resellers boolean NOT NULL DEFAULT true,
     status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
     version integer NOT NULL DEFAULT 1,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE distributor_territories (
     distributor_id uuid NOT NULL REFERENCES distributors(id) ON DELETE CASCADE,
     country char(2) NOT NULL,
     PRIMARY KEY (distributor_id, country)
   )`,
  `CREATE INDEX distributor_territories_country ON distributor_territories (country)`,
  `CREATE TABLE account_uploads (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     distributor_id uuid NOT NULL REFERENCES distributors(id),
     filename text NOT NULL,
     status text NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'done', 'failed')),
     rows_read integer NOT NULL DEFAULT 0,
     rows_written integer NOT NULL DEFAULT 0,
     rows_rejected integer NOT NULL DEFAULT 0,
     duplicates integer NOT NULL DEFAULT 0,
     problems jsonb NOT NULL DEFAULT '[]'::jsonb,
     failure text,
     uploaded_by uuid REFERENCES users(id),
     created_at timestamptz NOT NULL DEFAULT now(),
     finished_at timestamptz
   )`,
  `CREATE INDEX account_uploads_distributor ON account_uploads (distributor_id, created_at DESC)`,
  `CREATE TABLE distributor_accounts (
     distributor_id uuid NOT NULL REFERENCES distributors(id),
     account_number text NOT NULL,
     reseller_name text,
     country char(2),
     active boolean NOT NULL DEFAULT true,
     upload_id uuid REFERENCES account_uploads(id),
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (distributor_id, account_number)
   )`,
  `CREATE TABLE partners (
     organisation_id uuid PRIMARY KEY REFERENCES organisations(id),
     legal_name text NOT NULL,
     country char(2) NOT NULL,
     status text NOT NULL DEFAULT 'applicant' CHECK (status IN ('applicant', 'registered', 'suspended', 'terminated')),
     registered_at timestamptz,
     initial_distributor_id uuid REFERENCES distributors(id),
     distributor_info_reviewed_at timestamptz,
     contact_name text,
     contact_email text,
     contact_phone text,
     version integer NOT NULL DEFAULT 1,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX partners_initial_distributor ON partners (initial_distributor_id, registered_at DESC)`,
  `CREATE TABLE account_claims (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     partner_id uuid NOT NULL REFERENCES partners(organisation_id),
     distributor_id uuid NOT NULL REFERENCES distributors(id),
     account_number text NOT NULL,
     status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
     decided_by uuid REFERENCES users(id),
     decided_at timestamptz,
     decision_source text CHECK (decision_source IN ('list', 'distributor')),
     note text,
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (partner_id, distributor_id, account_number)
   )`,
  `CREATE INDEX account_claims_account ON account_claims (distributor_id, account_number)`,
  `CREATE INDEX account_claims_pending ON account_claims (distributor_id, created_at) WHERE status = 'pending'`,
  `CREATE TABLE api_keys (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     organisation_id uuid NOT NULL REFERENCES organisations(id),
     name text NOT NULL,
     prefix text NOT NULL,
     key_hash text NOT NULL UNIQUE,
     created_by uuid NOT NULL REFERENCES users(id),
     created_at timestamptz NOT NULL DEFAULT now(),
     revoked_at timestamptz,
     last_used_at timestamptz
   )`,
  `CREATE INDEX api_keys_organisation ON api_keys (organisation_id)`,
];

const down_statements = [
  'DROP TABLE api_keys',
  'DROP TABLE account_claims',
  'DROP TABLE partners',
  'DROP TABLE distributor_accounts',
  'DROP TABLE account_uploads',
  'DROP TABLE distributor_territories',
  'DROP TABLE distributors',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
