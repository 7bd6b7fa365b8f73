/**
 * Reports over tracked runs, read back from where the tracker wrote them: an MLflow SQLite
 * file (read only, with `node:sqlite`) or a tracking server (REST). `buildCostReport` groups
 * token usage and cost by workflow, model, node, day, week or month; `listTraces` and
 * `buildSpanTree` back `traces list` and `traces show`. An unknown cost stays unknown (never 0).
 *
 * Nothing here loads LangChain, LangGraph or OpenTelemetry.
 *
 * @example Usage
 * ```ts
 * import { buildCostReport, openTrackingReader, renderCostReportTable } from "./mod.ts";
 * const reader = openTrackingReader("sqlite:///mlflow.db", {
 *   cwd: "/nowhere",
 *   env: () => undefined,
 *   fileExists: () => false,
 * });
 * if (reader) {
 *   const report = await buildCostReport(reader, { by: "day", now: Date.now() });
 *   renderCostReportTable(report);
 * }
 * ```
 *
 * @module
 */
export {
  buildCostReport,
  type CostReport,
  type CostReportOptions,
  type CostReportRow,
  type Grouping,
  GROUPINGS,
} from "./cost_report.ts";
export {
  chooseTrackingUri,
  openTrackingReader,
  type OpenTrackingReaderOptions,
} from "./open_tracking_reader.ts";
export {
  costReportToJson,
  renderCostReportCsv,
  renderCostReportTable,
  TOTAL_LABEL,
} from "./render_cost_report.ts";
export type { SpanLlmCall } from "../span_llm_call.ts";
export type { SpanEventRecord, SpanRecord, SpanStatusCode } from "../trace_bundle.ts";
export type { CostBreakdown, TokenUsage } from "../tracer.ts";
export { findExperimentIds } from "./find_experiment_ids.ts";
export { roundMean, roundSeconds, roundUsd, USD_SIGNIFICANT_DIGITS } from "./round_numbers.ts";
export { createRestReader, type RestReaderOptions } from "./rest_reader.ts";
export { buildSpanTree, renderSpanTree, type SpanTreeNode, spanTreeToJson } from "./span_tree.ts";
export { openSqliteReader } from "./sqlite_reader.ts";
export {
  type Period,
  PERIODS,
  resolveTimeWindow,
  type TimeWindow,
  type TimeWindowOptions,
} from "./time_window.ts";
export {
  listTraces,
  type ListTracesOptions,
  renderTraceList,
  type TraceListEntry,
  traceListToJson,
} from "./trace_list.ts";
export {
  COST_UNKNOWN_MODELS_TAG,
  type RunQuery,
  SOURCE_RUN_METADATA,
  type StoredAssessment,
  type StoredExperiment,
  type StoredRun,
  type StoredTrace,
  type StoredTraceInfo,
  TRACE_ID_TAG,
  type TraceQuery,
  type TrackingReader,
} from "./tracking_reader.ts";
