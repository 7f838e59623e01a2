import { sql, type Kysely } from 'kysely';

// REG-12, #15 (decision 064, amendment of 2026-11-29 "the staff queue"): the review queue lists the
// oldest 500 applications waiting for staff out of 10,000 or more. Its query read every waiting
// application (a sequential scan, two hash joins, a top-500 sort) and, for each row shown, found
// the latest submission and counted its `review` findings: about 80 ms of PostgreSQL per miss of
// the queue's cache on the benchmark's data, where the rows themselves take about 1 ms.
//
// - applications_waiting: the waiting applications in age order, so the first 500 are read from an
//   index and joined one by one (the existing (status, submitted_at) index cannot give one order
//   for two statuses).
// - applications.review_flags: the latest submission's `review` findings, counted when the
//   submission is written (a submission is immutable, and the newest one is the latest). A trigger
//   rather than the service, so no path that writes a submission can forget it.
const UP = [
  `CREATE INDEX applications_waiting ON applications (submitted_at) WHERE status IN ('submitted', 'info_requested')`,
  `ALTER TABLE applications ADD COLUMN review_flags integer NOT NULL DEFAULT 0`,
  `CREATE FUNCTION pp_count_review_flags() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     UPDATE applications
        SET review_flags = (SELECT count(*) FROM jsonb_array_elements(NEW.findings) f WHERE f->>'outcome' = 'review')
      WHERE id = NEW.application_id;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER application_submissions_review_flags AFTER INSERT ON application_submissions
     FOR EACH ROW EXECUTE FUNCTION pp_count_review_flags()`,
  `UPDATE applications a
      SET review_flags = (SELECT count(*) FROM jsonb_array_elements(s.findings) f WHERE f->>'outcome' = 'review')
     FROM application_submissions s
    WHERE s.application_id = a.id
      AND s.sequence = (SELECT max(sequence) FROM application_submissions WHERE application_id = a.id)`,
];

const DOWN = [
  'DROP TRIGGER application_submissions_review_flags ON application_submissions',
  'DROP FUNCTION pp_count_review_flags()',
  'ALTER TABLE applications DROP COLUMN review_flags',
  'DROP INDEX applications_waiting',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await sql.raw(statement).execute(db);
}
