/**
 * Compiles the portal for `npm start` and the `partner-portal` command (decision 063): one
 * ES module, dist/cli.js, bundled by esbuild from src/cli.ts, so that a start loads compiled
 * code instead of transpiling some 240 TypeScript files through tsx every time. Packages stay
 * in node_modules (imported from there as usual). Tests and development keep running the
 * sources through tsx. dist/ is never committed: `ensureBuilt()` (bin/partner-portal.js) builds
 * it when it is missing or older than any of its inputs, which dist/build.json lists.
 *
 * Plain JavaScript on purpose: it runs before anything is compiled. `npm run build` runs it.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
const OUT = path.join(DIST, 'cli.js');
const META = path.join(DIST, 'build.json');

/**
 * True when dist/cli.js was built from the sources as they are: every input esbuild read
 * (sources, the main locale catalogues, tsconfig.json) still exists and is not newer than the
 * build. About 240 stat calls: a few milliseconds.
 */
export function isBuilt() {
  let meta;
  try {
    meta = JSON.parse(readFileSync(META, 'utf8'));
    if (statSync(OUT).mtimeMs < meta.builtAt) return false;
  } catch {
    return false;
  }
  try {
    return meta.inputs.every((input) => statSync(path.join(ROOT, input)).mtimeMs <= meta.builtAt);
  } catch {
    return false; // an input was deleted or renamed
  }
}

/** Builds dist/cli.js; answers the time it took in milliseconds. */
export async function build() {
  const started = performance.now();
  // Imported here: a start whose build is up to date never loads esbuild.
  const esbuild = await import('esbuild');
  // The modification time recorded is the one before reading: a source saved during the build
  // makes the next start build again.
  const builtAt = Date.now();
  // Written into a directory of its own, then renamed into place: a start running at the same
  // time sees the old bundle or the new one, never half of one.
  const tmp = path.join(DIST, `.build-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  try {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ['src/cli.ts'],
      outfile: path.join(tmp, 'cli.js'),
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node22',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      // Every bundled module shares dist/cli.js's import.meta.main: only bin/partner-portal.js
      // decides to run the CLI (src/cli.ts and src/server.ts check it when run as a script).
      define: { 'import.meta.main': 'false' },
      // For `node --enable-source-maps`; Node reads it only then.
      sourcemap: 'linked',
      sourcesContent: false,
      metafile: true,
      logLevel: 'warning',
    });
    renameSync(path.join(tmp, 'cli.js.map'), `${OUT}.map`);
    renameSync(path.join(tmp, 'cli.js'), OUT);
    const inputs = [...Object.keys(result.metafile.inputs), 'tsconfig.json', 'scripts/build.js'].sort();
    writeFileSync(path.join(tmp, 'build.json'), JSON.stringify({ builtAt, inputs }, null, 1));
    renameSync(path.join(tmp, 'build.json'), META);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return performance.now() - started;
}

/** Builds when needed, saying so on stderr (stdout may be a command's output). */
export async function ensureBuilt() {
  if (isBuilt()) return;
  process.stderr.write('Compiling the portal into dist/ (sources changed or not built yet)… ');
  const ms = await build();
  process.stderr.write(`done in ${(ms / 1000).toFixed(1)} s\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ms = await build();
  console.log(`Built dist/cli.js in ${(ms / 1000).toFixed(1)} s`);
}
