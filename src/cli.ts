import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from './config.ts';
import { createDb } from './platform/db.ts';
import { migrateDown, migrateToLatest } from './platform/migrate.ts';
import { closeOnSignals, startServer } from './server.ts';
import { createStaff } from './modules/accounts/index.ts';
import { verifyAuditChain } from './modules/audit/index.ts';
import { seedDemo } from './demo/seed-demo.ts';
import { AppError } from './platform/errors.ts';
import { CliError, importAccountsCommand, importContractsCommand, importDistributorsCommand } from './cli-import.ts';

const HELP = `partner-portal <command> [options]

Commands:
  serve [--demo]                         Serve the portal (migrates the embedded database first;
                                         --demo loads demo data into an empty database)
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
  --help                                 Show this help

Imports act as the account named by --as EMAIL (default: the longest-standing programme
administrator, staff_admin), and the audit log names it with "(cli)". They report counts and
the problems by line and field, and exit 0 when the file was processed (even with rejected
rows), 1 when it was refused (not CSV, empty, missing columns) and 2 on wrong usage. On the
embedded database, stop the server first: only one process may open it.

Configuration comes from the environment; see README.md ("Configuration").`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      demo: { type: 'boolean' },
      down: { type: 'boolean' },
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'staff_admin' },
      as: { type: 'string' },
      distributor: { type: 'string' },
    },
  });
  const [command, sub] = positionals;
  if (values.help || !command) {
    console.log(HELP);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig();

  if (command === 'serve') {
    const server = await startServer(config, { demo: !!values.demo });
    closeOnSignals(server);
    return -1; // keep running
  }

  const db = createDb({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    switch (command) {
      case 'migrate': {
        const applied = values.down ? await migrateDown(db) : await migrateToLatest(db);
        console.log(applied.length ? `${values.down ? 'Reverted' : 'Applied'}: ${applied.join(', ')}` : 'Nothing to do: the database is up to date.');
        return 0;
      }
      case 'seed-demo': {
        await migrateToLatest(db);
        const seeded = await seedDemo({ db, config });
        console.log(seeded ? `Loaded demo data (${seeded.accounts} accounts, ${seeded.distributors} distributors, ${seeded.resellers} resellers).` : 'The database already has data; nothing loaded.');
        return 0;
      }
      case 'create-staff': {
        if (!values.email || !values.name) {
          console.error('create-staff needs --email and --name (and optionally --role staff_admin|staff_reviewer).');
          return 2;
        }
        await migrateToLatest(db);
        const { account, link } = await createStaff({ db, config }, { email: values.email, name: values.name, role: values.role ?? 'staff_admin' }, null);
        console.log(`Created ${values.role} ${account.email}. An email with this link is on its way; it sets the password and expires in 24 hours:\n${link}`);
        return 0;
      }
      case 'import': {
        if (sub !== 'distributors' && sub !== 'accounts' && sub !== 'contracts') break;
        if (!config.databaseUrl || !config.isProduction) await migrateToLatest(db);
        const ctx = { db, config };
        const io = { out: process.stdout, err: process.stderr };
        const file = positionals[2];
        if (sub === 'contracts') return await importContractsCommand(ctx, file, values.as, io);
        return sub === 'distributors' ? await importDistributorsCommand(ctx, file, values.as, io) : await importAccountsCommand(ctx, file, values.distributor, values.as, io);
      }
      case 'audit': {
        if (sub !== 'verify') break;
        const verdict = await verifyAuditChain(db);
        if (verdict.ok) {
          console.log(`Audit chain intact: ${verdict.checked} rows verified.`);
          return 0;
        }
        console.error(`Audit chain BROKEN at row ${verdict.brokenAtId} (${verdict.reason}); ${verdict.checked} rows before it verified.`);
        return 1;
      }
    }
    console.error(`Unknown command: ${positionals.join(' ')}\n\n${HELP}`);
    return 2;
  } finally {
    await db.destroy();
  }
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
} catch (error) {
  if (error instanceof CliError) {
    console.error(error.message);
    process.exit(error.exitCode);
  }
  if (error instanceof ConfigError) console.error(error.message);
  else if (error instanceof AppError) console.error(`${error.message}${error.violations.length ? ' ' + error.violations.map((v) => `${v.field}: ${v.rule}`).join(', ') : ''}`);
  else console.error(error);
  process.exit(1);
}
