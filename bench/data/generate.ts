/**
 * Issue #15: the benchmark data generator. A realistic programme of any size, reproducible from
 * a seed, into PostgreSQL (a URL) or the embedded PGlite (a data directory):
 *
 *   npm run bench:data -- --partners 100000 --locations 1000000 --accounts 1000000 --applications 10000 \
 *     [--seed 42] [--database-url postgres://…/db | --data-dir ./data-bench]
 *
 * or from a benchmark: `await generateBenchData({ databaseUrl, partners, locations, accounts, applications, seed })`.
 * The database is migrated first and must hold no partners yet. Decision 062 records the design.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import cliProgress from 'cli-progress';
import { loadConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/platform/context.ts';
import { createDb, embeddedPGlite, type Db } from '../../src/platform/db.ts';
import { migrateToLatest } from '../../src/platform/migrate.ts';
import {
  BENCH_ADMIN_EMAIL,
  BENCH_PASSWORD,
  BENCH_REVIEWER_EMAILS,
  loadAccountLists,
  loadApplications,
  loadClaims,
  loadContracts,
  loadDistributors,
  loadLocations,
  loadPartners,
  loadStaff,
  type Loader,
} from './load.ts';
import { makePlan } from './plan.ts';

export { BENCH_ADMIN_EMAIL, BENCH_PASSWORD, BENCH_REVIEWER_EMAILS };

export interface BenchDataProgress {
  phase: string;
  done: number;
  total: number;
}

export interface BenchDataOptions {
  /** A PostgreSQL database (it must exist; the generator migrates it). */
  databaseUrl?: string;
  /** An embedded PGlite data directory (created when missing). Ignored with databaseUrl. */
  dataDir?: string;
  /** An already open database (tests); left open. Takes precedence over the other two. */
  db?: Db;
  partners: number;
  locations: number;
  accounts: number;
  applications: number;
  seed: number;
  onProgress?: (progress: BenchDataProgress) => void;
}

export interface BenchDataSummary {
  engine: 'postgres' | 'pglite';
  seed: number;
  seconds: number;
  /** Rows written per phase and how long it took. */
  phases: { phase: string; rows: number; seconds: number; rowsPerSecond: number }[];
  counts: Record<string, number>;
  distributors: { id: string; organisationId: string; code: string; hqCountry: string; listRows: number }[];
  staff: { adminEmail: string; reviewerEmails: string[]; password: string };
}

const TABLES = [
  'organisations',
  'partners',
  'distributors',
  'distributor_accounts',
  'account_claims',
  'partner_locations',
  'applications',
  'application_submissions',
  'users',
  'pica_contracts',
] as const;

export async function generateBenchData(options: BenchDataOptions): Promise<BenchDataSummary> {
  for (const key of ['partners', 'locations', 'accounts', 'applications', 'seed'] as const)
    if (!Number.isInteger(options[key]) || options[key] < 0) throw new Error(`${key} must be a whole number ≥ 0`);
  if (options.partners < 1) throw new Error('partners must be at least 1');
  const started = performance.now();
  const db =
    options.db ??
    (options.databaseUrl
      ? createDb({ url: options.databaseUrl, poolSize: 6 })
      : createDb({ dataDir: options.dataDir ?? './data-bench', durability: 'relaxed' }));
  try {
    await migrateToLatest(db);
    const existing = await db.selectFrom('partners').select('organisation_id').limit(1).executeTakeFirst();
    if (existing)
      throw new Error('The database already has partners: the generator loads into an empty, migrated database.');
    const engine = (await embeddedPGlite(db)) ? 'pglite' : 'postgres';
    const superuser = await sql<{ rolsuper: boolean }>`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`
      .execute(db)
      .then((r) => r.rows[0]?.rolsuper === true);
    const config = loadConfig({
      NODE_ENV: 'development',
      SESSION_SECRET: 'bench-data-generator-not-a-secret-000',
      LOG_LEVEL: 'silent',
    });
    const ctx: AppContext = { db, config };

    const phases = new Map<string, { rows: number; started: number; ended: number }>();
    const report = (phase: string, done: number, total: number) => {
      const now = performance.now();
      const p = phases.get(phase) ?? { rows: 0, started: now, ended: now };
      p.rows = done;
      p.ended = now;
      phases.set(phase, p);
      options.onProgress?.({ phase, done, total });
    };
    report('plan', 0, 1);
    const plan = makePlan(options);
    report('plan', 1, 1);
    const loader: Loader = { ctx, plan, report, superuser, parallel: engine === 'postgres' ? 2 : 1 };
    report('staff', 0, 1);
    const staff = await loadStaff(loader);
    report('staff', 1, 1);
    const distributors = await loadDistributors(loader, staff);
    await loadPartners(loader, staff, distributors);
    const { mismatched } = await loadClaims(loader, distributors);
    // On a server the two big phases share it: each spends most of its time waiting on PostgreSQL.
    if (loader.parallel > 1)
      await Promise.all([loadAccountLists(loader, staff, distributors, mismatched), loadLocations(loader)]);
    else {
      await loadAccountLists(loader, staff, distributors, mismatched);
      await loadLocations(loader);
    }
    await loadApplications(loader, staff, distributors);
    await loadContracts(loader, staff, db);
    report('analyze', 0, 1);
    await sql`ANALYZE`.execute(db);
    report('analyze', 1, 1);

    const counts: Record<string, number> = {};
    for (const table of TABLES)
      counts[table] = Number(
        (await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db)).rows[0]!.n,
      );
    // The applicants of submitted applications are partners too (status applicant), beside those asked for.
    counts.applicantPartners = Number(
      (await sql<{ n: string }>`SELECT count(*) AS n FROM partners WHERE status = 'applicant'`.execute(db)).rows[0]!.n,
    );
    return {
      engine,
      seed: options.seed,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      phases: [...phases].map(([phase, p]) => {
        const seconds = (p.ended - p.started) / 1000;
        return {
          phase,
          rows: p.rows,
          seconds: Math.round(seconds * 10) / 10,
          rowsPerSecond: seconds > 0 ? Math.round(p.rows / seconds) : 0,
        };
      }),
      counts,
      distributors: plan.distributors.map((d, i) => ({
        id: distributors[i]!.id,
        organisationId: distributors[i]!.organisationId,
        code: d.code,
        hqCountry: d.hqCountry,
        listRows: d.listRows,
      })),
      staff: { adminEmail: BENCH_ADMIN_EMAIL, reviewerEmails: BENCH_REVIEWER_EMAILS, password: BENCH_PASSWORD },
    };
  } finally {
    if (!options.db) await db.destroy();
  }
}

/** A progress bar per phase on a terminal (rows and rows/s; phases may run side by side); a line per phase elsewhere. */
function progressBar(out: NodeJS.WriteStream): { update: (p: BenchDataProgress) => void; stop: () => void } {
  const multi = out.isTTY
    ? new cliProgress.MultiBar(
        {
          format: '{phase} |{bar}| {percentage}% | {value}/{total} rows | {speed} rows/s | ETA {eta_formatted}',
          hideCursor: true,
          stream: out,
          etaBuffer: 50,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const phases = new Map<string, { bar?: cliProgress.SingleBar; started: number; done: boolean }>();
  return {
    update: (p) => {
      let phase = phases.get(p.phase);
      if (!phase) {
        phase = { started: performance.now(), done: false };
        phase.bar = multi?.create(Math.max(1, p.total), 0, { phase: p.phase.padEnd(17), speed: 0 });
        phases.set(p.phase, phase);
        if (!multi) out.write(`${p.phase}: ${p.total} rows…\n`);
      }
      const seconds = (performance.now() - phase.started) / 1000;
      const speed = seconds > 0 ? Math.round(p.done / seconds) : 0;
      phase.bar?.setTotal(Math.max(1, p.total));
      phase.bar?.update(p.done, { speed });
      if (!multi && !phase.done && p.done >= p.total && p.total > 0) {
        phase.done = true;
        out.write(`${p.phase}: ${p.done} rows in ${seconds.toFixed(1)} s (${speed} rows/s)\n`);
      }
    },
    stop: () => multi?.stop(),
  };
}

async function cli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      partners: { type: 'string', default: '100000' },
      locations: { type: 'string', default: '1000000' },
      accounts: { type: 'string', default: '1000000' },
      applications: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '42' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'npm run bench:data -- [--partners N] [--locations N] [--accounts N] [--applications N] [--seed N]\n' +
        '                      [--database-url postgres://…/existing-db | --data-dir ./data-bench]\n',
    );
    return 0;
  }
  const progress = progressBar(process.stdout);
  try {
    const summary = await generateBenchData({
      ...(values['database-url']
        ? { databaseUrl: values['database-url'] }
        : { dataDir: values['data-dir'] ?? './data-bench' }),
      partners: Number(values.partners),
      locations: Number(values.locations),
      accounts: Number(values.accounts),
      applications: Number(values.applications),
      seed: Number(values.seed),
      onProgress: progress.update,
    });
    progress.stop();
    process.stdout.write(
      [
        `Loaded in ${summary.seconds} s on ${summary.engine} (seed ${summary.seed}):`,
        ...summary.phases.map(
          (p) =>
            `  ${p.phase.padEnd(17)} ${String(p.rows).padStart(9)} rows  ${String(p.seconds).padStart(6)} s  ${String(p.rowsPerSecond).padStart(7)} rows/s`,
        ),
        'Rows:',
        ...Object.entries(summary.counts).map(([t, n]) => `  ${t.padEnd(24)} ${n}`),
        `Staff sign-in: ${summary.staff.adminEmail} (and ${summary.staff.reviewerEmails.join(', ')}), password ${summary.staff.password}`,
      ].join('\n') + '\n',
    );
    return 0;
  } catch (error) {
    progress.stop();
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = await cli(process.argv.slice(2));
