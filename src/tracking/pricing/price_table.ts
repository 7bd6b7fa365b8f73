/**
 * The shape of a price table and `loadPriceTable`, which checks a JSON value of that shape and
 * merges it over another table (by default the bundled one).
 *
 * @module
 */
import { BUNDLED_PRICES } from "./bundled_prices.ts";

/** Rates of a long-context tier: they apply to a call whose input exceeds `thresholdTokens`. */
export interface LongContextRates {
  /** The tier applies when the call's input tokens are more than this. */
  thresholdTokens: number;
  /** USD per 1M input tokens; the base rate when absent. */
  input?: number;
  /** USD per 1M output tokens; the base rate when absent. */
  output?: number;
  /** USD per 1M cache-read input tokens; the base cache-read rate when absent. */
  cacheRead?: number;
  /** USD per 1M cache-write input tokens; the base cache-write rate when absent. */
  cacheWrite?: number;
}

/** Rates of one model in USD per 1M tokens. */
export interface ModelRates {
  /** USD per 1M input tokens (tokens neither read from nor written to a cache). */
  input: number;
  /** USD per 1M output tokens. */
  output: number;
  /** USD per 1M input tokens read from the provider's cache; the input rate when absent. */
  cacheRead?: number;
  /** USD per 1M input tokens written to the provider's cache; the input rate when absent. */
  cacheWrite?: number;
  /** Higher rates for long prompts, lowest threshold first. */
  longContext?: LongContextRates[];
}

/** A dated, versioned price table: provider → model name → rates. */
export interface PriceTable {
  /** Version of the prices (the bundled table uses the catalog date, `2026.04.24`). */
  version: string;
  /** The day the prices were taken (YYYY-MM-DD), so a user can tell how fresh a cost is. */
  taken: string;
  /** Where the prices come from. */
  source: string;
  /** Provider (`openai`, `anthropic`, `google`, ...) → model name → rates. */
  providers: Record<string, Record<string, ModelRates>>;
}

/** Options of {@linkcode loadPriceTable}. */
export interface LoadPriceTableOptions {
  /**
   * The table the loaded one is merged over: each provider and model of the loaded table
   * replaces the same one in `base`; everything else of `base` is kept. `null` loads the table
   * on its own.
   *
   * @default {BUNDLED_PRICES}
   */
  base?: PriceTable | null;
  /** Names the source in error messages and in the merged table's `source`. */
  sourceName?: string;
}

/**
 * Checks a price table given as JSON and merges it over a base table (the bundled one unless
 * told otherwise), so a user can add models or correct prices without waiting for a release.
 *
 * The JSON has the bundled table's shape; every top-level field except `providers` is optional:
 * `{"providers": {"openai-compatible": {"llama-3.3-70b": {"input": 0.6, "output": 0.6}}}}`.
 * Rates are USD per 1M tokens; `cacheRead`, `cacheWrite` and `longContext` (a list of
 * `{thresholdTokens, input?, output?, cacheRead?, cacheWrite?}`) are optional.
 *
 * @example Usage
 * ```ts
 * import { findModelPrice } from "./find_model_price.ts";
 * import { loadPriceTable } from "./price_table.ts";
 * const table = loadPriceTable({ providers: { openai: { "gpt-x": { input: 1, output: 2 } } } });
 * if (findModelPrice("openai", "gpt-x", table)?.output !== 2) throw new Error();
 * if (!findModelPrice("openai", "gpt-4o-mini", table)) throw new Error("bundled model kept");
 * ```
 *
 * @param json The parsed JSON value.
 * @param options The base table and a name for the source.
 * @returns The merged table.
 * @throws {TypeError} When the value is not a price table; the message names the bad field.
 */
export function loadPriceTable(json: unknown, options: LoadPriceTableOptions = {}): PriceTable {
  const { base = BUNDLED_PRICES, sourceName = "the price table" } = options;
  const fail = (path: string, rule: string, value: unknown): never => {
    throw new TypeError(
      `Cannot load ${sourceName} as "${path}" ${rule}: current value is ${describe(value)}`,
    );
  };
  if (!isRecord(json)) return fail("(root)", "must be an object", json);
  if (!isRecord(json.providers)) return fail("providers", "must be an object", json.providers);
  for (const key of ["version", "taken", "source"] as const) {
    if (json[key] !== undefined && typeof json[key] !== "string") {
      fail(key, "must be a string", json[key]);
    }
  }
  const providers: Record<string, Record<string, ModelRates>> = {};
  for (const [provider, models] of Object.entries(json.providers)) {
    if (!isRecord(models)) return fail(`providers.${provider}`, "must be an object", models);
    const section: Record<string, ModelRates> = {};
    for (const [model, rates] of Object.entries(models)) {
      section[model] = checkRates(rates, `providers.${provider}.${model}`, fail);
    }
    providers[provider] = section;
  }
  const loaded = {
    version: typeof json.version === "string" ? json.version : undefined,
    taken: typeof json.taken === "string" ? json.taken : undefined,
    source: typeof json.source === "string" ? json.source : undefined,
  };
  if (base === null) {
    return {
      version: loaded.version ?? "custom",
      taken: loaded.taken ?? "unknown",
      source: loaded.source ?? sourceName,
      providers,
    };
  }
  const merged: Record<string, Record<string, ModelRates>> = { ...base.providers };
  for (const [provider, section] of Object.entries(providers)) {
    merged[provider] = { ...base.providers[provider], ...section };
  }
  return {
    version: loaded.version ?? `${base.version}+custom`,
    taken: loaded.taken ?? base.taken,
    source: `${loaded.source ?? sourceName} over ${base.source}`,
    providers: merged,
  };
}

type Fail = (path: string, rule: string, value: unknown) => never;

function checkRates(value: unknown, path: string, fail: Fail): ModelRates {
  if (!isRecord(value)) return fail(path, "must be an object", value);
  const rates: ModelRates = {
    input: checkRate(value.input, `${path}.input`, fail),
    output: checkRate(value.output, `${path}.output`, fail),
  };
  if (value.cacheRead !== undefined) {
    rates.cacheRead = checkRate(value.cacheRead, `${path}.cacheRead`, fail);
  }
  if (value.cacheWrite !== undefined) {
    rates.cacheWrite = checkRate(value.cacheWrite, `${path}.cacheWrite`, fail);
  }
  if (value.longContext !== undefined) {
    if (!Array.isArray(value.longContext)) {
      return fail(`${path}.longContext`, "must be a list", value.longContext);
    }
    rates.longContext = value.longContext.map((tier: unknown, index) => {
      const tierPath = `${path}.longContext[${index}]`;
      if (!isRecord(tier)) return fail(tierPath, "must be an object", tier);
      const threshold = checkRate(tier.thresholdTokens, `${tierPath}.thresholdTokens`, fail);
      const checked: LongContextRates = { thresholdTokens: threshold };
      for (const key of ["input", "output", "cacheRead", "cacheWrite"] as const) {
        if (tier[key] !== undefined) {
          checked[key] = checkRate(tier[key], `${tierPath}.${key}`, fail);
        }
      }
      return checked;
    }).sort((a, b) => a.thresholdTokens - b.thresholdTokens);
  }
  return rates;
}

function checkRate(value: unknown, path: string, fail: Fail): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    return fail(path, "must be a number of 0 or more", value);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
