/**
 * The evaluation area: scorers that score each record of an evaluation — deterministic checks
 * (`exact_match`, `contains`, `regex`, `numeric_within`, `json_valid`, `type_check`,
 * `max_cost_usd`, `max_latency_ms`, `max_tokens`), LLM judges (`guidelines`, `correctness`,
 * `relevance`, each a small workflow the engine runs) and custom scorers ({@linkcode defineScorer})
 * — and what is computed from their results: MLflow's `<name>/mean` aggregates,
 * `--fail-under` thresholds and comparisons of two evaluations. It does no I/O of its own: a
 * judge reaches its model through `ScoreContext.runJudge` ({@linkcode createJudgeRunner}).
 *
 * @example Usage
 * ```ts
 * import { aggregateScores, parseWorkflow, scoreRecord, scorersOf } from "@configurable-agents/core";
 * const workflow = parseWorkflow(`
 * schema_version: "1.0"
 * flow: {name: qa}
 * state: {fields: {question: {type: str, required: true}, answer: {type: str}}}
 * nodes: [{id: answer, prompt: "Answer: {state.question}", outputs: [answer]}]
 * edges: [{from: START, to: answer}, {from: answer, to: END}]
 * evaluation:
 *   scorers:
 *     - { name: exact, exact_match: { field: answer } }
 *     - { name: cheap, max_cost_usd: 0.01 }
 * `);
 * const scorers = scorersOf(workflow.config.evaluation!, workflow);
 * const run = { status: "success", durationMs: 8, costUsd: 0.002,
 *   usage: { input_tokens: 20, output_tokens: 5, total_tokens: 25 } } as const;
 * const results = [
 *   ...await scoreRecord(scorers, { inputs: { question: "2+2?" },
 *     outputs: { question: "2+2?", answer: "4" }, expectations: { answer: "4" }, run }),
 *   ...await scoreRecord(scorers, { inputs: { question: "3+3?" },
 *     outputs: { question: "3+3?", answer: "7" }, expectations: { answer: "6" }, run }),
 * ];
 * const aggregates = aggregateScores(results);
 * if (aggregates.exact?.mean !== 0.5 || aggregates.cheap?.mean !== 1) throw new Error();
 * ```
 *
 * @module
 */
export type {
  JudgeCost,
  JudgeRun,
  JudgeWorkflow,
  RunJudgeOptions,
  ScoreContext,
  ScoredRun,
  ScoreInput,
  Scorer,
  ScoreResult,
  ScoreSource,
  ScoreValue,
} from "./scorer.ts";
export { scorersOf } from "./scorers_of.ts";
export { type CustomScore, defineScorer, type ScorerDefinition } from "./define_scorer.ts";
export { scoreRecord } from "./score_record.ts";
export { createJudgeRunner, type JudgeRunner, type JudgeRunnerOptions } from "./judge_runner.ts";
export {
  aggregateScores,
  type ScoreAggregate,
  scoreNumber,
  scorePassed,
} from "./aggregate_scores.ts";
export {
  checkFailUnder,
  type FailUnderCheck,
  type FailUnderOutcome,
  type FailUnderThreshold,
  parseFailUnder,
  type ParseFailUnderOptions,
} from "./fail_under.ts";
export { judgeSpends, type Spend, type SpendTotal, totalSpend } from "./total_spend.ts";
export {
  compareEvaluations,
  type EvaluationComparison,
  type EvaluationScores,
  type ScoredRecord,
  type ScoreFlip,
  type ScorerDelta,
} from "./compare_evaluations.ts";
export {
  canonicalJson,
  type DatasetFormat,
  type EvaluationDataset,
  type EvaluationRecord,
  formatOf,
  parseDataset,
  type ParseDatasetOptions,
} from "./parse_dataset.ts";
export { checkDataset, type CheckedDataset } from "./check_dataset.ts";
