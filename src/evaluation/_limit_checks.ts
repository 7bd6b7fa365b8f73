/**
 * The checks of what a run spent: `max_cost_usd`, `max_latency_ms` and `max_tokens`. They hold
 * for failed runs too (what a failure spent counts).
 *
 * @module
 */
import { type Check, failure } from "./_code_scorer.ts";
import { formatNumber } from "./_score_values.ts";

/**
 * `max_cost_usd`: the run cost at most `limit` dollars. An unknown cost (a model missing from
 * the price table) cannot be checked: an error.
 *
 * @param limit The most dollars.
 * @param name The scorer's name.
 * @returns The check.
 */
export function maxCostCheck(limit: number, name: string): Check {
  return ({ run }) => {
    if (run.costUsd === undefined) {
      return failure(
        "COST_UNKNOWN",
        `Cannot score "${name}" as the cost of the run is unknown: a model it called is not in the price table`,
      );
    }
    return within(
      run.costUsd <= limit,
      `cost $${formatNumber(run.costUsd)}`,
      `$${formatNumber(limit)}`,
    );
  };
}

/**
 * `max_latency_ms`: the run took at most `limit` milliseconds.
 *
 * @param limit The most milliseconds.
 * @returns The check.
 */
export function maxLatencyCheck(limit: number): Check {
  return ({ run }) =>
    within(
      run.durationMs <= limit,
      `took ${formatNumber(run.durationMs)} ms`,
      `${formatNumber(limit)} ms`,
    );
}

/**
 * `max_tokens`: the run used at most `limit` tokens, input and output together.
 *
 * @param limit The most tokens.
 * @returns The check.
 */
export function maxTokensCheck(limit: number): Check {
  return ({ run }) =>
    within(
      run.usage.total_tokens <= limit,
      `used ${run.usage.total_tokens} tokens`,
      `${limit} tokens`,
    );
}

function within(pass: boolean, measured: string, limit: string) {
  return { value: pass, rationale: `The run ${measured}, ${pass ? "within" : "over"} ${limit}` };
}
