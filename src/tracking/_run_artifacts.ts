/**
 * The artifact files of a run per `artifact_level` (SPEC section 7): `minimal` logs
 * `inputs.json`, `outputs.json`, `error.json` (on failure) and `cost_summary.json`; `standard`
 * adds each LLM call's prompt and response under `nodes/<node id>/`; `full` adds the state after
 * every node under `snapshots/`. Everything is redacted and scrubbed.
 *
 * @module
 */
import type { RunRedactor } from "./capture_policy.ts";
import { describeError } from "./_run_recorder.ts";
import type { StateSnapshot } from "./build_trace_bundle.ts";
import type { CostTotals } from "./pricing/summarize_costs.ts";
import type { RunSummary } from "./run_summary.ts";
import type { RunEnd } from "./tracer.ts";
import { type ArtifactRecord, byStartTime, type SpanRecord } from "./trace_bundle.ts";

/** What the artifacts are made from. */
export interface RunArtifactsInput {
  /** The run's redactor (its policy decides the level and the per-node switches). */
  redactor: RunRedactor;
  /** The run's spans, already sanitised. */
  spans: readonly SpanRecord[];
  /** The node of each span id that belongs to one. */
  nodeIds: ReadonlyMap<string, string>;
  /** Raw run inputs. */
  inputs: unknown;
  /** How the run ended. */
  end: RunEnd;
  /** State snapshots, when kept. */
  snapshots: readonly StateSnapshot[];
  /** The run's cost summary. */
  summary: RunSummary;
}

/** Pretty JSON for a file; `bigint`s that fit become numbers, others decimal strings. */
function jsonFile(value: unknown): string {
  return `${
    JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item !== "bigint") return item;
      return Number.isSafeInteger(Number(item)) ? Number(item) : item.toString();
    }, 2)
  }\n`;
}

const NO_CALLS: CostTotals = {
  calls: 0,
  usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
  cost: { input_cost: 0, output_cost: 0, total_cost: 0 },
  knownCost: { input_cost: 0, output_cost: 0, total_cost: 0 },
  unpricedCalls: 0,
};

function totalsJson(totals: CostTotals): Record<string, unknown> {
  return {
    calls: totals.calls,
    ...totals.usage,
    cost_usd: totals.cost?.total_cost ?? null,
    cost: totals.cost ?? null,
    known_cost_usd: totals.knownCost.total_cost,
    unpriced_calls: totals.unpricedCalls,
  };
}

/**
 * The `cost_summary.json` content: totals, per node, per model and per provider, with the
 * models that had no price (`cost_usd` is `null` wherever such a call is included).
 *
 * @param summary The run's summary.
 * @returns Plain JSON data.
 */
function costSummaryJson(summary: RunSummary): Record<string, unknown> {
  const map = (groups: Record<string, CostTotals>) =>
    Object.fromEntries(Object.entries(groups).map(([key, totals]) => [key, totalsJson(totals)]));
  const nodeIds = new Set([...Object.keys(summary.nodes), ...Object.keys(summary.byNode)]);
  return {
    currency: "USD",
    complete: summary.unpricedModels.length === 0,
    unpriced_models: summary.unpricedModels,
    total: totalsJson(summary.totals),
    by_node: Object.fromEntries(
      [...nodeIds].map((nodeId) => [nodeId, {
        executions: summary.nodes[nodeId]?.executions ?? 0,
        duration_ms: summary.nodes[nodeId]?.durationMs ?? 0,
        ...totalsJson(summary.byNode[nodeId] ?? NO_CALLS),
      }]),
    ),
    by_model: map(summary.byModel),
    by_provider: map(summary.byProvider),
  };
}

/**
 * Builds the run's artifact files. `log_artifacts: false` at workflow level logs nothing; a
 * node with `log_artifacts: false` gets no files of its own, and a node with `log_prompts: false`
 * gets no prompt or response files.
 *
 * @param input Spans, inputs, end, snapshots, summary and the redactor.
 * @returns The files, paths relative to the run's artifact root.
 */
export function buildRunArtifacts(input: RunArtifactsInput): ArtifactRecord[] {
  const { redactor, end } = input;
  const policy = redactor.policy;
  if (!policy.logArtifactsFor(undefined)) return [];
  const artifacts: ArtifactRecord[] = [
    { path: "inputs.json", content: jsonFile(redactor.sanitize(input.inputs)) },
  ];
  if (end.outputs !== undefined) {
    artifacts.push({ path: "outputs.json", content: jsonFile(redactor.sanitize(end.outputs)) });
  }
  if (end.status !== "success") {
    const error = end.error === undefined ? undefined : describeError(end.error);
    artifacts.push({
      path: "error.json",
      content: jsonFile(redactor.sanitize({
        status: end.status,
        reason: end.reason ?? null,
        type: error?.type ?? null,
        message: error?.message ?? null,
        node_id: nodeIdOfError(end.error),
      })),
    });
  }
  artifacts.push({ path: "cost_summary.json", content: jsonFile(costSummaryJson(input.summary)) });
  if (policy.artifactLevel === "minimal") return artifacts;
  const calls = new Map<string, number>();
  for (const span of [...input.spans].sort(byStartTime)) {
    if (span.attributes["mlflow.spanType"] !== "CHAT_MODEL") continue;
    const nodeId = input.nodeIds.get(span.spanId);
    if (nodeId === undefined || !policy.logArtifactsFor(nodeId)) continue;
    if (!policy.logPromptsFor(nodeId)) continue;
    const call = (calls.get(nodeId) ?? 0) + 1;
    calls.set(nodeId, call);
    const prefix = `nodes/${nodeId}/call_${call}`;
    artifacts.push({
      path: `${prefix}_prompt.json`,
      content: jsonFile(span.attributes["mlflow.spanInputs"] ?? null),
    });
    artifacts.push({
      path: `${prefix}_response.json`,
      content: jsonFile(span.attributes["mlflow.spanOutputs"] ?? null),
    });
  }
  if (policy.artifactLevel !== "full") return artifacts;
  for (const snapshot of input.snapshots) {
    if (!policy.logArtifactsFor(snapshot.nodeId)) continue;
    artifacts.push({
      path: `snapshots/${String(snapshot.seq).padStart(3, "0")}_${snapshot.nodeId}.json`,
      content: jsonFile(redactor.sanitize(snapshot.state)),
    });
  }
  return artifacts;
}

function nodeIdOfError(error: unknown): string | null {
  if (error === null || typeof error !== "object") return null;
  const nodeId = (error as { nodeId?: unknown }).nodeId;
  return typeof nodeId === "string" ? nodeId : null;
}
