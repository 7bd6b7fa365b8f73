/**
 * `defineScorer`: the way library users add their own scorers to an evaluation.
 *
 * @module
 */
import { scorerNameProblem } from "../config/evaluation_schema.ts";
import { errorMessage } from "../errors.ts";
import { type CheckOutcome, failure, resultOf } from "./_code_scorer.ts";
import type {
  ScoreContext,
  ScoreInput,
  Scorer,
  ScoreResult,
  ScoreSource,
  ScoreValue,
} from "./scorer.ts";

/**
 * What a custom scorer returns: pass/fail (`true`/`false`), a number, a label, `null` when it
 * does not apply to the record (no value, no error; left out of the aggregates), or any of these
 * with a rationale.
 */
export type CustomScore = ScoreValue | { readonly value: ScoreValue; readonly rationale?: string };

/** A custom scorer, see {@linkcode defineScorer}. */
export interface ScorerDefinition {
  /**
   * Its name: the assessment name in MLflow and the metric `<name>/mean`. A letter or
   * underscore, then letters, digits, `_`, `-` or `.`; unique among the scorers of an
   * evaluation.
   */
  readonly name: string;
  /**
   * Scores one record's run. It may throw or reject: the result is then an error
   * (`SCORER_FAILED`), never a failed evaluation.
   *
   * @param input The record and its run.
   * @param context Cancellation, and the judge runner.
   * @returns The score.
   */
  score(input: ScoreInput, context: ScoreContext): CustomScore | Promise<CustomScore>;
  /**
   * Who scores, as MLflow records it.
   *
   * @default {{ type: "CODE", id: name }}
   */
  readonly source?: ScoreSource | undefined;
}

/**
 * Makes a scorer from a function. Its result becomes an assessment with the definition's
 * source; a function that throws or rejects, or returns anything else than a
 * {@linkcode CustomScore} (a non-finite number, an object without `value`), gives an error
 * result instead of failing the evaluation.
 *
 * @example Usage
 * ```ts
 * import { defineScorer } from "@configurable-agents/core";
 * const short = defineScorer({
 *   name: "short",
 *   score: ({ outputs }) => {
 *     const words = String(outputs.answer ?? "").split(/\s+/).length;
 *     return { value: words <= 20, rationale: `${words} words` };
 *   },
 * });
 * const result = await short.score({
 *   inputs: {},
 *   outputs: { answer: "Paris is the capital of France." },
 *   expectations: {},
 *   run: { status: "success", durationMs: 5, usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 }, costUsd: 0 },
 * }, {});
 * if (result.value !== true || result.rationale !== "6 words") throw new Error();
 * ```
 *
 * @param definition The name, the function and the source.
 * @returns The scorer (kind `code`).
 * @throws {TypeError} A name that is not a scorer name (or is reserved, such as `__proto__`), or
 * a `score` that is not a function.
 */
export function defineScorer(definition: ScorerDefinition): Scorer {
  const { name, score, source = { type: "CODE", id: name } } = definition ?? {};
  const problem = typeof name === "string"
    ? scorerNameProblem(name)
    : `Cannot use ${JSON.stringify(name)} as a scorer name: it is not text`;
  if (problem !== undefined) {
    throw new TypeError(problem);
  }
  if (typeof score !== "function") {
    throw new TypeError(`Cannot define the scorer "${name}" as its 'score' is not a function`);
  }
  const call = score.bind(definition);
  return {
    name,
    kind: source.type === "LLM_JUDGE" ? "judge" : "code",
    score: async (input, context): Promise<ScoreResult> => {
      try {
        return resultOf(name, source, outcomeOf(name, await call(input, context)));
      } catch (error) {
        return resultOf(
          name,
          source,
          failure(
            "SCORER_FAILED",
            `Cannot score "${name}" as the scorer threw: ${errorMessage(error)}`,
          ),
        );
      }
    },
  };
}

function outcomeOf(name: string, score: unknown): CheckOutcome {
  const scored = score !== null && typeof score === "object" && "value" in score
    ? score as { value: unknown; rationale?: unknown }
    : { value: score };
  const { value, rationale } = scored;
  const valid = value === null || typeof value === "boolean" || typeof value === "string" ||
    (typeof value === "number" && Number.isFinite(value));
  if (!valid || (rationale !== undefined && typeof rationale !== "string")) {
    return failure(
      "SCORE_INVALID",
      `Cannot use what scorer "${name}" returned as a score: ${
        String(JSON.stringify(score)).slice(0, 80)
      } is not true/false, a finite number, a label, null, or { value, rationale }`,
    );
  }
  return rationale === undefined ? { value } : { value, rationale };
}
