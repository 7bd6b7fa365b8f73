/**
 * The price table a run uses: the bundled one, with the user's file named by
 * `CONFIGURABLE_AGENTS_PRICES` merged over it.
 *
 * @module
 */
import { errorMessage, WorkflowError } from "../../errors.ts";
import { BUNDLED_PRICES } from "./bundled_prices.ts";
import { loadPriceTable, type PriceTable } from "./price_table.ts";

/** The environment variable naming a JSON price file merged over the bundled table. */
export const PRICES_ENV_VAR = "CONFIGURABLE_AGENTS_PRICES";

/** What {@linkcode loadPriceTableFromEnv} reads through. */
export interface PriceTableEnvDeps {
  /** Reads an environment variable; `undefined` when unset. */
  env(name: string): string | undefined;
  /** Reads a text file. */
  readTextFile(path: string): Promise<string>;
}

/**
 * Loads the price table named by `CONFIGURABLE_AGENTS_PRICES` (a JSON file in the bundled
 * table's shape, see `loadPriceTable`) merged over the bundled table, or the bundled table when
 * the variable is unset or empty.
 *
 * @example Usage
 * ```ts
 * import { findModelPrice } from "./find_model_price.ts";
 * import { loadPriceTableFromEnv } from "./load_price_table_from_env.ts";
 * const table = await loadPriceTableFromEnv({
 *   env: (name) => name === "CONFIGURABLE_AGENTS_PRICES" ? "prices.json" : undefined,
 *   readTextFile: () => Promise.resolve('{"providers": {"ollama": {"llama3": {"input": 1, "output": 1}}}}'),
 * });
 * if (findModelPrice("ollama", "llama3", table)?.input !== 1) throw new Error();
 * ```
 *
 * @param deps Environment and file access.
 * @returns The table to price calls with.
 * @throws {WorkflowError} `CONFIG_LOAD_FAILED` when the file cannot be read or is not a price
 * table.
 */
export async function loadPriceTableFromEnv(deps: PriceTableEnvDeps): Promise<PriceTable> {
  const path = deps.env(PRICES_ENV_VAR)?.trim();
  if (!path) return BUNDLED_PRICES;
  const hint = `Fix the file or unset ${PRICES_ENV_VAR} to use the bundled prices of ` +
    `${BUNDLED_PRICES.taken}`;
  let json: unknown;
  try {
    json = JSON.parse(await deps.readTextFile(path));
  } catch (cause) {
    throw new WorkflowError(
      "CONFIG_LOAD_FAILED",
      `Cannot load prices from "${path}" as it is not a readable JSON file: ${errorMessage(cause)}`,
      { phase: "load", hint, cause },
    );
  }
  try {
    return loadPriceTable(json, { sourceName: `"${path}"` });
  } catch (cause) {
    throw new WorkflowError("CONFIG_LOAD_FAILED", errorMessage(cause), {
      phase: "load",
      hint,
      cause,
    });
  }
}
