import { sql, type Kysely } from 'kysely';

// PICA-1…PICA-9: contract types and support contracts, the partner's PICA settings, administrator
// requests, sponsored customers and their sponsorships (registration number + hashed key),
// (contract days are stored as midnight UTC timestamps, as platform/dates.ts parses them)
// end-user registrations awaiting their email link, granted access and its tools.
const up_statements = [
  `CREATE TABLE pica_contract_types (
     code text PRIMARY KEY,
     name text NOT NULL,
     qualifies_pica boolean NOT NULL DEFAULT false,
     entitlements text[] NOT NULL DEFAULT '{}',
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE pica_contracts (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     number text NOT NULL,
     partner_id uuid NOT NULL REFERENCES organisations(id),
     type_code text NOT NULL REFERENCES pica_contract_types(code),
     customer_name text,
     starts_on timestamptz NOT NULL,
     ends_on timestamptz NOT NULL,
     status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'revoked')),
     version integer NOT NULL DEFAULT 1,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     CHECK (ends_on >= starts_on)
   )`,
  `CREATE UNIQUE INDEX pica_contracts_number ON pica_contracts (upper(number))`,
  `CREATE INDEX pica_contracts_partner ON pica_contracts (partner_id)`,
  `CREATE TABLE pica_partner_settings (
     partner_id uuid PRIMARY KEY REFERENCES organisations(id),
     own_brand_support boolean NOT NULL DEFAULT false,
     agreement_signed_on timestamptz,
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE pica_admin_requests (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     partner_id uuid NOT NULL REFERENCES organisations(id),
     user_id uuid NOT NULL REFERENCES users(id),
     contract_numbers text[] NOT NULL,
     job_title text NOT NULL,
     status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined')),
     internal_reason text,
     decided_by uuid REFERENCES users(id),
     decided_at timestamptz,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE UNIQUE INDEX pica_admin_requests_pending ON pica_admin_requests (partner_id, user_id) WHERE status = 'pending'`,
  `CREATE TABLE pica_admin_reminders (
     partner_id uuid NOT NULL REFERENCES organisations(id),
     month text NOT NULL,
     sent_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (partner_id, month)
   )`,
  `CREATE TABLE pica_customers (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     partner_id uuid NOT NULL REFERENCES organisations(id),
     organisation_id uuid NOT NULL REFERENCES organisations(id),
     name text NOT NULL,
     country char(2) NOT NULL,
     email_domains text[] NOT NULL,
     created_by uuid NOT NULL REFERENCES users(id),
     created_at timestamptz NOT NULL DEFAULT now(),
     last_confirmed_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX pica_customers_partner ON pica_customers (partner_id)`,
  `CREATE TABLE pica_sponsorships (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     partner_id uuid NOT NULL REFERENCES organisations(id),
     customer_id uuid NOT NULL REFERENCES pica_customers(id),
     contract_id uuid NOT NULL REFERENCES pica_contracts(id),
     registration_number text NOT NULL UNIQUE,
     key_hash text NOT NULL,
     key_issued_at timestamptz NOT NULL DEFAULT now(),
     purchase_reference text NOT NULL,
     expires_at timestamptz NOT NULL,
     max_uses integer CHECK (max_uses IS NULL OR max_uses > 0),
     uses integer NOT NULL DEFAULT 0,
     revoked_at timestamptz,
     created_by uuid NOT NULL REFERENCES users(id),
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX pica_sponsorships_partner ON pica_sponsorships (partner_id, created_at)`,
  `CREATE TABLE pica_registrations (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     sponsorship_id uuid NOT NULL REFERENCES pica_sponsorships(id),
     existing_user_id uuid REFERENCES users(id),
     user_id uuid REFERENCES users(id),
     email text NOT NULL,
     name text NOT NULL,
     language text NOT NULL,
     password_hash text,
     job_title text,
     domain_matches boolean NOT NULL DEFAULT false,
     employment_attested boolean NOT NULL DEFAULT false,
     status text NOT NULL DEFAULT 'details' CHECK (status IN ('details', 'awaiting_confirmation', 'confirmed')),
     draft_hash text NOT NULL UNIQUE,
     token_hash text UNIQUE,
     token_expires_at timestamptz,
     created_at timestamptz NOT NULL DEFAULT now(),
     confirmed_at timestamptz
   )`,
  `CREATE TABLE pica_access (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     user_id uuid NOT NULL REFERENCES users(id),
     sponsorship_id uuid NOT NULL REFERENCES pica_sponsorships(id),
     partner_id uuid NOT NULL REFERENCES organisations(id),
     customer_id uuid NOT NULL REFERENCES pica_customers(id),
     status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked', 'ended', 'suspended')),
     end_reason text,
     employment_attested boolean NOT NULL DEFAULT false,
     granted_at timestamptz NOT NULL DEFAULT now(),
     changed_at timestamptz NOT NULL DEFAULT now(),
     ended_at timestamptz
   )`,
  `CREATE UNIQUE INDEX pica_access_user_customer ON pica_access (user_id, customer_id) WHERE status = 'active'`,
  `CREATE INDEX pica_access_partner ON pica_access (partner_id, status)`,
  `CREATE TABLE pica_access_tools (
     access_id uuid NOT NULL REFERENCES pica_access(id),
     tool text NOT NULL,
     enabled boolean NOT NULL DEFAULT true,
     changed_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (access_id, tool)
   )`,
  `CREATE TABLE pica_tool_requests (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     access_id uuid NOT NULL REFERENCES pica_access(id),
     tool text NOT NULL,
     note text,
     status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'granted', 'declined')),
     decided_by uuid REFERENCES users(id),
     decided_at timestamptz,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE UNIQUE INDEX pica_tool_requests_pending ON pica_tool_requests (access_id, tool) WHERE status = 'pending'`,
];

const down_statements = [
  'DROP TABLE pica_tool_requests',
  'DROP TABLE pica_access_tools',
  'DROP TABLE pica_access',
  'DROP TABLE pica_registrations',
  'DROP TABLE pica_sponsorships',
  'DROP TABLE pica_customers',
  'DROP TABLE pica_admin_reminders',
  'DROP TABLE pica_admin_requests',
  'DROP TABLE pica_partner_settings',
  'DROP TABLE pica_contracts',
  'DROP TABLE pica_contract_types',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
