import { loadPriceTable } from "../../../src/tracking/pricing/price_table.ts";
import { priceCall } from "../../../src/tracking/pricing/price_call.ts";
import { assertAlmostEquals, assertEquals, assertStrictEquals } from "../../_helpers/assert.ts";

const usage = (input: number, output: number, extra = {}) => ({
  input_tokens: input,
  output_tokens: output,
  total_tokens: input + output,
  ...extra,
});

Deno.test("priceCall() gives MLflow's golden figure for gpt-4o-mini", () => {
  const cost = priceCall({ provider: "openai", model: "gpt-4o-mini" }, usage(12, 30));
  // MLflow priced the same call at 1.8e-06 + 1.8e-05 = 1.98e-05 (golden-trace-rows.json).
  assertEquals(cost, { input_cost: 1.8e-6, output_cost: 1.8e-5, total_cost: 1.98e-5 });
});

Deno.test("priceCall() returns undefined for an unknown model", () => {
  assertStrictEquals(priceCall({ provider: "openai", model: "gpt-99" }, usage(10, 10)), undefined);
});

Deno.test("priceCall() prices cache reads and writes at their own rates", () => {
  // claude-haiku-4-5: input 1, output 5, cache read 0.1, cache write 1.25 per 1M.
  const cost = priceCall(
    { provider: "anthropic", model: "claude-haiku-4-5" },
    usage(1_000_000, 0, {
      cache_read_input_tokens: 600_000,
      cache_creation_input_tokens: 100_000,
    }),
  );
  assertAlmostEquals(cost?.input_cost ?? NaN, 0.3 * 1 + 0.6 * 0.1 + 0.1 * 1.25, 1e-12);
  assertEquals(cost?.output_cost, 0);
});

Deno.test("priceCall() charges cache tokens at the input rate when the model has no cache rate", () => {
  const table = loadPriceTable({ providers: { x: { m: { input: 2, output: 0 } } } }, {
    base: null,
  });
  const cost = priceCall(
    { provider: "x", model: "m" },
    usage(1_000_000, 0, { cache_read_input_tokens: 500_000, cache_creation_input_tokens: 500_000 }),
    table,
  );
  assertEquals(cost?.input_cost, 2);
});

Deno.test("priceCall() applies the long-context tier above its threshold only", () => {
  const model = { provider: "anthropic", model: "claude-sonnet-4-5" };
  const below = priceCall(model, usage(200_000, 1_000_000));
  assertAlmostEquals(below?.total_cost ?? NaN, 0.2 * 3 + 15, 1e-9);
  const above = priceCall(model, usage(200_001, 1_000_000));
  assertAlmostEquals(above?.input_cost ?? NaN, 0.200001 * 6, 1e-9);
  assertAlmostEquals(above?.output_cost ?? NaN, 22.5, 1e-9);
});

Deno.test("priceCall() picks the highest tier exceeded and falls back to base rates", () => {
  const table = loadPriceTable({
    providers: {
      x: {
        m: {
          input: 1,
          output: 10,
          longContext: [{ thresholdTokens: 2_000_000, input: 3 }, {
            thresholdTokens: 1_000_000,
            input: 2,
          }],
        },
      },
    },
  }, { base: null });
  const price = (input: number) =>
    priceCall({ provider: "x", model: "m" }, usage(input, 1_000_000), table);
  assertEquals(price(1_000_000)?.input_cost, 1);
  assertEquals(price(1_500_000)?.input_cost, 3);
  assertEquals(price(3_000_000)?.input_cost, 9);
  assertEquals(price(3_000_000)?.output_cost, 10);
});

Deno.test("priceCall() prices ollama and mock at 0 and tolerates bad counts", () => {
  assertEquals(priceCall({ provider: "ollama", model: "llama3" }, usage(100, 100)), {
    input_cost: 0,
    output_cost: 0,
    total_cost: 0,
  });
  const odd = priceCall({ provider: "openai", model: "gpt-4o-mini" }, {
    input_tokens: Number.NaN,
    output_tokens: -5,
    total_tokens: 0,
    cache_read_input_tokens: Infinity,
  });
  assertEquals(odd, { input_cost: 0, output_cost: 0, total_cost: 0 });
});

Deno.test("priceCall() never counts more cache tokens than input tokens", () => {
  const cost = priceCall(
    { provider: "openai", model: "gpt-4o-mini" },
    usage(100, 0, { cache_read_input_tokens: 500 }),
  );
  assertAlmostEquals(cost?.input_cost ?? NaN, 100 * 0.075 / 1e6, 1e-15);
});
