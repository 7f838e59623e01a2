#!/usr/bin/env -S node --liftoff-only
// The `partner-portal` command, and `npm start` (`partner-portal serve`): runs the compiled CLI
// in dist/, compiling it first when it is missing or older than the sources (scripts/build.js,
// decision 063). Loading compiled code instead of transpiling every module through tsx at each
// start is what brings a restart to its first page in about a second.
import { ensureBuilt } from '../scripts/build.js';

await ensureBuilt();
const { runCli } = await import('../dist/cli.js');
await runCli();
