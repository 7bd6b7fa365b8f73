import { assertEquals, assertStrictEquals } from "../_helpers/assert.ts";
import { judgeSpends, totalSpend } from "../../src/evaluation/total_spend.ts";
import type { ScoreResult } from "../../src/evaluation/scorer.ts";
import { RUN } from "./_records.ts";

const USAGE = { input_tokens: 100, output_tokens: 20, total_tokens: 120 };

Deno.test("totalSpend() sums tokens and dollars, and an empty sum is zero", () => {
  const total = totalSpend([RUN, { ...RUN, costUsd: 0.25 }]);
  assertEquals(total, {
    count: 2,
    usage: { input_tokens: 40, output_tokens: 20, total_tokens: 60 },
    costUsd: 0.252,
    knownCostUsd: 0.252,
  });
  assertEquals(totalSpend([]), {
    count: 0,
    usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
    costUsd: 0,
    knownCostUsd: 0,
  });
});

Deno.test("totalSpend() makes the cost unknown once an item is unpriced, keeping the known part", () => {
  const total = totalSpend([{ usage: USAGE, costUsd: 0.5 }, { usage: USAGE, costUsd: undefined }]);
  assertStrictEquals(total.costUsd, undefined);
  assertStrictEquals(total.knownCostUsd, 0.5);
  assertStrictEquals(total.usage.total_tokens, 240);
});

Deno.test("totalSpend() sums cache tokens only when some item reports them", () => {
  const cached = { ...USAGE, cache_read_input_tokens: 30 };
  const total = totalSpend([{ usage: USAGE, costUsd: 0 }, { usage: cached, costUsd: 0 }]);
  assertStrictEquals(total.usage.cache_read_input_tokens, 30);
  assertStrictEquals("cache_creation_input_tokens" in total.usage, false);
  assertStrictEquals("cache_read_input_tokens" in totalSpend([RUN]).usage, false);
});

Deno.test("judgeSpends() keeps the judges' own costs, apart from the runs'", () => {
  const judge = { usage: USAGE, costUsd: 0.001, model: "openai:/gpt-4o-mini" };
  const results: ScoreResult[] = [
    { name: "exact", value: true, source: { type: "CODE", id: "exact" } },
    { name: "polite", value: "yes", source: { type: "LLM_JUDGE", id: judge.model }, judge },
    {
      name: "polite",
      value: null,
      source: { type: "LLM_JUDGE", id: judge.model },
      error: { code: "JUDGE_UNAVAILABLE", message: "no runner" },
    },
  ];
  assertEquals(judgeSpends(results), [judge]);
  const total = totalSpend(judgeSpends(results));
  assertStrictEquals(total.count, 1);
  assertStrictEquals(total.costUsd, 0.001);
});
