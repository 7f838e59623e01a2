import { sql, type Kysely } from 'kysely';

// The Partner Registration Tool: versioned agreements, applications (draft → submitted → decided),
// who may work on a draft, signatory invitations, immutable submission snapshots, consent records,
// and the maintained list of mail-drop / virtual-office / logistics providers (REG-7).
const up_statements = [
  `CREATE TABLE agreements (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     kind text NOT NULL DEFAULT 'icpa' CHECK (kind IN ('icpa', 'pica')),
     version text NOT NULL,
     title text NOT NULL,
     body text NOT NULL,
     body_hash text NOT NULL,
     effective_at timestamptz NOT NULL,
     published_at timestamptz NOT NULL DEFAULT now(),
     published_by uuid REFERENCES users(id),
     UNIQUE (kind, version)
   )`,
  `CREATE TABLE applications (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     reference text NOT NULL UNIQUE,
     created_by uuid NOT NULL REFERENCES users(id),
     status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'info_requested', 'approved', 'declined')),
     answers jsonb NOT NULL DEFAULT '{}'::jsonb,
     completed_steps text[] NOT NULL DEFAULT '{}',
     legal_name text,
     country char(2),
     partner_id uuid REFERENCES partners(organisation_id),
     signatory_user_id uuid REFERENCES users(id),
     signatory_name text,
     signatory_title text,
     staff_question text,
     applicant_answer text,
     submitted_at timestamptz,
     decided_at timestamptz,
     version integer NOT NULL DEFAULT 1,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX applications_status ON applications (status, submitted_at)`,
  `CREATE TABLE application_members (
     application_id uuid NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
     user_id uuid NOT NULL REFERENCES users(id),
     role text NOT NULL CHECK (role IN ('preparer', 'signatory')),
     added_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (application_id, user_id)
   )`,
  `CREATE INDEX application_members_user ON application_members (user_id)`,
  `CREATE TABLE signatory_invitations (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     application_id uuid NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
     email text NOT NULL,
     token_hash text NOT NULL UNIQUE,
     invited_by uuid NOT NULL REFERENCES users(id),
     created_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL,
     accepted_by uuid REFERENCES users(id),
     accepted_at timestamptz
   )`,
  `CREATE TABLE application_submissions (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     application_id uuid NOT NULL REFERENCES applications(id),
     sequence integer NOT NULL,
     submitted_by uuid NOT NULL REFERENCES users(id),
     submitted_at timestamptz NOT NULL DEFAULT now(),
     answers jsonb NOT NULL,
     findings jsonb NOT NULL,
     agreement_id uuid NOT NULL REFERENCES agreements(id),
     signatory_name text NOT NULL,
     signatory_title text NOT NULL,
     UNIQUE (application_id, sequence)
   )`,
  `CREATE TABLE consents (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     application_id uuid NOT NULL REFERENCES applications(id),
     submission_id uuid NOT NULL REFERENCES application_submissions(id),
     user_id uuid NOT NULL REFERENCES users(id),
     kind text NOT NULL CHECK (kind IN ('icpa', 'release_of_information', 'signature_authority')),
     agreement_id uuid REFERENCES agreements(id),
     text_version text NOT NULL,
     text_hash text NOT NULL,
     accepted_at timestamptz NOT NULL DEFAULT now(),
     ip text,
     user_agent text
   )`,
  `CREATE INDEX consents_application ON consents (application_id)`,
  // Snapshots and consent records are evidence: the database refuses to change them.
  `CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION '% is immutable', TG_TABLE_NAME;
   END $$`,
  `CREATE TRIGGER application_submissions_immutable BEFORE UPDATE OR DELETE ON application_submissions FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
  `CREATE TRIGGER consents_immutable BEFORE UPDATE OR DELETE ON consents FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
  `CREATE TABLE address_watchlist (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     kind text NOT NULL CHECK (kind IN ('mail_drop', 'virtual_office', 'logistics')),
     name text NOT NULL,
     country char(2),
     note text,
     added_by uuid REFERENCES users(id),
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (kind, name)
   )`,
];

const down_statements = [
  'DROP TABLE address_watchlist',
  'DROP TABLE consents',
  'DROP TABLE application_submissions',
  'DROP FUNCTION refuse_change',
  'DROP TABLE signatory_invitations',
  'DROP TABLE application_members',
  'DROP TABLE applications',
  'DROP TABLE agreements',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
