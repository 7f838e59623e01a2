import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../test/helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { buildApp } from '../app.ts';
import { isDataException } from './pg-errors.ts';

/**
 * #16.5 backstop: a PostgreSQL data exception (SQLSTATE class 22) that a missing check let
 * through answers 400 `invalid_value` in the error shape, never a 500 — and is logged at error
 * level, so the fuzz test (which fails on any error-level line) still finds the missing check.
 * Routes of this test's own pass the raw value to a cast, as a handler without its check would.
 */
let database: TestDatabase;
let app: FastifyInstance;
const logged: { level: number; msg: string }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp({
    config: testConfig(),
    db: database.db,
    logger: { level: 'error', stream: { write: (line: string) => void logged.push(JSON.parse(line)) } },
  });
  const db = database.db;
  app.get<{ Params: { id: string } }>('/backstop/uuid/:id', async (req) => {
    await sql`SELECT ${req.params.id}::uuid`.execute(db);
    return { ok: true };
  });
  app.post<{ Body: { n: string; d: string } }>('/backstop/form', async (req) => {
    await sql`SELECT ${req.body.n}::int, ${req.body.d}::date`.execute(db);
    return { ok: true };
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await database?.destroy();
});

describe('#16.5: a value that reached the database unchecked is a 400, logged as a missing check', () => {
  it('#16.5: classifies class 22 (data exception) codes only', () => {
    for (const code of ['22P02', '22003', '22007', '22008', '22001', '22021', '22P05'])
      expect(isDataException({ code })).toBe(true);
    for (const code of ['23505', '42P01', '40001', '2200', 22003, undefined])
      expect(isDataException({ code })).toBe(false);
    expect(isDataException(null)).toBe(false);
    expect(isDataException(new Error('22P02'))).toBe(false);
  });

  it('#16.5: a non-UUID id in a path answers 400 invalid_value in the error shape, and logs at error level', async () => {
    logged.length = 0;
    const res = await app.inject({ url: '/backstop/uuid/not-a-uuid', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'invalid_value', message: 'A value in the request is not in the form its field takes.' },
    });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(logged.map((l) => [l.level, l.msg])).toEqual([[50, 'unchecked input reached the database']]);
  });

  it('#16.5: a number out of range or a bad date from a form gets the translated error page', async () => {
    for (const [n, d] of [
      ['2147483648', '2026-01-01'],
      ['1', '2026-02-30'],
    ]) {
      logged.length = 0;
      const res = await app.inject({
        method: 'POST',
        url: '/backstop/form',
        headers: { 'content-type': 'application/json', accept: 'text/html', 'accept-language': 'fr' },
        payload: { n, d },
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain("Une valeur de la requête n'a pas la forme qu'attend son champ.");
      expect(logged.some((l) => l.level === 50 && l.msg === 'unchecked input reached the database')).toBe(true);
    }
  });
});
