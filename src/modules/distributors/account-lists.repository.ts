import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db.ts';
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

/** Writes one batch of list rows; a re-upload updates rows instead of duplicating them. */
export async function upsertAccounts(
  db: Executor,
  distributorId: string,
  uploadId: string,
  rows: AccountListRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('distributor_accounts')
    .values(rows.map((r) => ({ ...r, distributor_id: distributorId, upload_id: uploadId })))
    .onConflict((oc) =>
      oc.columns(['distributor_id', 'account_number']).doUpdateSet((eb) => ({
        reseller_name: eb.ref('excluded.reseller_name'),
        country: eb.ref('excluded.country'),
        active: eb.ref('excluded.active'),
        upload_id: eb.ref('excluded.upload_id'),
        updated_at: new Date(),
      })),
    )
    .execute();
}

export async function findListed(db: Executor, distributorId: string, accountNumber: string) {
  return db
    .selectFrom('distributor_accounts')
    .select(['active', 'reseller_name'])
    .where('distributor_id', '=', distributorId)
    .where('account_number', '=', accountNumber)
    .executeTakeFirst();
}

/** Which of `numbers` this same upload already wrote (an earlier batch): duplicates within the file. */
export async function numbersWrittenBy(
  db: Executor,
  distributorId: string,
  uploadId: string,
  numbers: string[],
): Promise<string[]> {
  if (numbers.length === 0) return [];
  const rows = await db
    .selectFrom('distributor_accounts')
    .select('account_number')
    .where('distributor_id', '=', distributorId)
    .where('upload_id', '=', uploadId)
    .where('account_number', 'in', numbers)
    .execute();
  return rows.map((r) => r.account_number);
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
      failure:
        'The upload was interrupted by a restart; rows written before it are kept. Upload the file again to finish.',
      finished_at: new Date(),
    })
    .where('status', '=', 'processing')
    .where('created_at', '<', startedBefore)
    .returning('id')
    .execute();
  return rows.length;
}
