import type { ColumnType, Generated } from 'kysely';

/** what happened, written in the transaction of the change it records. */
export interface AuditLogTable {
  id: Generated<number>;
  occurred_at: Date;
  actor_user_id: string | null;
  actor_label: string;
  action: string;
  subject_type: string;
  subject_id: string;
  organisation_id: string | null;
  ip: string | null;
  data: ColumnType<Record<string, unknown>, string, never>;
}

/**
 * The hash chain over audit_log, one link per row, in the order the chainer took the rows
 * (`position`), which is the order their transactions committed (decision 068).
 */
export interface AuditChainTable {
  position: number;
  audit_id: number;
  prev_hash: string;
  hash: string;
}

/** Audit rows committed but not yet linked into the chain (filled by a trigger on audit_log). */
export interface AuditUnchainedTable {
  audit_id: number;
}

export interface AuditTables {
  audit_log: AuditLogTable;
  audit_chain: AuditChainTable;
  audit_unchained: AuditUnchainedTable;
}
