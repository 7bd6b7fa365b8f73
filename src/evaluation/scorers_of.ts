/**
 * `scorersOf`: the scorers of an `evaluation` section or a `--scorers` file, ready to score a
 * workflow's runs.
 *
 * @module
 */
import { type CODE_SCORER_KINDS, isJudgeKind, scorerKind } from "../config/evaluation_schema.ts";
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { safePrepareScorers } from "../config/parse_scorers.ts";
import type { EvaluationInput, ScorerConfig } from "../config/schema.ts";
import { WorkflowError } from "../errors.ts";
import { type Check, codeScorer } from "./_code_scorer.ts";
import { judgeScorer } from "./_judge_scorer.ts";
import { maxCostCheck, maxLatencyCheck, maxTokensCheck } from "./_limit_checks.ts";
import { containsCheck, exactMatchCheck, regexCheck } from "./_match_checks.ts";
import { jsonValidCheck, numericWithinCheck, typeCheck } from "./_value_checks.ts";
import type { Scorer } from "./scorer.ts";

type CodeKind = (typeof CODE_SCORER_KINDS)[number];

/** How each kind of check is made from its settings: the registry `scorersOf` dispatches on. */
const CODE_CHECKS: {
  readonly [K in CodeKind]: (options: NonNullable<ScorerConfig[K]>, name: string) => Check;
} = {
  exact_match: exactMatchCheck,
  contains: containsCheck,
  regex: (options) => regexCheck(options),
  numeric_within: numericWithinCheck,
  json_valid: (options) => jsonValidCheck(options),
  type_check: (options) => typeCheck(options),
  max_cost_usd: maxCostCheck,
  max_latency_ms: (limit) => maxLatencyCheck(limit),
  max_tokens: (limit) => maxTokensCheck(limit),
};

/**
 * Makes the scorers of an evaluation for a workflow, in their order. The scorers are checked
 * against the workflow first (the checks of `validate`: kinds, fields in state, unique names,
 * judge models), so a configuration built in code is as safe as a parsed one. Deterministic
 * checks are compiled once here (regular expressions, types); each judge becomes a small
 * workflow (`Scorer.judge`) that `ScoreContext.runJudge` runs.
 *
 * @example Usage
 * ```ts
 * import { parseWorkflow, scorersOf } from "@configurable-agents/core";
 * const workflow = parseWorkflow(`
 * schema_version: "1.0"
 * flow: {name: qa}
 * state: {fields: {question: {type: str, required: true}, answer: {type: str}}}
 * nodes: [{id: answer, prompt: "Answer: {state.question}", outputs: [answer]}]
 * edges: [{from: START, to: answer}, {from: answer, to: END}]
 * `);
 * const [mentions] = scorersOf(
 *   { scorers: [{ name: "mentions", contains: { field: "answer", text: "paris", ignore_case: true } }] },
 *   workflow,
 * );
 * const result = await mentions!.score({
 *   inputs: { question: "Capital of France?" },
 *   outputs: { question: "Capital of France?", answer: "It is paris." },
 *   expectations: {},
 *   run: { status: "success", durationMs: 12, usage: { input_tokens: 9, output_tokens: 4, total_tokens: 13 }, costUsd: 0.0001 },
 * }, {});
 * if (result.value !== true || result.source.type !== "CODE") throw new Error();
 * ```
 *
 * @param config The `evaluation` section or a `--scorers` file, parsed (`EvaluationConfig`) or
 * as written (defaults are applied here).
 * @param workflow The workflow whose runs are scored.
 * @returns One scorer per entry.
 * @throws {WorkflowError} `CONFIG_INVALID` carrying every diagnostic when the scorers do not fit
 * the workflow.
 */
export function scorersOf(config: EvaluationInput, workflow: LoadedWorkflow): Scorer[] {
  const checked = safePrepareScorers(config, workflow);
  if (!checked.ok) {
    const errors = checked.diagnostics.filter((d) => d.severity === "error").length;
    throw new WorkflowError(
      "CONFIG_INVALID",
      `Cannot make the scorers as they have ${errors} error${errors === 1 ? "" : "s"}`,
      {
        phase: "validate",
        diagnostics: checked.diagnostics,
        hint: "check them with safePrepareScorers() or safeParseScorers() first",
      },
    );
  }
  return checked.evaluation.scorers.map((scorer) => {
    const kind = scorerKind(scorer);
    // Every built-in kind scores pass/fail: checks give true/false, judges "yes"/"no".
    if (isJudgeKind(kind)) return { ...judgeScorer(scorer, kind, workflow), passFail: true };
    return { ...codeScorer(scorer.name, codeCheck(kind, scorer)), passFail: true };
  });
}

function codeCheck<K extends CodeKind>(kind: K, scorer: ScorerConfig): Check {
  const options = scorer[kind] as NonNullable<ScorerConfig[K]>;
  return CODE_CHECKS[kind](options, scorer.name);
}
