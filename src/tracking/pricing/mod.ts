/**
 * Prices of LLM calls: a bundled, dated price table (USD per 1M tokens) for current OpenAI,
 * Anthropic and Google chat models, model-name matching, per-call pricing and the cost summary
 * of a run. An unknown model has cost `undefined` ("unknown"), never 0. `ollama` and `mock`
 * cost 0. Users extend or correct the table with `loadPriceTable` or a JSON file named by
 * `CONFIGURABLE_AGENTS_PRICES` (`loadPriceTableFromEnv`).
 *
 * This module imports no schema library and no OpenTelemetry, so validation can use
 * `isModelPriced` cheaply.
 *
 * @example Usage
 * ```ts
 * import { priceCall, summarizeCosts } from "./mod.ts";
 * const usage = { input_tokens: 12, output_tokens: 30, total_tokens: 42 };
 * const cost = priceCall({ provider: "openai", model: "gpt-4o-mini" }, usage);
 * const summary = summarizeCosts([{ nodeId: "write", provider: "openai", model: "gpt-4o-mini", usage, cost }]);
 * if (summary.totals.cost?.total_cost !== 0.0000198) throw new Error();
 * ```
 *
 * @module
 */
export type { CostBreakdown, TokenUsage } from "../tracer.ts";
export { BUNDLED_PRICES } from "./bundled_prices.ts";
export {
  findModelPrice,
  FREE_PROVIDERS,
  isModelPriced,
  type ModelPrice,
  normalizeModelName,
} from "./find_model_price.ts";
export {
  loadPriceTableFromEnv,
  PRICES_ENV_VAR,
  type PriceTableEnvDeps,
} from "./load_price_table_from_env.ts";
export { priceCall, type PricedAs } from "./price_call.ts";
export {
  loadPriceTable,
  type LoadPriceTableOptions,
  type LongContextRates,
  type ModelRates,
  type PriceTable,
} from "./price_table.ts";
export {
  type CostedCall,
  type CostSummary,
  type CostTotals,
  summarizeCosts,
} from "./summarize_costs.ts";
