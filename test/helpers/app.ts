import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { AppContext } from '../../src/platform/context.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { validateApiResponses } from './openapi-validation.ts';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  database: TestDatabase;
  close(): Promise<void>;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'pp-test-')),
    SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
    PUBLIC_URL: 'http://portal.test',
    VENDOR_NAME: 'Northwind Networks',
    HELP_MAILBOX: 'web-help@northwind.example',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

/**
 * The app on a fresh database, driven through app.inject (no socket). `logger` (pino options,
 * e.g. a level and a stream) lets a test read what the app logs; by default it logs nothing.
 */
export async function createTestApp(
  overrides: Record<string, string> = {},
  options: { logger?: object } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(overrides);
  const app = await buildApp({ config, db: database.db, logger: options.logger ?? false });
  await app.ready();
  // Every /api/ answer in the tests is held to the served OpenAPI document (issue #17).
  validateApiResponses(app);
  return {
    app,
    ctx: { db: database.db, config },
    database,
    async close() {
      await app.close();
      await database.destroy();
    },
  };
}

/** A browser-like client for app.inject: keeps cookies and reads the form token from pages. */
export function browser(app: FastifyInstance) {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const remember = (res: LightMyRequestResponse) => {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) jar.delete(c.name);
      else jar.set(c.name, c.value);
    }
    return res;
  };
  let lastToken = '';
  return {
    jar,
    async get(url: string, headers: Record<string, string> = {}) {
      const res = remember(
        await app.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie: cookieHeader(), ...headers } }),
      );
      const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
      if (token) lastToken = token;
      return res;
    },
    /** Posts a form like a browser would, with the token from the last page fetched. */
    async post(url: string, fields: Record<string, string>, { csrf = true }: { csrf?: boolean } = {}) {
      const body = new URLSearchParams({ ...(csrf ? { _csrf: lastToken } : {}), ...fields }).toString();
      const res = remember(
        await app.inject({
          method: 'POST',
          url,
          payload: body,
          headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader() },
        }),
      );
      const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
      if (token) lastToken = token;
      return res;
    },
    async json(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
      return remember(
        await app.inject({
          method,
          url,
          payload: payload as never,
          headers: { accept: 'application/json', cookie: cookieHeader() },
        }),
      );
    },
  };
}

/** The link in the newest email to an address (the outbox is the mailbox in tests). */
export async function latestLinkTo(ctx: AppContext, recipient: string): Promise<string> {
  const message = await ctx.db
    .selectFrom('outbox')
    .select(['text_body'])
    .where('recipient', '=', recipient)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const link = /https?:\/\/\S+/.exec(message.text_body)?.[0];
  if (!link) throw new Error(`no link in the last email to ${recipient}`);
  return link;
}

/** The path and query of an absolute link, for app.inject. */
export const pathOf = (link: string) => {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
};
