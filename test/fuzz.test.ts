import path from 'node:path';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityHeaders } from '../src/platform/security-headers.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { REQUESTS, type MatrixRequest } from './authorisation-matrix/requests.ts';
import { readMatrix, type MatrixRow } from './authorisation-matrix/table.ts';
import { buildWorld, ROLE_KEYS, type RoleKey, type World } from './authorisation-matrix/world.ts';
import { callerFor, type Caller } from './helpers/fuzz/callers.ts';
import {
  buildRequest,
  operationsOf,
  requestArbitrary,
  templateSeed,
  type FuzzRequest,
  type Operation,
  type Seed,
} from './helpers/fuzz/requests.ts';
import { countWrites, type WriteCounter } from './helpers/fuzz/writes.ts';
import { formPostArbitrary } from './helpers/fuzz/forms.ts';
import { crawlForms, shapeOf, type PageForm } from './helpers/fuzz/pages.ts';

/**
 * #16.5 fuzzing: every operation of the served OpenAPI document gets generated requests —
 * bodies built from its own schema or from the authorisation matrix's working request, then
 * mutated (wrong types, huge and control-character strings, unpaired surrogates, nulls, deep
 * nesting, injection strings, extreme numbers, huge arrays), with damaged query strings, path
 * parameters, content types and CSV uploads — sent as the roles that may use it (the matrix's
 * world: sessions with CSRF tokens, API keys). Whatever arrives, the portal must answer:
 *
 * - never a 5xx;
 * - every answer with the security headers;
 * - every 4xx in the error shape `{ error: { code, message } }` (the OpenAPI document's), or the
 *   friendly error page where a page is wanted;
 * - and a refused request writes nothing (counted by row triggers on every table; decision 061).
 *
 * A second round does the same to every HTML form each role is shown (crawled from the home
 * page; not in the OpenAPI document): broken fields, ids and uploads, with a valid CSRF token.
 *
 * Both rounds capture the app's log and fail on any error-level line: the backstop that turns a
 * PostgreSQL data exception into a 400 (app.ts) logs one, so it never hides a missing check.
 *
 * Deterministic by default; FUZZ_SEED picks another seed, FUZZ_RUNS the total number of requests
 * (default 10 000), FUZZ_FORM_RUNS the form posts (default 600), FUZZ_ONLY one operation
 * (`FUZZ_ONLY='POST /api/v1/auth/sign-up'`) or the form round alone (`FUZZ_ONLY=forms`).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 1605);
const ONLY = process.env.FUZZ_ONLY;
const TRACE = !!process.env.FUZZ_TRACE;
const slowest: [number, string][] = [];
/** Where the time goes (FUZZ_TRACE=1): building seeds, answering requests, counting writes. */
const spent = { seeds: 0, inject: 0, writes: 0, fuzzing: 0, setupCpu: 0, fuzzingCpu: 0 };
/** CPU time of this thread (the app, PGlite and the generator all run in it), in ms. */
const cpu = () => {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
};
let cpuAtStart = 0;
const rows = readMatrix(path.join(import.meta.dirname, 'authorisation-matrix.md'));
const perOperation = Math.ceil(RUNS / rows.length);
const FORM_RUNS = Number(process.env.FUZZ_FORM_RUNS ?? 600);
/** The people whose pages are crawled: one of each kind that signs in to the pages, and a visitor. */
const FORM_ROLES: RoleKey[] = ['anon', 'appl', 'pmem', 'padm', 'dA', 'pica', 'endu', 'rev', 'sadm'];
/**
 * Forms whose 422 follows a save by design: a registration step always saves what was typed and
 * then shows what must change (REG-13; the API's step save answers 200 with the findings).
 */
const SAVED_ON_422 = /^\/apply\/[^/]+\/(company|contacts|locations|distributors|added-value|personnel)$/;
/** Error-level lines the app logged (a 5xx, or the data-exception backstop): each one is a failure. */
const errorLines: string[] = [];
let errorsSeen = 0;

/** Writes a refused request may make by design: counters and audited failed guesses (decision 031). */
const WRITES_ALLOWED_ON_REFUSAL = {
  // audit_unchained and audit_chain follow audit_log row for row (decision 068): audit_log's
  // rows are what is checked, by action.
  skipTables: ['rate_limit_hits', 'sign_in_throttle', 'audit_unchained', 'audit_chain'],
  allowedAuditActions: ['pica.registration_key_failed'],
};
/** Operations that end the caller's own session when they succeed: these get a session each time. */
const ENDS_SESSION = new Set(['POST /api/v1/auth/sign-out', 'POST /api/v1/auth/sign-in']);
const HEADERS = securityHeaders({ production: false });

let t: TestApp;
let world: World;
let operations: Operation[];
let writes: WriteCounter;
let ids: string[];
const callers = new Map<RoleKey, Caller>();
const seeds = new Map<string, { seeds: Seed[]; cleanups: MatrixRequest[] }>();
let sent = 0;
let lastWrites = 0;

beforeAll(async () => {
  cpuAtStart = cpu();
  t = await createTestApp(
    {},
    { logger: { level: 'error', stream: { write: (line: string) => void errorLines.push(line) } } },
  );
  world = await buildWorld(t.ctx);
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  operations = operationsOf(doc);
  // Objects of the world a generated uuid sometimes names, so that handlers find a row to work on.
  const w = world;
  ids = [
    w.applicationId,
    w.otherApplicationId,
    w.submittedId,
    w.flaggedId,
    w.partner.id,
    w.otherPartner.id,
    w.distributorA.id,
    w.distributorB.id,
    w.locationId,
    w.claimAtA,
    w.keyPersonId,
    w.assignmentId,
    w.completionId,
    w.courseId,
    w.uploadId,
    w.contractId,
    w.adminRequestId,
    w.sponsorshipId,
    w.customerId,
    w.accessId,
    w.toolRequestId,
  ];
  for (const role of ROLE_KEYS) callers.set(role, await callerFor(t.app, t.ctx, world.credentials[role]));
  // Every operation's seeds before any fuzzing: a generated request that succeeds may change the
  // world (a partner's PICA agreement removed, say) so that a later seed could not be built.
  const start = performance.now();
  for (const op of operations)
    seeds.set(
      op.key,
      await seedsFor(
        op,
        rows.find((r) => r.operation === op.key),
      ),
    );
  spent.seeds += performance.now() - start;
  writes = await countWrites(t.ctx.db, WRITES_ALLOWED_ON_REFUSAL);
  lastWrites = await writes.total();
  spent.setupCpu = cpu() - cpuAtStart;
}, 180_000);

afterAll(async () => {
  for (const { cleanups } of seeds.values()) for (const c of cleanups) await c.after?.();
  spent.fuzzingCpu = cpu() - cpuAtStart - spent.setupCpu;
  if (process.env.FUZZ_TRACE_FILE)
    (await import('node:fs')).writeFileSync(
      process.env.FUZZ_TRACE_FILE,
      slowest.map(([ms, what]) => `${ms.toFixed(1)}\t${what.replaceAll('\n', ' ')}`).join('\n'),
    );
  if (TRACE)
    console.log(
      slowest
        .sort((a, b) => b[0] - a[0])
        .slice(0, 30)
        .map(([ms, what]) => `${ms.toFixed(0).padStart(6)} ms ${what}`)
        .join('\n'),
      '\n',
      Object.entries(spent)
        .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`)
        .join(', '),
    );
  await t?.close();
});

/** The roles the matrix lets through (first and last of them), else everyone. */
function reachers(row: MatrixRow | undefined): RoleKey[] {
  const allowed = ROLE_KEYS.filter((r) => row && row.expected[r] < 400);
  if (allowed.length === 0) return ['anon'];
  return [...new Set([allowed[0]!, allowed[allowed.length - 1]!])];
}

/** The matrix's working request for each reaching role, which the generated ones start from. */
async function seedsFor(
  op: Operation,
  row: MatrixRow | undefined,
): Promise<{ seeds: Seed[]; cleanups: MatrixRequest[] }> {
  const build = REQUESTS[op.key];
  const seeds: Seed[] = [];
  const cleanups: MatrixRequest[] = [];
  for (const role of reachers(row)) {
    if (!build) {
      seeds.push(templateSeed(op, role, ids));
      continue;
    }
    const req = await build(world, role, true);
    cleanups.push(req);
    seeds.push({
      role,
      url: req.url,
      ...(req.json !== undefined ? { json: req.json } : {}),
      ...(req.csv !== undefined ? { csv: req.csv } : {}),
    });
  }
  return { seeds, cleanups };
}

function wantsPage(req: FuzzRequest): boolean {
  // As the server sees the path: `/api/v1/x/../../../../etc` is no longer under /api/.
  if (new URL(req.url, 'http://portal.test').pathname.startsWith('/api/')) return false;
  const type = req.headers['content-type'] ?? '';
  return (req.headers.accept ?? '').includes('text/html') || (req.method === 'POST' && !/json/i.test(type));
}

/** What is wrong with an answer, if anything (the properties of this file). */
function problemsWith(req: FuzzRequest, res: LightMyRequestResponse): string[] {
  const problems: string[] = [];
  if (res.statusCode >= 500) problems.push(`answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  for (const [name, value] of Object.entries(HEADERS))
    if (res.headers[name] !== value)
      problems.push(`header ${name} is ${JSON.stringify(res.headers[name])}, not ${value}`);
  if (res.statusCode >= 400 && req.method !== 'HEAD') {
    const type = String(res.headers['content-type'] ?? '');
    if (wantsPage(req)) {
      if (!type.startsWith('text/html') || !/<h1>[^<]+<\/h1>/.test(res.body))
        problems.push(`a ${res.statusCode} page that is not the error page (${type}): ${res.body.slice(0, 200)}`);
    } else {
      let body: { error?: { code?: unknown; message?: unknown } } | undefined;
      try {
        body = res.json();
      } catch {
        body = undefined;
      }
      const e = body?.error;
      if (!type.startsWith('application/json') || typeof e?.code !== 'string' || typeof e.message !== 'string')
        problems.push(`a ${res.statusCode} without the error shape (${type}): ${res.body.slice(0, 200)}`);
      else if (!/^[a-z][a-z0-9_]*$/.test(e.code) || e.message.trim() === '')
        problems.push(
          `a ${res.statusCode} with code ${JSON.stringify(e.code)} and message ${JSON.stringify(e.message)}`,
        );
    }
  }
  return problems;
}

async function send(req: FuzzRequest, { savedOn422 = false } = {}): Promise<void> {
  sent += 1;
  let res: LightMyRequestResponse;
  const started = performance.now();
  try {
    res = await t.app.inject({
      method: req.method as 'GET',
      url: req.url,
      headers: req.headers,
      ...(req.payload !== undefined ? { payload: req.payload } : {}),
      // Its own address each time: per-address rate limits and throttles must not decide.
      remoteAddress: `10.${(sent >> 16) & 255}.${(sent >> 8) & 255}.${sent & 255}`,
    });
  } catch (error) {
    // The test app checks every /api answer against the served document (OpenAPI drift).
    throw new Error(`${String(error)}\n  request: ${req[fc.toStringMethod]()}`, { cause: error });
  }
  const answered = performance.now();
  spent.inject += answered - started;
  if (TRACE) slowest.push([answered - started, `${res.statusCode} ${req[fc.toStringMethod]().slice(0, 200)}`]);
  const problems = problemsWith(req, res);
  if (errorLines.length > errorsSeen) {
    problems.push(`logged at error level: ${errorLines.slice(errorsSeen).join(' | ').slice(0, 600)}`);
    errorsSeen = errorLines.length;
  }
  const now = await writes.total();
  spent.writes += performance.now() - answered;
  if (res.statusCode >= 400 && now !== lastWrites && !(savedOn422 && res.statusCode === 422)) {
    const tables = [...(await writes.byTable())].map(([table, n]) => `${table}: ${n}`).join(', ');
    problems.push(`refused with ${res.statusCode} but wrote ${now - lastWrites} row(s) (running totals ${tables})`);
  }
  lastWrites = now;
  if (problems.length > 0)
    throw new Error(
      `${problems.join('\n  ')}\n  request: ${req[fc.toStringMethod]()}\n  answer: ${res.statusCode} ${res.body.slice(0, 300)}`,
    );
}

/** A stable number from the operation's name, so each operation has its own seed. */
function seedOf(key: string): number {
  let h = SEED | 0;
  for (const ch of key) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

async function fuzz(op: Operation, row: MatrixRow | undefined): Promise<void> {
  const start = performance.now();
  const { seeds: opSeeds } = seeds.get(op.key) ?? (await seedsFor(op, row));
  const seedRoles = new Set(opSeeds.map((s) => s.role));
  const otherRoles = ROLE_KEYS.filter((r) => !seedRoles.has(r));
  const seed = seedOf(op.key);
  lastWrites = await writes.total(); // the seeds' own objects
  try {
    await fc.assert(
      fc.asyncProperty(requestArbitrary(op, opSeeds, otherRoles, ids), async (choice) => {
        // A sign-out or sign-in that works ends the caller's session: give it one of its own.
        const credential = world.credentials[choice.role];
        const caller =
          ENDS_SESSION.has(op.key) && credential.kind === 'session'
            ? await callerFor(t.app, t.ctx, credential)
            : callers.get(choice.role)!;
        if (caller !== callers.get(choice.role)) lastWrites = await writes.total(); // its new session
        await send(buildRequest(op, choice, caller));
      }),
      { numRuns: perOperation, seed, endOnFailure: !process.env.FUZZ_SHRINK },
    );
  } catch (error) {
    throw new Error(
      `${op.key}: ${error instanceof Error ? error.message : String(error)}\n` +
        `Reproduce: FUZZ_SEED=${SEED} FUZZ_ONLY='${op.key}' npx vitest run --project unit test/fuzz.test.ts ` +
        `(this operation's fast-check seed is ${seed}; FUZZ_SHRINK=1 shrinks the counterexample)`,
      { cause: error },
    );
  } finally {
    lastWrites = await writes.total();
    spent.fuzzing += performance.now() - start;
  }
}

describe('#16.5 fuzzing every operation', () => {
  for (const row of rows)
    it.skipIf(ONLY !== undefined && ONLY !== row.operation)(
      `#16.5 ${row.operation}: generated requests get no 5xx, the error shape and headers, and write nothing when refused`,
      async () => {
        const op = operations.find((o) => o.key === row.operation);
        if (!op) return; // the authorisation matrix reports rows for operations that are gone
        await fuzz(op, row);
      },
      120_000,
    );

  it.skipIf(ONLY !== undefined)('#16.5: operations the matrix has no row for are fuzzed too', async () => {
    const inTable = new Set(rows.map((r) => r.operation));
    for (const op of operations.filter((o) => !inTable.has(o.key))) await fuzz(op, undefined);
  });

  it.skipIf(ONLY !== undefined && ONLY !== 'forms')(
    '#16.5: every form each role is shown gets broken posts: no 5xx, the error page and headers, and nothing written when refused',
    async () => {
      const start = performance.now();
      const found: { role: RoleKey; caller: Caller; form: PageForm }[] = [];
      let pages = 0;
      for (const role of FORM_ROLES) {
        // A session of its own: the API round may have ended or changed the shared one.
        const caller = await callerFor(t.app, t.ctx, world.credentials[role]);
        const crawled = await crawlForms(t.app, caller, { start: ['/', '/account'], maxPages: 60 });
        pages += crawled.pages.length;
        if (TRACE) console.log(`${role}: ${crawled.pages.length} pages, ${crawled.forms.length} forms`);
        for (const form of crawled.forms) found.push({ role, caller, form });
      }
      const crawled = performance.now();
      expect(found.length).toBeGreaterThan(30);
      const perForm = Math.max(1, Math.ceil(FORM_RUNS / found.length));
      const before = sent;
      lastWrites = await writes.total();
      // Every form gets its posts even after one fails: the report lists them all.
      const failures: string[] = [];
      for (const { role, caller, form } of found) {
        // By the action's shape: the world's ids are new each run, the seed must not be.
        const seed = seedOf(`form ${role} ${shapeOf(form.action)}`);
        const savedOn422 = SAVED_ON_422.test(new URL(form.action, 'http://portal.test').pathname);
        try {
          await fc.assert(
            fc.asyncProperty(formPostArbitrary(form, role, caller), (req) => send(req, { savedOn422 })),
            { numRuns: perForm, seed, endOnFailure: true },
          );
        } catch (error) {
          const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
          failures.push(`form ${form.action} as ${role}: ${cause instanceof Error ? cause.message : String(cause)}`);
          lastWrites = await writes.total();
        }
      }
      if (failures.length > 0)
        throw new Error(
          `${failures.length} form(s) failed:\n${failures.join('\n\n')}\n` +
            `Reproduce: FUZZ_SEED=${SEED} FUZZ_ONLY=forms npx vitest run --project unit test/fuzz.test.ts`,
        );
      if (TRACE)
        console.log(
          `form round: ${pages} pages crawled, ${found.length} forms, ${sent - before} posts; ` +
            `crawl ${((crawled - start) / 1000).toFixed(1)} s, posts ${((performance.now() - crawled) / 1000).toFixed(1)} s\n` +
            found
              .map((f) => `  ${f.role} ${f.form.action} [${f.form.fields.map((x) => x.name).join(', ')}]`)
              .join('\n'),
        );
      expect(sent - before).toBeGreaterThanOrEqual(Math.min(FORM_RUNS, found.length));
    },
    300_000,
  );

  it.skipIf(ONLY !== undefined)(`#16.5: at least ${RUNS} requests were sent`, () => {
    expect(sent).toBeGreaterThanOrEqual(RUNS);
  });
});
