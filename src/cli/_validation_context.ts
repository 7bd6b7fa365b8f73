/**
 * What validation needs to know beyond the file: the tools that exist and their settings, and
 * the models that have a price. Light imports only (no LangChain, LangGraph or OpenTelemetry).
 *
 * @module
 */
import type { ValidationHooks } from "../config/mod.ts";
import { workflowValidationHooks } from "../runtime/workflow_validation_hooks.ts";
import { createToolRegistry } from "../tools/mod.ts";
import { loadPriceTableFromEnv } from "../tracking/pricing/load_price_table_from_env.ts";
import type { CliIO } from "./io.ts";

/**
 * The validation hooks of the CLI: built-in tool names and settings, and the price table (the
 * bundled one, with `CONFIGURABLE_AGENTS_PRICES` merged over it when that variable is readable).
 *
 * @param io Environment and file access.
 * @returns The hooks to pass to `loadWorkflow`.
 * @throws {WorkflowError} `CONFIG_LOAD_FAILED` when the price file cannot be read.
 */
export async function cliValidationContext(
  io: Pick<CliIO, "env" | "readTextFile">,
): Promise<ValidationHooks> {
  const prices = await loadPriceTableFromEnv({ env: io.env, readTextFile: io.readTextFile });
  return workflowValidationHooks(createToolRegistry(), prices, io.env);
}
