/**
 * What durability costs on the embedded database (issue #18, decision 026). Compares, on this
 * machine and in one run, PGlite as it starts by default (`-F`: fsync off), PGlite without
 * `-F` (PostgreSQL asks for fsync, Emscripten's NODEFS ignores it), and the portal's two modes
 * with a real fsync: `relaxed` (synchronous_commit=off) and `full`.
 *
 * Measured for each mode, in interleaved rounds so that the load of a shared machine hits all
 * alike: application submissions per second (a new applicant signs in, starts an application,
 * saves its six steps and submits it: 9 requests, about 20 commits, at 4 concurrent
 * applicants), the latency of a bare one-row commit, of one draft save and of one page (GET /apply) with nothing else
 * running, and an account-list import of BENCH_IMPORT_ROWS rows (default 200,000: a million
 * rows three times per mode does not fit the benchmark's ten minutes on this machine). The
 * `relaxedDurability` option of PGlite is not a mode here: with the Node file system its
 * sync-to-filesystem hook does nothing (see decision 026).
 *
 * Requests go through app.inject (no socket): the socket costs every mode the same, and the
 * database is in the process anyway. Writes bench/results/embedded-durability-<date>[-quick].json
 * (bench/lib/results.ts: `relaxed` and `full` against PGlite's default, no target: decision 026
 * records the cost). Run it with `npm run bench -- embedded-durability`. BENCH_QUICK=1: no warm-up,
 * one round of the three modes that matter (not pglite-fsync-on), 2 s of submissions, 10 latency
 * samples and a 5,000-row import per mode.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { sql } from 'kysely';
import { createDb, PGLITE_OPTIONS, type Db } from '../src/platform/db.ts';
import type { EmbeddedMode } from '../src/platform/embedded.ts';
import { migrateToLatest } from '../src/platform/migrate.ts';
import { hashSecret } from '../src/platform/tokens.ts';
import { publishAgreement } from '../src/modules/registration/index.ts';
import { importAccountList } from '../src/modules/distributors/index.ts';
import { ROOT, table } from './lib/harness.ts';
import { migratedDump } from './lib/pglite.ts';
import { QUICK, row, startMachineRecord, writeResult } from './lib/results.ts';

const fromEnv = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const SETTINGS = {
  rounds: fromEnv('BENCH_ROUNDS', QUICK ? 1 : 3),
  submitSeconds: fromEnv('BENCH_SUBMIT_SECONDS', QUICK ? 2 : 6),
  applicants: 4,
  latencySamples: QUICK ? 10 : 60,
  importRows: fromEnv('BENCH_IMPORT_ROWS', QUICK ? 5_000 : 200_000),
};
// A quick run leaves out `pglite-fsync-on` (fsync asked for and ignored: not one of the portal's modes).
const MODES: EmbeddedMode[] = QUICK
  ? ['pglite-default', 'relaxed', 'full']
  : ['pglite-default', 'pglite-fsync-on', 'relaxed', 'full'];
const meta = { ip: '127.0.0.1', userAgent: 'bench' };
const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

// .tmp/ is git-ignored, so a fresh clone does not have it yet.
mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
const work = mkdtempSync(path.join(ROOT, '.tmp', 'bench-durability-'));
const config = loadConfig({
  NODE_ENV: 'test',
  DATA_DIR: path.join(work, 'config'),
  SESSION_SECRET: 'bench-session-secret-that-is-long-enough-0123456789',
  PUBLIC_URL: 'http://portal.bench',
  LOG_LEVEL: 'silent',
});

interface Sample {
  openMs: number;
  submissions: number;
  submitSeconds: number;
  saveMs: number[];
  pageMs: number[];
  importMs: number;
  commitMs: number[];
}

async function user(
  db: Db,
  roles: { role: 'staff_admin' | 'distributor_admin'; organisationId: string | null }[] = [],
) {
  const email = `u-${randomBytes(5).toString('hex')}@bench.example`;
  const row = await db
    .insertInto('users')
    .values({ email, name: 'Bench User', password_hash: 'x', language: 'en', email_verified_at: new Date() })
    .returning(['id', 'email', 'name'])
    .executeTakeFirstOrThrow();
  for (const r of roles)
    await db
      .insertInto('user_roles')
      .values({ user_id: row.id, role: r.role, organisation_id: r.organisationId, granted_by: null })
      .execute();
  const secret = randomBytes(32).toString('base64url');
  await db
    .insertInto('sessions')
    .values({
      id_hash: hashSecret(secret),
      user_id: row.id,
      expires_at: new Date(Date.now() + 3_600_000),
      ip: null,
      user_agent: null,
    })
    .execute();
  return {
    actor: { userId: row.id, email, name: row.name, language: 'en' as const, emailVerified: true, grants: roles },
    cookie: secret,
  };
}

async function distributor(db: Db) {
  const code = `B-${randomBytes(4).toString('hex').toUpperCase()}`;
  const org = await db
    .insertInto('organisations')
    .values({ kind: 'distributor', name: code })
    .returning('id')
    .executeTakeFirstOrThrow();
  const d = await db
    .insertInto('distributors')
    .values({
      organisation_id: org.id,
      code,
      legal_name: `Distributor ${code}`,
      hq_country: 'DE',
      website: 'https://d.example',
      phone: '+49 30 5550 1000',
      email: 'sales@d.example',
      accepts_new_resellers: true,
      status: 'active',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('distributor_territories').values({ distributor_id: d.id, country: 'AT' }).execute();
  return { id: d.id, organisationId: org.id };
}

/** A migrated data directory with a published agreement, copied for every mode. */
async function prepareTemplate(dir: string): Promise<void> {
  // Unpacked from the migrated dump kept in .tmp/ (bench/lib/pglite.ts): creating and migrating a
  // data directory takes a minute on a busy machine.
  const unpacked = new PGlite(dir, { ...PGLITE_OPTIONS, loadDataDir: await migratedDump() });
  await unpacked.waitReady;
  await unpacked.close();
  const db = createDb({ dataDir: dir, durability: 'pglite-default' });
  await migrateToLatest(db);
  const staff = await user(db, [{ role: 'staff_admin', organisationId: null }]);
  await sql`CREATE TABLE bench_commits (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())`.execute(db);
  await publishAgreement(
    { db, config },
    staff.actor,
    {
      version: '2026.1',
      governingLanguage: 'en',
      texts: { en: { title: 'ICPA', body: 'Terms.' } },
      effectiveAt: new Date('2026-01-01'),
    },
    meta,
  );
  await db.destroy();
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length
    ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 100) / 100
    : 0;
}

async function measure(
  mode: EmbeddedMode,
  dir: string,
  { submitSeconds: seconds, importRows }: { submitSeconds: number; importRows: number } = SETTINGS,
): Promise<Sample> {
  let started = performance.now();
  const db = createDb({ dataDir: dir, durability: mode });
  await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
  const openMs = performance.now() - started;
  const app = await buildApp({ config, db, logger: false });
  await app.ready();
  try {
    const eurodist = await distributor(db);
    const call = async (cookie: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
      const res = await app.inject({ method, url, payload: payload as never, cookies: { pp_session: cookie } });
      if (res.statusCode >= 400) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return res;
    };
    const steps: [string, unknown][] = [
      [
        'company',
        {
          legalName: 'Fabrikam GmbH',
          legalForm: 'limited_company',
          country: 'DE',
          website: 'https://fabrikam.example',
          registrationNumber: 'HRB 9',
        },
      ],
      ['contacts', { primary: { name: 'Dana', email: 'dana@fabrikam.example', phone: '+49 30 901820', title: 'CEO' } }],
      [
        'locations',
        { items: [{ lines: ['Hauptstraße 1'], city: 'Berlin', postcode: '10117', country: 'DE', type: 'office' }] },
      ],
      [
        'distributors',
        { items: [{ distributorId: eurodist.id, accountNumber: 'FAB-1' }], initialDistributorId: eurodist.id },
      ],
      [
        'added-value',
        {
          canDemonstrate: true,
          providesServices: true,
          servicesDescription: 'Demonstrations at customer sites and installation services.',
        },
      ],
      ['personnel', { items: [{ name: 'Dana', email: 'dana@fabrikam.example', role: 'Owner' }] }],
    ];
    const submitOne = async () => {
      const { cookie } = await user(db);
      const created = (await call(cookie, 'POST', '/api/v1/applications')).json();
      let version = created.version;
      for (const [step, answers] of steps)
        version = (await call(cookie, 'PUT', `/api/v1/applications/${created.id}/${step}`, { version, answers })).json()
          .application.version;
      await call(cookie, 'POST', `/api/v1/applications/${created.id}/submit`, {
        confirmsAuthority: true,
        name: 'Dana',
        title: 'CEO',
        acceptedAgreementVersion: '2026.1',
        consentsToRelease: true,
      });
    };

    // Submissions per second at a few concurrent applicants.
    let submissions = 0;
    started = performance.now();
    const until = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: SETTINGS.applicants }, async () => {
        while (performance.now() < until) {
          await submitOne();
          submissions += 1;
        }
      }),
    );
    const submitSeconds = (performance.now() - started) / 1000;

    // One draft save and one page, alone.
    const { cookie } = await user(db);
    const draft = (await call(cookie, 'POST', '/api/v1/applications')).json();
    let version = draft.version;
    const saveMs: number[] = [];
    const pageMs: number[] = [];
    for (let i = 0; i < SETTINGS.latencySamples; i++) {
      let t = performance.now();
      version = (
        await call(cookie, 'PUT', `/api/v1/applications/${draft.id}/company`, {
          version,
          answers: { ...(steps[0]![1] as object), registrationNumber: `HRB ${i}` },
        })
      ).json().application.version;
      saveMs.push(performance.now() - t);
      t = performance.now();
      await call(cookie, 'GET', '/apply');
      pageMs.push(performance.now() - t);
    }

    // The bare cost of a commit: one-row transactions, one after another.
    const commitMs: number[] = [];
    for (let i = 0; i < SETTINGS.latencySamples * 3; i++) {
      const t = performance.now();
      await sql`INSERT INTO bench_commits DEFAULT VALUES`.execute(db);
      commitMs.push(performance.now() - t);
    }

    // An account-list import into a new distributor.
    const target = await distributor(db);
    const uploader = await user(db, [{ role: 'distributor_admin', organisationId: target.organisationId }]);
    const rows = function* () {
      yield 'account_number,reseller_name,country,status\n';
      for (let i = 0; i < importRows; i++) yield `ACC-${i},Reseller ${i},AT,active\n`;
    };
    started = performance.now();
    const report = await importAccountList(
      { db, config },
      uploader.actor,
      target.id,
      Readable.from(rows()),
      'bench.csv',
      meta,
    );
    const importMs = performance.now() - started;
    if (report.status !== 'done' || report.rowsWritten !== importRows)
      throw new Error(`import: ${JSON.stringify(report).slice(0, 300)}`);
    return { openMs, submissions, submitSeconds, saveMs, pageMs, importMs, commitMs };
  } finally {
    await app.close();
    await db.destroy();
  }
}

const machine = startMachineRecord();
try {
  log(`preparing a migrated data directory in ${work}`);
  const template = path.join(work, 'template');
  await prepareTemplate(template);
  for (const mode of MODES) cpSync(template, path.join(work, mode), { recursive: true });
  // The first pass through the code compiles it; none of the modes should pay for that (a quick
  // run does without: its figures are a first look).
  if (!QUICK) {
    log('warm-up (not counted)');
    cpSync(template, path.join(work, 'warm-up'), { recursive: true });
    await measure('pglite-default', path.join(work, 'warm-up'), { submitSeconds: 2, importRows: 5_000 });
  }
  const samples = new Map<EmbeddedMode, Sample[]>(MODES.map((m) => [m, []]));
  for (let round = 0; round < SETTINGS.rounds; round++) {
    // Rotate the order, so no mode always runs first (or last) in a round.
    const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]!);
    for (const mode of order) {
      log(`round ${round + 1}/${SETTINGS.rounds}: ${mode}`);
      const sample = await measure(mode, path.join(work, mode));
      samples.get(mode)!.push(sample);
      log(
        `  ${(sample.submissions / sample.submitSeconds).toFixed(1)} submissions/s, commit p50 ${percentile(sample.commitMs, 50).toFixed(2)} ms, save p50 ${percentile(sample.saveMs, 50).toFixed(2)} ms, import ${(sample.importMs / 1000).toFixed(1)} s`,
      );
    }
  }
  const results = MODES.map((mode) => {
    const s = samples.get(mode)!;
    const saves = s.flatMap((x) => x.saveMs);
    const pages = s.flatMap((x) => x.pageMs);
    const importSeconds = s.map((x) => x.importMs / 1000);
    return {
      mode,
      submissionsPerSecond:
        Math.round((s.reduce((a, x) => a + x.submissions, 0) / s.reduce((a, x) => a + x.submitSeconds, 0)) * 10) / 10,
      // The median round: a burst of other work on the machine during one round moves it less.
      submissionsPerSecondMedianRound: percentile(
        s.map((x) => Math.round((x.submissions / x.submitSeconds) * 10) / 10),
        50,
      ),
      submissionsPerSecondRounds: s.map((x) => Math.round((x.submissions / x.submitSeconds) * 10) / 10),
      commitMs: {
        p50: percentile(
          s.flatMap((x) => x.commitMs),
          50,
        ),
        p95: percentile(
          s.flatMap((x) => x.commitMs),
          95,
        ),
      },
      draftSaveMs: { p50: percentile(saves, 50), p95: percentile(saves, 95) },
      pageMs: { p50: percentile(pages, 50), p95: percentile(pages, 95) },
      importSeconds: { median: percentile(importSeconds, 50), runs: importSeconds.map((x) => Math.round(x * 10) / 10) },
      importRowsPerSecond: Math.round(SETTINGS.importRows / percentile(importSeconds, 50)),
      openMs: {
        median: Math.round(
          percentile(
            s.map((x) => x.openMs),
            50,
          ),
        ),
      },
    };
  });
  const base = results[0]!;
  console.log(
    '\n' +
      table([
        [
          'mode',
          'submissions/s',
          'median round',
          'vs default',
          'commit p50 ms',
          'commit p95 ms',
          'save p50 ms',
          'save p95 ms',
          'page p50 ms',
          'page p95 ms',
          `import ${SETTINGS.importRows / 1000}k s`,
          'rows/s',
          'open ms',
        ],
        ...results.map((r) => [
          r.mode,
          r.submissionsPerSecond,
          r.submissionsPerSecondMedianRound,
          `${Math.round((r.submissionsPerSecondMedianRound / base.submissionsPerSecondMedianRound) * 100)} %`,
          r.commitMs.p50,
          r.commitMs.p95,
          r.draftSaveMs.p50,
          r.draftSaveMs.p95,
          r.pageMs.p50,
          r.pageMs.p95,
          r.importSeconds.median,
          r.importRowsPerSecond,
          r.openMs.median,
        ]),
      ]),
  );
  const reference = 'PGlite as it starts by default (-F, fsync off)';
  const rows = results
    .filter((r) => r.mode === 'relaxed' || r.mode === 'full')
    .flatMap((r) => [
      row({
        workload: `application submissions, ${SETTINGS.applicants} concurrent applicants, EMBEDDED_DURABILITY=${r.mode}`,
        engine: 'pglite',
        measured: r.submissionsPerSecondMedianRound,
        unit: 'submissions/s',
        reference: base.submissionsPerSecondMedianRound,
        referenceName: reference,
        target: '',
        met: null,
        note: 'Records what durability costs (decision 026); no target.',
      }),
      row({
        workload: `one-row commit alone, EMBEDDED_DURABILITY=${r.mode}`,
        engine: 'pglite',
        measured: r.commitMs.p50,
        unit: 'ms p50',
        reference: base.commitMs.p50,
        referenceName: reference,
        target: '',
        met: null,
        note: '',
      }),
      row({
        workload: `account-list import of ${SETTINGS.importRows.toLocaleString('en')} rows, EMBEDDED_DURABILITY=${r.mode}`,
        engine: 'pglite',
        measured: r.importRowsPerSecond,
        unit: 'rows/s',
        reference: base.importRowsPerSecond,
        referenceName: reference,
        target: '',
        met: null,
        note: '',
      }),
    ]);
  const out = writeResult({
    benchmark: 'embedded-durability',
    date: new Date().toISOString(),
    quick: QUICK,
    machine: await machine.finish(),
    commands: [`npm run bench --${QUICK ? ' --quick' : ''} embedded-durability`],
    rows,
    details: { settings: SETTINGS, results },
  });
  log(`wrote ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
