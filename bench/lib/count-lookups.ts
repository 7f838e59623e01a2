// Loaded into the portal by the purchase-eligibility benchmark (`node --import` before tsx): counts
// the eligibility requests the process received and the eligibility queries it sent to its database,
// on either engine, so that "database lookups per request" is counted, not estimated. (PGlite keeps
// no index statistics that another process could read, so pg_stat_user_tables cannot tell.)
// The counts go to BENCH_COUNT_FILE as JSON on SIGUSR2 (a snapshot the benchmark takes between
// phases) and when the process exits. Plain Node with type stripping: no tsx needed this early.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

const file = process.env.BENCH_COUNT_FILE;
/** `snapshot` counts the writes, so that the benchmark knows when its signal was answered. */
const counts = { requests: 0, lookups: 0, snapshot: 0 };
/** A column only the eligibility facts query (distributors.repository.ts) selects. */
const isLookup = (text: unknown) => typeof text === 'string' && text.includes('AS listed_active');

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
  if (event === 'request' && (args[0] as http.IncomingMessage).url?.startsWith('/api/v1/purchase-eligibility'))
    counts.requests += 1;
  return (emit as (...a: unknown[]) => boolean).call(this, event, ...args);
} as typeof emit;

// The server's pool: queryPrepared calls pool.query({ name, text, values }).
const poolQuery = pg.Pool.prototype.query;
pg.Pool.prototype.query = function (this: pg.Pool, ...args: unknown[]) {
  const first = args[0] as string | { text?: string };
  if (isLookup(typeof first === 'string' ? first : first?.text)) counts.lookups += 1;
  return (poolQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof poolQuery;

// The embedded database: Kysely's PGlite driver calls pglite.query(sql, parameters).
const pgliteQuery = PGlite.prototype.query;
PGlite.prototype.query = function (this: PGlite, ...args: unknown[]) {
  if (isLookup(args[0])) counts.lookups += 1;
  return (pgliteQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pgliteQuery;

const write = () => {
  counts.snapshot += 1;
  if (file) writeFileSync(file, JSON.stringify(counts));
};
process.on('SIGUSR2', write);
process.on('exit', write);
