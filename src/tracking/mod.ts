/**
 * Recording workflow runs in MLflow: the `Tracer` contract the engine calls, the
 * `MlflowTracker` that implements it with OpenTelemetry spans and MLflow's conventions, the
 * `TraceBundle` it produces, and the `SqliteSink` that writes bundles straight into an MLflow
 * SQLite database.
 *
 * @example Usage
 * ```ts
 * import { createMlflowTracker, SqliteSink } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * const sink = await SqliteSink.open(`${dir}/mlflow.db`, { artifactRoot: `${dir}/mlruns` });
 * const tracker = createMlflowTracker({
 *   trackingUri: `sqlite:///${dir}/mlflow.db`,
 *   experimentName: "demo",
 *   mlflow: { artifact_level: "minimal" },
 *   delivery: {
 *     submit: async (bundle) => ({ state: "delivered", receipt: await sink.deliver(bundle) }),
 *     flush: () => Promise.resolve(),
 *   },
 * });
 * const run = tracker.startRun({
 *   workflowName: "demo", workflowVersion: "1", nodeCount: 1, provider: "mock", model: "m",
 *   inputs: { topic: "tide pools" },
 * });
 * await run.span({ type: "CHAIN", name: "write", nodeId: "write" }, async (scope) => {
 *   scope.setOutputs({ draft: "..." });
 * });
 * const ids = await run.finish({ status: "success", outputs: { draft: "..." } });
 * await tracker.shutdown();
 * await sink.close();
 * if (ids.runId === undefined || !ids.traceId?.startsWith("tr-")) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export type * from "./tracer.ts";
export type * from "./trace_bundle.ts";
export {
  createMlflowTracker,
  type MlflowCaptureSettings,
  MlflowTracker,
  type MlflowTrackerOptions,
  type ShutdownOptions,
} from "./mlflow_tracker.ts";
export {
  type ArtifactLevel,
  CapturePolicy,
  type CapturePolicyOptions,
  type ContentDigest,
  contentDigest,
  type NodeCaptureSettings,
  REDACTED,
  type RedactorParts,
  RunRedactor,
} from "./capture_policy.ts";
export { isSecretEnvName, SECRET_ENV_NAMES, secretValuesFromEnv } from "./secrets.ts";
export { buildTraceBundle, type BundleInput, type StateSnapshot } from "./bundle_builder.ts";
export {
  aggregateTokenUsage,
  buildTraceRecord,
  METADATA_MAX_CHARS,
  PREVIEW_MAX_CHARS,
  type TraceRecordOptions,
  truncatePreview,
} from "./trace_record.ts";
export { costedCallOf, type NodeExecutions, type RunSummary, summarizeRun } from "./run_summary.ts";
// The summary's building blocks come from the pricing module (listed again by its own exports).
export type { CostedCall, CostSummary, CostTotals } from "./pricing/summarize_costs.ts";
export {
  hexIdToBase64,
  type StoredSpan,
  type StoredSpanEvent,
  storedSpanJson,
  toStoredSpan,
} from "./stored_span_json.ts";
export {
  type JsonValue,
  pythonJsonDumps,
  type PythonJsonDumpsOptions,
  pythonNumber,
  toJsonValue,
  type ToJsonValueOptions,
} from "./python_json.ts";
export { SqliteSink, type SqliteSinkOptions } from "./sqlite/sqlite_sink.ts";
export { SqliteWorkerSink, type SqliteWorkerSinkOptions } from "./sqlite/sqlite_worker_sink.ts";
export {
  checkMlflowSchema,
  type MlflowSchemaInfo,
  REQUIRED_COLUMNS,
  SUPPORTED_MLFLOW_REVISIONS,
} from "./sqlite/schema_check.ts";
export {
  PINNED_MLFLOW_RELEASE,
  PINNED_MLFLOW_REVISION,
  PINNED_MLFLOW_SCHEMA_SQL,
} from "./sqlite/mlflow_schema_sql.ts";
