/**
 * `--fail-under name=0.8`: thresholds on the aggregates of an evaluation, for CI. A threshold
 * applies to the scorer's mean, the metric `<name>/mean` MLflow shows (for a pass/fail scorer
 * the mean is its pass rate, errors left out); the evaluation fails when the mean is below it,
 * or when there is no mean at all (every result an error).
 *
 * @module
 */
import { suggestName } from "../config/suggest.ts";
import type { ScoreAggregate } from "./aggregate_scores.ts";

/** A decimal number as people write thresholds (`0.8`, `.5`, `1`, `-2`, `1e-3`). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A threshold on one scorer's mean. */
export interface FailUnderThreshold {
  /** The scorer's name. */
  readonly name: string;
  /** The lowest mean that passes (inclusive). */
  readonly min: number;
}

/** Options of {@linkcode parseFailUnder}. */
export interface ParseFailUnderOptions {
  /**
   * The names of the evaluation's scorers; a threshold naming another is an error (with
   * did-you-mean). When absent, names are not checked.
   *
   * @default {undefined}
   */
  readonly names?: readonly string[] | undefined;
  /**
   * The names of the scorers whose values are pass/fail (`Scorer.passFail`): their mean is a
   * pass rate from 0 to 1, so a threshold above 1 (a percentage, such as `exact=80`) is an
   * error. Other scorers take any number.
   *
   * @default {[]}
   */
  readonly passFail?: readonly string[] | undefined;
}

/**
 * Parses `--fail-under` values: each `name=number`, repeated or separated by commas
 * (`exact=0.8,polite=0.9`).
 *
 * @example Usage
 * ```ts
 * import { parseFailUnder } from "@configurable-agents/core";
 * const thresholds = parseFailUnder(["exact=0.8", "polite=0.9,cheap=1"], {
 *   names: ["exact", "polite", "cheap"],
 * });
 * if (thresholds.length !== 3 || thresholds[0]?.min !== 0.8) throw new Error();
 * ```
 *
 * @param args The values given, one per `--fail-under`.
 * @param options The scorer names to check against.
 * @returns The thresholds, in the order given.
 * @throws {TypeError} A value that is not `name=number`.
 * @throws {RangeError} A name that is no scorer's, or given twice; a threshold above 1 for a
 * pass/fail scorer.
 */
export function parseFailUnder(
  args: readonly string[],
  options: ParseFailUnderOptions = {},
): FailUnderThreshold[] {
  const { names } = options;
  const thresholds: FailUnderThreshold[] = [];
  const parts = args.flatMap((value) => value.split(",").map((arg) => ({ value, arg })));
  for (const { value, arg } of parts) {
    const at = arg.lastIndexOf("=");
    const name = arg.slice(0, Math.max(at, 0)).trim();
    const text = arg.slice(at + 1).trim();
    if (at < 1 || name === "" || !DECIMAL.test(text)) {
      const what = value === arg ? "it is" : `its part "${arg}" is`;
      throw new TypeError(
        `Cannot use --fail-under "${value}" as ${what} not name=number: write a scorer's name and the lowest mean that passes, such as exact=0.8`,
      );
    }
    const min = Number(text);
    if (names !== undefined && !names.includes(name)) {
      const hint = suggestName(name, names, "scorers");
      throw new RangeError(
        `Cannot use --fail-under "${arg}" as no scorer is named "${name}"${
          hint ? `: ${hint}` : ""
        }`,
      );
    }
    if (min > 1 && options.passFail?.includes(name)) throw percentageError(arg, name, min);
    if (thresholds.some((threshold) => threshold.name === name)) {
      throw new RangeError(`Cannot use --fail-under for "${name}" twice: keep one`);
    }
    thresholds.push({ name, min });
  }
  return thresholds;
}

/** A threshold above 1 for a pass/fail scorer, whose mean is a pass rate from 0 to 1. */
function percentageError(arg: string, name: string, min: number): RangeError {
  const fix = min <= 100
    ? `write ${name}=${Number((min / 100).toPrecision(12))} for ${min}%`
    : `write a number from 0 to 1, such as ${name}=0.8`;
  return new RangeError(
    `Cannot use --fail-under "${arg}" as "${name}" scores pass/fail, so its mean is a pass rate from 0 to 1: ${fix}`,
  );
}

/** How one threshold fared. */
export interface FailUnderCheck extends FailUnderThreshold {
  /** The scorer's mean; `null` when it has none (every result an error, or no result). */
  readonly mean: number | null;
  /** Whether the mean is at least the threshold. */
  readonly passed: boolean;
}

/** The outcome of {@linkcode checkFailUnder}. */
export interface FailUnderOutcome {
  /** Every threshold, in order, with the mean it was held against. */
  readonly checks: readonly FailUnderCheck[];
  /** The thresholds that failed: the evaluation's exit code is 1 when any did. */
  readonly failed: readonly FailUnderCheck[];
}

/**
 * Holds the aggregates of an evaluation against thresholds: a scorer passes when its mean is at
 * least its threshold; no mean (every result an error, or a scorer that gave no result) fails.
 *
 * @example Usage
 * ```ts
 * import { checkFailUnder } from "@configurable-agents/core";
 * const outcome = checkFailUnder(
 *   { exact: { mean: 0.75 }, polite: { mean: 0.95 } },
 *   [{ name: "exact", min: 0.8 }, { name: "polite", min: 0.9 }],
 * );
 * if (outcome.failed.length !== 1 || outcome.failed[0]?.name !== "exact") throw new Error();
 * ```
 *
 * @param aggregates The aggregates by scorer name (`aggregateScores`).
 * @param thresholds The thresholds (`parseFailUnder`).
 * @returns Every check, and the failed ones.
 */
export function checkFailUnder(
  aggregates: Readonly<Record<string, Pick<ScoreAggregate, "mean">>>,
  thresholds: readonly FailUnderThreshold[],
): FailUnderOutcome {
  const checks = thresholds.map(({ name, min }): FailUnderCheck => {
    const mean = Object.hasOwn(aggregates, name) ? aggregates[name]?.mean ?? null : null;
    return { name, min, mean, passed: mean !== null && mean >= min };
  });
  return { checks, failed: checks.filter((check) => !check.passed) };
}
