import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../bench/lib/harness.ts';
import { createTestDatabase, type TestDatabase } from '../test/helpers/database.ts';
import { main } from './cli.ts';
import { createDb } from './platform/db.ts';
import { formatProblems } from './cli-import.ts';

// Commands run in process against this file's cloned test database: a subprocess per command
// cost ~3 s of start-up each (tsx, imports, opening PGlite). One smoke test below still runs
// the real executable, so the process entry and exit codes stay covered.
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env },
    db: database.db,
    out: { write: (text: string) => (stdout += text) },
    err: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

describe('partner-portal CLI', () => {
  it('runs as its own process and prints help', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/partner-portal.js', '--help'], {
      timeout: 60_000,
    });
    expect(stdout).toContain('create-staff --email E --name N');
    expect(stdout).toContain('audit verify');
    expect(stdout).toContain('import distributors [--as EMAIL] FILE.csv');
    expect(stdout).toContain('import accounts --distributor ID_OR_CODE');
  });

  it('#15 npm start: the compiled portal (dist/) serves translated pages and static files, and stops on SIGTERM', async () => {
    // package.json's start script runs bin/partner-portal.js, which builds dist/cli.js when it is
    // stale: everything read from disk relative to the code (locales, public/, data-files/,
    // node_modules data) must be found from the bundle as it is from src/.
    const start = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string;
    expect(start).toMatch(/^node (--[\w-]+ )*bin\/partner-portal\.js serve$/);
    const port = await freePort();
    const child = spawn(process.execPath, start.split(' ').slice(1).concat('--no-demo'), {
      env: {
        ...process.env,
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'pp-start-')),
        DATABASE_URL: '',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'development',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const get = (p: string, lang = 'en') =>
        fetch(`http://127.0.0.1:${port}${p}`, { headers: { 'accept-language': lang } }).catch(() => undefined);
      let home: Response | undefined;
      for (let i = 0; i < 600 && child.exitCode === null && home?.status !== 200; i++) {
        home = await get('/');
        if (home?.status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(home?.status, output).toBe(200);
      expect(await home!.text()).toContain('<html lang="en"');
      const french = await get('/', 'fr');
      expect(await french!.text()).toContain('<html lang="fr"');
      // The Swagger UI's assets are read from its package in node_modules, left out of the bundle.
      for (const asset of ['/assets/app.css', '/assets/pico.min.css', '/api/docs/static/swagger-ui.css']) {
        const answer = await get(asset);
        expect(answer?.status, asset).toBe(200);
        // Read to the end, as a browser does: an unread answer is a request still in flight.
        await answer?.text();
      }
      child.kill('SIGTERM');
      expect(await exited, output).toBe(0);
      // Every input the build recorded is a file whose date the next start compares: one that is
      // not (a built-in module's name) would make every start build again.
      const { inputs } = JSON.parse(readFileSync('dist/build.json', 'utf8')) as { inputs: string[] };
      expect(inputs.filter((input) => !existsSync(input))).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  }, 180_000);

  it('names a bad configuration variable and exits non-zero', async () => {
    const { code, stderr } = await cli(['migrate'], { PORT: 'x' });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT must be a whole number');
  });

  it('migrates, creates a staff member with a set-password link, and verifies the audit chain', async () => {
    const migrated = await cli(['migrate']);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toContain('Nothing to do: the database is up to date.');
    const created = await cli([
      'create-staff',
      '--email',
      'olga@northwind.example',
      '--name',
      'Olga Staff',
      '--role',
      'staff_reviewer',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created staff_reviewer olga@northwind\.example/);
    expect(created.stdout).toMatch(/\/reset-password\?token=\S+/);
    const refused = await cli(['create-staff', '--email', 'olga@northwind.example', '--name', 'Olga Again']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('email: email_taken');
    const verified = await cli(['audit', 'verify']);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/Audit chain intact: [1-9]\d* rows verified/);
  });
});

describe('partner-portal import', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pp-cli-import-'));
  const file = (name: string, text: string) => {
    const target = path.join(dir, name);
    writeFileSync(target, text);
    return target;
  };
  const header = 'code,legal_name,hq_country,territories,website,phone,email,accepts_new_resellers\n';
  const nordic =
    'NORDLYS,Nordlys Distribution AB,SE,DK;FI;NO;IS,https://www.nordlys.example,+46 8 555 010 00,sales@nordlys.example,yes\n';
  const eurodist = (name: string) =>
    `EURODIST,${name},DE,AT CH,https://www.eurodist.example,+49 30 5550 1000,sales@eurodist.example,yes\n`;

  async function distributorCount(): Promise<number> {
    const row = await database.db
      .selectFrom('distributors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('refuses to import without a programme administrator, and says how to make one', async () => {
    const refused = await cli(['import', 'distributors', file('none.csv', header + nordic)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('No programme administrator (staff_admin)');
    expect((await cli(['create-staff', '--email', 'ops@northwind.example', '--name', 'Otto Ops'])).code).toBe(0);
  }, 60_000);

  it('REG-5: imports the distributor directory; a second run updates instead of duplicating', async () => {
    const first = await cli([
      'import',
      'distributors',
      file('directory.csv', header + nordic + eurodist('EuroDist Networks GmbH')),
    ]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('as ops@northwind.example');
    expect(first.stdout).toMatch(/created\s+2\n\s+updated\s+0\n\s+unchanged\s+0\n\s+rejected\s+0/);
    const second = await cli([
      'import',
      'distributors',
      '--as',
      'ops@northwind.example',
      file('directory-2.csv', header + nordic + eurodist('EuroDist Networks AG')),
    ]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/created\s+0\n\s+updated\s+1\n\s+unchanged\s+1\n\s+rejected\s+0/);
    expect(await distributorCount()).toBe(2);
  }, 60_000);

  it('REG-5: reports rejected rows by line and field, imports the rest and exits 0', async () => {
    const csv =
      header +
      'BAD-1,,XX,,not-a-url,call us,nobody,maybe\n' +
      'ALBION,Albion Channel Ltd,GB,IE,,,,no\n' +
      'iberia,Iberia Canal S.L.,ES,PT;QQ,,,,yes\n';
    const { code, stdout } = await cli(['import', 'distributors', file('bad-rows.csv', csv)]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/created\s+1\n[\s\S]*rejected\s+2/);
    expect(stdout).toContain('line 2, legal_name: Legal name is required.');
    expect(stdout).toContain('line 2, hq_country:');
    expect(stdout).toContain('line 2, website:');
    expect(stdout).toContain('line 2, accepts_new_resellers:');
    expect(stdout).toMatch(/line 4, territories: .*"QQ"/);
  }, 60_000);

  it('refuses an empty file, a file without the required columns and a missing file', async () => {
    const empty = await cli(['import', 'distributors', file('empty.csv', '')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('The file is empty');
    const columns = await cli(['import', 'distributors', file('columns.csv', 'name,country\nX,DE\n')]);
    expect(columns.code).toBe(1);
    expect(columns.stderr).toContain('missing column(s) code, legal_name, hq_country');
    const emptyList = await cli(['import', 'accounts', '--distributor', 'EURODIST', path.join(dir, 'empty.csv')]);
    expect(emptyList.code).toBe(1);
    expect(emptyList.stderr).toContain('The file is empty');
    const missing = await cli(['import', 'distributors', path.join(dir, 'missing.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
  }, 60_000);

  it('REG-2: uploads an account list with progress lines and reports the row counts', async () => {
    const rows = Array.from(
      { length: 12_000 },
      (_, i) => `EDN-${String(i + 1).padStart(6, '0')},Reseller ${i + 1},DE,active`,
    );
    const csv =
      [
        'account_number,reseller_name,country,status',
        ...rows,
        'not valid!,Broken,DE,active',
        'EDN-999999,Unknown land,ZZ,active',
        'EDN-000001,Again,DE,closed',
      ].join('\n') + '\n';
    const { code, stdout } = await cli(['import', 'accounts', '--distributor', 'eurodist', file('accounts.csv', csv)]);
    expect(code).toBe(0);
    const progress = stdout.split('\n').filter((line) => line.startsWith('Progress: '));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress[0]).toMatch(/^Progress: 5000 of 12003 rows \(41%\)/);
    expect(progress.at(-1)).toMatch(/^Progress: 12003 of 12003 rows \(100%\)/);
    expect(stdout).toContain('into the account list of EuroDist Networks AG (EURODIST) as ops@northwind.example');
    expect(stdout).toMatch(/rows read\s+12003\n\s+rows written\s+12000\n\s+rows rejected\s+2\n\s+duplicates\s+1/);
    expect(stdout).toContain('line 12002, account_number:');
    expect(stdout).toContain('line 12003, country:');
    expect(stdout).toContain('file, account_number: EDN-000001 appears more than once');
  }, 60_000);

  it('caps the problems it prints', () => {
    const problems = Array.from({ length: 60 }, (_, i) => ({ line: i + 2, field: 'code', message: 'is wrong' }));
    const lines = formatProblems(problems, 5);
    expect(lines).toHaveLength(51);
    expect(lines[0]).toBe('  line 2, code: is wrong');
    expect(lines[50]).toBe('  …and 15 more');
  });
});

describe('issue #17 item 5: help and doctor', () => {
  it('shows help with examples for every command', async () => {
    for (const command of ['serve', 'migrate', 'seed-demo', 'create-staff', 'import', 'audit', 'doctor']) {
      const { code, stdout } = await cli([command, '--help']);
      expect(code, command).toBe(0);
      expect(stdout, command).toContain(`partner-portal ${command}`);
      expect(stdout, command).toMatch(/Examples?:\n {2}\S/);
    }
    expect((await cli(['help', 'serve'])).stdout).toContain('--no-demo');
    expect((await cli(['--help'])).stdout).toContain('<command> --help shows examples');
  });

  it('doctor: a good configuration and database pass every check', async () => {
    await cli(['migrate']);
    const { code, stdout } = await cli(['doctor']);
    expect(stdout).toContain('✓ Configuration: valid');
    expect(stdout).toContain('✓ Database: the embedded database');
    expect(stdout).toMatch(/✓ Migrations: all \d+ applied/);
    expect(stdout).toContain('✓ Email: no SMTP_URL');
    expect(stdout).toContain('All checks passed.');
    expect(code).toBe(0);
  });

  it('doctor: names a bad variable and how to fix it', async () => {
    const { code, stdout } = await cli(['doctor'], { PORT: 'x' });
    expect(code).toBe(1);
    expect(stdout).toContain('✗ Configuration: PORT must be a whole number');
    expect(stdout).toContain('Fix: Set or correct these environment variables');
  });

  it('doctor: reports pending migrations and says to run migrate', async () => {
    const empty = createDb({});
    try {
      // A new in-memory database is created on its first query: take that here, so that the
      // doctor's own 15 s answer limit measures the check, not a busy machine's initdb.
      await sql`SELECT 1`.execute(empty);
      let stdout = '';
      const code = await main(['doctor'], {
        env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '' },
        db: empty,
        out: { write: (s: string) => (stdout += s) },
        err: { write: () => true },
      });
      expect(code).toBe(1);
      expect(stdout).toMatch(/✗ Migrations: (\d+) of \1 not applied yet/);
      expect(stdout).toContain('Fix: Run `partner-portal migrate`');
      expect(stdout).toContain('1 problem found.');
    } finally {
      await empty.destroy();
    }
    // A brand-new PGlite (not a clone of the migrated template) takes several seconds to create,
    // and much longer on a machine busy with other work.
  }, 120_000);

  it('doctor: an unreachable SMTP server is reported with the fix', async () => {
    const { code, stdout } = await cli(['doctor'], { SMTP_URL: 'smtp://user:secret@127.0.0.1:1' });
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /✗ Email: cannot reach or sign in to the SMTP server at smtp:\/\/user:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
    expect(stdout).not.toContain('secret');
    expect(stdout).toContain('Fix: Check SMTP_URL');
  });

  it('#16.3 doctor: an unreachable Redis (REDIS_URL) is reported with the fix', async () => {
    const { code, stdout } = await cli(['doctor'], { REDIS_URL: 'redis://:secret@127.0.0.1:1' });
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /✗ Rate limits: REDIS_URL: could not connect to redis:\/\/:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
    expect(stdout).not.toContain('secret');
    expect(stdout).toContain('Fix: Check REDIS_URL');
  });
});
