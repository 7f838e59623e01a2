import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort, LOOPBACK, ROOT, startServer, type ServerProcess } from '../../bench/lib/harness.ts';
import { main } from '../../src/cli.ts';
import { createDb, type Db } from '../../src/platform/db.ts';
import { adminQuery, withDatabase } from '../helpers/global-setup.ts';

/**
 * Where the crash harness keeps its database: a temporary DATA_DIR for the embedded default, or a
 * throwaway database of its own on the TEST_DATABASE_URL server (decision 057).
 */
export interface CrashEngine {
  name: 'pglite' | 'postgres';
  /** The server's (and the CLI's) environment for this database. */
  env: Record<string, string>;
  /**
   * A connection for the checks of one round. PostgreSQL: the live database (the server may run).
   * PGlite allows one process per directory, so the embedded engine opens `image` — a copy of the
   * directory taken after the SIGKILL, before the restart: the same bytes the restarted server
   * recovers from — or, with no image, DATA_DIR itself while the server is stopped.
   */
  checker(image?: string): Promise<{ db: Db; close(): Promise<void> }>;
  /** Copies the killed server's data directory (PGlite only; undefined on PostgreSQL). */
  crashImage(round: number): string | undefined;
  /** Resolves once the new server has started creating its database (first start, round 0). */
  creationStarted(signal: AbortSignal): Promise<void>;
  destroy(): Promise<void>;
}

const SESSION_SECRET = 'crash-harness-session-secret-0123456789abcdef';

function baseEnv(): Record<string, string> {
  return {
    NODE_ENV: 'development',
    DEMO: '0',
    LOG_LEVEL: 'warn',
    SESSION_SECRET,
    // Many simulated clients: their addresses come from X-Forwarded-For, so the per-address rate
    // limits (10 sign-ups a minute) apply per simulated client, as behind a reverse proxy.
    TRUST_PROXY: 'true',
    // `relaxed` is accepted for experiments (decision 057 reports what it loses to a SIGKILL).
    EMBEDDED_DURABILITY: process.env.CRASH_DURABILITY ?? 'full',
    // No SMTP server: the local mailbox (/dev/mailbox) is where the harness reads its links.
    SMTP_URL: '',
    PUBLIC_URL: '',
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function createEngine(): Promise<CrashEngine> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `pp_crash_${randomBytes(6).toString('hex')}`;
    await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
    const url = withDatabase(serverUrl, name);
    // Unused by the database, but the portal keeps nothing else there either: an empty temp dir.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pp-crash-pg-'));
    let shared: Db | undefined;
    return {
      name: 'postgres',
      env: { ...baseEnv(), DATABASE_URL: url, DATA_DIR: dataDir },
      async checker() {
        shared ??= createDb({ url, poolSize: 3 });
        return { db: shared, close: async () => undefined };
      },
      crashImage: () => undefined,
      async creationStarted(signal) {
        // The first start's migrations have begun once Kysely's migration table exists.
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          while (!signal.aborted) {
            const { rows } = await client.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'kysely_migration'`,
            );
            if (rows[0]!.n > 0) return;
            await sleep(10);
          }
        } finally {
          await client.end();
        }
      },
      async destroy() {
        await shared?.destroy();
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const root = mkdtempSync(path.join(tmpdir(), 'pp-crash-'));
  const dataDir = path.join(root, 'data');
  return {
    name: 'pglite',
    env: { ...baseEnv(), DATABASE_URL: '', DATA_DIR: dataDir },
    async checker(image) {
      // A copy is inspected, never served: no flush at each commit needed.
      const db = createDb({ dataDir: image ?? dataDir, durability: image ? 'relaxed' : 'full' });
      return {
        db,
        async close() {
          await db.destroy();
          if (image) rmSync(image, { recursive: true, force: true });
        },
      };
    },
    crashImage(round) {
      const image = path.join(root, `image-${round}`);
      cpSync(dataDir, image, { recursive: true });
      return image;
    },
    async creationStarted(signal) {
      // PGlite writes the new database straight into DATA_DIR: wait for its first file.
      const own = new Set(['portal.lock', 'session-secret', 'portal-creating']);
      while (!signal.aborted) {
        if (existsSync(dataDir) && readdirSync(dataDir).some((n) => !own.has(n))) return;
        await sleep(5);
      }
    },
    async destroy() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The portal as the harness runs it: `node --import tsx src/server.ts`, one process id. */
export async function startPortal(engine: CrashEngine): Promise<ServerProcess> {
  return startServer('portal', 'src/server.ts', engine.env, '/readyz', { timeoutMs: 180_000 });
}

/** Starts the portal without waiting for it: round 0 kills it while it creates its database. */
export async function launchPortal(engine: CrashEngine): Promise<{ child: ChildProcess; output(): string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...engine.env, PORT: String(port), HOST: LOOPBACK },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 30));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, output: () => lines.join('\n') };
}

/** SIGKILL, and the moment the process is gone. */
export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/** SIGTERM and the exit code: a graceful stop must drain and exit 0. */
export async function stopGracefully(server: ServerProcess): Promise<number | null> {
  const child = server.child;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const forced = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(forced);
  return code;
}

/** Runs one CLI command in this process, as an operator would (`partner-portal <argv>`). */
export async function cli(engine: CrashEngine, argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const stream = { write: (text: string) => (out += text) };
  const code = await main(argv, { env: { ...process.env, ...engine.env }, out: stream, err: stream });
  return { code, out };
}
