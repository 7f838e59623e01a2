// The memory reference: PGlite alone, in its own process, opened on a data directory with the
// extensions the portal loads (PGLITE_OPTIONS in src/platform/db.ts) and PGlite's own defaults
// otherwise. Run with plain node (no tsx): `node bench/lib/bare-pglite.ts DATA_DIR`. Prints one
// JSON line when the database answers, and closes it on SIGTERM/SIGINT. A second argument, a JSON
// array of PostgreSQL start parameters, is added to PGlite's defaults (the portal's memory
// settings, for a second reference).
import { PGlite } from '@electric-sql/pglite';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';

const [dataDir, extraParams] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: node bench/lib/bare-pglite.ts DATA_DIR [START_PARAMS_JSON]');
const startParams = [...PGlite.defaultStartParams, ...(extraParams ? (JSON.parse(extraParams) as string[]) : [])];
const started = performance.now();
const pglite = new PGlite(dataDir, { extensions: { cube, earthdistance }, startParams });
await pglite.query('SELECT 1');
console.log(JSON.stringify({ ready: true, openMs: Math.round(performance.now() - started) }));

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void pglite.close().then(() => process.exit(0)));
// PGlite holds no handle that keeps Node's event loop alive: this one does, until the signal.
setInterval(() => undefined, 1 << 30);
