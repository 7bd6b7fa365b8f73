/**
 * A trace bundle with what an evaluation adds once its run is scored: tags and assessments,
 * each value scrubbed of credentials and redacted like the rest of the trace.
 *
 * @module
 */
import type { RunRedactor } from "./capture_policy.ts";
import type { TraceBundle } from "./trace_bundle.ts";
import type { TraceAnnotations } from "./tracker_options.ts";

/**
 * Adds the annotations to a bundle.
 *
 * @param bundle The bundle of a finished run.
 * @param annotations Its tags and assessments.
 * @param redactor The capture policy's redactor.
 * @returns A new bundle.
 */
export function annotateBundle(
  bundle: TraceBundle,
  annotations: TraceAnnotations,
  redactor: RunRedactor,
): TraceBundle {
  const tags = Object.fromEntries(
    Object.entries(annotations.tags ?? {}).map(([key, value]) => [key, redactor.scrub(value)]),
  );
  const assessments = (annotations.assessments ?? []).map((assessment) => ({
    ...assessment,
    value: redactor.sanitize(assessment.value),
    ...(assessment.rationale === undefined
      ? {}
      : { rationale: redactor.scrub(assessment.rationale) }),
    ...(assessment.error === undefined ? {} : {
      error: { code: assessment.error.code, message: redactor.scrub(assessment.error.message) },
    }),
  }));
  return {
    ...bundle,
    trace: { ...bundle.trace, tags: { ...bundle.trace.tags, ...tags } },
    ...(assessments.length > 0 ? { assessments } : {}),
  };
}
