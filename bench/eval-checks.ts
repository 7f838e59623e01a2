/**
 * `npm run eval:checks [-- --verbose]`: issue #11. Runs the REG-7 and REG-8 rules over the
 * labelled corpus in data-files/eval/ and prints recall and false-alarm rate per category.
 * Exit code 3 when a target (recall ≥ 98 %, false alarms ≤ 1 %) is missed, as `npm run bench`
 * expects of a benchmark.
 */
import {
  evaluateAddresses,
  evaluateEmails,
  formatEvaluation,
  meetsTargets,
  TARGETS,
} from '../src/modules/registration/checks-eval.ts';

const verbose = process.argv.includes('--verbose');
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
process.exitCode = ok ? 0 : 3;
