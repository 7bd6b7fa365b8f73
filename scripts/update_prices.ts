/**
 * Regenerates `src/tracking/pricing/bundled_prices.json` from MLflow's model catalog files
 * (`mlflow/utils/model_catalog/<provider>.json` in the public mlflow/mlflow repository).
 *
 * ```sh
 * deno run --allow-read --allow-write scripts/update_prices.ts <catalog dir> <taken> [output]
 * ```
 *
 * `<catalog dir>` holds `openai.json`, `anthropic.json` and `gemini.json`; `<taken>` is the
 * date (YYYY-MM-DD) the catalog was published, shown to users so they can tell how fresh a cost
 * is. The bundled table was made from the catalog dated 2026-04-24. Only chat
 * models with a price are kept; `gemini` becomes the `google` provider. Service tiers and
 * modalities (audio, image) are dropped: a call is priced at its standard text rates.
 *
 * @module
 */

/** Catalog file name (without `.json`) → provider name used by workflows. */
const CATALOG_PROVIDERS: Readonly<Record<string, string>> = {
  openai: "openai",
  anthropic: "anthropic",
  gemini: "google",
};

const DEFAULT_OUTPUT = new URL("../src/tracking/pricing/bundled_prices.json", import.meta.url);

interface Rates {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  longContext?: Array<Partial<Omit<Rates, "longContext">> & { thresholdTokens: number }>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function rate(source: Record<string, unknown>, key: string): number | undefined {
  const value = source[`${key}_per_million_tokens`];
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Catalog rate keys (before `_per_million_tokens`) and the names the price table gives them. */
const RATE_NAMES = [
  ["input", "input"],
  ["output", "output"],
  ["cache_read", "cacheRead"],
  ["cache_write", "cacheWrite"],
] as const;

/** The rates a catalog entry (or one of its long-context tiers) gives, by table name. */
function ratesIn(source: Record<string, unknown>): Partial<Omit<Rates, "longContext">> {
  const found: Partial<Omit<Rates, "longContext">> = {};
  for (const [key, name] of RATE_NAMES) {
    const value = rate(source, key);
    if (value !== undefined) found[name] = value;
  }
  return found;
}

function ratesOf(pricing: Record<string, unknown>): Rates | undefined {
  const { input, output, ...cache } = ratesIn(pricing);
  if (input === undefined || output === undefined) return undefined;
  const rates: Rates = { input, output, ...cache };
  const tiers = Array.isArray(pricing.long_context) ? pricing.long_context.filter(isRecord) : [];
  const longContext = tiers.flatMap((tier) => {
    const threshold = tier.threshold_tokens;
    if (typeof threshold !== "number" || !(threshold > 0)) return [];
    return [{ thresholdTokens: threshold, ...ratesIn(tier) }];
  }).sort((a, b) => a.thresholdTokens - b.thresholdTokens);
  if (longContext.length > 0) rates.longContext = longContext;
  return rates;
}

async function main(args: string[]): Promise<void> {
  const [dir, taken, outputArg] = args;
  if (!dir || !taken) {
    throw new TypeError(
      "Cannot update prices as arguments are missing: usage is update_prices.ts <dir> <taken> [output]",
    );
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(taken)) {
    throw new RangeError(`Cannot date the price table as "${taken}" is not a YYYY-MM-DD date`);
  }
  const providers: Record<string, Record<string, Rates>> = {};
  for (const [file, provider] of Object.entries(CATALOG_PROVIDERS)) {
    const catalog: unknown = JSON.parse(await Deno.readTextFile(`${dir}/${file}.json`));
    const models = isRecord(catalog) && isRecord(catalog.models) ? catalog.models : {};
    const section: Record<string, Rates> = {};
    for (const name of Object.keys(models).sort()) {
      const entry = models[name];
      if (!isRecord(entry) || entry.mode !== "chat" || !isRecord(entry.pricing)) continue;
      const rates = ratesOf(entry.pricing);
      if (!rates) continue;
      section[name] = rates;
    }
    providers[provider] = section;
  }
  const table = {
    version: taken.replaceAll("-", "."),
    taken,
    source: "MLflow model catalog (mlflow/utils/model_catalog/{openai,anthropic,gemini}.json in " +
      "github.com/mlflow/mlflow), standard text rates in USD per 1M tokens",
    providers,
  };
  const output = outputArg ?? DEFAULT_OUTPUT;
  await Deno.writeTextFile(output, JSON.stringify(table, null, 2) + "\n");
  const count = Object.values(providers).reduce((n, s) => n + Object.keys(s).length, 0);
  // deno-lint-ignore no-console
  console.log(`Wrote ${count} models (taken ${taken}) to ${output}`);
}

if (import.meta.main) await main(Deno.args);
