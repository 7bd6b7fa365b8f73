/**
 * `scoreRecord`: every scorer of an evaluation on one record's run.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import type { ScoreContext, ScoreInput, Scorer, ScoreResult } from "./scorer.ts";

/**
 * Scores one record's run with every scorer, concurrently (judges wait on their models; checks
 * finish at once), and gives the results in the scorers' order. It never rejects: a scorer that
 * rejects anyway (one written by hand rather than with `defineScorer`) gives an error result
 * with a `CODE` source, and every result carries its scorer's name.
 *
 * @example Usage
 * ```ts
 * import { defineScorer, scoreRecord } from "@configurable-agents/core";
 * const scorers = [
 *   defineScorer({ name: "has_answer", score: ({ outputs }) => typeof outputs.answer === "string" }),
 *   defineScorer({ name: "broken", score: () => { throw new Error("boom"); } }),
 * ];
 * const results = await scoreRecord(scorers, {
 *   inputs: {},
 *   outputs: { answer: "42" },
 *   expectations: {},
 *   run: { status: "success", durationMs: 1, usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 }, costUsd: 0 },
 * });
 * if (results[0]?.value !== true || results[1]?.error?.code !== "SCORER_FAILED") throw new Error();
 * ```
 *
 * @param scorers The scorers.
 * @param input The record and its run.
 * @param context Cancellation, and the judge runner. @default {}
 * @returns One result per scorer, in order.
 */
export function scoreRecord(
  scorers: readonly Scorer[],
  input: ScoreInput,
  context: ScoreContext = {},
): Promise<ScoreResult[]> {
  return Promise.all(scorers.map(async (scorer): Promise<ScoreResult> => {
    try {
      const result = await scorer.score(input, context);
      return result.name === scorer.name ? result : { ...result, name: scorer.name };
    } catch (error) {
      return {
        name: scorer.name,
        value: null,
        error: {
          code: "SCORER_FAILED",
          message: `Cannot score "${scorer.name}" as the scorer threw: ${errorMessage(error)}`,
        },
        source: { type: "CODE", id: scorer.name },
      };
    }
  }));
}
