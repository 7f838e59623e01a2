import { readFileSync } from 'node:fs';
import { ROLE_KEYS, type RoleKey } from './world.ts';

/** One row of the table: an operation and the status each role must get. */
export interface MatrixRow {
  operation: string;
  expected: Record<RoleKey, number>;
  line: number;
}

/**
 * Reads the Markdown table of test/authorisation-matrix.md: the header names the roles (in the
 * order of ROLE_KEYS), each row is `| \`METHOD /path\` | status | status | … |`. Anything else in
 * the file — the legend, the notes — is prose for people and is skipped.
 */
export function readMatrix(file: string): MatrixRow[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const header = lines.findIndex((l) => /^\|\s*operation\s*\|/.test(l));
  if (header < 0) throw new Error(`${file}: no table header starting with "| operation |"`);
  const columns = cells(lines[header]!).slice(1);
  if (columns.join(',') !== ROLE_KEYS.join(','))
    throw new Error(`${file}: the header's roles are ${columns.join(', ')}; expected ${ROLE_KEYS.join(', ')}`);
  const rows: MatrixRow[] = [];
  for (let i = header + 2; i < lines.length && lines[i]!.startsWith('|'); i += 1) {
    const [first, ...statuses] = cells(lines[i]!);
    const operation = /^`([A-Z]+ \S+)`$/.exec(first ?? '')?.[1];
    if (!operation) throw new Error(`${file}:${i + 1}: the first cell must be \`METHOD /path\`, not ${first}`);
    if (statuses.length !== ROLE_KEYS.length)
      throw new Error(`${file}:${i + 1}: ${operation} has ${statuses.length} cells; expected ${ROLE_KEYS.length}`);
    const expected = {} as Record<RoleKey, number>;
    statuses.forEach((cell, index) => {
      if (!/^[1-5]\d\d$/.test(cell))
        throw new Error(`${file}:${i + 1}: ${operation}, ${ROLE_KEYS[index]}: "${cell}" is not a status code`);
      expected[ROLE_KEYS[index]!] = Number(cell);
    });
    rows.push({ operation, expected, line: i + 1 });
  }
  return rows;
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());
}

/** The table as Markdown, aligned, for writing down what the product answers today. */
export function formatMatrix(rows: { operation: string; statuses: Record<RoleKey, number> }[]): string {
  const table = [
    ['operation', ...ROLE_KEYS],
    ...rows.map((r) => [`\`${r.operation}\``, ...ROLE_KEYS.map((k) => String(r.statuses[k]))]),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(table[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.slice(1).map(line)].join(
    '\n',
  );
}
