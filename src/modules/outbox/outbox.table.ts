import type { ColumnType, Generated } from 'kysely';

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface OutboxTable {
  id: Generated<number>;
  kind: Generated<string>;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  language: string;
  template: string;
  /** The From and Reply-To of this message when it is not MAIL_FROM (the help mailbox). */
  sender: ColumnType<string | null, string | null | undefined, string | null>;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  locked_until: Date | null;
  last_error: string | null;
  transport: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  sent_at: Date | null;
}

export interface OutboxTables {
  outbox: OutboxTable;
}
