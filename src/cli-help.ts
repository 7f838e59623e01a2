/** `partner-portal <command> --help`: what each command does, its options, and examples. */
export const COMMAND_HELP: Record<string, string> = {
  serve: `partner-portal serve [--demo | --no-demo]

Serves the portal on HOST:PORT. Migrates first (always on the embedded database; on a
PostgreSQL server, unless NODE_ENV=production, where \`migrate\` is a deploy step). Prints the
address and one demo sign-in per role. SIGINT/SIGTERM drain requests and the outbox first.

Demo data (loaded only into an empty database, never in production): by default on the
embedded database, not on a DATABASE_URL server. --demo / DEMO=1 asks for it, --no-demo /
DEMO=0 refuses it; the flag wins over the variable.

Examples:
  partner-portal serve                       # embedded database, demo data on first start
  partner-portal serve --no-demo             # an empty portal
  DATABASE_URL=postgres://pp@db/pp partner-portal serve --demo
  PORT=8080 HOST=0.0.0.0 partner-portal serve`,
  migrate: `partner-portal migrate [--down]

Applies every pending migration, or with --down undoes the last one.

Examples:
  partner-portal migrate
  DATABASE_URL=postgres://pp@db/pp partner-portal migrate
  partner-portal migrate --down`,
  'seed-demo': `partner-portal seed-demo

Migrates, then loads the demo programme into an empty database (does nothing when accounts
exist, and nothing in production).

Example:
  DATA_DIR=./demo-data partner-portal seed-demo`,
  'create-staff': `partner-portal create-staff --email E --name N [--role staff_admin|staff_reviewer]

Creates a programme staff account (default role staff_admin) and prints the link where the
person sets a password (also emailed; valid 24 hours).

Examples:
  partner-portal create-staff --email ada@vendor.example --name "Ada Admin"
  partner-portal create-staff --email rui@vendor.example --name "Rui Reviewer" --role staff_reviewer`,
  import: `partner-portal import distributors [--as EMAIL] FILE.csv
partner-portal import accounts --distributor ID_OR_CODE [--as EMAIL] FILE.csv

distributors: the distributor directory (columns: code, legal_name, hq_country[, territories,
website, phone, email, accepts_new_resellers]); a known code is updated.
accounts: a distributor's customer account list (columns: account_number[, reseller_name,
country, status]); pending claims the list proves are confirmed.
Acts as --as EMAIL (default: the longest-standing staff_admin). Exit 0 when processed (even
with rejected rows), 1 when refused, 2 on wrong usage. Stop the server first on the embedded
database.

Examples:
  partner-portal import distributors directory.csv
  partner-portal import accounts --distributor EURODIST --as ada@vendor.example accounts.csv`,
  audit: `partner-portal audit verify

Walks the audit log's hash chain and reports the first broken link (exit 1), if any.

Example:
  partner-portal audit verify`,
  doctor: `partner-portal doctor

Checks the configuration, the database, the migrations and the SMTP server, and says in plain
words what is wrong and how to fix it. Exit 0 when every check passes, 1 otherwise.

Examples:
  partner-portal doctor
  DATABASE_URL=postgres://pp@db/pp SMTP_URL=smtp://mail:587 partner-portal doctor`,
};
