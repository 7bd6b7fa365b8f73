/**
 * Recording workflow runs in MLflow: the `Tracer` contract the engine calls, the
 * `MlflowTracker` that implements it and owns the delivery, the `TraceBundle` it produces, and
 * the `SqliteSink` that writes bundles straight into an MLflow SQLite database.
 *
 * @example Usage
 * ```ts
 * import { MlflowTracker } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * const tracker = new MlflowTracker({
 *   trackingUri: `sqlite:///${dir}/mlflow.db`,
 *   experimentName: "demo",
 *   mlflow: { artifact_level: "minimal" },
 *   async: false,
 *   sinkOptions: { sqlite: { artifactRoot: `${dir}/mlruns` } },
 *   spool: { dir: `${dir}/.mlflow-spool` },
 * });
 * const run = tracker.startRun({
 *   workflowName: "demo", workflowVersion: "1", nodeCount: 1, provider: "mock", model: "m",
 *   inputs: { topic: "tide pools" },
 * });
 * await run.span({ type: "CHAIN", name: "write", nodeId: "write" }, async (scope) => {
 *   scope.setOutputs({ draft: "..." });
 * });
 * const ids = await run.finish({ status: "success", outputs: { draft: "..." } });
 * await tracker.close();
 * if (ids.runId === undefined || !ids.traceId?.startsWith("tr-")) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export type * from "./tracer.ts";
export type * from "./trace_bundle.ts";
export {
  type CloseTrackerOptions,
  type ForeignParent,
  type MlflowCaptureSettings,
  MlflowTracker,
  type MlflowTrackerOptions,
} from "./mlflow_tracker.ts";
export type { StartGroupRunOptions, StartRunOptions, TraceAnnotations } from "./tracker_options.ts";
export type { GroupRun, GroupRunEnd, GroupTraceSummary } from "./group_run.ts";
export {
  DEFAULT_TRACKING_URI,
  defaultTrackingUri,
  parseTrackingUri,
  resolveTrackingDestination,
  type ResolveTrackingDestinationOptions,
  type TrackingDestination,
  type TrackingSettings,
} from "./tracking_destination.ts";
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
export { buildTraceBundle, type BundleSettings, type StateSnapshot } from "./build_trace_bundle.ts";
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
  OPTIONAL_COLUMNS,
  OPTIONAL_TABLES,
  REQUIRED_COLUMNS,
} from "./sqlite/schema_check.ts";
export { MLFLOW_SCHEMA_SCRIPTS, type MlflowSchemaScript } from "./sqlite/mlflow_schema_sql.ts";
export {
  DEFAULT_MLFLOW_SCHEMA,
  isMlflowSchemaChoice,
  MLFLOW_SCHEMA_CHOICES,
  type MlflowSchemaChoice,
  parseMlflowSchemaChoice,
} from "./sqlite/mlflow_schema_choice.ts";
