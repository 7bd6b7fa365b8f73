/**
 * The assessments of a trace in an MLflow SQLite file, as `mlflow.genai.evaluate` writes them
 * (see `golden-eval-rows.json`): value and error as JSON text, the source, the root span, the
 * rationale, `valid` and the metadata with `mlflow.assessment.sourceRunId`. Runs inside the
 * caller's transaction; an assessment whose id is there already is left.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { pythonJsonDumps } from "../python_json.ts";
import { ASSESSMENT_SOURCE_RUN_METADATA, type AssessmentRecord } from "../trace_bundle.ts";
import { insert, statement } from "./_bundle_rows.ts";

/**
 * MLflow's stored metadata of an assessment: its own keys plus the evaluation run.
 *
 * @param assessment The assessment.
 * @param runId The evaluation run, when there is one.
 * @returns The metadata.
 */
export function assessmentMetadata(
  assessment: AssessmentRecord,
  runId: string | undefined,
): Record<string, string> {
  return runId === undefined
    ? { ...assessment.metadata }
    : { [ASSESSMENT_SOURCE_RUN_METADATA]: runId, ...assessment.metadata };
}

/**
 * Writes the assessments of a trace.
 *
 * @param db The database, inside a write transaction.
 * @param assessments The assessments.
 * @param options The trace, its root span and the evaluation run.
 */
export function insertAssessments(
  db: DatabaseSync,
  assessments: readonly AssessmentRecord[],
  options: { traceId: string; spanId: string | undefined; runId: string | undefined },
): void {
  for (const assessment of assessments) {
    const present = statement(db, "SELECT 1 FROM assessments WHERE assessment_id = ?")
      .get(assessment.assessmentId);
    if (present !== undefined) continue;
    const metadata = assessmentMetadata(assessment, options.runId);
    insert(db, "assessments", {
      assessment_id: assessment.assessmentId,
      trace_id: options.traceId,
      name: assessment.name,
      assessment_type: assessment.kind,
      value: pythonJsonDumps(assessment.value),
      error: assessment.error === undefined ? null : pythonJsonDumps({
        error_code: assessment.error.code,
        error_message: assessment.error.message,
        stack_trace: null,
      }),
      created_timestamp: assessment.createdMs,
      last_updated_timestamp: assessment.createdMs,
      source_type: assessment.source.type,
      source_id: assessment.source.id,
      run_id: null,
      span_id: options.spanId ?? null,
      rationale: assessment.rationale ?? null,
      overrides: null,
      valid: 1,
      assessment_metadata: Object.keys(metadata).length === 0 ? null : pythonJsonDumps(metadata),
    });
  }
}
