/**
 * `traces list`: the newest traces with their workflow, start, duration, status, tokens and
 * cost.
 *
 * @module
 */
import { findExperimentIds } from "./find_experiment_ids.ts";
import { alignColumns, formatCount, formatSeconds, formatUsd } from "./_format.ts";
import { roundUsd } from "./round_numbers.ts";
import { tracedRunOf } from "./_traced_run.ts";
import type { TokenUsage } from "../tracer.ts";
import { SOURCE_RUN_METADATA, type TrackingReader } from "./tracking_reader.ts";

/** One listed trace. */
export interface TraceListEntry {
  /** Trace id (`tr-...`). */
  traceId: string;
  /** The MLflow run the trace belongs to (its batch, evaluation or own run), when any. */
  runId: string | undefined;
  /** Workflow name (tag `configurable_agents.workflow`, else the trace name without `workflow_`). */
  workflow: string;
  /** Start, ms since the epoch. */
  startTimeMs: number;
  /** Duration in ms. */
  durationMs: number;
  /** `OK`, `ERROR` or `IN_PROGRESS`. */
  state: string;
  /** Token usage of the trace. */
  usage: TokenUsage;
  /** Cost in USD, or `undefined` when unknown. */
  costUsd: number | undefined;
}

/** Options of {@linkcode listTraces}. */
export interface ListTracesOptions {
  /** Only this experiment (by name); all when absent. */
  experiment?: string | undefined;
  /**
   * At most this many traces, newest first.
   *
   * @default {20}
   */
  limit?: number;
}

/**
 * Lists the newest traces, each read from its own trace info whether or not an MLflow run holds
 * it: cost from `mlflow.trace.cost`, unknown when the trace names unpriced models
 * (`configurable_agents.cost_unknown_models`) or used tokens without a cost.
 *
 * @example Usage
 * ```ts
 * import { listTraces } from "./trace_list.ts";
 * import { type TrackingReader } from "./tracking_reader.ts";
 * const reader: TrackingReader = {
 *   location: "memory",
 *   listExperiments: () => Promise.resolve([]),
 *   readRuns: () => Promise.resolve([]),
 *   readTraceInfos: () => Promise.resolve([{
 *     traceId: "tr-1", experimentId: "1", requestTimeMs: 0, executionTimeMs: 54, state: "OK",
 *     requestPreview: "", responsePreview: "", tags: { "mlflow.traceName": "workflow_demo" },
 *     metadata: { "mlflow.trace.cost": '{"input_cost": 1, "output_cost": 2, "total_cost": 3}' },
 *   }]),
 *   readTrace: () => Promise.resolve(undefined),
 *   close: () => Promise.resolve(),
 * };
 * const [entry] = await listTraces(reader);
 * if (entry?.workflow !== "demo" || entry.costUsd !== 3) throw new Error();
 * ```
 *
 * @param reader Where the traces are.
 * @param options Experiment and limit.
 * @returns Entries, newest first.
 * @throws {RangeError} When no experiment has the given name.
 */
export async function listTraces(
  reader: TrackingReader,
  options: ListTracesOptions = {},
): Promise<TraceListEntry[]> {
  const { experiment, limit = 20 } = options;
  const experimentIds = await findExperimentIds(reader, experiment);
  const infos = await reader.readTraceInfos({ experimentIds, limit });
  return infos.map((info) => {
    const run = tracedRunOf(info);
    return {
      traceId: info.traceId,
      runId: info.metadata[SOURCE_RUN_METADATA],
      workflow: run.workflow,
      startTimeMs: info.requestTimeMs,
      durationMs: info.executionTimeMs,
      state: info.state,
      usage: run.usage,
      costUsd: run.costUsd,
    };
  });
}

/**
 * The entries as an aligned table.
 *
 * @param entries Listed traces.
 * @param location Where they were read, for the heading.
 * @returns Text ending with a newline.
 */
export function renderTraceList(entries: readonly TraceListEntry[], location: string): string {
  if (entries.length === 0) return `No traces recorded at ${location}.\n`;
  const header = ["trace id", "workflow", "started (UTC)", "duration", "status", "tokens", "cost"];
  const rows = entries.map((entry) => [
    entry.traceId,
    entry.workflow,
    new Date(entry.startTimeMs).toISOString().slice(0, 19).replace("T", " "),
    formatSeconds(entry.durationMs / 1000),
    entry.state,
    formatCount(entry.usage.total_tokens),
    formatUsd(entry.costUsd),
  ]);
  const lines = alignColumns(header, rows, [false, false, false, true, false, true, true]);
  return [`Traces at ${location}, newest first`, ...lines].join("\n") + "\n";
}

/**
 * The entries as JSON values with snake_case keys; an unknown cost is `null`.
 *
 * @param entries Listed traces.
 * @returns JSON-serialisable values.
 */
export function traceListToJson(entries: readonly TraceListEntry[]): Record<string, unknown>[] {
  return entries.map((entry) => ({
    trace_id: entry.traceId,
    run_id: entry.runId ?? null,
    workflow: entry.workflow,
    start_time: new Date(entry.startTimeMs).toISOString(),
    duration_ms: entry.durationMs,
    state: entry.state,
    input_tokens: entry.usage.input_tokens,
    output_tokens: entry.usage.output_tokens,
    total_tokens: entry.usage.total_tokens,
    cost_usd: entry.costUsd === undefined ? null : roundUsd(entry.costUsd),
  }));
}
