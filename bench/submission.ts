/**
 * Issue #15: application submission throughput on PostgreSQL. Each request is a different
 * applicant's complete draft submitted through `POST /api/v1/applications/:id/submit` (the same
 * service as the wizard's form): every eligibility rule, the applicant partner, the account claim,
 * the snapshot, three consent records, the audit row and the receipt email in the outbox, in one
 * transaction. Interleaved round by round with the bare Fastify route in the same run.
 *
 * Target: ≥ 300 submissions per second.
 *
 * Data: `partner-portal seed-demo` on a throwaway database (pp_bench_<random> on
 * BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres), then BENCH_APPLICANTS
 * (6,000; quick 1,500) signed-in applicants with complete drafts, inserted in bulk; a session of
 * each is written as sign-in writes it (the hash of a random id). One sign-in through the real form
 * proves the demo accounts work; signing in thousands of people would measure argon2 instead.
 * Afterwards the audit chain is verified: every submission's rows linked, every link intact.
 * BENCH_PROFILE=1 profiles the portal. Writes bench/results/submission-<date>[-quick].json.
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { DEMO_PASSWORD } from '../src/demo/seed-demo.ts';
import { verifyAuditChain } from '../src/modules/audit/index.ts';
import { hashSecret } from '../src/platform/tokens.ts';
import { cpuMeter, loadNow, type CpuSample } from './lib/cpu.ts';
import { table, type LoadResult } from './lib/harness.ts';
import {
  engineEnv,
  fromEnv,
  openDb,
  percent,
  PROFILE,
  PROFILE_DIR,
  seedDemo,
  signIn,
  startBare,
  startPortal,
  step,
  workspace,
} from './lib/portal-bench.ts';
import { exitCodeFor, QUICK, row, startMachineRecord, writeResult, runAndExit } from './lib/results.ts';

const SETTINGS = {
  applicants: fromEnv('BENCH_APPLICANTS', QUICK ? 1_000 : 6_000),
  connections: fromEnv('BENCH_CONNECTIONS', 10),
  rounds: QUICK ? 2 : 3,
  bareSeconds: QUICK ? 1 : 2,
};
const TARGET_PER_SECOND = 300;

const ws = workspace(QUICK ? 5 * 60_000 : 15 * 60_000);

interface Applicant {
  applicationId: string;
  cookie: string;
}

/** Complete drafts, one per applicant, as the wizard leaves them (test/helpers/applications.ts). */
async function prepareApplicants(count: number): Promise<Applicant[]> {
  const db = openDb(ws, 'postgres');
  try {
    const [eurodist] = (await sql<{ id: string }>`SELECT id FROM distributors WHERE code = 'EURODIST'`.execute(db))
      .rows;
    if (!eurodist) throw new Error('the demo programme has no EuroDist');
    const tokens = Array.from({ length: count }, () => randomBytes(32).toString('base64url'));
    await sql`CREATE TEMP TABLE bench_applicant (n int PRIMARY KEY, token_hash text NOT NULL, user_id uuid, application_id uuid)`.execute(
      db,
    );
    await sql`INSERT INTO bench_applicant (n, token_hash)
      SELECT n, h FROM unnest(${tokens.map(hashSecret)}::text[]) WITH ORDINALITY AS t(h, n)`.execute(db);
    await sql`WITH u AS (
        INSERT INTO users (email, name, password_hash, language, email_verified_at)
        SELECT 'applicant@bench-reseller-' || n || '.example', 'Applicant ' || n, 'not-a-password-hash', 'en', now()
        FROM bench_applicant RETURNING id, email)
      UPDATE bench_applicant b SET user_id = u.id FROM u
      WHERE u.email = 'applicant@bench-reseller-' || b.n || '.example'`.execute(db);
    await sql`INSERT INTO sessions (id_hash, user_id, expires_at, ip, user_agent)
      SELECT token_hash, user_id, now() + interval '1 day', '127.0.0.1', 'bench/submission' FROM bench_applicant`.execute(
      db,
    );
    await sql`WITH a AS (
        INSERT INTO applications (reference, created_by, status, answers, completed_steps, legal_name, country)
        SELECT 'APP-SUBMIT-' || lpad(b.n::text, 6, '0'), b.user_id, 'draft',
          jsonb_build_object(
            'company', jsonb_build_object('legalName', 'Bench Reseller ' || b.n || ' GmbH', 'legalForm', 'limited_company',
              'country', 'DE', 'website', 'https://bench-reseller-' || b.n || '.example', 'registrationNumber', 'HRB ' || b.n),
            'contacts', jsonb_build_object('primary', jsonb_build_object('name', 'Applicant ' || b.n,
              'email', 'applicant@bench-reseller-' || b.n || '.example', 'phone', '+49 30 901820', 'title', 'CEO')),
            'locations', jsonb_build_object('items', jsonb_build_array(jsonb_build_object(
              'lines', jsonb_build_array('Friedrichstraße ' || (1 + b.n % 200)), 'city', 'Berlin', 'postcode', '10117',
              'country', 'DE', 'type', 'office'))),
            'distributors', jsonb_build_object('items', jsonb_build_array(jsonb_build_object(
              'distributorId', ${eurodist.id}::text, 'accountNumber', 'BENCH-' || b.n)), 'initialDistributorId', ${eurodist.id}::text),
            'added_value', jsonb_build_object('canDemonstrate', true, 'providesServices', true,
              'servicesDescription', 'Demonstrations on site and professional services with every sale.'),
            'personnel', jsonb_build_object('items', jsonb_build_array(jsonb_build_object(
              'name', 'Key Person ' || b.n, 'email', 'key@bench-reseller-' || b.n || '.example', 'role', 'Account manager')))),
          ARRAY['company', 'contacts', 'locations', 'distributors', 'added_value', 'personnel'],
          'Bench Reseller ' || b.n || ' GmbH', 'DE'
        FROM bench_applicant b RETURNING id, created_by)
      UPDATE bench_applicant b SET application_id = a.id FROM a WHERE a.created_by = b.user_id`.execute(db);
    await sql`INSERT INTO application_members (application_id, user_id, role)
      SELECT application_id, user_id, 'preparer' FROM bench_applicant`.execute(db);
    await sql`ANALYZE`.execute(db);
    const rows = (
      await sql<{
        n: number;
        application_id: string;
      }>`SELECT n, application_id FROM bench_applicant ORDER BY n`.execute(db)
    ).rows;
    return rows.map((r) => ({ applicationId: r.application_id, cookie: `pp_session=${tokens[r.n - 1]}` }));
  } finally {
    await db.destroy();
  }
}

const SIGNATURE = JSON.stringify({
  confirmsAuthority: true,
  name: 'Applicant Person',
  title: 'CEO',
  acceptedAgreementVersion: '2026.1',
  consentsToRelease: true,
});

interface Run {
  requests: number;
  seconds: number;
  latencies: number[];
  statusCodes: Record<string, number>;
  errors: number;
}

/** One autocannon run: `amount` requests (each a new submission) or `seconds` of the bare route. */
async function drive(options: autocannon.Options): Promise<Run> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ connections: SETTINGS.connections, ...options }, (error, res) =>
      error ? reject(error) : resolve(res),
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
      latencies.push(ms);
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    });
  });
  return {
    requests: result.requests.total,
    seconds: result.duration,
    latencies,
    statusCodes,
    errors: result.errors + result.timeouts,
  };
}

function summary(runs: Run[]): LoadResult {
  const latencies = Float64Array.from(runs.flatMap((r) => r.latencies)).sort();
  const at = (p: number) =>
    latencies.length === 0
      ? 0
      : Math.round(latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]! * 100) / 100;
  const statusCodes: Record<string, number> = {};
  for (const r of runs)
    for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const requests = runs.reduce((a, r) => a + r.requests, 0);
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  return {
    requestsPerSecond: Math.round(requests / seconds),
    requestsTotal: requests,
    latencyMs: {
      p50: at(50),
      p90: at(90),
      p95: at(95),
      p99: at(99),
      max: at(100),
      average: Math.round((latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)) * 100) / 100,
    },
    statusCodes,
    errors: runs.reduce((a, r) => a + r.errors, 0),
    timeouts: 0,
    durationSeconds: Math.round(seconds * 10) / 10,
  };
}

async function main(): Promise<number> {
  const machineRecord = startMachineRecord();
  await ws.createDatabase();
  step('PostgreSQL: partner-portal seed-demo');
  await seedDemo(engineEnv(ws, 'postgres'));
  step(`preparing ${SETTINGS.applicants.toLocaleString('en')} applicants with complete drafts`);
  const applicants = await prepareApplicants(SETTINGS.applicants);
  step('starting the bare Fastify server and the portal');
  const bare = await startBare(ws);
  const portal = await startPortal(ws, 'postgres');
  await signIn(portal.url, 'applicant@contoso-systems.example', DEMO_PASSWORD);

  // A few submissions first (warm-up: the code paths compiled, the pools open); not counted.
  const warmup = applicants.splice(0, Math.min(100, Math.floor(applicants.length / 10)));
  let next = 0;
  const submissions = (list: Applicant[]): autocannon.Options => {
    next = 0;
    return {
      url: portal.url,
      amount: list.length,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const a = list[next++ % list.length]!;
            return {
              ...req,
              path: `/api/v1/applications/${a.applicationId}/submit`,
              headers: { 'content-type': 'application/json', cookie: a.cookie },
              body: SIGNATURE,
            };
          },
        },
      ],
    };
  };
  await drive(submissions(warmup));
  const meter = cpuMeter(portal.child.pid!, ws.databaseUrl);
  const cpu: CpuSample[] = [];
  const loads: number[] = [];
  const bareRuns: Run[] = [];
  const submitRuns: Run[] = [];
  const perRound = Math.floor(applicants.length / SETTINGS.rounds);
  for (let round = 0; round < SETTINGS.rounds; round += 1) {
    step(`round ${round + 1}/${SETTINGS.rounds}: bare route ${SETTINGS.bareSeconds} s, then ${perRound} submissions`);
    let n = 0;
    bareRuns.push(
      await drive({
        url: bare.url,
        duration: SETTINGS.bareSeconds,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/?n=${(n += 1)}` }) }],
      }),
    );
    const measuring = await meter.start();
    submitRuns.push(await drive(submissions(applicants.slice(round * perRound, (round + 1) * perRound))));
    cpu.push(await measuring.stop());
    loads.push(loadNow());
  }
  await portal.stop();
  // X-4 under load: every submission's audit rows are linked and the chain verifies (decision 068).
  const db = openDb(ws, 'postgres');
  const chain = await verifyAuditChain(db).finally(() => db.destroy());
  const machine = await machineRecord.finish(ws.databaseUrl);
  const b = summary(bareRuns);
  const s = summary(submitRuns);
  const created = s.statusCodes['201'] ?? 0;
  const perSecond = Math.round(created / (s.durationSeconds || 1));
  const unexpected = Object.entries(s.statusCodes).filter(([code]) => code !== '201');
  // CPU-ms per submission (decision 068's yardstick: it depends much less on the machine's load than the rate).
  const perSubmission = (pick: (c: CpuSample) => number) =>
    Math.round((cpu.reduce((a, c) => a + pick(c), 0) / Math.max(1, s.requestsTotal)) * 100) / 100;
  const cpuMs = {
    portal: perSubmission((c) => c.portalMs),
    backends: perSubmission((c) => c.backendsMs),
    loadGenerator: perSubmission((c) => c.loadGeneratorMs),
    backendsLost: cpu.reduce((a, c) => a + c.backendsLost, 0),
    loadAverageAfterEachRound: loads,
  };
  const result = row({
    workload:
      'application submission, one request each (rules, partner, claim, snapshot, consents, audit, outbox: one transaction)',
    engine: 'postgres',
    measured: perSecond,
    unit: 'req/s',
    reference: b.requestsPerSecond,
    referenceName: 'bare Fastify GET / (same run, interleaved)',
    target: `≥ ${TARGET_PER_SECOND} submissions/s`,
    met: perSecond >= TARGET_PER_SECOND && unexpected.length === 0 && chain.ok,
    note:
      `${created} distinct applicants at ${SETTINGS.connections} connections; p50 ${s.latencyMs.p50} ms, p99 ${s.latencyMs.p99} ms; ` +
      `CPU-ms per submission: portal ${cpuMs.portal}, backends ${cpuMs.backends}, load generator ${cpuMs.loadGenerator}; ` +
      (chain.ok ? `audit chain verified (${chain.checked} rows)` : `AUDIT CHAIN BROKEN: ${JSON.stringify(chain)}`) +
      (unexpected.length ? `; unexpected statuses ${JSON.stringify(s.statusCodes)}` : ''),
  });
  const file = writeResult({
    benchmark: 'submission',
    date: new Date().toISOString(),
    quick: QUICK,
    machine,
    commands: [`npm run bench -- ${QUICK ? '--quick ' : ''}submission`],
    rows: [result],
    details: { settings: SETTINGS, bare: b, submission: s, cpuMsPerSubmission: cpuMs },
  });
  console.log(
    `\nApplication submission vs bare Fastify route (${SETTINGS.connections} connections, ${SETTINGS.rounds} interleaved rounds)\n`,
  );
  console.log(
    table([
      ['workload', 'per s', 'p50 ms', 'p99 ms', 'vs bare', 'statuses'],
      [
        'bare Fastify GET /',
        b.requestsPerSecond,
        b.latencyMs.p50,
        b.latencyMs.p99,
        '100 %',
        JSON.stringify(b.statusCodes),
      ],
      [
        'submission',
        perSecond,
        s.latencyMs.p50,
        s.latencyMs.p99,
        percent(result.ratio ?? 0),
        JSON.stringify(s.statusCodes),
      ],
    ]),
  );
  const load = machine.loadAverage;
  console.log(`\nsubmissions/s: ${perSecond} (target ≥ ${TARGET_PER_SECOND}: ${result.met ? 'met' : 'MISSED'})`);
  console.log(
    `machine load average (1 min) before/after: ${load.before}/${load.after}; after each round ${loads.join(', ')}`,
  );
  console.log(
    `CPU-ms per submission: portal ${cpuMs.portal}, PostgreSQL backends ${cpuMs.backends}, load generator ${cpuMs.loadGenerator}` +
      (cpuMs.backendsLost ? ` (${cpuMs.backendsLost} backends exited during a round: not counted)` : ''),
  );
  console.log(`audit chain: ${chain.ok ? `verified, ${chain.checked} rows` : `BROKEN ${JSON.stringify(chain)}`}`);
  console.log(`results: ${file}`);
  if (PROFILE) console.log(`CPU profiles of the portal: ${PROFILE_DIR}`);
  if (unexpected.length > 0 || !chain.ok) {
    console.error(`Unexpected answers: ${JSON.stringify(s.statusCodes)}; audit chain ${JSON.stringify(chain)}`);
    return 1;
  }
  return exitCodeFor([result]);
}

await runAndExit(main, () => ws.cleanUp());
