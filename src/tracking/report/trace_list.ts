/**
 * `traces list`: the newest traces with their workflow, start, duration, status, tokens and
 * cost.
 *
 * @module
 */
import { findExperimentIds } from "./find_experiment_ids.ts";
import { alignColumns, formatCount, formatSeconds, formatUsd } from "./_format.ts";
import { roundUsd } from "./round_numbers.ts";
import { costOf, usageOf } from "../span_llm_call.ts";
import type { TokenUsage } from "../tracer.ts";
import {
  COST_UNKNOWN_MODELS_TAG,
  SOURCE_RUN_METADATA,
  type StoredRun,
  type TrackingReader,
} from "./tracking_reader.ts";

/** One listed trace. */
export interface TraceListEntry {
  /** Trace id (`tr-...`). */
  traceId: string;
  /** The MLflow run of the trace, when known. */
  runId: string | undefined;
  /** Workflow name (run param `workflow_name`, else the root span name without `workflow_`). */
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
 * Lists the newest traces. Cost comes from the trace's run (`total_cost_usd`; NaN or a
 * `configurable_agents.cost_unknown_models` tag is unknown), else from the trace's
 * `mlflow.trace.cost` metadata, else it is unknown.
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
  const runIds = [...new Set(infos.flatMap((info) => info.metadata[SOURCE_RUN_METADATA] ?? []))];
  const runs = new Map<string, StoredRun>();
  if (runIds.length > 0) {
    for (const run of await reader.readRuns({ runIds })) runs.set(run.runId, run);
  }
  return infos.map((info) => {
    const runId = info.metadata[SOURCE_RUN_METADATA];
    const run = runId === undefined ? undefined : runs.get(runId);
    const traceName = info.tags["mlflow.traceName"] ?? "";
    const usageText = info.metadata["mlflow.trace.tokenUsage"];
    const usage = usageText !== undefined || !run ? usageOf(usageText) : {
      input_tokens: metric(run, "total_input_tokens") ?? 0,
      output_tokens: metric(run, "total_output_tokens") ?? 0,
      total_tokens: metric(run, "total_tokens") ?? 0,
    };
    return {
      traceId: info.traceId,
      runId,
      workflow: run?.params.workflow_name ?? traceName.replace(/^workflow_/, ""),
      startTimeMs: info.requestTimeMs,
      durationMs: info.executionTimeMs,
      state: info.state,
      usage,
      costUsd: costFor(run, info.metadata["mlflow.trace.cost"]),
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

function costFor(run: StoredRun | undefined, traceCost: string | undefined): number | undefined {
  if (run?.tags[COST_UNKNOWN_MODELS_TAG]) return undefined;
  if (run && "total_cost_usd" in run.metrics) return metric(run, "total_cost_usd");
  return costOf(traceCost)?.total_cost;
}

function metric(run: StoredRun, key: string): number | undefined {
  const value = run.metrics[key];
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}
