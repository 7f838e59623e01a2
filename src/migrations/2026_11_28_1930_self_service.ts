import { sql, type Kysely } from 'kysely';

// Partner Self Service (issue #12): the programme's maintenance period as a staff setting (REG-4),
// colleague invitations, reminders claimed once per (partner, kind, threshold, period), public
// listing details and REG-7 findings on locations, renewals, and the view the Partner Locator
// filters on (REG-14: only partners in good standing are listed).
const up_statements = [
  `CREATE TABLE partner_settings (
     id boolean PRIMARY KEY DEFAULT true CHECK (id),
     maintenance_months integer NOT NULL DEFAULT 12 CHECK (maintenance_months BETWEEN 1 AND 60),
     updated_at timestamptz NOT NULL DEFAULT now(),
     updated_by uuid REFERENCES users(id)
   )`,
  `INSERT INTO partner_settings (id) VALUES (true)`,
  `CREATE TABLE partner_invitations (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     partner_id uuid NOT NULL REFERENCES partners(organisation_id),
     email text NOT NULL,
     role text NOT NULL CHECK (role IN ('partner_member', 'partner_admin', 'partner_signatory')),
     token_hash text NOT NULL UNIQUE,
     invited_by uuid NOT NULL REFERENCES users(id),
     created_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL,
     accepted_at timestamptz,
     accepted_by uuid REFERENCES users(id),
     revoked_at timestamptz
   )`,
  `CREATE INDEX partner_invitations_partner ON partner_invitations (partner_id, lower(email))`,
  `CREATE TABLE partner_notices (
     partner_id uuid NOT NULL REFERENCES partners(organisation_id),
     kind text NOT NULL,
     threshold integer NOT NULL,
     period text NOT NULL,
     sent_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (partner_id, kind, threshold, period)
   )`,
  `ALTER TABLE partners ADD COLUMN last_renewed_at timestamptz`,
  `ALTER TABLE partner_locations ADD COLUMN phone text`,
  `ALTER TABLE partner_locations ADD COLUMN email text`,
  `ALTER TABLE partner_locations ADD COLUMN website text`,
  `ALTER TABLE partner_locations ADD COLUMN services text[] NOT NULL DEFAULT '{}'`,
  `ALTER TABLE partner_locations ADD COLUMN findings jsonb NOT NULL DEFAULT '[]'`,
  `ALTER TABLE partner_locations ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`,
  // REG-4, REG-14: the partners whose listed locations the Locator shows. The same conditions as
  // isListable in partners.rules.ts; time-based causes (lapse, review overdue) end and start by
  // themselves because the view compares with now().
  `CREATE VIEW listable_partners AS
     SELECT p.organisation_id AS partner_id
     FROM partners p CROSS JOIN partner_settings s
     WHERE p.status = 'registered'
       AND (p.renewal_due_at IS NULL OR p.renewal_due_at > now())
       AND p.distributor_info_reviewed_at + make_interval(months => s.maintenance_months) > now()
       AND EXISTS (SELECT 1 FROM account_claims c WHERE c.partner_id = p.organisation_id AND c.status = 'confirmed')`,
];

const down_statements = [
  'DROP VIEW listable_partners',
  'ALTER TABLE partner_locations DROP COLUMN updated_at',
  'ALTER TABLE partner_locations DROP COLUMN findings',
  'ALTER TABLE partner_locations DROP COLUMN services',
  'ALTER TABLE partner_locations DROP COLUMN website',
  'ALTER TABLE partner_locations DROP COLUMN email',
  'ALTER TABLE partner_locations DROP COLUMN phone',
  'ALTER TABLE partners DROP COLUMN last_renewed_at',
  'DROP TABLE partner_notices',
  'DROP TABLE partner_invitations',
  'DROP TABLE partner_settings',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
