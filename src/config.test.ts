import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const base = { DATA_DIR: '/tmp/pp-config-test', SESSION_SECRET: 'x'.repeat(40) };

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      localMailbox: true,
      publicUrl: 'http://127.0.0.1:3000',
      jobIntervalSeconds: 3600,
    });
  });

  it('#16.3 runs the scheduled jobs hourly unless JOB_INTERVAL_SECONDS says otherwise (1 s to a day)', () => {
    expect(loadConfig({ ...base, JOB_INTERVAL_SECONDS: '5' }).jobIntervalSeconds).toBe(5);
    expect(() => loadConfig({ ...base, JOB_INTERVAL_SECONDS: '0' })).toThrow(
      /JOB_INTERVAL_SECONDS must be a whole number of seconds from 1 to 86400/,
    );
  });

  it('#15: keeps 200 prepared statements per connection unless DATABASE_PREPARED_STATEMENTS says otherwise (0: none)', () => {
    expect(loadConfig(base).databasePreparedStatements).toBe(200);
    expect(loadConfig({ ...base, DATABASE_PREPARED_STATEMENTS: '0' }).databasePreparedStatements).toBe(0);
    expect(() => loadConfig({ ...base, DATABASE_PREPARED_STATEMENTS: '-1' })).toThrow(
      /DATABASE_PREPARED_STATEMENTS must be a whole number from 0 \(none\) to 10000/,
    );
  });

  it('names every bad variable and its rule', () => {
    const attempt = () => loadConfig({ ...base, PORT: 'eighty', DATABASE_URL: 'mysql://x', SMTP_URL: 'http://mail' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT must be a whole number from 0 to 65535 \(got "eighty"\)/);
    expect(attempt).toThrow(/DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(attempt).toThrow(/SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
  });

  it('never prints the session secret it rejects', () => {
    expect(() => loadConfig({ ...base, SESSION_SECRET: 'short-secret' })).toThrow(
      /SESSION_SECRET must be at least 32 characters \(got "\*\*\*"\)/,
    );
  });

  it('requires a session secret, SMTP and a public URL in production', () => {
    expect(() => loadConfig({ DATA_DIR: base.DATA_DIR, NODE_ENV: 'production' })).toThrow(/SESSION_SECRET is required/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/SMTP_URL is required/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', SMTP_URL: 'smtp://mail:25' })).toThrow(
      /PUBLIC_URL is required/,
    );
    const production = loadConfig({
      ...base,
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://mail:25',
      PUBLIC_URL: 'https://partners.example/',
      EMBEDDED_IN_PRODUCTION: '1',
    });
    expect(production).toMatchObject({
      isProduction: true,
      localMailbox: false,
      publicUrl: 'https://partners.example',
    });
  });

  it('embedded durability is full unless relaxed is chosen, and nothing else is accepted', () => {
    expect(loadConfig(base).embeddedDurability).toBe('full');
    expect(loadConfig({ ...base, EMBEDDED_DURABILITY: 'relaxed' }).embeddedDurability).toBe('relaxed');
    expect(() => loadConfig({ ...base, EMBEDDED_DURABILITY: 'off' })).toThrow(
      /EMBEDDED_DURABILITY must be full or relaxed \(got "off"\)/,
    );
  });

  it('#16.3 shared limits: REDIS_URL is optional, must be a redis:// or rediss:// URL, and keys get a prefix', () => {
    expect(loadConfig(base)).toMatchObject({ redisUrl: undefined, redisKeyPrefix: 'partner-portal:' });
    expect(
      loadConfig({ ...base, REDIS_URL: 'rediss://:secret@cache.example:6380/2', REDIS_KEY_PREFIX: 'pp-staging:' }),
    ).toMatchObject({ redisUrl: 'rediss://:secret@cache.example:6380/2', redisKeyPrefix: 'pp-staging:' });
    expect(() => loadConfig({ ...base, REDIS_URL: 'http://cache.example:6379' })).toThrow(
      /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/,
    );
    expect(() => loadConfig({ ...base, REDIS_KEY_PREFIX: 'has space' })).toThrow(
      /REDIS_KEY_PREFIX must be 1 to 100 characters without spaces/,
    );
  });

  describe('production on the embedded database is a choice, not an accident', () => {
    const production = {
      ...base,
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://mail:25',
      PUBLIC_URL: 'https://partners.example',
    };

    it('refuses to start without DATABASE_URL, saying why and how to opt in', () => {
      const attempt = () => loadConfig(production);
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(
        /DATABASE_URL is not set, so NODE_ENV=production would run on the embedded database in DATA_DIR \(\/tmp\/pp-config-test\)/,
      );
      expect(attempt).toThrow(/set EMBEDDED_IN_PRODUCTION=1 to choose the embedded database/);
      expect(() => loadConfig({ ...production, EMBEDDED_IN_PRODUCTION: 'yes' })).toThrow(
        /EMBEDDED_IN_PRODUCTION must be 1 \(allow\) or 0/,
      );
    });

    it('runs on the embedded database when chosen, with full durability unless told otherwise', () => {
      expect(loadConfig({ ...production, EMBEDDED_IN_PRODUCTION: '1' })).toMatchObject({
        isProduction: true,
        databaseUrl: undefined,
        embeddedDurability: 'full',
      });
    });

    it('needs no opt-in with a PostgreSQL server', () => {
      expect(loadConfig({ ...production, DATABASE_URL: 'postgres://db/portal' })).toMatchObject({
        isProduction: true,
        databaseUrl: 'postgres://db/portal',
      });
    });
  });

  it('is frozen', () => {
    const config = loadConfig(base);
    expect(Object.isFrozen(config)).toBe(true);
  });
});
