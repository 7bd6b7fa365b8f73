/**
 * `aggregateScores`: the per-scorer aggregates of an evaluation, the `<name>/mean` metric
 * computed as MLflow's `mlflow.genai.evaluate` computes it.
 *
 * @module
 */
import type { ScoreResult, ScoreValue } from "./scorer.ts";

/** The aggregates of one scorer over the records of an evaluation. */
export interface ScoreAggregate {
  /**
   * The metric `<name>/mean`: the mean of the values that read as numbers (`true` 1, `false` 0,
   * numbers, `"yes"` 1 and `"no"` 0 in any case); `null` when none does.
   */
  readonly mean: number | null;
  /**
   * The share of pass/fail values (`true`/`false`, `"yes"`/`"no"`) that pass; `null` when the
   * scorer gives none (numbers and other labels have no pass or fail).
   */
  readonly passRate: number | null;
  /** How many results the scorer gave, errors included. */
  readonly count: number;
  /** How many of them are errors. */
  readonly errors: number;
}

/**
 * The number MLflow reads a value as for its aggregates, or `null` when it leaves the value out:
 * booleans and numbers as numbers, the labels `"yes"` and `"no"` (any case) as 1 and 0, and
 * nothing else (other labels, `null`).
 *
 * @example Usage
 * ```ts
 * import { scoreNumber } from "@configurable-agents/core";
 * if (scoreNumber(true) !== 1 || scoreNumber("No") !== 0 || scoreNumber(0.25) !== 0.25) {
 *   throw new Error();
 * }
 * if (scoreNumber("maybe") !== null || scoreNumber(null) !== null) throw new Error();
 * ```
 *
 * @param value A score's value.
 * @returns The number, or `null`.
 */
export function scoreNumber(value: ScoreValue): number | null {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const label = value.toLowerCase();
    if (label === "yes") return 1;
    if (label === "no") return 0;
  }
  return null;
}

/**
 * Whether a value passes: `true` and `"yes"` pass, `false` and `"no"` fail (any case); numbers,
 * other labels and `null` are neither.
 *
 * @example Usage
 * ```ts
 * import { scorePassed } from "@configurable-agents/core";
 * if (scorePassed("YES") !== true || scorePassed(false) !== false) throw new Error();
 * if (scorePassed(0.9) !== undefined) throw new Error("a number is neither");
 * ```
 *
 * @param value A score's value.
 * @returns `true` (pass), `false` (fail), or `undefined`.
 */
export function scorePassed(value: ScoreValue): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return undefined;
  const label = value.toLowerCase();
  return label === "yes" ? true : label === "no" ? false : undefined;
}

/**
 * Aggregates the results of an evaluation per scorer name, in the order the names first appear.
 * `mean` is MLflow's `<name>/mean` metric: the mean over the values it reads as numbers (see
 * {@linkcode scoreNumber}), leaving out errors (`null`) and other labels, as
 * `mlflow.genai.scorers.aggregation` does.
 *
 * @example Usage
 * ```ts
 * import { aggregateScores } from "@configurable-agents/core";
 * const source = { type: "CODE", id: "exact" } as const;
 * const aggregates = aggregateScores([
 *   { name: "exact", value: true, source },
 *   { name: "exact", value: false, source },
 *   { name: "exact", value: null, source, error: { code: "EXPECTATION_MISSING", message: "..." } },
 * ]);
 * const exact = aggregates.exact;
 * if (exact?.mean !== 0.5 || exact.passRate !== 0.5 || exact.count !== 3 || exact.errors !== 1) {
 *   throw new Error();
 * }
 * ```
 *
 * @param results The results of every record, for every scorer.
 * @returns The aggregates by scorer name.
 */
export function aggregateScores(
  results: readonly (Pick<ScoreResult, "name" | "value"> & Partial<ScoreResult>)[],
): Record<string, ScoreAggregate> {
  const tallies = new Map<
    string,
    {
      sum: number;
      numbers: number;
      passes: number;
      verdicts: number;
      count: number;
      errors: number;
    }
  >();
  for (const result of results) {
    let tally = tallies.get(result.name);
    if (!tally) {
      tally = { sum: 0, numbers: 0, passes: 0, verdicts: 0, count: 0, errors: 0 };
      tallies.set(result.name, tally);
    }
    tally.count++;
    if (result.error !== undefined) tally.errors++;
    const number = scoreNumber(result.value);
    if (number !== null) {
      tally.sum += number;
      tally.numbers++;
    }
    const passed = scorePassed(result.value);
    if (passed !== undefined) {
      tally.verdicts++;
      if (passed) tally.passes++;
    }
  }
  const aggregates: Record<string, ScoreAggregate> = {};
  for (const [name, tally] of tallies) {
    aggregates[name] = {
      mean: tally.numbers === 0 ? null : tally.sum / tally.numbers,
      passRate: tally.verdicts === 0 ? null : tally.passes / tally.verdicts,
      count: tally.count,
      errors: tally.errors,
    };
  }
  return aggregates;
}
