import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const base = { DATA_DIR: '/tmp/pp-config-test', SESSION_SECRET: 'x'.repeat(40) };

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: undefined, localMailbox: true, publicUrl: 'http://127.0.0.1:3000' });
  });

  it('names every bad variable and its rule', () => {
    const attempt = () => loadConfig({ ...base, PORT: 'eighty', DATABASE_URL: 'mysql://x', SMTP_URL: 'http://mail' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT must be a whole number from 0 to 65535 \(got "eighty"\)/);
    expect(attempt).toThrow(/DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(attempt).toThrow(/SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
  });

  it('never prints the session secret it rejects', () => {
    expect(() => loadConfig({ ...base, SESSION_SECRET: 'short-secret' })).toThrow(/SESSION_SECRET must be at least 32 characters \(got "\*\*\*"\)/);
  });

  it('requires a session secret, SMTP and a public URL in production', () => {
    expect(() => loadConfig({ DATA_DIR: base.DATA_DIR, NODE_ENV: 'production' })).toThrow(/SESSION_SECRET is required/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/SMTP_URL is required/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', SMTP_URL: 'smtp://mail:25' })).toThrow(/PUBLIC_URL is required/);
    const production = loadConfig({ ...base, NODE_ENV: 'production', SMTP_URL: 'smtp://mail:25', PUBLIC_URL: 'https://partners.example/' });
    expect(production).toMatchObject({ isProduction: true, localMailbox: false, publicUrl: 'https://partners.example' });
  });

  it('is frozen', () => {
    const config = loadConfig(base);
    expect(Object.isFrozen(config)).toBe(true);
  });
});
