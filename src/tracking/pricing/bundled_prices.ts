/**
 * The price table shipped with the toolkit: standard text rates of current OpenAI, Anthropic
 * and Google chat models from MLflow's model catalog, dated by `taken`. Regenerate it with
 * `scripts/update_prices.ts`; override it with `loadPriceTable` or `CONFIGURABLE_AGENTS_PRICES`.
 *
 * @module
 */
import type { PriceTable } from "./price_table.ts";
import bundled from "./bundled_prices.json" with { type: "json" };

/**
 * The bundled price table (USD per 1M tokens), dated `BUNDLED_PRICES.taken`.
 *
 * @example Usage
 * ```ts
 * import { BUNDLED_PRICES } from "./bundled_prices.ts";
 * if (BUNDLED_PRICES.providers.openai?.["gpt-4o-mini"]?.input !== 0.15) throw new Error();
 * ```
 */
export const BUNDLED_PRICES: PriceTable = bundled;
