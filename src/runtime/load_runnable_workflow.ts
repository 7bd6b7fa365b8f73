/**
 * `loadRunnableWorkflow`: loads a workflow file the way `runWorkflow` does, so that a caller
 * can show its warnings, or run it many times, without loading it again.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import type { RunDeps } from "../engine/engine_types.ts";
import type { Tool } from "../tools/tool.ts";
import { createToolRegistry } from "../tools/tool_registry.ts";
import { loadPriceTableFromEnv } from "../tracking/pricing/load_price_table_from_env.ts";
import type { PriceTable } from "../tracking/pricing/price_table.ts";
import { denoEngineDeps } from "./deno_deps.ts";
import { loadForRun } from "./_run_setup.ts";

/** Options of {@linkcode loadRunnableWorkflow}. */
export interface LoadRunnableWorkflowOptions {
  /**
   * Your own tools; workflow files may name them.
   *
   * @default {[]}
   */
  tools?: readonly Tool[];
  /**
   * Prices that decide which models get an "unpriced" warning.
   *
   * @default {the bundled table, merged with the file named by CONFIGURABLE_AGENTS_PRICES}
   */
  priceTable?: PriceTable;
  /**
   * The environment and file reader.
   *
   * @default {Deno's}
   */
  deps?: Partial<Pick<RunDeps, "env" | "readTextFile">>;
  /** Stops the load between file reads. */
  signal?: AbortSignal;
}

/**
 * Loads and validates a workflow file with the built-in tools and yours as the known tool
 * names and the price table as the known models (an unpriced model is a warning in
 * `warnings`). Pass the result to `runWorkflow` or `runBatch`.
 *
 * @example Usage
 * ```ts
 * import { loadRunnableWorkflow } from "./load_runnable_workflow.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/echo.yaml`, `
 * schema_version: "1.0"
 * flow: { name: echo }
 * state: { fields: { message: { type: str, required: true }, reply: { type: str } } }
 * nodes: [{ id: echo, prompt: "Repeat {state.message}", outputs: [reply] }]
 * edges: [{ from: START, to: echo }, { from: echo, to: END }]
 * config: { llm: { provider: openai, model: gpt-nobody-knows } }
 * `);
 * const loaded = await loadRunnableWorkflow(`${dir}/echo.yaml`);
 * if (loaded.config.flow.name !== "echo" || loaded.warnings.length !== 1) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path The workflow file (YAML or JSON).
 * @param options Tools, prices, environment, file reader and signal.
 * @returns The workflow.
 * @throws {WorkflowError} `CONFIG_LOAD_FAILED` (the file or the price file cannot be read) or
 * `CONFIG_INVALID` (every problem in `diagnostics`).
 */
export async function loadRunnableWorkflow(
  path: string,
  options: LoadRunnableWorkflowOptions = {},
): Promise<LoadedWorkflow> {
  const { tools = [], deps = {}, signal } = options;
  const base = denoEngineDeps(deps.env ? { env: deps.env } : {});
  const readTextFile = deps.readTextFile ?? base.readTextFile;
  const priceTable = options.priceTable ??
    await loadPriceTableFromEnv({ env: base.env, readTextFile });
  return await loadForRun(path, {
    registry: createToolRegistry({ tools }),
    priceTable,
    readTextFile,
    signal,
    env: base.env,
  });
}
