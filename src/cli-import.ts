import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { can, type Actor } from './platform/auth.ts';
import type { AppContext, RequestMeta } from './platform/context.ts';
import { AppError } from './platform/errors.ts';
import type { CsvProblem } from './platform/csv.ts';
import { actorForEmail, firstHolderOf } from './modules/accounts/index.ts';
import { importContracts, type ContractImportReport } from './modules/pica/index.ts';
import {
  findDistributor,
  importAccountList,
  importDistributors,
  type ImportReport,
  type ProgressListener,
  type UploadReport,
} from './modules/distributors/index.ts';

/** How many problems a report prints; the rest are counted. */
export const PROBLEMS_SHOWN = 50;

const CLI_META: RequestMeta = { ip: null, userAgent: 'partner-portal CLI' };

/** A refusal the operator can act on: printed without a stack, exit code 1 (or 2 for usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Where a command writes: the process's stdout/stderr, or a collector when a test runs the CLI in process. */
export interface CliStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

interface Output {
  out: CliStream;
  err: CliStream;
}

/**
 * The person the CLI acts as: `--as EMAIL`, else the longest-standing programme administrator.
 * Audit rows name that person with "(cli)", so an import is as traceable as one from the page.
 */
async function operator(ctx: AppContext, as: string | undefined): Promise<Actor> {
  const email = as ?? (await firstHolderOf(ctx, 'staff_admin'));
  if (!email)
    throw new CliError(
      'No programme administrator (staff_admin) exists in this database. Create one with `create-staff --email E --name N`, or name the account to act as with --as EMAIL.',
    );
  const actor = await actorForEmail(ctx, email, 'cli');
  if (!actor) throw new CliError(`No account with the email ${email} exists (--as).`);
  return actor;
}

function requireFile(file: string | undefined, usage: string): string {
  if (!file) throw new CliError(`Usage: ${usage}`, 2);
  if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`${file}: no such file.`, 2);
  return file;
}

/** Formats problems one per line, by line and field, capped; duplicates reported for the whole file have line 0. */
export function formatProblems(problems: readonly CsvProblem[], omittedElsewhere = 0, cap = PROBLEMS_SHOWN): string[] {
  const lines = problems
    .slice(0, cap)
    .map((p) => `  ${p.line > 0 ? `line ${p.line}` : 'file'}, ${p.field}: ${p.message}`);
  const more = problems.length - Math.min(problems.length, cap) + omittedElsewhere;
  if (more > 0) lines.push(`  …and ${more} more`);
  return lines;
}

/** `import distributors FILE.csv`: the directory import of the staff page, from the shell. */
export async function importDistributorsCommand(
  ctx: AppContext,
  file: string | undefined,
  as: string | undefined,
  { out }: Output,
): Promise<number> {
  const csv = requireFile(file, 'partner-portal import distributors [--as EMAIL] FILE.csv');
  const actor = await operator(ctx, as);
  if (!can(actor, 'distributors:manage'))
    throw new CliError(
      `${actor.email} is not a programme administrator (staff_admin); only they may import the distributor directory.`,
    );
  let report: ImportReport;
  try {
    report = await importDistributors(ctx, actor, createReadStream(csv), CLI_META);
  } catch (error) {
    throw refusal(error, csv);
  }
  out.write(
    [
      `Imported ${path.basename(csv)} as ${actor.email}:`,
      `  created   ${report.created}`,
      `  updated   ${report.updated}`,
      `  unchanged ${report.unchanged}`,
      `  rejected  ${report.rejected}`,
      ...(report.problems.length > 0
        ? [
            'Problems (rejected rows were skipped; fix them and import the file again):',
            ...formatProblems(report.problems),
          ]
        : []),
    ].join('\n') + '\n',
  );
  return 0;
}

/** `import accounts --distributor ID_OR_CODE FILE.csv`: REG-2 account list upload, from the shell. */
export async function importAccountsCommand(
  ctx: AppContext,
  file: string | undefined,
  distributorRef: string | undefined,
  as: string | undefined,
  io: Output,
): Promise<number> {
  const usage = 'partner-portal import accounts --distributor ID_OR_CODE [--as EMAIL] FILE.csv';
  if (!distributorRef) throw new CliError(`Usage: ${usage}`, 2);
  const csv = requireFile(file, usage);
  const distributor = await findDistributor(ctx, distributorRef);
  if (!distributor) throw new CliError(`No distributor with the id or code ${distributorRef}.`);
  let actor = await operator(ctx, as);
  if (!can(actor, 'claims:decide', distributor.organisationId)) {
    // Programme staff administer the directory but hold no role at a distributor, and the
    // service lets only the distributor's own people upload its list. An operator at the
    // shell acts for the distributor explicitly instead: a programme administrator gets the
    // distributor's user role for this one command, and the audit rows say "(cli)".
    if (!can(actor, 'distributors:manage'))
      throw new CliError(
        `${actor.email} may not upload account lists for ${distributor.legalName}: name one of its distributor users, or a programme administrator, with --as.`,
      );
    actor = {
      ...actor,
      grants: [...actor.grants, { role: 'distributor_user', organisationId: distributor.organisationId }],
    };
  }

  const expected = Math.max(0, (await countLines(csv)) - 1);
  const progress = progressReporter(expected, io.out);
  let report: UploadReport;
  try {
    report = await importAccountList(
      ctx,
      actor,
      distributor.id,
      createReadStream(csv),
      path.basename(csv),
      CLI_META,
      progress.update,
    );
  } finally {
    progress.stop();
  }
  if (report.status === 'failed' && report.rowsRead === 0)
    throw new CliError(`Refused ${path.basename(csv)}: ${report.failure ?? 'the upload failed'}`);
  const lines = [
    `${report.status === 'done' ? 'Imported' : 'Stopped importing'} ${path.basename(csv)} into the account list of ${distributor.legalName} (${distributor.code}) as ${actor.email}:`,
    `  rows read         ${report.rowsRead}`,
    `  rows written      ${report.rowsWritten}`,
    `  rows rejected     ${report.rowsRejected}`,
    `  duplicates        ${report.duplicates}`,
    `  claims confirmed  ${report.claimsConfirmed}`,
    ...(report.claimsNameMismatch > 0
      ? [`  claims left to confirm by hand (the list names another company)  ${report.claimsNameMismatch}`]
      : []),
    `  upload id         ${report.uploadId}`,
    ...(report.problems.length > 0
      ? [
          'Problems (rejected rows were skipped; fix them and upload the file again):',
          ...formatProblems(report.problems, report.problemsOmitted),
        ]
      : []),
  ];
  io.out.write(lines.join('\n') + '\n');
  if (report.status === 'failed') {
    io.err.write(
      `Stopped at row ${report.rowsRead}: ${report.failure ?? 'the upload failed'} The account list was not changed.\n`,
    );
    return 1;
  }
  return 0;
}

/** `import contracts FILE.csv`: PICA-1 support contracts, from the shell, with a progress bar. */
export async function importContractsCommand(
  ctx: AppContext,
  file: string | undefined,
  as: string | undefined,
  io: Output,
): Promise<number> {
  const csv = requireFile(file, 'partner-portal import contracts [--as EMAIL] FILE.csv');
  const actor = await operator(ctx, as);
  if (!can(actor, 'contracts:manage'))
    throw new CliError(
      `${actor.email} is not a programme administrator (staff_admin); only they may import support contracts.`,
    );
  const expected = Math.max(0, (await countLines(csv)) - 1);
  const progress = progressReporter(expected, io.out);
  let report: ContractImportReport;
  try {
    report = await importContracts(ctx, actor, createReadStream(csv), CLI_META, (p) =>
      progress.update({ ...p, duplicates: 0 }, 'reading'),
    );
  } catch (error) {
    throw refusal(error, csv);
  } finally {
    progress.stop();
  }
  io.out.write(
    [
      `Imported ${path.basename(csv)} as ${actor.email}:`,
      `  rows read ${report.rowsRead}`,
      `  created   ${report.created}`,
      `  updated   ${report.updated}`,
      `  rejected  ${report.rejected}`,
      ...(report.problems.length > 0
        ? [
            'Problems (rejected rows were skipped; fix them and import the file again):',
            ...formatProblems(report.problems),
          ]
        : []),
    ].join('\n') + '\n',
  );
  return 0;
}

function refusal(error: unknown, file: string): unknown {
  if (error instanceof AppError && error.code.startsWith('csv_'))
    return new CliError(`Refused ${path.basename(file)}: ${error.message}`);
  return error;
}

/** Counts newline bytes as the file streams past: a progress total without reading the file into memory. */
export async function countLines(file: string): Promise<number> {
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines += 1;
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
  }
  return last === 0x0a ? lines : lines + 1;
}

/**
 * A progress bar on a terminal; elsewhere (a pipe, a log file, CI) a plain line every 10 %.
 * The rows are read first (the total is an estimate: quoted newlines and blank lines, so the bar
 * grows if it is passed), then saved to the list in one transaction (decision 067).
 */
function progressReporter(total: number, out: CliStream): { update: ProgressListener; stop: () => void } {
  if (out.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: '{phase} |{bar}| {percentage}% | {value}/{total} rows | {rejected} rejected | ETA {eta_formatted}',
        hideCursor: true,
        stream: out as NodeJS.WriteStream,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(total, 1), 0, { rejected: 0, phase: 'Reading' });
    let saving = false;
    return {
      update: (p, phase, rowsToSave) => {
        if (phase === 'saving') {
          if (!saving) {
            saving = true;
            bar.start(Math.max(rowsToSave ?? p.rowsWritten, 1), 0, { rejected: p.rowsRejected, phase: 'Saving ' });
          }
          bar.update(p.rowsWritten);
          return;
        }
        if (p.rowsRead > bar.getTotal()) bar.setTotal(p.rowsRead);
        bar.update(p.rowsRead, { rejected: p.rowsRejected });
      },
      stop: () => bar.stop(),
    };
  }
  let nextPercent = 10;
  let nextSavingPercent = 0;
  return {
    update: (p, phase, rowsToSave) => {
      if (phase === 'saving') {
        const of = rowsToSave ?? p.rowsWritten;
        const percent = of > 0 ? Math.min(100, Math.floor((p.rowsWritten * 100) / of)) : 100;
        if (percent < nextSavingPercent) return;
        out.write(`Saving: ${p.rowsWritten} of ${of} rows (${percent}%)\n`);
        nextSavingPercent = Math.floor(percent / 25) * 25 + 25;
        return;
      }
      const percent = total > 0 ? Math.min(100, Math.floor((p.rowsRead * 100) / total)) : 100;
      if (percent < nextPercent) return;
      out.write(`Progress: ${p.rowsRead} of ${total} rows (${percent}%), ${p.rowsRejected} rejected\n`);
      nextPercent = Math.floor(percent / 10) * 10 + 10;
    },
    stop: () => undefined,
  };
}
