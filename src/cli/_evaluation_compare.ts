/**
 * `evaluate --compare`: reads an earlier evaluation run (by id, key or name) back from the
 * store the evaluation was recorded in, with its traces' feedback, and compares it with this
 * evaluation.
 *
 * @module
 */
import { suggestName } from "../config/suggest.ts";
import {
  compareEvaluations,
  type EvaluationComparison,
  type ScoredRecord,
} from "../evaluation/compare_evaluations.ts";
import type { EvaluationResult } from "../runtime/evaluate_workflow.ts";
import { openTrackingReader } from "../tracking/report/open_tracking_reader.ts";
import type { StoredRun, TrackingReader } from "../tracking/report/tracking_reader.ts";
import { EVAL_RECORD_KEY_TAG, RUN_KEY_TAG, RUN_KIND_TAG } from "../tracking/trace_bundle.ts";
import type { ScoreValue } from "../evaluation/scorer.ts";
import type { TrackingDestination } from "../tracking/tracking_destination.ts";
import type { CliIO } from "./io.ts";
import { UsageError } from "./usage_error.ts";

/** What {@linkcode compareWithStored} needs. */
export interface CompareWithStoredOptions {
  /** The store the evaluation was recorded in. */
  readonly destination: TrackingDestination;
  /** Working directory and environment. */
  readonly io: Pick<CliIO, "cwd" | "env">;
}

/**
 * Compares an evaluation with an earlier one of the same store.
 *
 * @param ref The earlier run's id, key or name (the newest of that name).
 * @param current This evaluation.
 * @param options The store, working directory and environment.
 * @returns The earlier run's label and the comparison.
 * @throws {UsageError} When no such evaluation run is recorded there.
 */
export async function compareWithStored(
  ref: string,
  current: EvaluationResult,
  options: CompareWithStoredOptions,
): Promise<{ against: string; outcome: EvaluationComparison }> {
  const { destination, io } = options;
  const reader = openTrackingReader(destination, {
    cwd: io.cwd(),
    env: (name) => io.env(name),
  });
  if (reader === undefined) {
    throw new UsageError(
      `Cannot compare with "${ref}" as nothing is recorded in "${destination.uri}"`,
    );
  }
  try {
    const run = await findEvaluationRun(reader, ref, current.runKey);
    const previous = await storedScores(reader, run);
    const outcome = compareEvaluations(
      { records: previous },
      {
        records: current.records.map((evaluation) => ({
          key: evaluation.key,
          results: evaluation.scores,
        })),
      },
    );
    return { against: `${run.runName} (${run.runId})`, outcome };
  } finally {
    await reader.close();
  }
}

async function findEvaluationRun(
  reader: TrackingReader,
  ref: string,
  currentKey: string | undefined,
): Promise<StoredRun> {
  const evaluations = (await reader.readRuns({}))
    .filter((run) =>
      run.tags[RUN_KIND_TAG] === "evaluation" && run.tags[RUN_KEY_TAG] !== currentKey
    );
  const found = evaluations.find((run) =>
    run.runId === ref || run.tags[RUN_KEY_TAG] === ref || run.runName === ref
  );
  if (found) return found;
  const hint = suggestName(ref, evaluations.map((run) => run.runName), "evaluation runs");
  throw new UsageError(
    `Cannot compare with "${ref}" as no earlier evaluation run has that id or name in "${reader.location}"`,
    { hint: hint ?? "run an evaluation with the same --tracking-uri first" },
  );
}

async function storedScores(reader: TrackingReader, run: StoredRun): Promise<ScoredRecord[]> {
  const traces = await reader.readTraceInfos({
    runId: run.runId,
    experimentIds: [run.experimentId],
  });
  const assessments = await reader.readAssessments?.(traces.map((trace) => trace.traceId)) ?? [];
  return traces.map((trace): ScoredRecord => ({
    key: trace.tags[EVAL_RECORD_KEY_TAG] ?? trace.traceId,
    results: assessments
      .filter((assessment) =>
        assessment.traceId === trace.traceId && assessment.kind === "feedback"
      )
      .map((assessment) => ({ name: assessment.name, value: scoreValueOf(assessment.value) })),
  }));
}

function scoreValueOf(value: unknown): ScoreValue {
  return typeof value === "boolean" || typeof value === "number" || typeof value === "string"
    ? value
    : null;
}
