/**
 * `npm run bench [-- [--quick] NAME...]`: runs every benchmark in bench/ (each top-level *.ts
 * file but this one and report.ts), or only those named, one after another, each as its own
 * process with a time limit. They measure the machine, so never in parallel, and never from
 * `npm test`. `--quick` sets BENCH_QUICK=1 for each: small data and short rounds (≤ ~25 s a
 * benchmark), for CI and a first look; `npm run bench:report` then writes bench/RESULTS.md.
 *
 * Exit code: 0 when every benchmark ran and met its target, 3 when one missed its target,
 * 1 when one failed to run.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib/harness.ts';

// BENCH_TIME_LIMIT_MINUTES raises the backstop on a machine busy with other work.
const TIME_LIMIT_MS = Number(process.env.BENCH_TIME_LIMIT_MINUTES ?? 10) * 60_000;

const NOT_BENCHMARKS = new Set(['run.ts', 'report.ts']);
const all = readdirSync(path.join(ROOT, 'bench'))
  .filter((f) => f.endsWith('.ts') && !NOT_BENCHMARKS.has(f))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const quick = process.argv.includes('--quick');
const wanted = process.argv.slice(2).filter((arg) => arg !== '--quick');
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${all.join(', ')}`);
  process.exit(2);
}

let failed = false;
let missed = false;
const started = Date.now();
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);
for (const name of wanted.length > 0 ? wanted : all) {
  console.log(`\n=== ${name}${quick ? ' (quick)' : ''} ===`);
  const benchmarkStarted = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], {
    cwd: ROOT,
    stdio: 'inherit',
    env: quick ? { ...process.env, BENCH_QUICK: '1' } : process.env,
  });
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
  const took = `${seconds(benchmarkStarted)} s, load average ${os.loadavg()[0]!.toFixed(2)}`;
  if (code === 3) {
    missed = true;
    console.log(`${name}: ran, target missed (${took})`);
  } else if (code !== 0) {
    failed = true;
    console.error(`${name}: failed (exit code ${code}, ${took})`);
  } else console.log(`${name}: ran, targets met (${took})`);
}
console.log(
  `\nAll done in ${seconds(started)} s on ${os.cpus().length} CPUs, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}. \`npm run bench:report\` writes bench/RESULTS.md from the results.`,
);
process.exit(failed ? 1 : missed ? 3 : 0);
