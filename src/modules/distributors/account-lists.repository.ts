import { sql, type Selectable } from 'kysely';
import type { Executor, Trx } from '../../platform/db.ts';
import { isUuid } from '../../platform/ids.ts';
import type { AccountUploadsTable, DistributorAccountsTable, UploadProblem } from './distributors.table.ts';

export type UploadRow = Selectable<AccountUploadsTable>;

// Customer account lists (REG-2): uploads and their rows.

export async function insertUpload(
  db: Executor,
  row: { distributor_id: string; filename: string; uploaded_by: string | null },
) {
  return db.insertInto('account_uploads').values(row).returning(['id']).executeTakeFirstOrThrow();
}

export async function recordUploadProgress(
  db: Executor,
  id: string,
  progress: { rows_read: number; rows_written: number; rows_rejected: number; duplicates: number },
) {
  await db.updateTable('account_uploads').set(progress).where('id', '=', id).execute();
}

export async function finishUpload(
  db: Executor,
  id: string,
  result: {
    status: 'done' | 'failed';
    rows_read: number;
    rows_written: number;
    rows_rejected: number;
    duplicates: number;
    problems: UploadProblem[];
    failure: string | null;
  },
) {
  await db
    .updateTable('account_uploads')
    .set({ ...result, problems: JSON.stringify(result.problems), finished_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function findUpload(db: Executor, id: string): Promise<UploadRow | undefined> {
  return db.selectFrom('account_uploads').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listUploads(db: Executor, distributorId: string, limit = 10): Promise<UploadRow[]> {
  return db
    .selectFrom('account_uploads')
    .selectAll()
    .where('distributor_id', '=', distributorId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** One line of a distributor's list, as written. */
export type AccountListRow = Pick<
  Selectable<DistributorAccountsTable>,
  'account_number' | 'reseller_name' | 'country' | 'active'
>;

export async function findListed(db: Executor, distributorId: string, accountNumber: string) {
  return db
    .selectFrom('distributor_accounts')
    .select(['active', 'reseller_name'])
    .where('distributor_id', '=', distributorId)
    .where('account_number', '=', accountNumber)
    .executeTakeFirst();
}

/** How many rows a distributor's list has. */
export async function countAccounts(db: Executor, distributorId: string): Promise<number> {
  const row = await db
    .selectFrom('distributor_accounts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('distributor_id', '=', distributorId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Uploads left "processing" by a process that stopped; they will never finish. */
export async function failInterruptedUploads(db: Executor, startedBefore: Date): Promise<number> {
  const rows = await db
    .updateTable('account_uploads')
    .set({
      status: 'failed',
      failure: 'The upload was interrupted by a restart; the account list was not changed. Upload the file again.',
      finished_at: new Date(),
    })
    .where('status', '=', 'processing')
    .where('created_at', '<', startedBefore)
    .returning('id')
    .execute();
  return rows.length;
}

// Staging (decision 067): an upload's rows are first written to a table of its own, outside any
// transaction, then applied to the list in one transaction. Until that transaction commits the
// list is unchanged, so a failed or interrupted upload changes nothing.

const STAGING_PREFIX = 'account_upload_rows_';

function stagingName(uploadId: string): string {
  if (!isUuid(uploadId)) throw new Error(`not an upload id: ${uploadId}`);
  return `${STAGING_PREFIX}${uploadId.replaceAll('-', '').toLowerCase()}`;
}

const stagingTable = (uploadId: string) => sql.table(stagingName(uploadId));

/**
 * The upload's staging table. UNLOGGED: its rows write no WAL, and after a crash it comes back
 * empty, which is all a half-read upload needs. No index: rows are only appended, then read
 * back in physical order (applyStagedRows).
 */
export async function createStaging(db: Executor, uploadId: string): Promise<void> {
  await sql`CREATE UNLOGGED TABLE ${stagingTable(uploadId)} (
      line integer NOT NULL,
      account_number text NOT NULL,
      reseller_name text,
      country text,
      active boolean NOT NULL
    )`.execute(db);
}

export async function dropStaging(db: Executor, uploadId: string): Promise<void> {
  await sql`DROP TABLE IF EXISTS ${stagingTable(uploadId)}`.execute(db);
}

/** One batch of validated rows, column by column (the order of the file). */
export interface StagedColumns {
  lines: number[];
  numbers: string[];
  names: (string | null)[];
  countries: (string | null)[];
  active: boolean[];
}

/** Appends a batch in one statement: five arrays as five parameters, whatever the batch's size. */
export async function stageRows(db: Executor, uploadId: string, rows: StagedColumns): Promise<void> {
  if (rows.lines.length === 0) return;
  await sql`INSERT INTO ${stagingTable(uploadId)} (line, account_number, reseller_name, country, active)
    SELECT * FROM unnest(${rows.lines}::int[], ${rows.numbers}::text[], ${rows.names}::text[],
      ${rows.countries}::text[], ${rows.active}::boolean[])`.execute(db);
}

/**
 * Duplicates within the file: removes every staged row but the last of each account number
 * (the last row wins, as it always has) and answers how many numbers repeat, how many rows were
 * removed, and the first `listed` numbers in the order the file first names them.
 */
export async function removeSupersededRows(
  db: Executor,
  uploadId: string,
  listed: number,
): Promise<{ numbers: number; rowsRemoved: number; first: string[] }> {
  const staging = stagingTable(uploadId);
  const { rows } = await sql<{ numbers: number; removed: number; first: string[] }>`
    WITH dup AS MATERIALIZED (
      SELECT account_number, min(line) AS first_line, max(line) AS kept_line
      FROM ${staging} GROUP BY account_number HAVING count(*) > 1
    ), removed AS (
      DELETE FROM ${staging} s USING dup
      WHERE s.account_number = dup.account_number AND s.line < dup.kept_line
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM dup)::int AS numbers,
      (SELECT count(*) FROM removed)::int AS removed,
      coalesce((SELECT json_agg(account_number ORDER BY first_line)
        FROM (SELECT account_number, first_line FROM dup ORDER BY first_line LIMIT ${listed}) f), '[]'::json) AS first`.execute(
    db,
  );
  const row = rows[0]!;
  return { numbers: row.numbers, rowsRemoved: row.removed, first: row.first };
}

/**
 * Whether applyStagedRows may write with row triggers off (session_replication_role = replica):
 * only when the role may set it, and when the only triggers on distributor_accounts are those it
 * does the work of itself: the foreign-key checks of distributor_id and upload_id (every row it
 * writes carries the same two values, which it locks once instead of once a row) and the
 * eligibility announcement (which the import makes in the same transaction). Any other trigger,
 * or another foreign key, added later turns this off, and the rows are written with every
 * trigger firing as usual.
 */
export async function mayWriteWithoutRowTriggers(trx: Executor): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`
    SELECT has_parameter_privilege('session_replication_role', 'SET') AND NOT EXISTS (
      SELECT 1 FROM pg_trigger t LEFT JOIN pg_constraint c ON c.oid = t.tgconstraint
      WHERE t.tgrelid = 'distributor_accounts'::regclass
        AND t.tgname <> 'distributor_accounts_announce_eligibility'
        AND NOT coalesce(c.contype = 'f' AND c.confrelid IN ('distributors'::regclass, 'account_uploads'::regclass), false)
    ) AND NOT EXISTS (
      SELECT 1 FROM pg_constraint c
      WHERE c.conrelid = 'distributor_accounts'::regclass AND c.contype = 'f'
        AND NOT (
          (c.confrelid = 'distributors'::regclass AND c.conkey = ARRAY[(SELECT attnum FROM pg_attribute
            WHERE attrelid = 'distributor_accounts'::regclass AND attname = 'distributor_id')])
          OR (c.confrelid = 'account_uploads'::regclass AND c.conkey = ARRAY[(SELECT attnum FROM pg_attribute
            WHERE attrelid = 'distributor_accounts'::regclass AND attname = 'upload_id')])
        )
    ) AS ok`.execute(trx);
  return rows[0]?.ok === true;
}

/**
 * REG-2: writes the staged rows into the distributor's list, inside the caller's transaction:
 * a new number is inserted, a listed one is updated only when its name, country or status
 * changed (an unchanged row keeps the upload that last changed it), and numbers not in the file
 * stay. Works through the staging table a range of pages at a time, so no statement runs long
 * (PGlite runs in this process and holds it while a statement runs) and no statement holds more
 * than a chunk's pending trigger events. Answers how many list rows it inserted or changed.
 */
export async function applyStagedRows(
  trx: Trx,
  distributorId: string,
  uploadId: string,
  pagesPerChunk: number,
  onChunk?: (pagesDone: number, pages: number) => void,
): Promise<{ changed: number; rowTriggers: boolean }> {
  const staging = stagingTable(uploadId);
  const withoutRowTriggers = await mayWriteWithoutRowTriggers(trx);
  if (withoutRowTriggers) {
    // What the two foreign-key checks would take for every row, taken once for all of them.
    const { rows } = await sql<{ n: number }>`SELECT
        (SELECT count(*) FROM (SELECT 1 FROM distributors WHERE id = ${distributorId} FOR KEY SHARE) d)::int
        + (SELECT count(*) FROM (SELECT 1 FROM account_uploads WHERE id = ${uploadId} FOR KEY SHARE) u)::int AS n`.execute(
      trx,
    );
    if (rows[0]?.n !== 2) throw new Error(`distributor ${distributorId} or upload ${uploadId} does not exist`);
    await sql`SET LOCAL session_replication_role = replica`.execute(trx);
  }
  const { rows: size } = await sql<{ pages: number }>`
    SELECT (pg_relation_size(${stagingName(uploadId)}::regclass) / current_setting('block_size')::int)::int AS pages`.execute(
    trx,
  );
  let changed = 0;
  const pages = size[0]!.pages;
  // The staging table is only appended to, so its pages hold the rows in file order; a range of
  // pages (a TID range scan, no index) is a chunk of the file.
  for (let page = 0; page < pages; page += pagesPerChunk) {
    const result = await sql`
      INSERT INTO distributor_accounts AS a (distributor_id, account_number, reseller_name, country, active, upload_id)
      SELECT ${distributorId}::uuid, account_number, reseller_name, country, active, ${uploadId}::uuid
      FROM ${staging}
      WHERE ctid >= ${`(${page},0)`}::tid AND ctid < ${`(${page + pagesPerChunk},0)`}::tid
      ON CONFLICT (distributor_id, account_number) DO UPDATE SET
        reseller_name = excluded.reseller_name, country = excluded.country, active = excluded.active,
        upload_id = excluded.upload_id, updated_at = now()
      WHERE (a.reseller_name, a.country, a.active) IS DISTINCT FROM (excluded.reseller_name, excluded.country, excluded.active)`.execute(
      trx,
    );
    changed += Number(result.numAffectedRows ?? 0);
    onChunk?.(Math.min(pages, page + pagesPerChunk), pages);
  }
  if (withoutRowTriggers) await sql`SET LOCAL session_replication_role = origin`.execute(trx);
  return { changed, rowTriggers: !withoutRowTriggers };
}

/** Staging tables left by a process that stopped mid-upload (their uploads are no longer processing). */
export async function dropAbandonedStaging(db: Executor): Promise<number> {
  const { rows } = await sql<{ relname: string }>`
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE ${`${STAGING_PREFIX}%`}`.execute(db);
  let dropped = 0;
  for (const { relname } of rows) {
    const hex = relname.slice(STAGING_PREFIX.length);
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    if (!isUuid(id)) continue;
    const upload = await findUpload(db, id);
    if (upload?.status === 'processing') continue;
    await dropStaging(db, id);
    dropped += 1;
  }
  return dropped;
}
