/**
 * Tokens, cost and node durations of one run, computed from that run's own spans (never from any
 * other trace). The LLM calls are read from the CHAT_MODEL spans and summed by the pricing
 * module's `summarizeCosts` (totals, per node, per model and per provider, cost unknown when any
 * call has no price); node executions and durations come from the CHAIN spans.
 *
 * @module
 */
import { type CostedCall, type CostSummary, summarizeCosts } from "./pricing/summarize_costs.ts";
import { llmCallOf } from "./span_llm_call.ts";
import { byStartTime, type SpanRecord } from "./trace_bundle.ts";

/** What one node did over all its executions. */
export interface NodeExecutions {
  /** CHAIN spans of the node. */
  executions: number;
  /** Sum of the durations of its executions, milliseconds. */
  durationMs: number;
}

/** The cost summary of one run plus its node executions. */
export interface RunSummary extends CostSummary {
  /** Per node id, in order of first execution. */
  nodes: Record<string, NodeExecutions>;
}

/** `provider/model` split at the first slash. */
function splitModel(key: string): { provider: string; model: string } {
  const slash = key.indexOf("/");
  return slash < 0
    ? { provider: "unknown", model: key }
    : { provider: key.slice(0, slash), model: key.slice(slash + 1) };
}

/**
 * The LLM call of a span as the cost summary counts it, when the span recorded token usage (a
 * call that failed before answering has none and is not a call to pay for). Calls are keyed by
 * the provider and model they are priced as (`configurable_agents.priced_as`, else
 * `mlflow.llm.provider` and `mlflow.llm.model`), so a mock call counts as the model it estimates.
 *
 * @param span A span.
 * @param nodeId The node the span belongs to.
 * @returns The call, or `undefined` when the span recorded none.
 */
export function costedCallOf(
  span: SpanRecord,
  nodeId: string | undefined,
): CostedCall | undefined {
  if (span.attributes["mlflow.chat.tokenUsage"] === undefined) return undefined;
  const call = llmCallOf(span);
  if (call === undefined) return undefined;
  const { provider, model } = splitModel(call.pricedAs);
  return { nodeId, provider, model, usage: call.usage, cost: call.cost };
}

/**
 * Summarises the LLM calls and node executions of one run from its spans.
 *
 * @example Usage
 * ```ts
 * import { summarizeRun } from "./run_summary.ts";
 * const summary = summarizeRun([{
 *   traceId: "0".repeat(32), spanId: "1".repeat(16), parentSpanId: null, name: "ChatOpenAI",
 *   startTimeUnixNano: 0n, endTimeUnixNano: 1_000_000n, status: { code: "OK", message: "" },
 *   events: [], attributes: {
 *     "mlflow.spanType": "CHAT_MODEL", "mlflow.llm.provider": "openai",
 *     "mlflow.llm.model": "gpt-4o-mini",
 *     "mlflow.chat.tokenUsage": { input_tokens: 12, output_tokens: 30, total_tokens: 42 },
 *   },
 * }], new Map([["1".repeat(16), "write"]]));
 * if (summary.totals.cost !== undefined || summary.unpricedModels[0] !== "openai/gpt-4o-mini") {
 *   throw new Error();
 * }
 * ```
 *
 * @param spans The run's spans.
 * @param nodeIds The node of each span id that belongs to one.
 * @returns Totals per run, node, model and provider, and node executions.
 */
export function summarizeRun(
  spans: readonly SpanRecord[],
  nodeIds: ReadonlyMap<string, string>,
): RunSummary {
  const nodes: Record<string, NodeExecutions> = {};
  const calls: CostedCall[] = [];
  for (const span of [...spans].sort(byStartTime)) {
    const nodeId = nodeIds.get(span.spanId);
    if (span.attributes["mlflow.spanType"] === "CHAIN" && nodeId !== undefined) {
      const node = nodes[nodeId] ??= { executions: 0, durationMs: 0 };
      node.executions += 1;
      node.durationMs += Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6;
    }
    const call = costedCallOf(span, nodeId);
    if (call !== undefined) calls.push(call);
  }
  return { ...summarizeCosts(calls), nodes };
}
