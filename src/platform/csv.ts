import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type CsvError } from 'csv-parse';
import { AppError } from './errors.ts';
import { textRule } from './text.rules.ts';

export interface CsvProblem {
  line: number;
  field: string;
  /** In English: import reports are shared with operators, the CLI and the API. */
  message: string;
  /**
   * The rule the row broke, when the problem is a rule violation: pages then say it in the
   * reader's language instead of showing the English message.
   */
  rule?: string;
  params?: Record<string, string | number>;
}

/** Where readCsv reports problems: an array, or a collector that keeps only the first ones. */
export interface CsvProblemSink {
  push(...problems: CsvProblem[]): unknown;
}

export interface CsvRecord {
  line: number;
  values: Record<string, string>;
}

export interface CsvReadOptions {
  /** Columns every file must have (compared case-insensitively, after trimming). */
  required: string[];
  /** Columns that may be present; any other column is refused so a typo is not silently ignored. */
  optional?: string[];
  /** Refuse files with more data rows than this. */
  maxRows?: number;
}

/**
 * Streams a CSV file record by record without holding it in memory. The header decides the
 * columns. A malformed line is reported (by line number) and skipped; a file that is empty,
 * binary or lacks required columns is refused as a whole before any row is used.
 */
export async function* readCsv(
  input: Readable | undefined,
  options: CsvReadOptions,
  problems: CsvProblemSink,
): AsyncGenerator<CsvRecord> {
  // A request with a CSV content type but no body never reaches the stream parser.
  if (!input || typeof input.pipe !== 'function')
    throw new AppError('csv_empty', 'The file is empty: it needs a header line and at least one row.', 400);
  const allowed = new Set([...options.required, ...(options.optional ?? [])]);
  let columns: string[] | undefined;
  // pipeline, not pipe: an aborted upload or a read error ends the loop with an error instead
  // of leaving it waiting forever.
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    max_record_size: 64 * 1024,
    info: true,
    on_skip: (error: CsvError | undefined) => {
      if (error)
        problems.push({
          line: (error as CsvError & { lines?: number }).lines ?? 0,
          field: '(line)',
          message: `not valid CSV: ${error.message}`,
        });
      return undefined;
    },
  });
  pipeline(input, parser).catch((error: unknown) =>
    parser.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  let rows = 0;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!columns) {
      if (record.some((cell) => textRule(cell) !== null))
        throw new AppError('csv_not_text', 'The file is not a CSV text file.', 400);
      columns = record.map((c) => c.trim().toLowerCase());
      const missing = options.required.filter((c) => !columns!.includes(c));
      if (missing.length > 0)
        throw new AppError(
          'csv_columns',
          `The file is not a CSV file with the expected header: missing column(s) ${missing.join(', ')}. Expected columns: ${[...allowed].join(', ')}.`,
          400,
        );
      const unknown = columns.filter((c) => c && !allowed.has(c));
      if (unknown.length > 0)
        throw new AppError(
          'csv_columns',
          `Unknown column(s) ${unknown.join(', ')}. Expected columns: ${[...allowed].join(', ')}.`,
          400,
        );
      continue;
    }
    rows += 1;
    if (options.maxRows && rows > options.maxRows)
      throw new AppError('csv_too_large', `The file has more than ${options.maxRows} rows.`, 413);
    if (record.length > columns.length) {
      problems.push({
        line: info.lines,
        field: '(line)',
        message: `has ${record.length} cells; the header has ${columns.length}`,
      });
      continue;
    }
    // The same text rule as every form and JSON field (platform/text.rules.ts), cell by cell.
    const bad = record.findIndex((cell) => textRule(cell) !== null);
    if (bad >= 0) {
      problems.push({
        line: info.lines,
        field: columns[bad] ?? '(line)',
        message: `${textRule(record[bad]!)}: the cell contains a control character or an invalid character`,
      });
      continue;
    }
    const values: Record<string, string> = {};
    columns.forEach((column, i) => (values[column] = record[i] ?? ''));
    yield { line: info.lines, values };
  }
  if (!columns || rows === 0)
    throw new AppError('csv_empty', 'The file is empty: it needs a header line and at least one row.', 400);
}

/** The streamed body of a `text/csv` request; a request without one is refused before anything is recorded. */
export function requireCsvBody(body: unknown): Readable {
  if (!body || typeof (body as Readable).pipe !== 'function')
    throw new AppError('csv_empty', 'The file is empty: it needs a header line and at least one row.', 400);
  return body as Readable;
}

/**
 * A cell a spreadsheet would not run: text starting with =, +, -, @, tab or carriage return is
 * prefixed with an apostrophe (OWASP "CSV injection").
 */
export function formulaSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
