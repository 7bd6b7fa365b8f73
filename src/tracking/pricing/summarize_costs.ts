/**
 * The cost summary of one run from its own LLM calls: totals, per node, per model and per
 * provider, with the models that could not be priced.
 *
 * @module
 */
import type { CostBreakdown, TokenUsage } from "../tracer.ts";

/** One priced (or unpriced) LLM call, as the summary needs it. */
export interface CostedCall {
  /** The node the call belongs to; calls without one count only in the other groupings. */
  nodeId?: string | undefined;
  /** Provider of the call. */
  provider: string;
  /** Model of the call. */
  model: string;
  /** Token usage. */
  usage: TokenUsage;
  /** Cost, or `undefined` when the model has no price. */
  cost: CostBreakdown | undefined;
}

/** Sums over a set of calls. */
export interface CostTotals {
  /** Number of calls. */
  calls: number;
  /** Summed token usage (cache counts present when any call reported them). */
  usage: TokenUsage;
  /** Summed cost, or `undefined` (cost unknown) when any call has no price. */
  cost: CostBreakdown | undefined;
  /** Summed cost of the calls that have a price. */
  knownCost: CostBreakdown;
  /** Number of calls without a price. */
  unpricedCalls: number;
}

/** The cost summary of a run. */
export interface CostSummary {
  /** All calls. */
  totals: CostTotals;
  /** Per node id. */
  byNode: Record<string, CostTotals>;
  /** Per `provider/model`. */
  byModel: Record<string, CostTotals>;
  /** Per provider. */
  byProvider: Record<string, CostTotals>;
  /** `provider/model` of every call without a price, sorted, each once. */
  unpricedModels: string[];
}

/**
 * Summarises the cost of a run's calls. A group's `cost` is `undefined` when any of its calls
 * has no price (the known part stays in `knownCost`), so an unknown cost is never shown as 0.
 *
 * @example Usage
 * ```ts
 * import { summarizeCosts } from "@configurable-agents/core";
 * const usage = { input_tokens: 10, output_tokens: 5, total_tokens: 15 };
 * const summary = summarizeCosts([
 *   { nodeId: "a", provider: "openai", model: "gpt-4o", usage, cost: { input_cost: 1, output_cost: 2, total_cost: 3 } },
 *   { nodeId: "b", provider: "openai", model: "gpt-x", usage, cost: undefined },
 * ]);
 * if (summary.totals.cost !== undefined || summary.totals.knownCost.total_cost !== 3) throw new Error();
 * if (summary.byNode.a?.cost?.total_cost !== 3 || summary.unpricedModels[0] !== "openai/gpt-x") {
 *   throw new Error();
 * }
 * ```
 *
 * @param calls The run's LLM calls.
 * @returns Totals, per node, per model and per provider.
 */
export function summarizeCosts(calls: readonly CostedCall[]): CostSummary {
  const totals = emptyTotals();
  const byNode: Record<string, CostTotals> = {};
  const byModel: Record<string, CostTotals> = {};
  const byProvider: Record<string, CostTotals> = {};
  const unpriced = new Set<string>();
  for (const call of calls) {
    const modelKey = `${call.provider}/${call.model}`;
    const groups = [
      totals,
      byModel[modelKey] ??= emptyTotals(),
      byProvider[call.provider] ??= emptyTotals(),
    ];
    if (call.nodeId !== undefined) groups.push(byNode[call.nodeId] ??= emptyTotals());
    for (const group of groups) addCall(group, call);
    if (!call.cost) unpriced.add(modelKey);
  }
  return { totals, byNode, byModel, byProvider, unpricedModels: [...unpriced].sort() };
}

function emptyTotals(): CostTotals {
  const zero = { input_cost: 0, output_cost: 0, total_cost: 0 };
  return {
    calls: 0,
    usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
    cost: { ...zero },
    knownCost: { ...zero },
    unpricedCalls: 0,
  };
}

function addCall(group: CostTotals, call: CostedCall): void {
  group.calls += 1;
  const usage = group.usage;
  usage.input_tokens += call.usage.input_tokens;
  usage.output_tokens += call.usage.output_tokens;
  usage.total_tokens += call.usage.total_tokens;
  if (call.usage.cache_read_input_tokens !== undefined) {
    usage.cache_read_input_tokens = (usage.cache_read_input_tokens ?? 0) +
      call.usage.cache_read_input_tokens;
  }
  if (call.usage.cache_creation_input_tokens !== undefined) {
    usage.cache_creation_input_tokens = (usage.cache_creation_input_tokens ?? 0) +
      call.usage.cache_creation_input_tokens;
  }
  if (call.cost) {
    addCost(group.knownCost, call.cost);
    if (group.cost) addCost(group.cost, call.cost);
  } else {
    group.unpricedCalls += 1;
    group.cost = undefined;
  }
}

function addCost(sum: CostBreakdown, cost: CostBreakdown): void {
  sum.input_cost += cost.input_cost;
  sum.output_cost += cost.output_cost;
  sum.total_cost += cost.total_cost;
}
