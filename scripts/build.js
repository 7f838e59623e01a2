/**
 * Compiles the portal for `npm start` and the `partner-portal` command (decision 063): one
 * ES module, dist/cli.js, bundled by esbuild from src/cli.ts, so that a start loads compiled
 * code instead of transpiling some 240 TypeScript files through tsx every time. The packages are
 * bundled too, except those in EXTERNAL (imported from node_modules as usual): Node's module
 * loader resolving, reading and compiling some 900 files one by one cost a restart about as much
 * CPU as the rest of the start (decision 063, 2026-11-29). Tests and development keep running the
 * sources through tsx. dist/ is never committed: `ensureBuilt()` (bin/partner-portal.js) builds
 * it when it is missing or older than any of its inputs, which dist/build.json lists.
 *
 * Plain JavaScript on purpose: it runs before anything is compiled. `npm run build` runs it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
const OUT = path.join(DIST, 'cli.js');
const META = path.join(DIST, 'build.json');

/**
 * Packages left in node_modules, each for a reason bundling would break: they read files next to
 * their own code or find them from __dirname (PGlite's WebAssembly and extension archives, the
 * Swagger UI's assets, @fastify/swagger's package.json, ioredis's error stacks, pino's worker
 * transports), or they are native (argon2). @fastify/static is left with the Swagger UI, which
 * registers it too, so that one copy of it loads instead of two. Fastify's two schema compilers are loaded from
 * node_modules by src/platform/lazy-schemas.ts, never through Fastify: bundled, they would only be
 * dead code to parse at every start. A subpath (`@electric-sql/pglite/contrib/cube`) follows its
 * package.
 */
const EXTERNAL = [
  '@electric-sql/pglite',
  '@node-rs/argon2',
  '@fastify/swagger',
  '@fastify/swagger-ui',
  '@fastify/static',
  '@fastify/ajv-compiler',
  '@fastify/fast-json-stringify-compiler',
  'ioredis',
  'pino',
];

/**
 * The bundled CommonJS packages call `require` (esbuild keeps their calls to Node's built-in
 * modules and to EXTERNAL as `require`), which an ES module lacks: this gives them Node's, resolving
 * from dist/, hence from the project's node_modules.
 */
const BANNER =
  "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

/**
 * Node's built-in modules, imported by the sources and by bundled ES modules, are loaded with
 * `require` as the bundled CommonJS packages load them. An `import` of a built-in builds its ES
 * module facade, which reads every export: `node:http`'s include WebSocket and friends, whose
 * getters load Node's fetch implementation (undici), some 50 ms of CPU a start never uses.
 */
const builtinsThroughRequire = {
  name: 'builtins-through-require',
  setup(build) {
    build.onResolve({ filter: /^[a-z]/ }, (args) =>
      args.kind === 'import-statement' && isBuiltin(args.path) ? { path: args.path, namespace: 'builtin' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

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
      external: EXTERNAL,
      banner: { js: BANNER },
      plugins: [builtinsThroughRequire],
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
    const inputs = [
      // The packages' own files are not listed (npm keeps the dates of a package's files, so a
      // new version can look older than the build): npm rewrites its lockfiles whenever it
      // changes node_modules, and a newer lockfile means a new build. Nor are the built-in
      // modules (`builtin:node:fs`), which are no files.
      ...Object.keys(result.metafile.inputs).filter(
        (input) => !input.includes('node_modules/') && !input.startsWith('builtin:'),
      ),
      ...[
        'tsconfig.json',
        'scripts/build.js',
        'package.json',
        'package-lock.json',
        'node_modules/.package-lock.json',
      ].filter((file) => existsSync(path.join(ROOT, file))),
    ].sort();
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
