#!/usr/bin/env -S node --liftoff-only
// The `partner-portal` command, and `npm start` (`partner-portal serve`): runs the compiled CLI
// in dist/, compiling it first when it is missing or older than the sources (scripts/build.js,
// decision 063). Loading compiled code instead of transpiling every module through tsx at each
// start is what brings a restart to its first page in about a second.
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// V8's compiled code for dist/cli.js and the packages, kept between starts (Node's compile
// cache): a restart then reads the bundle's bytecode instead of compiling its 5 MB again, about
// 0.2 CPU-seconds (decision 063, 2026-11-29). NODE_COMPILE_CACHE chooses another directory,
// NODE_DISABLE_COMPILE_CACHE=1 turns it off; a directory that cannot be written only costs that time.
module.enableCompileCache?.(
  process.env.NODE_COMPILE_CACHE ||
    path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'partner-portal'),
);

const { ensureBuilt } = await import('../scripts/build.js');
await ensureBuilt();
const { runCli } = await import('../dist/cli.js');
await runCli();
