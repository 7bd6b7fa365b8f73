import { BUNDLED_PRICES } from "../../../src/tracking/pricing/bundled_prices.ts";
import { findModelPrice } from "../../../src/tracking/pricing/find_model_price.ts";
import { loadPriceTable } from "../../../src/tracking/pricing/price_table.ts";
import {
  loadPriceTableFromEnv,
  PRICES_ENV_VAR,
} from "../../../src/tracking/pricing/load_price_table_from_env.ts";
import { isWorkflowError } from "../../../src/errors.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../../_helpers/assert.ts";

Deno.test("loadPriceTable() merges over the bundled table, model by model", () => {
  const table = loadPriceTable({
    version: "mine-1",
    providers: {
      openai: { "gpt-4o-mini": { input: 9, output: 9 }, "my-tuned": { input: 1, output: 1 } },
      "openai-compatible": { "llama-3.3-70b": { input: 0.6, output: 0.6 } },
    },
  }, { sourceName: "prices.json" });
  assertEquals(table.version, "mine-1");
  assertEquals(table.taken, BUNDLED_PRICES.taken);
  assertEquals(table.source, `prices.json over ${BUNDLED_PRICES.source}`);
  assertEquals(findModelPrice("openai", "gpt-4o-mini", table)?.input, 9);
  assertEquals(findModelPrice("openai", "gpt-4o", table)?.input, 2.5);
  assertEquals(findModelPrice("openai", "my-tuned", table)?.output, 1);
  assertEquals(findModelPrice("openai-compatible", "llama-3.3-70b", table)?.input, 0.6);
  assertEquals(findModelPrice("anthropic", "claude-opus-4-5", table)?.input, 5);
  // The bundled table itself is left alone.
  assertEquals(findModelPrice("openai", "gpt-4o-mini")?.input, 0.15);
  assertEquals(findModelPrice("openai", "my-tuned"), undefined);
});

Deno.test("loadPriceTable() marks a merged table's version when the file has none", () => {
  const table = loadPriceTable({ providers: {} });
  assertEquals(table.version, `${BUNDLED_PRICES.version}+custom`);
});

Deno.test("loadPriceTable() rejects bad shapes naming the field", () => {
  assertThrows(() => loadPriceTable([]), TypeError, `"(root)" must be an object`);
  assertThrows(() => loadPriceTable({}), TypeError, `"providers" must be an object`);
  assertThrows(
    () => loadPriceTable({ providers: { openai: { m: { input: "1", output: 1 } } } }),
    TypeError,
    `Cannot load the price table as "providers.openai.m.input" must be a number of 0 or more: current value is "1"`,
  );
  assertThrows(
    () => loadPriceTable({ providers: { openai: { m: { input: 1 } } } }),
    TypeError,
    `"providers.openai.m.output" must be a number of 0 or more: current value is missing`,
  );
  assertThrows(
    () => loadPriceTable({ providers: { x: { m: { input: 1, output: -1 } } } }),
    TypeError,
    "providers.x.m.output",
  );
  assertThrows(
    () => loadPriceTable({ providers: { x: { m: { input: 1, output: 1, longContext: [{}] } } } }),
    TypeError,
    "providers.x.m.longContext[0].thresholdTokens",
  );
  assertThrows(
    () => loadPriceTable({ taken: 5, providers: {} }),
    TypeError,
    `"taken" must be a string`,
  );
});

Deno.test("loadPriceTableFromEnv() returns the bundled table when the variable is unset", async () => {
  const table = await loadPriceTableFromEnv({
    env: () => undefined,
    readTextFile: () => Promise.reject(new Error("not read")),
  });
  assert(table === BUNDLED_PRICES);
});

Deno.test("loadPriceTableFromEnv() merges the file named by the variable", async () => {
  const read: string[] = [];
  const table = await loadPriceTableFromEnv({
    env: (name) => name === PRICES_ENV_VAR ? " my-prices.json " : undefined,
    readTextFile: (path) => {
      read.push(path);
      return Promise.resolve(JSON.stringify({
        providers: { "openai-compatible": { "qwen-72b": { input: 0.9, output: 0.9 } } },
      }));
    },
  });
  assertEquals(read, ["my-prices.json"]);
  assertEquals(findModelPrice("openai-compatible", "qwen-72b", table)?.input, 0.9);
  assertEquals(findModelPrice("openai", "gpt-4o-mini", table)?.input, 0.15);
});

Deno.test("loadPriceTableFromEnv() fails with CONFIG_LOAD_FAILED on a bad file", async () => {
  const env = () => "prices.json";
  const notJson = await assertRejects(
    () => loadPriceTableFromEnv({ env, readTextFile: () => Promise.resolve("{nope") }),
    Error,
    `Cannot load prices from "prices.json" as it is not a readable JSON file`,
  );
  assert(isWorkflowError(notJson) && notJson.code === "CONFIG_LOAD_FAILED");
  const badShape = await assertRejects(
    () => loadPriceTableFromEnv({ env, readTextFile: () => Promise.resolve('{"providers": 1}') }),
    Error,
    `Cannot load "prices.json" as "providers" must be an object`,
  );
  assert(isWorkflowError(badShape) && badShape.hint?.includes(PRICES_ENV_VAR));
  await assertRejects(
    () =>
      loadPriceTableFromEnv({
        env,
        readTextFile: () => Promise.reject(new Deno.errors.NotFound("x")),
      }),
    Error,
    "not a readable JSON file",
  );
});
