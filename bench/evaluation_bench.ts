/**
 * Issue 10's target for `evaluate`: deterministic scorers add no more than 5 % wall time over
 * the runs themselves (the scenario: `_evaluation_scenario.ts`). The verdict in RESULTS.md comes
 * from the interleaved measurement of `ratios.ts evaluation`; these averages are for reference.
 *
 *   deno bench --allow-read --allow-write --allow-env --allow-run=deno bench/evaluation_bench.ts
 *
 * @module
 */
import {
  EVALUATION_LATENCY_MS,
  EVALUATION_RECORDS,
  evaluationScenario,
} from "./_evaluation_scenario.ts";

const scenario = await evaluationScenario();
const group =
  `evaluate vs batch (${EVALUATION_RECORDS} records, 1 node, ${EVALUATION_LATENCY_MS} ms mock, 6 checks)`;
Deno.bench({
  name: "batch of the records (runBatch)",
  group,
  baseline: true,
  n: 30,
  warmup: 5,
  fn: scenario.batch,
});
Deno.bench({
  name: "evaluation of the records (evaluateWorkflow, 6 checks)",
  group,
  n: 30,
  warmup: 5,
  fn: scenario.evaluate,
});
