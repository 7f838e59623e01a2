/**
 * `npm run bench:report`: writes bench/RESULTS.md from the newest result file of each benchmark
 * (bench/results/<name>-<YYYY-MM-DD>[-quick].json, the contract of bench/lib/results.ts): one
 * table of every figure beside its reference, the machine each ran on, the commands that
 * reproduce them, and for each missed target why and what would close it. Result files in an
 * older format are listed, not tabulated. `--out FILE` writes elsewhere (tests, previews).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib/harness.ts';
import type { BenchResult, ResultRow } from './lib/results.ts';

const RESULTS = path.join(ROOT, 'bench/results');

interface Found {
  file: string;
  result: BenchResult;
}

const isContract = (value: unknown): value is BenchResult =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as BenchResult).benchmark === 'string' &&
  typeof (value as BenchResult).date === 'string' &&
  Array.isArray((value as BenchResult).rows);

/** The newest result of each benchmark (by the date inside it), and the files not in the contract's format. */
export function newestResults(dir = RESULTS): { results: Found[]; other: string[] } {
  const newest = new Map<string, Found>();
  const other: string[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    } catch {
      other.push(file);
      continue;
    }
    if (!isContract(parsed)) {
      other.push(file);
      continue;
    }
    const current = newest.get(parsed.benchmark);
    if (!current || parsed.date > current.result.date) newest.set(parsed.benchmark, { file, result: parsed });
  }
  return { results: [...newest.values()].sort((a, b) => a.result.benchmark.localeCompare(b.result.benchmark)), other };
}

/** A Markdown table cell: pipes escaped, line breaks flattened. */
const cell = (value: unknown) =>
  String(value ?? '–')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');

const number = (n: number | null) =>
  n === null ? '–' : Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en') : String(Math.round(n * 100) / 100);

const metText = (met: boolean | null) => (met === null ? '–' : met ? 'yes' : '**no**');

/**
 * `analysis`: the hand-written reading of the figures (bench/ANALYSIS.md: the issue's table with
 * today's figures, and for each missed target why and what would close it), placed before the
 * generated table so that a reader meets the conclusions first.
 */
export function renderReport(found: Found[], other: string[], now = new Date(), analysis = ''): string {
  const lines: string[] = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench:report\` on ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC from the newest result of each benchmark in \`bench/results/\`. Every figure stands beside a reference measured in the same run on the same machine: on a shared machine the absolute figures move with the load, the ratios much less. A quick run (\`npm run bench -- --quick\`) uses small data and short rounds: it shows that everything works and roughly where it stands, not the programme-scale figures.`,
    '',
  ];
  if (analysis.trim()) lines.push(analysis.trim(), '', '## Every figure', '');
  if (found.length === 0) lines.push('No result files yet: run `npm run bench` (or `npm run bench -- --quick`).', '');
  else {
    lines.push(
      '| benchmark | workload | engine | measured | reference (name) | ratio | target | met? |',
      '| --- | --- | --- | ---: | --- | ---: | --- | --- |',
    );
    for (const { result } of found)
      for (const r of result.rows)
        lines.push(
          `| ${cell(result.benchmark)}${result.quick ? ' (quick)' : ''} | ${cell(r.workload)} | ${cell(r.engine)} | ${number(r.measured)} ${cell(r.unit)} | ${r.reference === null ? '–' : `${number(r.reference)} ${cell(r.unit)} (${cell(r.referenceName)})`} | ${r.ratio === null ? '–' : r.ratio} | ${cell(r.target || '–')} | ${metText(r.met)} |`,
        );
    lines.push('');

    const missed = found.flatMap(({ result }) =>
      result.rows.filter((r) => r.met === false).map((r) => ({ benchmark: result.benchmark, row: r })),
    );
    lines.push('## Missed targets', '');
    if (missed.length === 0) lines.push('None: every target was met.', '');
    for (const { benchmark, row } of missed)
      lines.push(`- **${benchmark}, ${row.workload}, ${row.engine} (${row.unit})**: ${missedNote(row)}`, '');

    lines.push(
      '## Machines',
      '',
      '| benchmark | run (UTC) | mode | CPUs | model | memory | load average before → after | Node | PostgreSQL | PGlite |',
      '| --- | --- | --- | ---: | --- | ---: | --- | --- | --- | --- |',
    );
    for (const { result } of found) {
      const m = result.machine;
      lines.push(
        `| ${cell(result.benchmark)} | ${result.date.slice(0, 16).replace('T', ' ')} | ${result.quick ? 'quick' : 'full'} | ${m.cpus} | ${cell(m.cpuModel)} | ${m.memoryGiB} GiB | ${m.loadAverage.before} → ${m.loadAverage.after} | ${cell(m.node)} | ${cell(m.postgres ?? '–')} | ${cell(m.pglite)} |`,
      );
    }
    lines.push(
      '',
      'A load average above the number of CPUs means other work shared the machine during the run: read the ratios, not the absolute figures.',
      '',
      '## Commands',
      '',
      'Each result was produced by (from the project root; `npm run bench:report` then rewrites this file):',
      '',
      '```sh',
      ...found.flatMap(({ result }) => result.commands),
      'npm run bench:report',
      '```',
      '',
      '## Result files',
      '',
      ...found.map(({ file, result }) => `- \`bench/results/${file}\` (${result.benchmark}, ${result.date})`),
    );
  }
  if (other.length > 0)
    lines.push(
      '',
      'Not in the result format of `bench/lib/results.ts` (older runs, or a benchmark not yet converted), so not tabulated:',
      '',
      ...other.map((f) => `- \`bench/results/${f}\``),
    );
  return `${lines.join('\n')}\n`;
}

function missedNote(row: ResultRow): string {
  const against =
    row.reference === null ? '' : ` against ${number(row.reference)} ${row.unit} for ${row.referenceName}`;
  const measured = `Measured ${number(row.measured)} ${row.unit}${against}${row.ratio === null ? '' : ` (ratio ${row.ratio})`}; target ${row.target}.`;
  return `${measured} ${row.note || 'The benchmark gave no explanation (its result row has no note).'}`;
}

function main(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' } } });
  const { results, other } = newestResults();
  const out = values.out ?? path.join(ROOT, 'bench/RESULTS.md');
  const analysisFile = path.join(ROOT, 'bench/ANALYSIS.md');
  const analysis = existsSync(analysisFile) ? readFileSync(analysisFile, 'utf8') : '';
  writeFileSync(out, renderReport(results, other, new Date(), analysis));
  console.log(
    `${path.relative(ROOT, out)}: ${results.length} benchmark(s), ${results.reduce((n, r) => n + r.result.rows.length, 0)} row(s)${other.length ? `; ${other.length} older file(s) listed, not tabulated` : ''}`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = main(process.argv.slice(2));
