/**
 * What the page and submission benchmarks share: a throwaway PostgreSQL database or PGlite data
 * directory loaded with the demo programme (`partner-portal seed-demo`, the operator's command),
 * extra applications for the staff queue, the portal started as a real process on it, sign-in
 * through the real sign-in form, and the results file in the benchmark contract's shape.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { createDb, type Db } from '../../src/platform/db.ts';
import { ROOT, startServer, type ServerProcess } from './harness.ts';

export type Engine = 'postgres' | 'pglite';
export const ENGINE_NAMES: Record<Engine, string> = { postgres: 'PostgreSQL', pglite: 'PGlite' };

/** BENCH_PROFILE=1: the portal runs with --cpu-prof and leaves a .cpuprofile in bench/results/profiles. */
export const PROFILE = process.env.BENCH_PROFILE === '1';
export const PROFILE_DIR = path.join(ROOT, 'bench/results/profiles');

export const fromEnv = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

export const step = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Everything a benchmark made, removed whatever happens (signal, deadline, error). */
export interface Workspace {
  databaseUrl: string;
  dataDir: string;
  servers: ServerProcess[];
  /** Other throwaway databases on the same server (copies), dropped with it. */
  extraDatabases: string[];
  /** Creates the throwaway PostgreSQL database (only benchmarks that use PostgreSQL call it). */
  createDatabase(): Promise<void>;
  cleanUp(): Promise<void>;
}

export function workspace(deadlineMs: number): Workspace {
  const databaseName = `pp_bench_${randomBytes(5).toString('hex')}`;
  const parsed = new URL(adminUrl);
  parsed.pathname = `/${databaseName}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pp-bench-'));
  const servers: ServerProcess[] = [];
  const extraDatabases: string[] = [];
  let created = false;
  let cleaning: Promise<void> | undefined;
  const ws: Workspace = {
    databaseUrl: parsed.toString(),
    dataDir,
    servers,
    extraDatabases,
    async createDatabase() {
      step(`creating database ${databaseName} on ${parsed.host}`);
      await admin(`CREATE DATABASE ${databaseName}`);
      created = true;
    },
    cleanUp: () =>
      (cleaning ??= (async () => {
        await Promise.allSettled(servers.map((s) => s.stop()));
        rmSync(dataDir, { recursive: true, force: true });
        for (const name of extraDatabases)
          await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((error: unknown) =>
            console.error(`Could not drop ${name}:`, error),
          );
        if (created)
          await admin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`).catch((error: unknown) =>
            console.error(`Could not drop ${databaseName}:`, error),
          );
      })()),
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      console.error(`\n${signal}: stopping servers and removing ${databaseName} and ${dataDir}`);
      void ws.cleanUp().finally(() => process.exit(130));
    });
  setTimeout(() => {
    console.error(`The benchmark did not finish within ${deadlineMs / 60_000} minutes; stopping.`);
    void ws.cleanUp().finally(() => process.exit(1));
  }, deadlineMs).unref();
  return ws;
}

/** The environment the portal and its CLI get for an engine. */
export function engineEnv(ws: Workspace, engine: Engine): Record<string, string> {
  const common = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DEMO: '0',
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef-0123456789',
  };
  return engine === 'postgres'
    ? { ...common, DATABASE_URL: ws.databaseUrl, DATA_DIR: path.join(ws.dataDir, 'unused') }
    : { ...common, DATA_DIR: path.join(ws.dataDir, 'pglite') };
}

/** `partner-portal seed-demo`, as an operator runs it: migrates, then loads the demo programme. */
export async function seedDemo(env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, ['bin/partner-portal.js', 'seed-demo'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`seed-demo failed (${code}):\n${output}`);
}

/** The database of an engine, opened from the benchmark process (closed before the portal opens PGlite). */
export function openDb(ws: Workspace, engine: Engine): Db {
  const env = engineEnv(ws, engine);
  return createDb(engine === 'postgres' ? { url: env.DATABASE_URL, poolSize: 2 } : { dataDir: env.DATA_DIR });
}

const COUNTRIES = ['DE', 'FR', 'ES', 'IT', 'GB', 'US', 'JP', 'NL', 'SE', 'AT', 'BR', 'IN', 'AU', 'CA', 'MX'];

/**
 * `count` submitted applications for the staff queue, in one statement each (seconds even on
 * PGlite): one in ten waits for the applicant's answer, one in three is taken by the demo
 * reviewer, and the latest submission of one in four carries one to three `review` findings (the
 * queue's flag column). Submitted over the last 90 days. The queue shows them by age.
 */
export async function addQueueApplications(db: Db, count: number): Promise<void> {
  const [user] = (
    await sql<{ id: string }>`INSERT INTO users (email, name, password_hash, email_verified_at)
      VALUES ('bench-queue@bench-reseller.example', 'Bench Queue Applicant', 'not-a-password-hash', now())
      RETURNING id`.execute(db)
  ).rows;
  const [reviewer] = (
    await sql<{ id: string }>`SELECT id FROM users WHERE email = 'reviewer@northwind.example'`.execute(db)
  ).rows;
  const [agreement] = (
    await sql<{ id: string }>`SELECT id FROM agreements WHERE kind = 'icpa' ORDER BY effective_at DESC LIMIT 1`.execute(
      db,
    )
  ).rows;
  if (!user || !reviewer || !agreement) throw new Error('the demo programme is not loaded');
  const countries = sql.raw(`ARRAY[${COUNTRIES.map((c) => `'${c}'`).join(', ')}]`);
  await sql`INSERT INTO applications (reference, created_by, status, answers, completed_steps, legal_name, country,
      signatory_user_id, signatory_name, signatory_title, staff_question, submitted_at, created_at, updated_at)
    SELECT 'APP-BENCH-' || lpad(g::text, 6, '0'), ${user.id},
      CASE WHEN g % 10 = 0 THEN 'info_requested' ELSE 'submitted' END,
      jsonb_build_object('company', jsonb_build_object('legalName', 'Bench Reseller ' || g)),
      ARRAY['company', 'contacts', 'locations', 'distributors', 'added_value', 'personnel'],
      'Bench Reseller ' || g, (${countries})[1 + g % ${COUNTRIES.length}],
      ${user.id}, 'Bench Signatory', 'Managing Director',
      CASE WHEN g % 10 = 0 THEN 'Please send the commercial register extract.' END,
      now() - (g % 90) * interval '1 day' - g * interval '1 second',
      now() - interval '100 days', now() - interval '1 day'
    FROM generate_series(1, ${count}::int) g`.execute(db);
  await sql`INSERT INTO application_members (application_id, user_id, role)
    SELECT id, created_by, 'preparer' FROM applications WHERE reference LIKE 'APP-BENCH-%'`.execute(db);
  await sql`INSERT INTO application_submissions (application_id, sequence, submitted_by, submitted_at, answers,
      findings, agreement_id, signatory_name, signatory_title)
    SELECT id, 1, created_by, submitted_at, answers,
      CASE WHEN substring(reference FROM 11)::int % 4 = 0 THEN (
        SELECT jsonb_agg(jsonb_build_object('requirement', 'REG-7', 'code', 'address_po_box',
          'field', 'locations.items.' || i || '.address', 'outcome', 'review'))
        FROM generate_series(0, substring(reference FROM 11)::int % 3) i)
      ELSE '[]'::jsonb END,
      ${agreement.id}, signatory_name, signatory_title
    FROM applications WHERE reference LIKE 'APP-BENCH-%'`.execute(db);
  await sql`INSERT INTO application_assignments (application_id, reviewer_id, claimed_at)
    SELECT id, ${reviewer.id}, submitted_at + interval '1 hour'
    FROM applications WHERE reference LIKE 'APP-BENCH-%' AND substring(reference FROM 11)::int % 3 = 0`.execute(db);
  await sql`ANALYZE`.execute(db);
}

/**
 * The portal as a real process on an engine; `root` starts another checkout's server (the code
 * before a change, for a comparison in the same run), `env` overrides the engine's settings.
 */
export async function startPortal(
  ws: Workspace,
  engine: Engine,
  { root, env = {} }: { root?: string; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const script = root ? path.join(root, 'src/server.ts') : 'src/server.ts';
  const name = `portal (${ENGINE_NAMES[engine]}${root ? `, ${root}` : ''})`;
  // tsx reads the tsconfig of the directory it starts in; another checkout's JSX needs its own.
  const tsconfig: Record<string, string> = root ? { TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json') } : {};
  const portal = await startServer(name, script, { ...engineEnv(ws, engine), ...tsconfig, ...env }, '/readyz', {
    nodeArgs: PROFILE && !root ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    // A busy machine and a cold tsx cache can take more than a minute.
    timeoutMs: 180_000,
  });
  ws.servers.push(portal);
  return portal;
}

export async function startBare(ws: Workspace): Promise<ServerProcess> {
  const bare = await startServer('bare Fastify', 'bench/lib/bare-server.ts', {}, '/readyz');
  ws.servers.push(bare);
  return bare;
}

function cookiesOf(res: Response): Map<string, string> {
  const jar = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    if (at > 0) jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return jar;
}

const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

export function csrfTokenIn(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token on the page');
  return token;
}

/**
 * Signs in through the real sign-in form, as a browser does: GET /sign-in (the CSRF cookie and
 * the form's token), POST the form, keep the cookies it sets. Returns the Cookie header a browser
 * would send afterwards (session, CSRF secret, language).
 */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  // A server still busy with its start (a loaded machine) is given two more tries.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await signInOnce(baseUrl, email, password);
    } catch (error) {
      if (attempt === 3) throw error;
      step(`sign-in as ${email} failed (${(error as Error).message.slice(0, 200)}); trying again`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

async function signInOnce(baseUrl: string, email: string, password: string): Promise<string> {
  const form = await fetch(`${baseUrl}/sign-in`);
  const jar = cookiesOf(form);
  const html = await form.text();
  if (form.status !== 200) throw new Error(`GET /sign-in answered ${form.status}: ${html.slice(0, 300)}`);
  const token = csrfTokenIn(html);
  const res = await fetch(`${baseUrl}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
    body: new URLSearchParams({ email, password, _csrf: token }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in as ${email} answered ${res.status}: ${await res.text()}`);
  for (const [k, v] of cookiesOf(res)) jar.set(k, v);
  if (!jar.get('pp_session')) throw new Error(`sign-in as ${email} set no session cookie`);
  return cookieHeader(jar);
}

/** Fetches a page as the benchmark will, and fails unless it answers 200 with HTML. */
export async function checkPage(baseUrl: string, pathName: string, cookie?: string): Promise<number> {
  const res = await fetch(`${baseUrl}${pathName}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${pathName} answered ${res.status}: ${body.slice(0, 500)}`);
  return Buffer.byteLength(body);
}

export const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;
