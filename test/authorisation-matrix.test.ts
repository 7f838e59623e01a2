import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { REQUESTS, type MatrixRequest } from './authorisation-matrix/requests.ts';
import { formatMatrix, readMatrix } from './authorisation-matrix/table.ts';
import { buildWorld, credentialHeaders, ROLE_KEYS, type RoleKey, type World } from './authorisation-matrix/world.ts';

/**
 * #16.4 authorisation matrix: every operation of the served OpenAPI document, asked by every
 * role, must get the status test/authorisation-matrix.md gives (decision 060 says how those
 * answers were chosen). The table is the specification a person reads; this file holds the
 * product to it. With MATRIX_OBSERVED=<file>, the answers actually given are also written there
 * as a table, which is how a new operation's row is best drafted (then checked by a person).
 */
const TABLE = path.join(import.meta.dirname, 'authorisation-matrix.md');
const rows = readMatrix(TABLE);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

let t: TestApp;
let world: World;
let operations: string[];
const observed = new Map<string, Record<RoleKey, number>>();
let request = 0;

/** Sends one request as `role`, with a session of its own (sign-out and resets end sessions). */
async function send(role: RoleKey, method: string, req: MatrixRequest): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(await credentialHeaders(t.ctx, world.credentials[role])),
  };
  if (req.csv !== undefined) headers['content-type'] = 'text/csv';
  request += 1;
  const res = await t.app.inject({
    method: method as 'GET',
    url: req.url,
    headers,
    payload: req.csv ?? (req.json as never),
    // Its own address for each request: the per-address rate limits and sign-in throttling
    // must not decide an answer (they have tests of their own).
    remoteAddress: `127.${(request >> 16) & 255}.${(request >> 8) & 255}.${request & 255}`,
  });
  return { status: res.statusCode, body: res.body };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * Every role's answer to one operation, and what is wrong beyond the status: an answer that
 * names another party's object, or an anonymous answer that depends on whether the ids exist.
 * `expected` decides which roles get a fresh object (see RequestBuilder).
 */
async function answers(
  operation: string,
  expected?: Record<RoleKey, number>,
): Promise<{ got: Record<RoleKey, number>; problems: string[] }> {
  const build = REQUESTS[operation];
  if (!build) throw new Error(`${operation}: no request in test/authorisation-matrix/requests.ts`);
  const method = operation.split(' ')[0]!;
  const got = {} as Record<RoleKey, number>;
  const problems: string[] = [];
  for (const role of ROLE_KEYS) {
    const fresh = expected ? expected[role] < 300 : true;
    const req = await build(world, role, fresh);
    try {
      const res = await send(role, method, req);
      got[role] = res.status;
      if (res.status < 300)
        for (const [name, id] of Object.entries(world.secrets[role]))
          if (res.body.includes(id) && !req.reveals?.includes(id))
            problems.push(`${role}: the answer names ${name} (${id}), which is not theirs`);
      // Anonymous callers learn nothing about ids: the same 401 whether or not they exist.
      const [pathPart, query] = req.url.split('?');
      if (role === 'anon' && res.status === 401 && UUID.test(pathPart!)) {
        const probe = {
          ...req,
          url: pathPart!.replace(new RegExp(UUID, 'gi'), () => randomUUID()) + (query ? `?${query}` : ''),
        };
        const other = await send(role, method, probe);
        if (other.status !== 401)
          problems.push(`anon: 401 for existing ids but ${other.status} for ids that do not exist`);
      }
    } finally {
      await req.after?.();
    }
  }
  observed.set(operation, got);
  return { got, problems };
}

beforeAll(async () => {
  t = await createTestApp();
  world = await buildWorld(t.ctx);
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.keys(ops)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${p}`),
  );
}, 120_000);

afterAll(async () => {
  const file = process.env.MATRIX_OBSERVED;
  if (file)
    writeFileSync(
      file,
      formatMatrix(
        [...observed]
          .map(([operation, statuses]) => ({ operation, statuses }))
          .sort((a, b) => operations.indexOf(a.operation) - operations.indexOf(b.operation)),
      ) + '\n',
    );
  await t?.close();
});

describe('#16.4 authorisation matrix', () => {
  it('#16.4: every operation in the OpenAPI document has a row in the table, and a request to send', () => {
    const inTable = new Set(rows.map((r) => r.operation));
    const missing = operations.filter((op) => !inTable.has(op));
    expect(
      missing,
      `operations without a row in test/authorisation-matrix.md (add one per operation): ${missing.join(', ')}`,
    ).toEqual([]);
    const unbuilt = operations.filter((op) => !REQUESTS[op]);
    expect(unbuilt, `operations without a request in authorisation-matrix/requests.ts: ${unbuilt.join(', ')}`).toEqual(
      [],
    );
  });

  it('#16.4: every row of the table names an operation the OpenAPI document still has', () => {
    const served = new Set(operations);
    const stale = rows.filter((r) => !served.has(r.operation)).map((r) => `${r.operation} (line ${r.line})`);
    expect(stale, `rows for operations that no longer exist (remove them): ${stale.join(', ')}`).toEqual([]);
    const seen = new Set<string>();
    const twice = rows.filter((r) => seen.size === seen.add(r.operation).size).map((r) => r.operation);
    expect(twice, `operations with more than one row: ${twice.join(', ')}`).toEqual([]);
  });

  for (const row of rows)
    it(`#16.4 ${row.operation}: every role gets the answer in the table`, async () => {
      if (!operations.includes(row.operation)) return; // reported by the test above
      const { got, problems } = await answers(row.operation, row.expected);
      const wrong = ROLE_KEYS.filter((role) => got[role] !== row.expected[role])
        .map((role) => `${role}: expected ${row.expected[role]}, got ${got[role]}`)
        .concat(problems);
      expect(wrong, `${row.operation} (test/authorisation-matrix.md line ${row.line})`).toEqual([]);
    });

  // Drafting a new row: the operations the table lacks, asked and written down (MATRIX_OBSERVED).
  it.runIf(!!process.env.MATRIX_OBSERVED)(
    '#16.4: writes down the answers to operations the table lacks',
    async () => {
      const inTable = new Set(rows.map((r) => r.operation));
      for (const op of operations.filter((o) => !inTable.has(o) && REQUESTS[o]))
        await answers(op).then(
          ({ problems }) => problems.length > 0 && console.error(`${op}: ${problems.join('; ')}`),
          (error: unknown) => console.error(`${op}: ${String(error)}`, error),
        );
    },
    600_000,
  );
});
