import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

// The CLI as an operator runs it, as its own process on a fresh embedded database.
async function cli(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('partner-portal CLI', () => {
  const env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'pp-cli-')), DATABASE_URL: '' };

  it('prints help', async () => {
    const { code, stdout } = await cli(['--help'], env);
    expect(code).toBe(0);
    expect(stdout).toContain('create-staff --email E --name N');
    expect(stdout).toContain('audit verify');
  });

  it('names a bad configuration variable and exits non-zero', async () => {
    const { code, stderr } = await cli(['migrate'], { ...env, PORT: 'x' });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT must be a whole number');
  });

  it('migrates, creates a staff member with a set-password link, and verifies the audit chain', async () => {
    const migrated = await cli(['migrate'], env);
    expect(migrated.code).toBe(0);
    const created = await cli(['create-staff', '--email', 'olga@northwind.example', '--name', 'Olga Staff', '--role', 'staff_reviewer'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created staff_reviewer olga@northwind\.example/);
    expect(created.stdout).toMatch(/\/reset-password\?token=\S+/);
    const refused = await cli(['create-staff', '--email', 'olga@northwind.example', '--name', 'Olga Again'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('email: email_taken');
    const verified = await cli(['audit', 'verify'], env);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/Audit chain intact: [1-9]\d* rows verified/);
  });
});
