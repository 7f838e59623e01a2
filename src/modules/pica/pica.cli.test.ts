import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../platform/db.ts';

const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('partner-portal import contracts', () => {
  it('PICA-1: imports support contracts with progress, updates known numbers and reports rejected rows by line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pp-cli-pica-'));
    const env = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
    expect((await cli(['seed-demo'], env)).code).toBe(0);
    const db = createDb({ dataDir: env.DATA_DIR });
    const partner = await db
      .selectFrom('partners')
      .select('organisation_id')
      .where('legal_name', '=', 'Kranich Systemhaus GmbH')
      .executeTakeFirstOrThrow();
    await db.destroy();
    const rows = Array.from(
      { length: 30 },
      (_, i) => `CLI-${i + 1},${partner.organisation_id},PSS,Customer ${i + 1},2026-01-01,2027-12-31,active`,
    );
    const csv =
      [
        'number,partner_id,type,customer,starts_on,ends_on,status',
        ...rows,
        `KR-PICA-2026-001,${partner.organisation_id},PSS,Fabrikam Logistik AG,2026-01-01,2028-06-30,active`,
        `CLI-BAD,${partner.organisation_id},NOPE,,2026-13-01,2027-01-01,active`,
      ].join('\n') + '\n';
    const file = path.join(dir, 'contracts.csv');
    writeFileSync(file, csv);
    const { code, stdout } = await cli(['import', 'contracts', file], env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Progress: \d+ of 32 rows/m);
    expect(stdout).toMatch(/rows read 32\n\s+created\s+30\n\s+updated\s+1\n\s+rejected\s+1/);
    expect(stdout).toContain('line 33, type: Choose a known contract type.');
    expect(stdout).toContain('line 33, starts_on: starts_on must be a date (YYYY-MM-DD).');
  }, 180_000);
});
