import type { Readable } from 'node:stream';
import { auditActor, type Actor } from '../../platform/auth.ts';
import { announceChange } from '../../platform/cache.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { isCountryCode, normaliseCountry } from '../../platform/countries.ts';
import { readCsv, type CsvProblem } from '../../platform/csv.ts';
import type { Executor, Trx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { translator } from '../../platform/i18n.ts';
import { violationMessage } from '../../platform/violations.ts';
import { recordAudit } from '../audit/index.ts';
import { requireDistributorAccess, ELIGIBILITY_TOPIC } from './access.ts';
import * as repo from './account-lists.repository.ts';
import * as claims from './claims.repository.ts';
import { checkAccountNumber, matchListedCompany, type NameMatch } from './distributors.rules.ts';
import { isUuid } from '../../platform/ids.ts';

export const ACCOUNT_LIST_COLUMNS = ['account_number', 'reseller_name', 'country', 'status'];
export const MAX_LIST_ROWS = 2_000_000;
const LIST_FORMAT = { required: ['account_number'], optional: ACCOUNT_LIST_COLUMNS };
/** Only the first problems are kept: a broken file of a million lines needs the pattern, not every line. */
const MAX_PROBLEMS_KEPT = 1000;

/**
 * How an import works through a file (decision 067); tests pass smaller numbers to cross the
 * boundaries with a few rows.
 */
export interface ImportTuning {
  /** Validated rows staged per statement: the only rows held in memory (two batches at most). */
  batchRows: number;
  /** Pages of the staging table (about a hundred rows each) written to the list per statement. */
  chunkPages: number;
  /** The upload's progress row is written at most this often (each write is a commit). */
  progressEveryMs: number;
}

export const IMPORT_TUNING: Readonly<ImportTuning> = { batchRows: 5000, chunkPages: 250, progressEveryMs: 1000 };
const english = translator('en');

export interface UploadProgress {
  rowsRead: number;
  /** While saving: an estimate of the rows saved so far; nothing is saved until every row was read. */
  rowsWritten: number;
  rowsRejected: number;
  duplicates: number;
}

/**
 * Told after each batch read, then after each chunk saved: first the file is read (rowsRead
 * grows), then the list is saved (rowsWritten grows towards `rowsToSave`).
 */
export type ProgressListener = (progress: UploadProgress, phase: 'reading' | 'saving', rowsToSave?: number) => void;

export interface UploadReport extends UploadProgress {
  uploadId: string;
  status: 'done' | 'failed';
  claimsConfirmed: number;
  /** REG-2: pending claims of accounts on the list that stay pending because the list names another company. */
  claimsNameMismatch: number;
  problems: CsvProblem[];
  /** Problems beyond those kept. */
  problemsOmitted: number;
  failure: string | null;
}

/**
 * REG-2: imports a distributor's list of reseller customer account numbers. The file is read
 * as a stream and staged in batches, so a million rows never sit in memory, with progress
 * recorded as it goes (the page and the CLI show it); then the whole list is saved in one
 * transaction, so an upload that fails changes nothing (decision 067). A re-upload updates rows
 * instead of duplicating them, and numbers missing from it stay on the list. At the end,
 * pending claims that the list proves are confirmed: the account is on it, active, under the
 * claimant's own name (decision 018); the others stay pending for the distributor, with the
 * names compared recorded on the claim.
 */
export async function importAccountList(
  ctx: AppContext,
  actor: Actor,
  distributorId: string,
  input: Readable,
  filename: string,
  meta: RequestMeta,
  onProgress?: ProgressListener,
  tuning: Readonly<ImportTuning> = IMPORT_TUNING,
): Promise<UploadReport> {
  const uploadId = await startAccountListUpload(ctx, actor, distributorId, filename, meta);
  return processAccountList(ctx, actor, distributorId, uploadId, input, meta, onProgress, tuning);
}

/** An upload of an account list as pages and the API show it. */
export interface Upload {
  id: string;
  filename: string;
  status: 'processing' | 'done' | 'failed';
  rowsRead: number;
  rowsWritten: number;
  rowsRejected: number;
  duplicates: number;
  problems: CsvProblem[];
  failure: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

function toUpload(row: repo.UploadRow): Upload {
  return {
    id: row.id,
    filename: row.filename,
    status: row.status,
    rowsRead: row.rows_read,
    rowsWritten: row.rows_written,
    rowsRejected: row.rows_rejected,
    duplicates: row.duplicates,
    problems: row.problems,
    failure: row.failure,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

/**
 * The first half of importAccountList: records the upload (status `processing`) and returns
 * its id, so that a page can show the upload's progress while processAccountList reads the rows.
 */
export async function startAccountListUpload(
  ctx: AppContext,
  actor: Actor,
  distributorId: string,
  filename: string,
  meta: RequestMeta,
): Promise<string> {
  const distributor = await requireDistributorAccess(ctx, actor, distributorId, 'claims:decide');
  return ctx.db.transaction().execute(async (trx) => {
    const { id } = await repo.insertUpload(trx, {
      distributor_id: distributorId,
      filename: filename.slice(0, 200),
      uploaded_by: actor.userId,
    });
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'account_list.upload_started',
      subject: { type: 'account_upload', id },
      organisationId: distributor.organisationId,
      ip: meta.ip,
      data: { filename },
    });
    return id;
  });
}

/**
 * The second half of importAccountList: reads the rows of an upload that startAccountListUpload
 * recorded (decision 067). Valid rows are staged in batches, each its own short statement, while
 * the file streams past; then one transaction writes them to the list, confirms the claims the
 * list proves, and records the audit rows and the upload's result. A file that fails to read,
 * a database error or a crash before that commit leaves the list as it was.
 */
export async function processAccountList(
  ctx: AppContext,
  actor: Actor,
  distributorId: string,
  uploadId: string,
  input: Readable,
  meta: RequestMeta,
  onProgress?: ProgressListener,
  tuning: Readonly<ImportTuning> = IMPORT_TUNING,
): Promise<UploadReport> {
  const distributor = await requireDistributorAccess(ctx, actor, distributorId, 'claims:decide');
  const upload = await repo.findUpload(ctx.db, uploadId);
  if (!upload || upload.distributor_id !== distributorId || upload.status !== 'processing')
    throw new AppError('not_found', 'Upload in progress was not found.', 404);

  const progress: UploadProgress = { rowsRead: 0, rowsWritten: 0, rowsRejected: 0, duplicates: 0 };
  const problems = keepFirstProblems(MAX_PROBLEMS_KEPT);
  let invalidRows = 0;
  // Rows that failed validation, and lines the CSV parser skipped as malformed.
  const countRejected = () => (progress.rowsRejected = invalidRows + problems.linesSkipped);
  const recordProgress = (db: Executor) =>
    repo.recordUploadProgress(db, uploadId, {
      rows_read: progress.rowsRead,
      rows_written: progress.rowsWritten,
      rows_rejected: countRejected(),
      duplicates: progress.duplicates,
    });
  let lastRecorded = Date.now();
  let staged = 0;
  // One staging statement runs while the next batch is read (on a PostgreSQL server the two
  // proceed side by side); the reader waits for it before it sends another.
  let inFlight: Promise<void> | undefined;
  const stage = async (batch: repo.StagedColumns, rowsRead: number) => {
    await inFlight;
    inFlight = repo.stageRows(ctx.db, uploadId, batch).then(async () => {
      staged += batch.lines.length;
      countRejected();
      if (Date.now() - lastRecorded >= tuning.progressEveryMs) {
        lastRecorded = Date.now();
        await recordProgress(ctx.db);
      }
      onProgress?.({ ...progress, rowsRead }, 'reading');
    });
    // Awaited before the next batch or at the end; until then a failure must not go unobserved.
    inFlight.catch(() => undefined);
  };

  let failure: string | null = null;
  let internal: unknown;
  let duplicateNumbers: string[] = [];
  let outcome = { confirmed: 0, mismatched: 0 };
  let status: 'done' | 'failed' = 'done';
  try {
    await repo.createStaging(ctx.db, uploadId);
    let batch = emptyBatch();
    for await (const { line, values } of readCsv(input, { ...LIST_FORMAT, maxRows: MAX_LIST_ROWS }, problems)) {
      progress.rowsRead += 1;
      const parsed = parseAccountRow(line, values);
      if ('problems' in parsed) {
        invalidRows += 1;
        problems.push(...parsed.problems);
        continue;
      }
      const { row } = parsed;
      batch.lines.push(line);
      batch.numbers.push(row.account_number);
      batch.names.push(row.reseller_name);
      batch.countries.push(row.country);
      batch.active.push(row.active);
      if (batch.lines.length >= tuning.batchRows) {
        await stage(batch, progress.rowsRead);
        batch = emptyBatch();
      }
    }
    await stage(batch, progress.rowsRead);
    await inFlight;

    // Duplicates within the file: the last row of each number is kept, each number reported once.
    const duplicates = await repo.removeSupersededRows(ctx.db, uploadId, MAX_PROBLEMS_KEPT);
    duplicateNumbers = duplicates.first;
    progress.duplicates = duplicates.numbers;
    progress.rowsWritten = staged - duplicates.rowsRemoved;
    await recordProgress(ctx.db);
    const toWrite = progress.rowsWritten;

    // Everything the upload changes, in one transaction.
    outcome = await ctx.db.transaction().execute(async (trx) => {
      const applied = await repo.applyStagedRows(trx, distributorId, uploadId, tuning.chunkPages, (done, of) =>
        onProgress?.({ ...progress, rowsWritten: Math.round((toWrite * done) / Math.max(1, of)) }, 'saving', toWrite),
      );
      const confirmed = await confirmListedClaims(trx, actor, distributorId, uploadId, meta);
      await recordAudit(trx, {
        actor: auditActor(actor),
        action: 'account_list.uploaded',
        subject: { type: 'account_upload', id: uploadId },
        organisationId: distributor.organisationId,
        ip: meta.ip,
        data: {
          ...progress,
          rowsChanged: applied.changed,
          claimsConfirmed: confirmed.confirmed,
          claimsNameMismatch: confirmed.mismatched,
        },
      });
      await repo.finishUpload(trx, uploadId, {
        status: 'done',
        rows_read: progress.rowsRead,
        rows_written: progress.rowsWritten,
        rows_rejected: progress.rowsRejected,
        duplicates: progress.duplicates,
        problems: reportedProblems(duplicateNumbers, problems.kept),
        failure: null,
      });
      // The list's own trigger announces the change too, unless the rows were written without
      // row triggers (decision 067); the claims' trigger does for confirmed claims.
      await announceChange(trx, ELIGIBILITY_TOPIC);
      await repo.dropStaging(trx, uploadId);
      return confirmed;
    });
  } catch (error) {
    status = 'failed';
    failure =
      error instanceof AppError
        ? error.message
        : 'The upload stopped because of an internal error; the account list was not changed.';
    if (!(error instanceof AppError)) internal = error;
    await inFlight?.catch(() => undefined);
    // A crash before this leaves the table behind; the next start drops it (failInterruptedUploads).
    await repo.dropStaging(ctx.db, uploadId).catch(() => undefined);
    progress.rowsWritten = 0;
    await repo.finishUpload(ctx.db, uploadId, {
      status,
      rows_read: progress.rowsRead,
      rows_written: 0,
      rows_rejected: countRejected(),
      duplicates: progress.duplicates,
      problems: reportedProblems(duplicateNumbers, problems.kept),
      failure,
    });
  }
  // The upload is marked failed first; then the caller's error handler logs the cause.
  if (internal) throw internal;
  const reported = reportedProblems(duplicateNumbers, problems.kept);
  return {
    uploadId,
    status,
    ...progress,
    claimsConfirmed: outcome.confirmed,
    claimsNameMismatch: outcome.mismatched,
    problems: reported,
    problemsOmitted: Math.max(0, progress.duplicates + problems.total - reported.length),
    failure,
  };
}

const emptyBatch = (): repo.StagedColumns => ({ lines: [], numbers: [], names: [], countries: [], active: [] });

/** Keeps the first problems of a file and counts them all, so a file of bad lines cannot fill the memory. */
function keepFirstProblems(cap: number) {
  const kept: CsvProblem[] = [];
  const sink = {
    kept,
    total: 0,
    /** Lines the CSV parser skipped (malformed): rejected rows too. */
    linesSkipped: 0,
    push(...found: CsvProblem[]) {
      for (const problem of found) {
        sink.total += 1;
        if (problem.field === '(line)') sink.linesSkipped += 1;
        if (kept.length < cap) kept.push(problem);
      }
    },
  };
  return sink;
}

/** Duplicates first (they concern the whole file), then the lines in order; the first MAX_PROBLEMS_KEPT. */
function reportedProblems(duplicateNumbers: readonly string[], lineProblems: readonly CsvProblem[]): CsvProblem[] {
  return [
    ...duplicateNumbers.map((number) => ({
      line: 0,
      field: 'account_number',
      message: `${number} appears more than once in the file; the last row was kept`,
    })),
    ...[...lineProblems].sort((a, b) => a.line - b.line),
  ].slice(0, MAX_PROBLEMS_KEPT);
}

/**
 * REG-2: checks the distributor's pending claims against the list just uploaded. A claim whose
 * account is listed, active, under the claimant's name is confirmed; one whose list entry names
 * another company (or none) stays pending, with both names recorded for the distributor to decide.
 */
async function confirmListedClaims(
  trx: Trx,
  actor: Actor,
  distributorId: string,
  uploadId: string,
  meta: RequestMeta,
): Promise<{ confirmed: number; mismatched: number }> {
  let confirmed = 0;
  let mismatched = 0;
  for (const claim of await claims.pendingClaimsOnList(trx, distributorId)) {
    const match: NameMatch = matchListedCompany(claim.applicant_name, claim.listed_name);
    const updated = await claims.recordListMatch(trx, claim.id, {
      listed_name: match.listedName,
      name_match_score: match.score,
      name_matched: match.matched,
    });
    if (!updated) continue;
    if (!match.matched) {
      mismatched += 1;
      continue;
    }
    confirmed += 1;
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'claim.confirmed',
      subject: { type: 'account_claim', id: claim.id },
      organisationId: claim.partner_id,
      ip: meta.ip,
      data: { source: 'list', distributorId, accountNumber: claim.account_number, uploadId, nameMatch: match },
    });
  }
  return { confirmed, mismatched };
}

function parseAccountRow(
  line: number,
  values: Record<string, string>,
): { row: repo.AccountListRow } | { problems: CsvProblem[] } {
  const accountNumber = (values.account_number ?? '').trim();
  const violations = checkAccountNumber(accountNumber);
  const country = values.country ? normaliseCountry(values.country) : '';
  if (country && !isCountryCode(country))
    violations.push({ field: 'country', rule: 'country_code', params: { value: country } });
  const status = (values.status ?? '').trim().toLowerCase() || 'active';
  if (status !== 'active' && status !== 'closed') violations.push({ field: 'status', rule: 'account_status' });
  const resellerName = (values.reseller_name ?? '').trim();
  if (resellerName.length > 200) violations.push({ field: 'reseller_name', rule: 'too_long', params: { max: 200 } });
  if (violations.length > 0)
    return { problems: violations.map((v) => ({ line, ...v, message: violationMessage(english, v) })) };
  return {
    row: {
      account_number: accountNumber,
      reseller_name: resellerName || null,
      country: country || null,
      active: status === 'active',
    },
  };
}

/** How many list rows a distributor has (the portal shows it). */
export async function accountListSize(ctx: AppContext, distributorId: string): Promise<number> {
  return repo.countAccounts(ctx.db, distributorId);
}

export async function getUpload(ctx: AppContext, actor: Actor, distributorId: string, uploadId: string) {
  await requireDistributorAccess(ctx, actor, distributorId, 'distributor:read');
  const upload = isUuid(uploadId) ? await repo.findUpload(ctx.db, uploadId) : undefined;
  if (!upload || upload.distributor_id !== distributorId) throw new AppError('not_found', 'Upload was not found.', 404);
  return toUpload(upload);
}

/**
 * How many pending claims a finished upload confirmed: the list confirmations of the
 * distributor's claims between the upload's start and end. account_uploads has no column for
 * the count (the exact number is in the upload's audit row, which only staff may read); two
 * uploads of one distributor running at the same time would share their counts.
 */
export async function claimsConfirmedByUpload(
  ctx: AppContext,
  actor: Actor,
  distributorId: string,
  uploadId: string,
): Promise<number | null> {
  const upload = await getUpload(ctx, actor, distributorId, uploadId);
  if (upload.status !== 'done' || !upload.finishedAt) return null;
  return claims.countListConfirmations(ctx.db, distributorId, upload.createdAt, upload.finishedAt);
}

/**
 * Refuses at once a file that cannot be an account list (empty, binary, wrong header), so that
 * a page can say so before it starts the upload; reads the header and the first row only.
 */
export async function checkAccountListFile(input: Readable): Promise<void> {
  const records = readCsv(input, LIST_FORMAT, []);
  try {
    await records.next();
  } finally {
    await records.return(undefined);
    input.destroy();
  }
}

export async function listUploads(ctx: AppContext, actor: Actor, distributorId: string) {
  await requireDistributorAccess(ctx, actor, distributorId, 'distributor:read');
  return (await repo.listUploads(ctx.db, distributorId)).map(toUpload);
}

/**
 * At start-up: the embedded database has one process, so any upload still processing was
 * interrupted; a shared server may have other processes importing, so only old ones count.
 * The rows they had staged are dropped; their lists were never changed.
 */
export async function failInterruptedUploads(ctx: AppContext, sharedServer: boolean): Promise<number> {
  const failed = await repo.failInterruptedUploads(
    ctx.db,
    sharedServer ? new Date(Date.now() - 60 * 60_000) : new Date(),
  );
  await repo.dropAbandonedStaging(ctx.db);
  return failed;
}
