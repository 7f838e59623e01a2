import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/platform/db.ts';

/**
 * Writes the served OpenAPI document to a file (default: openapi.json in the current directory)
 * without a server or a database on disk: the app is built in process on an empty in-memory
 * PGlite, since the document comes from the route schemas alone. `npm run openapi:lint` lints it.
 */
const out = path.resolve(process.argv[2] ?? 'openapi.json');
const dataDir = mkdtempSync(path.join(tmpdir(), 'pp-openapi-'));
const config = loadConfig({ ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
const db = createDb({});
try {
  const app = await buildApp({ config, db, logger: false });
  await app.ready();
  const res = await app.inject('/api/openapi.json');
  if (res.statusCode !== 200) throw new Error(`GET /api/openapi.json answered ${res.statusCode}`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(res.json(), null, 2));
  await app.close();
  console.log(`Wrote ${out}`);
} finally {
  await db.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}
