import type { Readable } from 'node:stream';
import { auditActor, type Actor } from '../../platform/auth.ts';
import { announceChange } from '../../platform/cache.ts';
import type { AppContext, RequestMeta } from '../../platform/context.ts';
import { isCountryCode, normaliseCountry } from '../../platform/countries.ts';
import { readCsv, type CsvProblem } from '../../platform/csv.ts';
import type { Executor } from '../../platform/db.ts';
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
const BATCH_SIZE = 5000;
/** Only the first problems are kept: a broken file of a million lines needs the pattern, not every line. */
const MAX_PROBLEMS_KEPT = 1000;
const english = translator('en');

export interface UploadProgress {
  rowsRead: number;
  rowsWritten: number;
  rowsRejected: number;
  duplicates: number;
}

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
 * as a stream and written in batches, so a million rows never sit in memory; each batch commits
 * on its own and progress is recorded after each (the page and the CLI show it). A re-upload
 * updates rows instead of duplicating them. At the end, pending claims that the list proves
 * are confirmed: the account is on it, active, under the claimant's own name (decision 018);
 * the others stay pending for the distributor, with the names compared recorded on the claim.
 */
export async function importAccountList(
  ctx: AppContext,
  actor: Actor,
  distributorId: string,
  input: Readable,
  filename: string,
  meta: RequestMeta,
  onProgress?: (progress: UploadProgress) => void,
): Promise<UploadReport> {
  const uploadId = await startAccountListUpload(ctx, actor, distributorId, filename, meta);
  return processAccountList(ctx, actor, distributorId, uploadId, input, meta, onProgress);
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

/** The second half of importAccountList: reads the rows of an upload that startAccountListUpload recorded. */
export async function processAccountList(
  ctx: AppContext,
  actor: Actor,
  distributorId: string,
  uploadId: string,
  input: Readable,
  meta: RequestMeta,
  onProgress?: (progress: UploadProgress) => void,
): Promise<UploadReport> {
  const distributor = await requireDistributorAccess(ctx, actor, distributorId, 'claims:decide');
  const upload = await repo.findUpload(ctx.db, uploadId);
  if (!upload || upload.distributor_id !== distributorId || upload.status !== 'processing')
    throw new AppError('not_found', 'Upload in progress was not found.', 404);

  const progress: UploadProgress = { rowsRead: 0, rowsWritten: 0, rowsRejected: 0, duplicates: 0 };
  const problems: CsvProblem[] = [];
  const duplicateNumbers = new Set<string>();
  let batch = new Map<string, repo.AccountListRow>();

  const flush = async () => {
    if (batch.size === 0) return;
    const rows = [...batch.values()];
    batch = new Map();
    const written = await ctx.db.transaction().execute(async (trx) => {
      const count = await upsertNew(trx, distributorId, uploadId, rows, duplicateNumbers);
      await announceChange(trx, ELIGIBILITY_TOPIC);
      return count;
    });
    progress.rowsWritten += written;
    progress.duplicates = duplicateNumbers.size;
    await repo.recordUploadProgress(ctx.db, uploadId, {
      rows_read: progress.rowsRead,
      rows_written: progress.rowsWritten,
      rows_rejected: progress.rowsRejected,
      duplicates: progress.duplicates,
    });
    onProgress?.({ ...progress });
  };

  let failure: string | null = null;
  let internal: unknown;
  try {
    for await (const { line, values } of readCsv(input, { ...LIST_FORMAT, maxRows: MAX_LIST_ROWS }, problems)) {
      progress.rowsRead += 1;
      const parsed = parseAccountRow(line, values);
      if ('problems' in parsed) {
        progress.rowsRejected += 1;
        problems.push(...parsed.problems);
        continue;
      }
      if (batch.has(parsed.row.account_number)) duplicateNumbers.add(parsed.row.account_number);
      batch.set(parsed.row.account_number, parsed.row);
      if (batch.size >= BATCH_SIZE) await flush();
    }
    await flush();
  } catch (error) {
    failure =
      error instanceof AppError
        ? error.message
        : 'The upload stopped because of an internal error; rows written so far are kept.';
    if (!(error instanceof AppError)) internal = error;
  }
  // Lines the CSV parser skipped count as rejected rows too.
  progress.rowsRejected += problems.filter((p) => p.field === '(line)').length;
  for (const number of duplicateNumbers)
    problems.push({
      line: 0,
      field: 'account_number',
      message: `${number} appears more than once in the file; the last row was kept`,
    });

  const status = failure ? 'failed' : 'done';
  const outcome = failure
    ? { confirmed: 0, mismatched: 0 }
    : await confirmListedClaims(ctx, actor, distributorId, distributor.organisationId, uploadId, progress, meta);
  problems.sort((a, b) => a.line - b.line);
  await repo.finishUpload(ctx.db, uploadId, {
    status,
    rows_read: progress.rowsRead,
    rows_written: progress.rowsWritten,
    rows_rejected: progress.rowsRejected,
    duplicates: progress.duplicates,
    problems: problems.slice(0, MAX_PROBLEMS_KEPT),
    failure,
  });
  // The upload is marked failed first; then the caller's error handler logs the cause.
  if (internal) throw internal;
  return {
    uploadId,
    status,
    ...progress,
    claimsConfirmed: outcome.confirmed,
    claimsNameMismatch: outcome.mismatched,
    problems: problems.slice(0, MAX_PROBLEMS_KEPT),
    problemsOmitted: Math.max(0, problems.length - MAX_PROBLEMS_KEPT),
    failure,
  };
}

/**
 * REG-2: checks the distributor's pending claims against the list just uploaded. A claim whose
 * account is listed, active, under the claimant's name is confirmed; one whose list entry names
 * another company (or none) stays pending, with both names recorded for the distributor to decide.
 */
async function confirmListedClaims(
  ctx: AppContext,
  actor: Actor,
  distributorId: string,
  organisationId: string,
  uploadId: string,
  progress: UploadProgress,
  meta: RequestMeta,
): Promise<{ confirmed: number; mismatched: number }> {
  return ctx.db.transaction().execute(async (trx) => {
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
    await recordAudit(trx, {
      actor: auditActor(actor),
      action: 'account_list.uploaded',
      subject: { type: 'account_upload', id: uploadId },
      organisationId,
      ip: meta.ip,
      data: { ...progress, claimsConfirmed: confirmed, claimsNameMismatch: mismatched },
    });
    await announceChange(trx, ELIGIBILITY_TOPIC);
    return { confirmed, mismatched };
  });
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
    return { problems: violations.map((v) => ({ line, field: v.field, message: violationMessage(english, v) })) };
  return {
    row: {
      account_number: accountNumber,
      reseller_name: resellerName || null,
      country: country || null,
      active: status === 'active',
    },
  };
}

/**
 * Upserts one batch. A number already written by this same upload (an earlier batch) is a
 * duplicate: the WHERE on the conflict update lets it through, and it is noted once.
 */
async function upsertNew(
  db: Executor,
  distributorId: string,
  uploadId: string,
  rows: repo.AccountListRow[],
  duplicates: Set<string>,
): Promise<number> {
  const existing = await repo.numbersWrittenBy(
    db,
    distributorId,
    uploadId,
    rows.map((r) => r.account_number),
  );
  for (const number of existing) duplicates.add(number);
  await repo.upsertAccounts(db, distributorId, uploadId, rows);
  return rows.length - existing.length;
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
 */
export async function failInterruptedUploads(ctx: AppContext, sharedServer: boolean): Promise<number> {
  return repo.failInterruptedUploads(ctx.db, sharedServer ? new Date(Date.now() - 60 * 60_000) : new Date());
}
