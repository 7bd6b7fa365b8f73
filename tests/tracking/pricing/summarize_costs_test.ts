import { priceCall } from "../../../src/tracking/pricing/price_call.ts";
import { summarizeCosts } from "../../../src/tracking/pricing/summarize_costs.ts";
import type { TokenUsage } from "../../../src/tracking/tracer.ts";
import { assertAlmostEquals, assertEquals, assertStrictEquals } from "../../_helpers/assert.ts";

const usage = (input: number, output: number): TokenUsage => ({
  input_tokens: input,
  output_tokens: output,
  total_tokens: input + output,
});

function call(nodeId: string | undefined, provider: string, model: string, tokens: TokenUsage) {
  return { nodeId, provider, model, usage: tokens, cost: priceCall({ provider, model }, tokens) };
}

Deno.test("summarizeCosts() sums totals, nodes, models and providers", () => {
  const summary = summarizeCosts([
    call("write", "openai", "gpt-4o-mini", usage(12, 30)),
    call("write", "openai", "gpt-4o-mini", usage(1000, 0)),
    call("review", "anthropic", "claude-haiku-4-5", usage(1_000_000, 1_000_000)),
  ]);
  assertEquals(summary.totals.calls, 3);
  assertEquals(summary.totals.usage, usage(1_001_012, 1_000_030));
  assertAlmostEquals(summary.totals.cost?.total_cost ?? NaN, 1.98e-5 + 0.00015 + 6, 1e-12);
  assertEquals(summary.byNode.write?.calls, 2);
  assertAlmostEquals(summary.byNode.write?.cost?.total_cost ?? NaN, 1.98e-5 + 0.00015, 1e-15);
  assertEquals(summary.byModel["anthropic/claude-haiku-4-5"]?.cost?.total_cost, 6);
  assertEquals(Object.keys(summary.byProvider).sort(), ["anthropic", "openai"]);
  assertEquals(summary.unpricedModels, []);
  assertEquals(summary.totals.unpricedCalls, 0);
});

Deno.test("summarizeCosts() leaves cost unknown wherever a call has no price", () => {
  const summary = summarizeCosts([
    call("write", "openai", "gpt-4o-mini", usage(12, 30)),
    call("review", "openai", "gpt-99", usage(10, 10)),
    call("review", "openai", "gpt-99", usage(10, 10)),
    call(undefined, "anthropic", "claude-x", usage(1, 1)),
  ]);
  assertStrictEquals(summary.totals.cost, undefined);
  assertEquals(summary.totals.knownCost.total_cost, 1.98e-5);
  assertEquals(summary.totals.unpricedCalls, 3);
  assertEquals(summary.byNode.write?.cost?.total_cost, 1.98e-5);
  assertStrictEquals(summary.byNode.review?.cost, undefined);
  assertEquals(summary.byNode.review?.knownCost.total_cost, 0);
  assertStrictEquals(summary.byProvider.openai?.cost, undefined);
  assertEquals(summary.byModel["openai/gpt-4o-mini"]?.cost?.total_cost, 1.98e-5);
  assertEquals(summary.unpricedModels, ["anthropic/claude-x", "openai/gpt-99"]);
  // A call without a node counts in the totals but in no node.
  assertEquals(Object.keys(summary.byNode).sort(), ["review", "write"]);
  assertEquals(summary.totals.calls, 4);
});

Deno.test("summarizeCosts() sums cache counts only when reported", () => {
  const plain = summarizeCosts([call("a", "openai", "gpt-4o", usage(5, 5))]);
  assertEquals("cache_read_input_tokens" in plain.totals.usage, false);
  const cached = summarizeCosts([
    {
      ...call("a", "openai", "gpt-4o", usage(5, 5)),
      usage: { ...usage(5, 5), cache_read_input_tokens: 3 },
    },
    {
      ...call("a", "openai", "gpt-4o", usage(5, 5)),
      usage: { ...usage(5, 5), cache_read_input_tokens: 2, cache_creation_input_tokens: 1 },
    },
  ]);
  assertEquals(cached.totals.usage.cache_read_input_tokens, 5);
  assertEquals(cached.totals.usage.cache_creation_input_tokens, 1);
});

Deno.test("summarizeCosts() of no calls is zero with a known cost", () => {
  const summary = summarizeCosts([]);
  assertEquals(summary.totals.cost, { input_cost: 0, output_cost: 0, total_cost: 0 });
  assertEquals(summary.totals.calls, 0);
});
