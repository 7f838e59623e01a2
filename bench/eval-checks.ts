/**
 * `npm run eval:checks [-- --verbose]`: issue #11. Runs the REG-7 and REG-8 rules over the
 * labelled corpus in data-files/eval/ and prints recall and false-alarm rate per category.
 * Exit code 3 when a target (recall ≥ 98 %, false alarms ≤ 1 %) is missed, as `npm run bench`
 * expects of a benchmark; writes bench/results/eval-checks-<date>[-quick].json (bench/lib/results.ts:
 * rates against their targets, no reference: the corpus is the measure). It takes seconds, so a
 * quick run is the same run.
 */
// Loaded first, as the app loads it: entered through checks-eval.ts, the registration module's
// import cycle reaches registration.schemas.ts before LEGAL_FORMS exists (a ReferenceError).
import '../src/modules/registration/index.ts';
import {
  evaluateAddresses,
  evaluateEmails,
  formatEvaluation,
  meetsTargets,
  TARGETS,
  type Evaluation,
} from '../src/modules/registration/checks-eval.ts';
import { QUICK, row, startMachineRecord, writeResult } from './lib/results.ts';

const verbose = process.argv.includes('--verbose');
const machine = startMachineRecord();
const evaluations = [evaluateAddresses(), evaluateEmails()];
// Written after the rules were first changed and never used to tune them: a check on generalisation.
const holdout = evaluateAddresses('holdout-addresses.csv', 'held-out addresses (REG-7, not part of the targets)');
for (const e of [...evaluations, holdout]) {
  console.log(formatEvaluation(e));
  const show = verbose ? Infinity : 15;
  for (const [title, cases] of [
    ['missed', e.misses],
    ['false alarms', e.alarms],
  ] as const) {
    if (cases.length === 0) continue;
    console.log(`\n${title} (${cases.length}):`);
    for (const c of cases.slice(0, show))
      console.log(`  ${c.id} [${c.category}] ${c.text}${c.evidence.length ? `  ← ${c.evidence.join('; ')}` : ''}`);
    if (cases.length > show) console.log(`  … ${cases.length - show} more (--verbose)`);
  }
  console.log('');
}
const ok = evaluations.every(meetsTargets);
console.log(
  `Targets: recall ≥ ${TARGETS.recall * 100} %, false alarms ≤ ${TARGETS.falseAlarms * 100} %: ${ok ? 'met' : 'NOT met'}`,
);
const percent = (n: number) => Math.round(n * 10_000) / 100;
const rows = [...evaluations, holdout].flatMap((e: Evaluation) => {
  const targeted = e !== holdout;
  const examples = (cases: Evaluation['misses']) =>
    cases
      .slice(0, 5)
      .map((c) => c.id)
      .join(', ');
  return [
    row({
      workload: `${e.name}: recall`,
      engine: 'rules (no database)',
      measured: percent(e.recall),
      unit: '%',
      reference: null,
      referenceName: null,
      target: targeted ? `≥ ${TARGETS.recall * 100} %` : '',
      met: targeted ? e.recall >= TARGETS.recall : null,
      note:
        e.misses.length === 0
          ? ''
          : `${e.misses.length} case(s) missed (${examples(e.misses)}…; \`npm run eval:checks -- --verbose\` lists them). What would close it: a rule for what they share, in address-checks.rules.ts or email-checks.rules.ts, checked against the held-out addresses.`,
    }),
    row({
      workload: `${e.name}: false alarms`,
      engine: 'rules (no database)',
      measured: percent(e.falseAlarms),
      unit: '%',
      reference: null,
      referenceName: null,
      target: targeted ? `≤ ${TARGETS.falseAlarms * 100} %` : '',
      met: targeted ? e.falseAlarms <= TARGETS.falseAlarms : null,
      note:
        e.alarms.length === 0
          ? ''
          : `${e.alarms.length} false alarm(s) (${examples(e.alarms)}…). What would close it: narrower patterns, or the allow-list (decision 054).`,
    }),
  ];
});
const file = writeResult({
  benchmark: 'eval-checks',
  date: new Date().toISOString(),
  quick: QUICK,
  machine: await machine.finish(),
  commands: [`npm run bench --${QUICK ? ' --quick' : ''} eval-checks`],
  rows,
});
console.log(`results: ${file}`);
process.exitCode = ok ? 0 : 3;
