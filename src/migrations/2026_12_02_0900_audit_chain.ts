import { sql, type Kysely } from 'kysely';

// #15, decision 068: the audit hash chain moves out of audit_log into audit_chain, built after
// commit by one chainer at a time, so that a transaction that writes audit rows no longer holds
// the chain's lock until it commits. audit_log keeps the facts, written in the transaction of
// the change as before; a trigger queues each new row in audit_unchained, in the same
// transaction, so a committed row is always either linked or queued, even after a crash.
// The links written so far move over unchanged (position = id), so the chain still verifies.
const up_statements = [
  `CREATE TABLE audit_chain (
     position bigint PRIMARY KEY,
     audit_id bigint NOT NULL UNIQUE REFERENCES audit_log (id),
     prev_hash text NOT NULL,
     hash text NOT NULL
   )`,
  `INSERT INTO audit_chain (position, audit_id, prev_hash, hash) SELECT id, id, prev_hash, hash FROM audit_log`,
  `CREATE FUNCTION audit_chain_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'audit_chain is append-only';
   END $$`,
  `CREATE TRIGGER audit_chain_no_update BEFORE UPDATE OR DELETE ON audit_chain
     FOR EACH ROW EXECUTE FUNCTION audit_chain_is_append_only()`,
  `CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
     FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_is_append_only()`,
  // The chainer's queue; it deletes what it links, in the transaction that links it.
  `CREATE TABLE audit_unchained (audit_id bigint PRIMARY KEY)`,
  `CREATE FUNCTION audit_log_queue_for_chain() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     INSERT INTO audit_unchained (audit_id) SELECT id FROM added;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER audit_log_queue_for_chain AFTER INSERT ON audit_log
     REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION audit_log_queue_for_chain()`,
  `ALTER TABLE audit_log DROP COLUMN prev_hash, DROP COLUMN hash`,
];

// Puts the links back on the rows. Rows still queued get none (chain them first: `audit
// verify` does), and the previous code walks the chain in id order, so history linked in a
// different order after `up` no longer verifies with it.
const down_statements = [
  `ALTER TABLE audit_log ADD COLUMN prev_hash text, ADD COLUMN hash text`,
  `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`,
  `UPDATE audit_log a SET prev_hash = c.prev_hash, hash = c.hash FROM audit_chain c WHERE c.audit_id = a.id`,
  `ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`,
  `DROP TRIGGER audit_log_queue_for_chain ON audit_log`,
  `DROP FUNCTION audit_log_queue_for_chain`,
  `DROP TABLE audit_unchained`,
  `DROP TABLE audit_chain`,
  `DROP FUNCTION audit_chain_is_append_only`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of down_statements) await sql.raw(statement).execute(db);
}
