import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from './config.ts';
import { createDb, type Db } from './platform/db.ts';
import { migrateDown, migrateToLatest } from './platform/migrate.ts';
import { closeOnSignals, startServer } from './server.ts';
import { createStaff } from './modules/accounts/index.ts';
import { verifyAuditChain } from './modules/audit/index.ts';
import { DEMO_PASSWORD, seedDemo } from './demo/seed-demo.ts';
import { startupBanner } from './demo/demo-logins.ts';
import { demoDecision } from './demo/demo.rules.ts';
import { AppError } from './platform/errors.ts';
import {
  CliError,
  importAccountsCommand,
  importContractsCommand,
  importDistributorsCommand,
  type CliStream,
} from './cli-import.ts';
import { BACKUP_HELP, backupCommand } from './cli-backup.ts';
import { EmbeddedDataDirError } from './platform/embedded.ts';
import { doctorCommand } from './cli-doctor.ts';
import { COMMAND_HELP } from './cli-help.ts';

const HELP = `partner-portal <command> [options]

Commands:
  serve [--demo | --no-demo]             Serve the portal (migrates the embedded database first;
                                         demo data by default on the embedded database only)
  migrate [--down]                       Apply pending migrations (or undo the last one)
  seed-demo                              Load the demo programme into an empty database
  create-staff --email E --name N [--role staff_admin|staff_reviewer]
                                         Create a programme staff account; prints the link
                                         where the person sets a password
  import distributors [--as EMAIL] FILE.csv
                                         Import the distributor directory (columns: code, legal_name,
                                         hq_country[, territories, website, phone, email,
                                         accepts_new_resellers]); a known code is updated
  import accounts --distributor ID_OR_CODE [--as EMAIL] FILE.csv
                                         Upload a distributor's customer account list (columns:
                                         account_number[, reseller_name, country, status]) with
                                         progress; pending claims the list proves are confirmed
  import contracts [--as EMAIL] FILE.csv
                                         PICA-1: import support contracts (columns: number,
                                         partner_id, type, starts_on, ends_on[, customer, status])
                                         with progress; a known number is updated
  audit verify                           Walk the audit chain and report the first broken link
${BACKUP_HELP}
  doctor                                 Check configuration, database, migrations and SMTP
  --help                                 Show this help; <command> --help shows examples

Imports act as the account named by --as EMAIL (default: the longest-standing programme
administrator, staff_admin), and the audit log names it with "(cli)". They report counts and
the problems by line and field, and exit 0 when the file was processed (even with rejected
rows), 1 when it was refused (not CSV, empty, missing columns) and 2 on wrong usage. On the
embedded database, stop the server first: only one process may open it.

Configuration comes from the environment; see README.md ("Configuration").`;

/**
 * What a command runs against. The process entry passes the real environment and streams; tests
 * run commands in process against their cloned test database (`db`, which is then not closed).
 */
export interface CliEnvironment {
  env: NodeJS.ProcessEnv;
  out: CliStream;
  err: CliStream;
  db?: Db;
}

const processEnvironment = (): CliEnvironment => ({ env: process.env, out: process.stdout, err: process.stderr });

/** Runs one command and answers its exit code (-1: a server was started and keeps running). */
export async function main(argv: string[], io: CliEnvironment = processEnvironment()): Promise<number> {
  try {
    return await command(argv, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err.write(`${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigError || error instanceof EmbeddedDataDirError) io.err.write(`${error.message}\n`);
    else if (error instanceof AppError)
      io.err.write(
        `${error.message}${error.violations.length ? ' ' + error.violations.map((v) => `${v.field}: ${v.rule}`).join(', ') : ''}\n`,
      );
    else io.err.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

async function command(argv: string[], io: CliEnvironment): Promise<number> {
  const log = (text: string) => io.out.write(`${text}\n`);
  const fail = (text: string) => io.err.write(`${text}\n`);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    // --no-demo (the negation of --demo) refuses demo data: `npm start -- --no-demo`.
    allowNegative: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      demo: { type: 'boolean' },
      down: { type: 'boolean' },
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'staff_admin' },
      as: { type: 'string' },
      distributor: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const [command, sub] = positionals;
  const commandHelp = command === 'help' ? COMMAND_HELP[sub ?? ''] : command && COMMAND_HELP[command];
  if ((values.help || command === 'help') && commandHelp) {
    log(commandHelp);
    return 0;
  }
  if (values.help || !command || command === 'help') {
    log(HELP);
    return command || values.help ? 0 : 2;
  }
  if (command === 'doctor') return doctorCommand(io.env, io);
  const config = loadConfig(io.env);

  if (command === 'serve') {
    const demo = demoDecision({
      flag: values.demo,
      env: config.demo,
      databaseUrl: config.databaseUrl,
      isProduction: config.isProduction,
    });
    if ((values.demo || config.demo) && !demo.load) fail(`Not loading demo data: ${demo.why}.`);
    const server = await startServer(config, { demo: demo.load });
    closeOnSignals(server);
    log(await startupBanner(server.db, config.publicUrl, DEMO_PASSWORD));
    return -1; // keep running
  }

  if (command === 'backup' || command === 'restore') return backupCommand(command, config, values.out, sub);

  const db =
    io.db ??
    createDb({
      url: config.databaseUrl,
      preparedStatements: config.databasePreparedStatements,
      dataDir: config.dataDir,
      durability: config.embeddedDurability,
    });
  try {
    switch (command) {
      case 'migrate': {
        const applied = values.down ? await migrateDown(db) : await migrateToLatest(db);
        log(
          applied.length
            ? `${values.down ? 'Reverted' : 'Applied'}: ${applied.join(', ')}`
            : 'Nothing to do: the database is up to date.',
        );
        return 0;
      }
      case 'seed-demo': {
        await migrateToLatest(db);
        const seeded = await seedDemo({ db, config });
        log(
          seeded
            ? `Loaded demo data (${seeded.accounts} accounts, ${seeded.distributors} distributors, ${seeded.resellers} resellers).`
            : 'The database already has data; nothing loaded.',
        );
        return 0;
      }
      case 'create-staff': {
        if (!values.email || !values.name) {
          fail('create-staff needs --email and --name (and optionally --role staff_admin|staff_reviewer).');
          return 2;
        }
        await migrateToLatest(db);
        const { account, link } = await createStaff(
          { db, config },
          { email: values.email, name: values.name, role: values.role ?? 'staff_admin' },
          null,
        );
        log(
          `Created ${values.role} ${account.email}. An email with this link is on its way; it sets the password and expires in 24 hours:\n${link}`,
        );
        return 0;
      }
      case 'import': {
        if (sub !== 'distributors' && sub !== 'accounts' && sub !== 'contracts') break;
        if (!config.databaseUrl || !config.isProduction) await migrateToLatest(db);
        const ctx = { db, config };
        const file = positionals[2];
        if (sub === 'contracts') return await importContractsCommand(ctx, file, values.as, io);
        return sub === 'distributors'
          ? await importDistributorsCommand(ctx, file, values.as, io)
          : await importAccountsCommand(ctx, file, values.distributor, values.as, io);
      }
      case 'audit': {
        if (sub !== 'verify') break;
        const verdict = await verifyAuditChain(db);
        if (verdict.ok) {
          log(`Audit chain intact: ${verdict.checked} rows verified.`);
          return 0;
        }
        fail(
          `Audit chain BROKEN at row ${verdict.brokenAtId} (${verdict.reason}); ${verdict.checked} rows before it verified.`,
        );
        return 1;
      }
    }
    fail(`Unknown command: ${positionals.join(' ')}\n\n${HELP}`);
    return 2;
  } finally {
    if (!io.db) await db.destroy();
  }
}

/** The process entry: `node --import tsx src/cli.ts …` and `bin/partner-portal.js`. */
export async function runCli(): Promise<void> {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
}

if (import.meta.main) await runCli();
