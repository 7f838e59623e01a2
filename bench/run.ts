/**
 * `npm run bench [-- NAME...]`: runs every benchmark in bench/ (each top-level *.ts file but
 * this one), or only those named, one after another, each as its own process with a time
 * limit. They measure the machine, so never in parallel, and never from `npm test`.
 *
 * Exit code: 0 when every benchmark ran and met its target, 3 when one missed its target,
 * 1 when one failed to run.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/harness.ts';

// BENCH_TIME_LIMIT_MINUTES raises the backstop on a machine busy with other work.
const TIME_LIMIT_MS = Number(process.env.BENCH_TIME_LIMIT_MINUTES ?? 10) * 60_000;

const all = readdirSync(path.join(ROOT, 'bench'))
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${all.join(', ')}`);
  process.exit(2);
}

let failed = false;
let missed = false;
for (const name of wanted.length > 0 ? wanted : all) {
  console.log(`\n=== ${name} ===`);
  const child = spawn(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], { cwd: ROOT, stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  // The benchmark bounds itself; this is the backstop if it hangs anyway.
  const limit = setTimeout(() => {
    console.error(`${name} exceeded ${TIME_LIMIT_MS / 60_000} minutes; stopping it`);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  }, TIME_LIMIT_MS);
  const code = await new Promise<number>((resolve) =>
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
  );
  clearTimeout(limit);
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  if (code === 3) {
    missed = true;
    console.log(`${name}: ran, target missed`);
  } else if (code !== 0) {
    failed = true;
    console.error(`${name}: failed (exit code ${code})`);
  }
}
process.exit(failed ? 1 : missed ? 3 : 0);
