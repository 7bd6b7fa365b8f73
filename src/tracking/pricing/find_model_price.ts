/**
 * Finds the price of a provider's model in a price table, forgiving the usual spellings of a
 * model name: a `provider/` prefix, a date suffix, upper case.
 *
 * @module
 */
import { BUNDLED_PRICES } from "./bundled_prices.ts";
import type { ModelRates, PriceTable } from "./price_table.ts";

/** The rates of a model, with the provider and table entry they were found under. */
export interface ModelPrice extends ModelRates {
  /** The table section the price was found in (`openai`, `anthropic`, `google`, ...). */
  provider: string;
  /** The table entry that matched (for example `gpt-4o-2024-08-06`). */
  model: string;
}

/** Providers whose calls cost nothing: local models and the mock model not priced as another. */
export const FREE_PROVIDERS: readonly string[] = ["ollama", "mock"];

/** Other names of a provider, mapped to the table section that prices it. */
const PROVIDER_ALIASES: Readonly<Record<string, string>> = {
  gemini: "google",
  "google-genai": "google",
  google_genai: "google",
  "google-vertexai": "google",
};

/**
 * The section a provider's models fall back to when its own section does not price them: an
 * openai-compatible server that serves `gpt-4o-mini` is priced as OpenAI's `gpt-4o-mini`.
 */
const FALLBACK_SECTIONS: Readonly<Record<string, string>> = {
  "openai-compatible": "openai",
};

const DATE_SUFFIX = /(?:[-@]\d{4}-\d{2}-\d{2}|[-@]\d{8})$/;

/**
 * Finds the price of a model.
 *
 * Matching, within the provider's section (`gemini` and `google-genai` mean `google`): the name
 * as given, then lower-cased without a `provider/` prefix (`openai/gpt-4o`, `models/gemini-2.5-pro`),
 * then without a date suffix (`-2024-08-06`, `-20241022`, `@20241022`), then against the table's
 * names without their date suffix (`claude-3-haiku` finds `claude-3-haiku-20240307`; the newest
 * dated entry wins). A prefix that names another priced provider (`openai/gpt-4o` called through
 * `openai-compatible`) is tried in that provider's section too, and an `openai-compatible`
 * model is then looked up in the `openai` section (a server serving `gpt-4o-mini` is priced as
 * OpenAI's). `ollama` and `mock` cost 0 unless the table prices them.
 *
 * @example Usage
 * ```ts
 * import { findModelPrice } from "@configurable-agents/core";
 * if (findModelPrice("openai", "gpt-4o-mini-2024-07-18")?.input !== 0.15) throw new Error();
 * if (findModelPrice("anthropic", "claude-3-haiku")?.model !== "claude-3-haiku-20240307") {
 *   throw new Error();
 * }
 * if (findModelPrice("openai", "gpt-unknown") !== undefined) throw new Error();
 * ```
 *
 * @param provider Provider of the call (`openai`, `anthropic`, `google`, `ollama`, ...).
 * @param model Model name as configured or as the provider reported it.
 * @param table The price table; the bundled one by default.
 * @returns The price, or `undefined` when the model is not in the table (cost unknown).
 */
export function findModelPrice(
  provider: string,
  model: string,
  table: PriceTable = BUNDLED_PRICES,
): ModelPrice | undefined {
  const section = canonicalProvider(provider);
  const name = model.trim();
  const found = findInSection(table, section, name);
  if (found) return found;
  const slash = name.lastIndexOf("/");
  if (slash > 0) {
    const prefixProvider = canonicalProvider(name.slice(0, slash).split("/").pop() ?? "");
    if (prefixProvider !== section && table.providers[prefixProvider]) {
      const viaPrefix = findInSection(table, prefixProvider, name);
      if (viaPrefix) return viaPrefix;
    }
  }
  const fallback = FALLBACK_SECTIONS[section];
  if (fallback !== undefined) {
    const viaFallback = findInSection(table, fallback, name);
    if (viaFallback) return viaFallback;
  }
  if (FREE_PROVIDERS.includes(section)) {
    return { provider: section, model: name, input: 0, output: 0 };
  }
  return undefined;
}

/**
 * Tells whether calls to a model can be priced (validation warns when they cannot).
 *
 * @example Usage
 * ```ts
 * import { isModelPriced } from "./find_model_price.ts";
 * if (!isModelPriced("google", "gemini-2.5-flash-lite")) throw new Error();
 * if (!isModelPriced("ollama", "llama3")) throw new Error("free");
 * if (isModelPriced("openai", "gpt-unknown")) throw new Error();
 * ```
 *
 * @param provider Provider of the model.
 * @param model Model name.
 * @param table The price table; the bundled one by default.
 * @returns `true` when {@linkcode findModelPrice} finds a price.
 */
export function isModelPriced(
  provider: string,
  model: string,
  table: PriceTable = BUNDLED_PRICES,
): boolean {
  return findModelPrice(provider, model, table) !== undefined;
}

/**
 * The name a model is matched by: lower case, without a `provider/` prefix and without a date
 * suffix.
 *
 * @example Usage
 * ```ts
 * import { normalizeModelName } from "./find_model_price.ts";
 * if (normalizeModelName("OpenAI/GPT-4o-2024-08-06") !== "gpt-4o") throw new Error();
 * if (normalizeModelName("claude-3-5-sonnet@20240620") !== "claude-3-5-sonnet") throw new Error();
 * ```
 *
 * @param model A model name.
 * @returns The normalised name.
 */
export function normalizeModelName(model: string): string {
  return withoutPrefix(model).replace(DATE_SUFFIX, "");
}

function canonicalProvider(provider: string): string {
  const lower = provider.trim().toLowerCase();
  return PROVIDER_ALIASES[lower] ?? lower;
}

function withoutPrefix(model: string): string {
  const lower = model.trim().toLowerCase();
  return lower.slice(lower.lastIndexOf("/") + 1);
}

function findInSection(table: PriceTable, provider: string, name: string): ModelPrice | undefined {
  const section = table.providers[provider];
  if (!section) return undefined;
  const plain = withoutPrefix(name);
  const undated = plain.replace(DATE_SUFFIX, "");
  const candidates = [name, name.toLowerCase(), plain, undated];
  for (const candidate of candidates) {
    const rates = Object.hasOwn(section, candidate) ? section[candidate] : undefined;
    if (rates) return { ...rates, provider, model: candidate };
  }
  const key = undatedIndex(section).get(undated);
  const rates = key === undefined ? undefined : section[key];
  return key !== undefined && rates ? { ...rates, provider, model: key } : undefined;
}

const indexes = new WeakMap<Record<string, ModelRates>, Map<string, string>>();

/** Lower-cased undated name → table key; the newest dated key wins (keys sort by date). */
function undatedIndex(section: Record<string, ModelRates>): Map<string, string> {
  let index = indexes.get(section);
  if (!index) {
    index = new Map();
    for (const key of Object.keys(section).sort()) {
      index.set(key.toLowerCase().replace(DATE_SUFFIX, ""), key);
    }
    indexes.set(section, index);
  }
  return index;
}
