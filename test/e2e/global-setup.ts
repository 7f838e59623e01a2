import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Compiles dist/ from the sources as they are now, once per run, before any browser test starts
 * a server from it (startServer in helpers.ts runs bin/partner-portal.js, like `npm start`).
 * Built here rather than by the first server's start: two files starting at once would each
 * build, and the build's seconds would count against a file's set-up limit (decision 072).
 */
export default function setup() {
  const result = spawnSync(process.execPath, ['scripts/build.js'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node scripts/build.js failed:\n${result.stdout}${result.stderr}`);
}
