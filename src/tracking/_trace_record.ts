/**
 * The trace info of a finished run, as MLflow's own client fills it in: request time and
 * duration from the root span, state from the root's status, request and response previews,
 * and the trace metadata (`mlflow.trace.tokenUsage`, `mlflow.trace.cost`, previews, size stats,
 * source, user, session) and tags.
 *
 * @module
 */
import { pythonJsonDumps } from "./python_json.ts";
import { storedSpanJson } from "./stored_span_json.ts";
import type { CostBreakdown } from "./tracer.ts";
import type { SpanRecord, TraceRecord } from "./trace_bundle.ts";

/** Characters MLflow keeps of the request and response previews. */
export const PREVIEW_MAX_CHARS = 1000;
/** Characters MLflow keeps of `mlflow.traceInputs` and `mlflow.traceOutputs`. */
export const METADATA_MAX_CHARS = 250;
const TRUNCATION_SUFFIX = "...";

/** Options of {@linkcode buildTraceRecord}. */
export interface TraceRecordOptions {
  /**
   * `mlflow.user`.
   *
   * @default {"unknown"}
   */
  user?: string;
  /**
   * `mlflow.source.name`.
   *
   * @default {"configurable-agents"}
   */
  sourceName?: string;
  /** `mlflow.trace.session`, when the run has a session. */
  sessionId?: string | undefined;
  /** `mlflow.trace.user`, when the run has an end user. */
  userId?: string | undefined;
  /** Cost totals (`mlflow.trace.cost`); leave out when any call had no price. */
  cost?: CostBreakdown | undefined;
  /** Why the run stopped early (tag `configurable_agents.stop_reason`). */
  stopReason?: string | undefined;
}

/**
 * Cuts text to `max` characters the way MLflow does: longer text keeps `max - 3` characters
 * followed by `...`.
 *
 * @example Usage
 * ```ts
 * import { truncatePreview } from "./_trace_record.ts";
 * if (truncatePreview("abcdef", 5) !== "ab..." || truncatePreview("abc", 5) !== "abc") {
 *   throw new Error();
 * }
 * ```
 *
 * @param text The text.
 * @param max Maximum number of characters (code points).
 * @returns The text, cut when longer than `max`.
 */
export function truncatePreview(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return chars.slice(0, max - TRUNCATION_SUFFIX.length).join("") + TRUNCATION_SUFFIX;
}

/**
 * Sums token usage over spans as MLflow does: a span's usage counts unless an ancestor already
 * carries usage (so nested LLM spans are not counted twice).
 *
 * @param spans The spans of one trace.
 * @returns `{input_tokens, output_tokens, total_tokens}`, or `undefined` when no span has usage.
 */
export function aggregateTokenUsage(
  spans: readonly SpanRecord[],
): { input_tokens: number; output_tokens: number; total_tokens: number } | undefined {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const totals = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
  let found = false;
  const usageOf = (span: SpanRecord): Record<string, unknown> | undefined => {
    const usage = span.attributes["mlflow.chat.tokenUsage"];
    return usage !== null && typeof usage === "object"
      ? usage as Record<string, unknown>
      : undefined;
  };
  for (const span of spans) {
    const usage = usageOf(span);
    if (usage === undefined) continue;
    let ancestor = span.parentSpanId === null ? undefined : byId.get(span.parentSpanId);
    let counted = false;
    while (ancestor !== undefined) {
      if (usageOf(ancestor) !== undefined) {
        counted = true;
        break;
      }
      ancestor = ancestor.parentSpanId === null ? undefined : byId.get(ancestor.parentSpanId);
    }
    if (counted) continue;
    found = true;
    for (const key of ["input_tokens", "output_tokens", "total_tokens"] as const) {
      const value = usage[key];
      if (typeof value === "number") totals[key] += value;
    }
  }
  return found ? totals : undefined;
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = fraction * (sorted.length - 1);
  const lower = Math.floor(index);
  const upper = lower + 1;
  if (upper >= sorted.length) return sorted[sorted.length - 1] ?? 0;
  const weight = index - lower;
  return (sorted[lower] ?? 0) * (1 - weight) + (sorted[upper] ?? 0) * weight;
}

const encoder = new TextEncoder();

function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** `mlflow.trace.sizeStats` as MLflow computes it (span JSON sizes plus the trace info). */
function sizeStats(
  spans: readonly SpanRecord[],
  info: Omit<TraceRecord, "spans">,
): {
  total_size_bytes: number;
  num_spans: number;
  max: number;
  p25: number;
  p50: number;
  p75: number;
} {
  const sizes = spans.map((span) => utf8Length(storedSpanJson(span)));
  const infoSize = utf8Length(pythonJsonDumps({
    info: {
      trace_id: info.traceId,
      request_time: new Date(info.requestTimeMs).toISOString(),
      execution_duration: `${info.executionTimeMs / 1000}s`,
      state: info.state,
      request_preview: info.requestPreview,
      response_preview: info.responsePreview,
      trace_metadata: info.metadata,
      tags: info.tags,
    },
    data: { spans: [] },
  }));
  const sorted = [...sizes].sort((a, b) => a - b);
  const total = sizes.reduce((sum, size) => sum + size, 0) + infoSize +
    Math.max(0, sizes.length - 1) * 2;
  return {
    total_size_bytes: total,
    num_spans: sizes.length,
    max: sorted[sorted.length - 1] ?? 0,
    p25: Math.trunc(percentile(sorted, 0.25)),
    p50: Math.trunc(percentile(sorted, 0.5)),
    p75: Math.trunc(percentile(sorted, 0.75)),
  };
}

/**
 * Builds the trace record of a finished run from its (already sanitised) spans.
 *
 * @example Usage
 * ```ts
 * import { buildTraceRecord } from "./_trace_record.ts";
 * const record = buildTraceRecord([{
 *   traceId: "89d9ba1822e0a3e4e7aeb75c9d868c9d", spanId: "e39dbeb1c2e66596", parentSpanId: null,
 *   name: "workflow_demo", startTimeUnixNano: 1795758413063453397n,
 *   endTimeUnixNano: 1795758413117486691n, status: { code: "OK", message: "" }, events: [],
 *   attributes: { "mlflow.spanType": "AGENT", "mlflow.spanInputs": { topic: "tide pools" } },
 * }], { user: "root" });
 * if (record.requestPreview !== '{"topic": "tide pools"}' || record.executionTimeMs !== 54) {
 *   throw new Error();
 * }
 * ```
 *
 * @param spans Every span of the trace, the root included.
 * @param options Source, user, session, cost and stop reason.
 * @returns The trace record (`mlflow.sourceRun` and the sink's tags are added on delivery).
 * @throws {RangeError} When there is no root span.
 */
export function buildTraceRecord(
  spans: readonly SpanRecord[],
  options: TraceRecordOptions = {},
): TraceRecord {
  const { user = "unknown", sourceName = "configurable-agents" } = options;
  const root = spans.find((span) => span.parentSpanId === null);
  if (root === undefined) {
    throw new RangeError(
      "Cannot build a trace record as no span is the root: every span has a parent",
    );
  }
  const inputs = root.attributes["mlflow.spanInputs"];
  const outputs = root.attributes["mlflow.spanOutputs"];
  const inputsJson = inputs === undefined ? "" : pythonJsonDumps(inputs);
  const outputsJson = outputs === undefined ? "" : pythonJsonDumps(outputs);
  const metadata: Record<string, string> = {
    "mlflow.user": user,
    "mlflow.source.name": sourceName,
    "mlflow.source.type": "LOCAL",
    "mlflow.trace_schema.version": "3",
    "mlflow.traceInputs": truncatePreview(inputsJson, METADATA_MAX_CHARS),
    "mlflow.traceOutputs": truncatePreview(outputsJson, METADATA_MAX_CHARS),
  };
  if (options.sessionId !== undefined) metadata["mlflow.trace.session"] = options.sessionId;
  if (options.userId !== undefined) metadata["mlflow.trace.user"] = options.userId;
  const usage = aggregateTokenUsage(spans);
  if (usage !== undefined) metadata["mlflow.trace.tokenUsage"] = pythonJsonDumps(usage);
  const tags: Record<string, string> = { "mlflow.traceName": root.name };
  if (options.stopReason !== undefined) {
    tags["configurable_agents.stop_reason"] = options.stopReason;
  }
  const info: Omit<TraceRecord, "spans"> = {
    traceId: `tr-${root.traceId}`,
    requestTimeMs: Number(root.startTimeUnixNano / 1_000_000n),
    executionTimeMs: Number((root.endTimeUnixNano - root.startTimeUnixNano) / 1_000_000n),
    state: root.status.code === "ERROR" ? "ERROR" : "OK",
    requestPreview: truncatePreview(inputsJson, PREVIEW_MAX_CHARS),
    responsePreview: truncatePreview(outputsJson, PREVIEW_MAX_CHARS),
    metadata,
    tags,
  };
  const stats = sizeStats(spans, info);
  metadata["mlflow.trace.sizeStats"] = pythonJsonDumps(stats);
  metadata["mlflow.trace.sizeBytes"] = String(stats.total_size_bytes);
  metadata["mlflow.trace.infoFinalized"] = "true";
  if (options.cost !== undefined) {
    metadata["mlflow.trace.cost"] = pythonJsonDumps({
      input_cost: options.cost.input_cost,
      output_cost: options.cost.output_cost,
      total_cost: options.cost.total_cost,
    });
  }
  return { ...info, metadata, tags, spans: [...spans] };
}
