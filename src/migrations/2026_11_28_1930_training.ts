import { sql, type Kysely } from 'kysely';

// REG-10 anticorruption training, end to end: key personnel as people the partner designates
// (an assignment is one person's obligation for one period), accepted courses, completion
// records with their certificate, staff settings, and one row per reminder sent so that each
// (assignment, threshold) is emailed exactly once even with several app processes.
const up_statements = [
  `CREATE TABLE training_settings (
     id boolean PRIMARY KEY DEFAULT true CHECK (id),
     grace_days integer NOT NULL DEFAULT 90 CHECK (grace_days BETWEEN 0 AND 730),
     flag_after_days integer NOT NULL DEFAULT 30 CHECK (flag_after_days BETWEEN 0 AND 730),
     restrict_non_compliant boolean NOT NULL DEFAULT false,
     version integer NOT NULL DEFAULT 1,
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `INSERT INTO training_settings DEFAULT VALUES`,
  `CREATE TABLE training_courses (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     name text NOT NULL,
     provider text NOT NULL CHECK (provider IN ('vendor', 'partner', 'third_party')),
     languages text[] NOT NULL DEFAULT '{}',
     link text,
     validity_months integer NOT NULL DEFAULT 12 CHECK (validity_months BETWEEN 1 AND 120),
     active boolean NOT NULL DEFAULT true,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE key_personnel (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     partner_id uuid NOT NULL REFERENCES partners(organisation_id),
     user_id uuid REFERENCES users(id),
     name text NOT NULL,
     email text NOT NULL,
     role text,
     added_at timestamptz NOT NULL,
     removed_at timestamptz,
     version integer NOT NULL DEFAULT 1
   )`,
  `CREATE UNIQUE INDEX key_personnel_current_email ON key_personnel (partner_id, lower(email)) WHERE removed_at IS NULL`,
  `ALTER TABLE training_assignments ADD COLUMN key_person_id uuid REFERENCES key_personnel(id)`,
  `ALTER TABLE training_assignments ADD COLUMN ended_at timestamptz`,
  // Recertification: the next period's assignment names the one it follows, once.
  `ALTER TABLE training_assignments ADD COLUMN previous_id uuid UNIQUE REFERENCES training_assignments(id)`,
  `INSERT INTO key_personnel (partner_id, name, email, role, added_at)
     SELECT DISTINCT ON (partner_id, lower(person_email)) partner_id, person_name, person_email, person_role, created_at
     FROM training_assignments ORDER BY partner_id, lower(person_email), created_at`,
  `UPDATE training_assignments t SET key_person_id = k.id
     FROM key_personnel k WHERE k.partner_id = t.partner_id AND lower(k.email) = lower(t.person_email)`,
  `CREATE INDEX training_assignments_key_person ON training_assignments (key_person_id)`,
  `CREATE TABLE training_completions (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     assignment_id uuid NOT NULL REFERENCES training_assignments(id),
     course_id uuid REFERENCES training_courses(id),
     course_name text NOT NULL,
     provider text NOT NULL CHECK (provider IN ('vendor', 'partner', 'third_party')),
     completed_at timestamptz NOT NULL,
     certificate_number text,
     certificate bytea,
     certificate_type text CHECK (certificate_type IN ('application/pdf', 'image/png', 'image/jpeg')),
     certificate_name text,
     status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'verified', 'rejected')),
     review_reason text,
     reviewed_by uuid REFERENCES users(id),
     reviewed_at timestamptz,
     source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'learning_system')),
     external_system text,
     external_id text,
     recorded_by uuid REFERENCES users(id),
     recorded_at timestamptz NOT NULL,
     version integer NOT NULL DEFAULT 1,
     UNIQUE (external_system, external_id)
   )`,
  `CREATE INDEX training_completions_assignment ON training_completions (assignment_id, recorded_at)`,
  `CREATE INDEX training_completions_status ON training_completions (status)`,
  `CREATE TABLE training_reminders (
     assignment_id uuid NOT NULL REFERENCES training_assignments(id),
     threshold text NOT NULL CHECK (threshold IN ('90', '30', '7', 'overdue')),
     sent_at timestamptz NOT NULL,
     PRIMARY KEY (assignment_id, threshold)
   )`,
];

const down_statements = [
  'DROP TABLE training_reminders',
  'DROP TABLE training_completions',
  'DROP INDEX training_assignments_key_person',
  'ALTER TABLE training_assignments DROP COLUMN previous_id',
  'ALTER TABLE training_assignments DROP COLUMN ended_at',
  'ALTER TABLE training_assignments DROP COLUMN key_person_id',
  'DROP TABLE key_personnel',
  'DROP TABLE training_courses',
  'DROP TABLE training_settings',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
