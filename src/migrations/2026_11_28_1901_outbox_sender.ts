import { sql, type Kysely } from 'kysely';

// PICA-4: some emails come from a particular mailbox (the help mailbox) instead of MAIL_FROM;
// the sender is also the Reply-To, so answers reach the people who can help.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE outbox ADD COLUMN sender text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE outbox DROP COLUMN sender`.execute(db);
}
