/**
 * The dollar cost of one LLM call from its token usage and the model's rates.
 *
 * @module
 */
import type { CostBreakdown, TokenUsage } from "../tracer.ts";
import { BUNDLED_PRICES } from "./bundled_prices.ts";
import { findModelPrice } from "./find_model_price.ts";
import type { LongContextRates, ModelRates, PriceTable } from "./price_table.ts";

/** The provider and model a call is priced as (a mock call is priced as the model it stands in for). */
export interface PricedAs {
  /** Provider (`openai`, `anthropic`, `google`, `ollama`, `mock`, ...). */
  provider: string;
  /** Model name. */
  model: string;
}

const PER_TOKEN = 1_000_000;

/**
 * Prices one LLM call. Input tokens include cache reads and writes: cache reads are charged at
 * the cache-read rate, cache writes at the cache-write rate (each the input rate when the model
 * has none), the rest at the input rate. When the input exceeds a long-context threshold, the
 * highest such tier's rates apply to the whole call. Counts that are missing, negative or not
 * finite count as 0, so a strange usage report never crashes a run.
 *
 * @example Usage
 * ```ts
 * import { priceCall } from "@configurable-agents/core";
 * const cost = priceCall(
 *   { provider: "openai", model: "gpt-4o-mini" },
 *   { input_tokens: 12, output_tokens: 30, total_tokens: 42 },
 * );
 * if (cost?.total_cost !== 0.0000198) throw new Error(String(cost?.total_cost));
 * ```
 *
 * @param pricedAs Provider and model to price the call as.
 * @param usage Token usage of the call (MLflow key names).
 * @param table The price table; the bundled one by default.
 * @returns Input, output and total cost in USD, or `undefined` when the model has no price
 * (cost unknown, never 0).
 */
export function priceCall(
  pricedAs: PricedAs,
  usage: TokenUsage,
  table: PriceTable = BUNDLED_PRICES,
): CostBreakdown | undefined {
  const price = findModelPrice(pricedAs.provider, pricedAs.model, table);
  if (!price) return undefined;
  const input = count(usage.input_tokens);
  const output = count(usage.output_tokens);
  const cacheRead = Math.min(count(usage.cache_read_input_tokens), input);
  const cacheWrite = Math.min(count(usage.cache_creation_input_tokens), input - cacheRead);
  const rates = ratesFor(price, input);
  const inputCost = ((input - cacheRead - cacheWrite) * rates.input +
    cacheRead * (rates.cacheRead ?? rates.input) +
    cacheWrite * (rates.cacheWrite ?? rates.input)) / PER_TOKEN;
  const outputCost = output * rates.output / PER_TOKEN;
  return { input_cost: inputCost, output_cost: outputCost, total_cost: inputCost + outputCost };
}

/** The base rates, or those of the highest long-context tier the input exceeds. */
function ratesFor(price: ModelRates, inputTokens: number): Omit<ModelRates, "longContext"> {
  const tier = (price.longContext ?? [])
    .filter((candidate) => inputTokens > candidate.thresholdTokens)
    .reduce<LongContextRates | undefined>(
      (best, candidate) =>
        best === undefined || candidate.thresholdTokens > best.thresholdTokens ? candidate : best,
      undefined,
    );
  if (!tier) return price;
  const rates: Omit<ModelRates, "longContext"> = {
    input: tier.input ?? price.input,
    output: tier.output ?? price.output,
  };
  const cacheRead = tier.cacheRead ?? price.cacheRead;
  const cacheWrite = tier.cacheWrite ?? price.cacheWrite;
  if (cacheRead !== undefined) rates.cacheRead = cacheRead;
  if (cacheWrite !== undefined) rates.cacheWrite = cacheWrite;
  return rates;
}

function count(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}
