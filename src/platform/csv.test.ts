import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsv, type CsvProblem } from './csv.ts';

async function collect(input: Readable, problems: CsvProblem[] = []) {
  const rows = [];
  for await (const row of readCsv(input, { required: ['a'], optional: ['b'] }, problems)) rows.push(row);
  return rows;
}

describe('CSV reading', () => {
  it('reads rows by header, reporting bad lines by number and skipping them', async () => {
    const problems: CsvProblem[] = [];
    const rows = await collect(Readable.from(['a,b\n1,x\n', '2,"unclosed\n3,z,extra\n']), problems);
    expect(rows.map((r) => r.values.a)).toEqual(['1']);
    expect(problems.length).toBeGreaterThan(0);
  });

  it('refuses an empty file and a file without the required columns', async () => {
    await expect(collect(Readable.from(['']))).rejects.toMatchObject({ code: 'csv_empty' });
    await expect(collect(Readable.from(['a,b\n']))).rejects.toMatchObject({ code: 'csv_empty' });
    await expect(collect(Readable.from(['x,y\n1,2\n']))).rejects.toMatchObject({ code: 'csv_columns' });
  });

  it('ends with an error, instead of waiting forever, when the upload is aborted midway', async () => {
    const input = new Readable({ read() {} });
    input.push('a,b\n1,x\n');
    const reading = collect(input);
    setTimeout(() => input.destroy(new Error('client aborted')), 20);
    await expect(reading).rejects.toThrow(/aborted/);
  });
});
