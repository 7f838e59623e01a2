import { ConfigError, loadConfig, type Config } from './config.ts';
import { createDb, type Db } from './platform/db.ts';
import { verifySmtp } from './platform/mail.ts';
import { migrator } from './platform/migrate.ts';
import { pingRedis } from './platform/rate-limit.ts';
import { redactUrl } from './platform/redact.ts';
import type { CliStream } from './cli-import.ts';

interface Finding {
  ok: boolean;
  /** What was checked and what was found, in plain words. */
  text: string;
  /** How to fix it, when something is wrong. */
  fix?: string;
}

const message = (error: unknown) =>
  error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer from ${what} within ${ms / 1000} s`)), ms)),
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function checkDatabase(config: Config, db: Db): Promise<Finding[]> {
  const where = config.databaseUrl
    ? `the PostgreSQL server at ${redactUrl(config.databaseUrl)}`
    : `the embedded database in ${config.dataDir}`;
  let migrations;
  try {
    migrations = await withTimeout(migrator(db).getMigrations(), 15_000, 'the database');
  } catch (error) {
    return [
      {
        ok: false,
        text: `Database: cannot use ${where}: ${message(error)}.`,
        fix: config.databaseUrl
          ? 'Check DATABASE_URL (host, port, user, password, database name), that the server is running and accepts connections from this machine (pg_hba.conf, firewall).'
          : 'Check that DATA_DIR exists and is writable by this user, and stop any running portal first: only one process may open the embedded database.',
      },
    ];
  }
  const pending = migrations.filter((m) => !m.executedAt).map((m) => m.name);
  const findings: Finding[] = [{ ok: true, text: `Database: ${where} answers.` }];
  if (pending.length === 0) findings.push({ ok: true, text: `Migrations: all ${migrations.length} applied.` });
  else
    findings.push({
      ok: false,
      text: `Migrations: ${pending.length} of ${migrations.length} not applied yet (${pending.slice(0, 3).join(', ')}${pending.length > 3 ? ', …' : ''}).`,
      fix:
        config.databaseUrl && config.isProduction
          ? 'Run `partner-portal migrate` (a deploy step in production), then start the server.'
          : 'Run `partner-portal migrate`, or start the server, which applies them first.',
    });
  return findings;
}

async function checkSmtp(config: Config): Promise<Finding> {
  if (!config.smtpUrl)
    return {
      ok: true,
      text: 'Email: no SMTP_URL, so emails stay in the local mailbox at /dev/mailbox (development only).',
    };
  const where = redactUrl(config.smtpUrl);
  try {
    await verifySmtp(config.smtpUrl);
    return { ok: true, text: `Email: the SMTP server at ${where} accepts connections.` };
  } catch (error) {
    return {
      ok: false,
      text: `Email: cannot reach or sign in to the SMTP server at ${where}: ${message(error)}.`,
      fix: 'Check SMTP_URL (smtp://user:password@host:587, or smtps:// for port 465), that the server is running and that the firewall lets this machine reach it. Until it works, emails wait in the outbox and are retried.',
    };
  }
}

async function checkRedis(url: string): Promise<Finding> {
  try {
    await pingRedis(url);
    return { ok: true, text: `Rate limits: Redis at ${redactUrl(url)} answers.` };
  } catch (error) {
    return {
      ok: false,
      text: `Rate limits: ${message(error)}.`,
      fix: 'Check REDIS_URL (redis://:password@host:6379/0, or rediss:// for TLS), that Redis is running and that the firewall lets this machine reach it; or unset REDIS_URL to count the limits in the database.',
    };
  }
}

/**
 * `partner-portal doctor`: checks the configuration, the database, the migrations, the SMTP
 * server and Redis (when REDIS_URL is set), and says in plain words what is wrong and how to fix it. Exit 0 when all is well.
 */
export async function doctorCommand(
  env: NodeJS.ProcessEnv,
  io: { out: CliStream; db?: Db | undefined },
): Promise<number> {
  const findings: Finding[] = [];
  let config: Config | undefined;
  try {
    config = loadConfig(env);
    findings.push({ ok: true, text: `Configuration: valid (${config.env}; public address ${config.publicUrl}).` });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    findings.push({
      ok: false,
      text: `Configuration: ${error.message.replace(/^Invalid configuration:\n\s*(- )?/, '').replace(/\n\s*- /g, '; ')}.`,
      fix: 'Set or correct these environment variables (README.md, "Configuration"), then run doctor again.',
    });
  }
  if (config) {
    const db =
      io.db ??
      createDb({
        url: config.databaseUrl,
        preparedStatements: config.databasePreparedStatements,
        dataDir: config.dataDir,
      });
    try {
      findings.push(...(await checkDatabase(config, db)));
    } finally {
      if (!io.db) await db.destroy().catch(() => undefined);
    }
    findings.push(await checkSmtp(config));
    if (config.redisUrl) findings.push(await checkRedis(config.redisUrl));
  }
  for (const f of findings) io.out.write(`${f.ok ? '✓' : '✗'} ${f.text}\n${f.fix ? `  Fix: ${f.fix}\n` : ''}`);
  const problems = findings.filter((f) => !f.ok).length;
  io.out.write(problems === 0 ? 'All checks passed.\n' : `${problems} problem${problems === 1 ? '' : 's'} found.\n`);
  return problems === 0 ? 0 : 1;
}
