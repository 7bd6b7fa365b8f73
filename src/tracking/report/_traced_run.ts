/**
 * One workflow run as its trace records it: workflow, start, duration, state, token usage and
 * cost, read from the trace info alone (tags `configurable_agents.workflow` and
 * `configurable_agents.cost_unknown_models`, metadata `mlflow.trace.tokenUsage` and
 * `mlflow.trace.cost`). The same for a single run, a run of a batch or an evaluation, and a run
 * with `run_per_execution`: reports never read an MLflow run's metrics.
 *
 * @module
 */
import { costOf, usageOf } from "../span_llm_call.ts";
import type { TokenUsage } from "../tracer.ts";
import { COST_UNKNOWN_MODELS_TAG, type StoredTraceInfo, WORKFLOW_TAG } from "./tracking_reader.ts";

/** A workflow run read from its trace. */
export interface TracedRun {
  /** Trace id. */
  traceId: string;
  /** Workflow name (tag `configurable_agents.workflow`), else from the trace name. */
  workflow: string;
  /** Start of the request, ms since the epoch. */
  startTimeMs: number;
  /** Duration in seconds. */
  durationSeconds: number;
  /** `OK`, `ERROR` or `IN_PROGRESS`. */
  state: string;
  /** Token usage of the trace. */
  usage: TokenUsage;
  /** Cost in USD, or `undefined` when unknown. */
  costUsd: number | undefined;
  /** `provider/model` of the calls that could not be priced. */
  unpricedModels: string[];
}

/**
 * Reads a workflow run from its trace info. The cost is unknown when the trace names unpriced
 * models, or when it has no `mlflow.trace.cost` but used tokens (or is not a trace this toolkit
 * recorded); a run of this toolkit without LLM calls cost nothing.
 *
 * @param info The trace info.
 * @returns The run.
 */
export function tracedRunOf(info: StoredTraceInfo): TracedRun {
  const usage = usageOf(info.metadata["mlflow.trace.tokenUsage"]);
  const unpricedModels = (info.tags[COST_UNKNOWN_MODELS_TAG] ?? "").split(",")
    .map((model) => model.trim()).filter((model) => model !== "");
  const recordedHere = info.tags[WORKFLOW_TAG] !== undefined;
  const cost = costOf(info.metadata["mlflow.trace.cost"])?.total_cost;
  return {
    traceId: info.traceId,
    workflow: info.tags[WORKFLOW_TAG] ??
      (info.tags["mlflow.traceName"] ?? "").replace(/^workflow_/, ""),
    startTimeMs: info.requestTimeMs,
    durationSeconds: info.executionTimeMs / 1000,
    state: info.state,
    usage,
    costUsd: unpricedModels.length > 0
      ? undefined
      : cost ?? (recordedHere && usage.total_tokens === 0 ? 0 : undefined),
    unpricedModels,
  };
}
