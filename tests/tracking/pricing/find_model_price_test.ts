import { BUNDLED_PRICES } from "../../../src/tracking/pricing/bundled_prices.ts";
import {
  findModelPrice,
  isModelPriced,
  normalizeModelName,
} from "../../../src/tracking/pricing/find_model_price.ts";
import { loadPriceTable } from "../../../src/tracking/pricing/price_table.ts";
import { assertEquals, assertStrictEquals } from "../../_helpers/assert.ts";

Deno.test("findModelPrice() finds an exact name first", () => {
  const price = findModelPrice("openai", "gpt-4o-2024-05-13");
  assertEquals([price?.model, price?.input, price?.output], ["gpt-4o-2024-05-13", 5, 15]);
  assertEquals(findModelPrice("openai", "gpt-4o")?.input, 2.5);
});

Deno.test("findModelPrice() strips a provider prefix, upper case and date suffixes", () => {
  for (const name of ["openai/gpt-4o-mini", "GPT-4o-mini", "gpt-4o-mini-2099-01-31"]) {
    const price = findModelPrice("openai", name);
    assertEquals([name, price?.provider, price?.model], [name, "openai", "gpt-4o-mini"]);
  }
  assertEquals(findModelPrice("google", "models/gemini-2.5-flash")?.model, "gemini-2.5-flash");
  assertEquals(
    findModelPrice("anthropic", "claude-sonnet-4-5@20250929")?.model,
    "claude-sonnet-4-5",
  );
  assertEquals(
    findModelPrice("anthropic", "claude-haiku-4-5-20991231")?.model,
    "claude-haiku-4-5",
  );
});

Deno.test("findModelPrice() matches an undated name against dated table entries", () => {
  const haiku = findModelPrice("anthropic", "claude-3-haiku");
  assertEquals([haiku?.model, haiku?.input], ["claude-3-haiku-20240307", 0.25]);
  // A different date of a model known only by its dated name still finds the dated entry.
  assertEquals(
    findModelPrice("anthropic", "claude-3-7-sonnet-20260101")?.model,
    "claude-3-7-sonnet-20250219",
  );
});

Deno.test("findModelPrice() maps Google provider aliases to the google section", () => {
  for (const provider of ["google", "gemini", "google-genai", "google_genai"]) {
    assertEquals(findModelPrice(provider, "gemini-2.5-flash-lite")?.output, 0.4);
  }
});

Deno.test("findModelPrice() uses a prefix naming another provider", () => {
  const price = findModelPrice("openai-compatible", "anthropic/claude-opus-4-5");
  assertEquals([price?.provider, price?.model], ["anthropic", "claude-opus-4-5"]);
  assertStrictEquals(findModelPrice("openai-compatible", "llama3.2"), undefined);
});

Deno.test("findModelPrice() prices an openai-compatible model by its bare name in the openai table", () => {
  const price = findModelPrice("openai-compatible", "gpt-4o-mini");
  assertEquals([price?.provider, price?.model, price?.input], ["openai", "gpt-4o-mini", 0.15]);
  assertEquals(findModelPrice("openai-compatible", "GPT-4o-mini-2024-07-18")?.input, 0.15);
});

Deno.test("findModelPrice() prices ollama and mock at 0 and unknown models as undefined", () => {
  assertEquals(findModelPrice("ollama", "llama3.1:8b"), {
    provider: "ollama",
    model: "llama3.1:8b",
    input: 0,
    output: 0,
  });
  assertEquals(findModelPrice("mock", "mock")?.output, 0);
  assertStrictEquals(findModelPrice("openai", "gpt-99"), undefined);
  assertStrictEquals(findModelPrice("azure", "gpt-4o"), undefined);
  assertStrictEquals(findModelPrice("openai", ""), undefined);
  assertStrictEquals(findModelPrice("anthropic", "constructor"), undefined);
});

Deno.test("findModelPrice() lets a table price a free provider", () => {
  const table = loadPriceTable({ providers: { ollama: { "big-model": { input: 1, output: 2 } } } });
  assertEquals(findModelPrice("ollama", "big-model", table)?.output, 2);
  assertEquals(findModelPrice("ollama", "small-model", table)?.output, 0);
});

Deno.test("isModelPriced() follows findModelPrice()", () => {
  assertEquals(isModelPriced("google", "gemini-2.5-flash-lite"), true);
  assertEquals(isModelPriced("anthropic", "claude-sonnet-4-6"), true);
  assertEquals(isModelPriced("openai", "gpt-unknown"), false);
  assertEquals(isModelPriced("openai-compatible", "my-local-model"), false);
});

Deno.test("normalizeModelName() lower-cases and strips prefix and date", () => {
  assertEquals(normalizeModelName("OpenAI/GPT-4o-2024-08-06"), "gpt-4o");
  assertEquals(normalizeModelName("claude-3-haiku-20240307"), "claude-3-haiku");
  assertEquals(normalizeModelName("gpt-4-0613"), "gpt-4-0613");
  assertEquals(normalizeModelName("gemini-2.0-flash-001"), "gemini-2.0-flash-001");
});

Deno.test("BUNDLED_PRICES is dated, versioned and covers the three providers", () => {
  assertEquals(BUNDLED_PRICES.taken, "2026-04-24");
  assertEquals(BUNDLED_PRICES.version, "2026.04.24");
  assertEquals(Object.keys(BUNDLED_PRICES.providers).sort(), ["anthropic", "google", "openai"]);
  // The bundled file itself passes the loader's checks.
  const reloaded = loadPriceTable(BUNDLED_PRICES, { base: null });
  assertEquals(reloaded.providers, BUNDLED_PRICES.providers);
  assertEquals(BUNDLED_PRICES.providers.anthropic?.["claude-sonnet-4-5"], {
    input: 3,
    output: 15,
    cacheRead: 0.3,
    cacheWrite: 3.75,
    longContext: [{
      thresholdTokens: 200000,
      input: 6,
      output: 22.5,
      cacheRead: 0.6,
      cacheWrite: 7.5,
    }],
  });
});

Deno.test("findModelPrice() takes the newest dated entry for an undated name", () => {
  const table = loadPriceTable({
    providers: {
      x: { "m-20240101": { input: 1, output: 1 }, "m-20250101": { input: 2, output: 2 } },
    },
  }, { base: null });
  assertEquals(findModelPrice("x", "m", table)?.model, "m-20250101");
  assertEquals(findModelPrice("x", "m-20240101", table)?.input, 1);
});
