/**
 * The StartTraceV3 payload of a bundle: the trace info with the run it belongs to
 * (`mlflow.sourceRun`), its agent version (`mlflow.modelId`) and the token usage summed over
 * its spans (`mlflow.trace.tokenUsage`).
 *
 * @module
 */
import {
  MODEL_ID_METADATA,
  SOURCE_RUN_METADATA,
  type SpanRecord,
  type TraceBundle,
} from "../trace_bundle.ts";
import type { StartTraceInput } from "./mlflow_client.ts";

const USAGE_KEYS = [
  "input_tokens",
  "output_tokens",
  "total_tokens",
  "cache_read_input_tokens",
  "cache_creation_input_tokens",
] as const;

/**
 * Sums `mlflow.chat.tokenUsage` over spans and writes it as MLflow's client does
 * (`{"input_tokens": 12, "output_tokens": 30, "total_tokens": 42}`; cache keys only when some
 * span reported them).
 *
 * @param spans Spans of one trace.
 * @returns The JSON text, or `undefined` when no span has token usage.
 */
export function tokenUsageMetadata(spans: readonly SpanRecord[]): string | undefined {
  const totals = new Map<string, number>();
  for (const span of spans) {
    const usage = asRecord(span.attributes["mlflow.chat.tokenUsage"]);
    if (!usage) continue;
    for (const key of USAGE_KEYS) {
      const value = usage[key];
      const known = typeof value === "number" && Number.isFinite(value);
      if (known || !key.startsWith("cache")) {
        totals.set(key, (totals.get(key) ?? 0) + (known ? value : 0));
      }
    }
  }
  if (!totals.size) return undefined;
  const parts = USAGE_KEYS.filter((key) => totals.has(key))
    .map((key) => `"${key}": ${totals.get(key)}`);
  return `{${parts.join(", ")}}`;
}

/**
 * The trace info to record with StartTraceV3.
 *
 * @param bundle The finished run.
 * @param experimentId Experiment the trace goes into.
 * @param runId The MLflow run the trace belongs to, when it belongs to one.
 * @param modelId The LoggedModel (agent version) of the trace, when it has one.
 * @returns Input for `MlflowClient.startTrace`.
 */
export function startTraceInput(
  bundle: TraceBundle,
  experimentId: string,
  runId?: string,
  modelId?: string,
): StartTraceInput {
  const { trace } = bundle;
  const metadata: Record<string, string> = {
    "mlflow.trace_schema.version": "3",
    ...trace.metadata,
  };
  if (runId !== undefined) metadata[SOURCE_RUN_METADATA] = runId;
  if (modelId !== undefined) metadata[MODEL_ID_METADATA] = modelId;
  const usage = tokenUsageMetadata(trace.spans);
  if (usage !== undefined) metadata["mlflow.trace.tokenUsage"] = usage;
  const { "mlflow.artifactLocation": _set_by_server, ...tags } = trace.tags;
  return {
    traceId: trace.traceId,
    experimentId,
    requestTimeMs: trace.requestTimeMs,
    executionTimeMs: trace.executionTimeMs,
    state: trace.state,
    requestPreview: trace.requestPreview,
    responsePreview: trace.responsePreview,
    metadata,
    tags,
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  if (typeof value === "string") {
    try {
      return asRecord(JSON.parse(value));
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}
