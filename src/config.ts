import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import type { EmbeddedDurability } from './platform/embedded.ts';

// The environment is parsed once at boot and frozen. A bad value stops the process with a
// message that names the variable and the rule, instead of failing later at first use.
const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
  }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_PREPARED_STATEMENTS: Type.Integer({ minimum: 0, maximum: 10_000, default: 200 }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://[^\\s]+$' })),
  REDIS_KEY_PREFIX: Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S+$', default: 'partner-portal:' }),
  EMBEDDED_DURABILITY: Type.Union([Type.Literal('full'), Type.Literal('relaxed')], { default: 'full' }),
  EMBEDDED_IN_PRODUCTION: Type.Union([Type.Literal('0'), Type.Literal('1')], { default: '0' }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.String({ minLength: 3, default: 'Partner Portal <no-reply@partner-portal.localhost>' }),
  HELP_MAILBOX: Type.String({ minLength: 3, default: 'web-help@partner-portal.localhost' }),
  VENDOR_NAME: Type.String({ minLength: 1, maxLength: 100, default: 'Northwind Networks' }),
  SESSION_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  TRUST_PROXY: Type.Boolean({ default: false }),
  DEMO: Type.Optional(Type.Boolean()),
  DISTRIBUTOR_REVIEW_MONTHS: Type.Integer({ minimum: 1, maximum: 120, default: 12 }),
  JOB_INTERVAL_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 3600 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});

type Env = Static<typeof EnvSchema>;

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly isProduction: boolean;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** A PostgreSQL server; when absent the embedded PGlite database in dataDir is used. */
  readonly databaseUrl: string | undefined;
  /**
   * How many distinct statements each connection to databaseUrl keeps prepared (decision 071);
   * 0 for a pooler in transaction mode (PgBouncer before 1.21), where they do not survive.
   */
  readonly databasePreparedStatements: number;
  /** Redis for the request rate limits shared by every process (decision 059); else they are counted in the database. */
  readonly redisUrl: string | undefined;
  /** Prepended to every Redis key, so that several portals or environments can share one Redis. */
  readonly redisKeyPrefix: string;
  /** The embedded database's durability (decision 026); ignored with databaseUrl. */
  readonly embeddedDurability: EmbeddedDurability;
  readonly publicUrl: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly helpMailbox: string;
  readonly vendorName: string;
  readonly sessionSecret: string;
  readonly logLevel: string;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (throttling, audit). */
  readonly trustProxy: boolean;
  /** REG-4: how long a partner's distributor account information stays current after a review. */
  readonly distributorReviewMonths: number;
  /**
   * How often each process runs the scheduled jobs (training reminders and recertifications,
   * partner notices, PICA reminders and entitlement ends). Each job claims its work in the
   * database, so any number of processes may run them at any interval (decision 058).
   */
  readonly jobIntervalSeconds: number;
  /** DEMO=1|0: demo data asked for or refused; undefined: the default (src/demo/demo.rules.ts). */
  readonly demo: boolean | undefined;
  /** The local mailbox page (/dev/mailbox) exists only where no real SMTP is configured and not in production. */
  readonly localMailbox: boolean;
}

export class ConfigError extends Error {}

const MESSAGES: Record<string, string> = {
  PORT: 'must be a whole number from 0 to 65535',
  HOST: 'must not be empty',
  DATA_DIR: 'must not be empty',
  DATABASE_URL: 'must be a postgres:// or postgresql:// URL',
  DATABASE_PREPARED_STATEMENTS: 'must be a whole number from 0 (none) to 10000',
  REDIS_URL: 'must be a redis:// or rediss:// URL',
  REDIS_KEY_PREFIX: 'must be 1 to 100 characters without spaces',
  EMBEDDED_DURABILITY: 'must be full or relaxed',
  EMBEDDED_IN_PRODUCTION: 'must be 1 (allow) or 0',
  PUBLIC_URL: 'must be an http:// or https:// URL',
  SMTP_URL: 'must be an smtp:// or smtps:// URL',
  MAIL_FROM: 'must be an email address, optionally with a display name',
  HELP_MAILBOX: 'must be an email address',
  VENDOR_NAME: 'must be 1 to 100 characters',
  SESSION_SECRET: 'must be at least 32 characters',
  NODE_ENV: 'must be one of development, production, test',
  TRUST_PROXY: 'must be true or false',
  DEMO: 'must be 1 (load demo data), 0 (do not), true or false',
  DISTRIBUTOR_REVIEW_MONTHS: 'must be a whole number of months from 1 to 120',
  JOB_INTERVAL_SECONDS: 'must be a whole number of seconds from 1 to 86400',
  LOG_LEVEL: 'must be one of fatal, error, warn, info, debug, trace, silent',
};

/** Parses the environment; throws a ConfigError listing every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = source[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const converted = Value.Convert(EnvSchema, Value.Default(EnvSchema, raw));
  const problems = [...Value.Errors(EnvSchema, converted)].map((error) => {
    const name = error.instancePath.replace(/^\//, '');
    const got =
      raw[name] === undefined ? '' : ` (got ${JSON.stringify(name === 'SESSION_SECRET' ? '***' : raw[name])})`;
    return `${name} ${MESSAGES[name] ?? error.message}${got}`;
  });
  if (problems.length > 0)
    throw new ConfigError(`Invalid configuration:\n  - ${[...new Set(problems)].join('\n  - ')}`);
  const env = converted as Env;
  const isProduction = env.NODE_ENV === 'production';
  if (isProduction && !env.SESSION_SECRET)
    throw new ConfigError('Invalid configuration:\n  - SESSION_SECRET is required when NODE_ENV=production');
  if (isProduction && !env.SMTP_URL)
    throw new ConfigError(
      'Invalid configuration:\n  - SMTP_URL is required when NODE_ENV=production (the local mailbox is for development only)',
    );
  if (isProduction && !env.PUBLIC_URL)
    throw new ConfigError(
      'Invalid configuration:\n  - PUBLIC_URL is required when NODE_ENV=production (links in emails point to it)',
    );
  // Production on the embedded database is a choice, not an accident (decision 026).
  if (isProduction && !env.DATABASE_URL && env.EMBEDDED_IN_PRODUCTION !== '1') {
    throw new ConfigError(
      'Invalid configuration:\n  - DATABASE_URL is not set, so NODE_ENV=production would run on the embedded database in ' +
        `DATA_DIR (${path.resolve(env.DATA_DIR)}): one process, on this machine's disk, backed up only by "partner-portal backup". ` +
        'Set DATABASE_URL to a PostgreSQL server, or set EMBEDDED_IN_PRODUCTION=1 to choose the embedded database ' +
        '(see docs/operations.md).',
    );
  }

  const dataDir = path.resolve(env.DATA_DIR);
  return Object.freeze({
    env: env.NODE_ENV,
    isProduction,
    port: env.PORT,
    host: env.HOST,
    dataDir,
    databaseUrl: env.DATABASE_URL,
    databasePreparedStatements: env.DATABASE_PREPARED_STATEMENTS,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    embeddedDurability: env.EMBEDDED_DURABILITY,
    publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${env.PORT}`).replace(
      /\/$/,
      '',
    ),
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    helpMailbox: env.HELP_MAILBOX,
    vendorName: env.VENDOR_NAME,
    sessionSecret: env.SESSION_SECRET ?? persistedSecret(dataDir),
    logLevel: env.LOG_LEVEL,
    trustProxy: env.TRUST_PROXY,
    distributorReviewMonths: env.DISTRIBUTOR_REVIEW_MONTHS,
    jobIntervalSeconds: env.JOB_INTERVAL_SECONDS,
    localMailbox: !env.SMTP_URL && !isProduction,
    demo: env.DEMO,
  });
}

// In the embedded default a secret is generated once and kept beside the database, so that
// sessions survive a restart without any set-up.
function persistedSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
