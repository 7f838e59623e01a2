import { sql, type Kysely } from 'kysely';

// Programme staff's side: decisions (with the internal reason kept apart from anything an
// applicant reads), assignments, the reviewer's checklist, what an approval creates (training
// assignments, draft locator listing, agreement dates) and the denied-party screening list.
const up_statements = [
  `CREATE TABLE application_decisions (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     application_id uuid NOT NULL REFERENCES applications(id),
     decision text NOT NULL CHECK (decision IN ('approved', 'declined', 'info_requested')),
     internal_reason text,
     question text,
     decided_by uuid NOT NULL REFERENCES users(id),
     decided_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX application_decisions_application ON application_decisions (application_id, decided_at)`,
  `CREATE TABLE application_assignments (
     application_id uuid PRIMARY KEY REFERENCES applications(id),
     reviewer_id uuid NOT NULL REFERENCES users(id),
     claimed_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE review_checklist (
     application_id uuid NOT NULL REFERENCES applications(id),
     item text NOT NULL,
     checked_by uuid NOT NULL REFERENCES users(id),
     checked_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (application_id, item)
   )`,
  `ALTER TABLE partners ADD COLUMN agreement_id uuid REFERENCES agreements(id)`,
  `ALTER TABLE partners ADD COLUMN agreement_effective_at timestamptz`,
  `ALTER TABLE partners ADD COLUMN renewal_due_at timestamptz`,
  `CREATE TABLE training_assignments (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     partner_id uuid NOT NULL REFERENCES partners(organisation_id),
     person_name text NOT NULL,
     person_email text NOT NULL,
     person_role text,
     course text NOT NULL DEFAULT 'anticorruption',
     due_at timestamptz NOT NULL,
     completed_at timestamptz,
     provider text CHECK (provider IN ('partner', 'vendor', 'third_party')),
     evidence text,
     reminders_sent integer NOT NULL DEFAULT 0,
     last_reminder_at timestamptz,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX training_assignments_due ON training_assignments (due_at) WHERE completed_at IS NULL`,
  `CREATE INDEX training_assignments_partner ON training_assignments (partner_id)`,
  `CREATE TABLE partner_locations (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     partner_id uuid NOT NULL REFERENCES partners(organisation_id),
     lines text[] NOT NULL,
     city text NOT NULL,
     postcode text,
     country char(2) NOT NULL,
     type text NOT NULL,
     listed boolean NOT NULL DEFAULT false,
     latitude double precision,
     longitude double precision,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX partner_locations_partner ON partner_locations (partner_id)`,
  `CREATE INDEX partner_locations_country_city ON partner_locations (country, lower(city)) WHERE listed`,
  `CREATE TABLE denied_parties (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     name text NOT NULL,
     normalised_name text NOT NULL,
     country char(2),
     source text NOT NULL,
     list_date date,
     imported_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (normalised_name, country, source)
   )`,
];

const down_statements = [
  'DROP TABLE denied_parties',
  'DROP TABLE partner_locations',
  'DROP TABLE training_assignments',
  'ALTER TABLE partners DROP COLUMN renewal_due_at',
  'ALTER TABLE partners DROP COLUMN agreement_effective_at',
  'ALTER TABLE partners DROP COLUMN agreement_id',
  'DROP TABLE review_checklist',
  'DROP TABLE application_assignments',
  'DROP TABLE application_decisions',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
