/**
 * `compareEvaluations`: what changed between two evaluations of a dataset (`--compare`): the
 * per-scorer deltas, and the records that went from pass to fail and back. Pure: the runner
 * reads both sides (from the store, or from this run).
 *
 * @module
 */
import { aggregateScores, type ScoreAggregate, scorePassed } from "./aggregate_scores.ts";
import type { ScoreResult, ScoreValue } from "./scorer.ts";

/** The scores of one record of an evaluation. */
export interface ScoredRecord {
  /**
   * What identifies the record across evaluations (the runner's choice, such as a hash of its
   * inputs); unique within an evaluation.
   */
  readonly key: string;
  /** Its scores, one per scorer (a name and a value at least, as the store keeps them). */
  readonly results: readonly (Pick<ScoreResult, "name" | "value"> & Partial<ScoreResult>)[];
}

/** One side of a comparison: every scored record of an evaluation. */
export interface EvaluationScores {
  /** The records. */
  readonly records: readonly ScoredRecord[];
}

/** How one scorer's aggregates changed. */
export interface ScorerDelta {
  /** The scorer's name. */
  readonly name: string;
  /** Its aggregates in the earlier evaluation, `null` when it was not there. */
  readonly previous: ScoreAggregate | null;
  /** Its aggregates now, `null` when it is gone. */
  readonly current: ScoreAggregate | null;
  /** `current.mean - previous.mean`, `null` when either mean is missing. */
  readonly meanDelta: number | null;
  /** `current.passRate - previous.passRate`, `null` when either is missing. */
  readonly passRateDelta: number | null;
}

/** A record whose verdict by a scorer flipped. */
export interface ScoreFlip {
  /** The record's key. */
  readonly key: string;
  /** The scorer's name. */
  readonly name: string;
  /** Its value before. */
  readonly previous: ScoreValue;
  /** Its value now. */
  readonly current: ScoreValue;
}

/** The outcome of {@linkcode compareEvaluations}. */
export interface EvaluationComparison {
  /** Per scorer, in the order of the current evaluation, then those only in the earlier one. */
  readonly scorers: readonly ScorerDelta[];
  /** Records and scorers that passed before and fail now. */
  readonly passToFail: readonly ScoreFlip[];
  /** Records and scorers that failed before and pass now. */
  readonly failToPass: readonly ScoreFlip[];
  /** Keys of the records only the earlier evaluation has. */
  readonly onlyPrevious: readonly string[];
  /** Keys of the records only the current evaluation has. */
  readonly onlyCurrent: readonly string[];
}

/**
 * Compares two evaluations. Deltas are of the aggregates of each side (see `aggregateScores`).
 * A flip is a record present on both sides (by key) whose value by a scorer went from pass to
 * fail or back (`true`/`"yes"` pass, `false`/`"no"` fail); errors, numbers and other labels
 * never flip.
 *
 * @example Usage
 * ```ts
 * import { compareEvaluations } from "@configurable-agents/core";
 * const previous = { records: [
 *   { key: "r1", results: [{ name: "exact", value: true }] },
 *   { key: "r2", results: [{ name: "exact", value: false }] },
 * ] };
 * const current = { records: [
 *   { key: "r1", results: [{ name: "exact", value: false }] },
 *   { key: "r2", results: [{ name: "exact", value: false }] },
 * ] };
 * const comparison = compareEvaluations(previous, current);
 * if (comparison.scorers[0]?.meanDelta !== -0.5) throw new Error();
 * if (comparison.passToFail[0]?.key !== "r1" || comparison.failToPass.length !== 0) {
 *   throw new Error();
 * }
 * ```
 *
 * @param previous The earlier evaluation.
 * @param current The current one.
 * @returns The deltas per scorer and the flipped records.
 * @throws {TypeError} A record key that appears twice on one side.
 */
export function compareEvaluations(
  previous: EvaluationScores,
  current: EvaluationScores,
): EvaluationComparison {
  const before = byKey(previous, "earlier");
  const after = byKey(current, "current");
  const aggregatesBefore = aggregateScores(previous.records.flatMap((record) => record.results));
  const aggregatesAfter = aggregateScores(current.records.flatMap((record) => record.results));
  const names = [...new Set([...Object.keys(aggregatesAfter), ...Object.keys(aggregatesBefore)])];
  const scorers = names.map((name): ScorerDelta => {
    const was = aggregatesBefore[name] ?? null;
    const now = aggregatesAfter[name] ?? null;
    return {
      name,
      previous: was,
      current: now,
      meanDelta: difference(was?.mean, now?.mean),
      passRateDelta: difference(was?.passRate, now?.passRate),
    };
  });
  const passToFail: ScoreFlip[] = [];
  const failToPass: ScoreFlip[] = [];
  for (const [key, record] of after) {
    const earlier = before.get(key);
    if (!earlier) continue;
    for (const result of record.results) {
      const was = earlier.results.find((candidate) => candidate.name === result.name);
      if (!was) continue;
      const passedBefore = scorePassed(was.value);
      const passedNow = scorePassed(result.value);
      if (passedBefore === undefined || passedNow === undefined) continue;
      const flip = { key, name: result.name, previous: was.value, current: result.value };
      if (passedBefore && !passedNow) passToFail.push(flip);
      if (!passedBefore && passedNow) failToPass.push(flip);
    }
  }
  return {
    scorers,
    passToFail,
    failToPass,
    onlyPrevious: [...before.keys()].filter((key) => !after.has(key)),
    onlyCurrent: [...after.keys()].filter((key) => !before.has(key)),
  };
}

function byKey(side: EvaluationScores, which: string): Map<string, ScoredRecord> {
  const records = new Map<string, ScoredRecord>();
  for (const record of side.records) {
    if (records.has(record.key)) {
      throw new TypeError(
        `Cannot compare the evaluations as the record key "${record.key}" appears twice in the ${which} one: keys must identify records`,
      );
    }
    records.set(record.key, record);
  }
  return records;
}

function difference(before: number | null | undefined, after: number | null | undefined) {
  return before === null || before === undefined || after === null || after === undefined
    ? null
    : after - before;
}
