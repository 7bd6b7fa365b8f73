/**
 * What validation needs to know beyond the file: the tools that exist and their settings, and
 * the models that have a price. Light imports only (no LangChain, LangGraph or OpenTelemetry).
 *
 * @module
 */
import type { ValidationHooks } from "../config/validate_workflow.ts";
import { workflowValidationHooks } from "../runtime/workflow_validation_hooks.ts";
import { createToolRegistry } from "../tools/tool_registry.ts";
import type { Tool } from "../tools/tool.ts";
import { loadPriceTableFromEnv } from "../tracking/pricing/load_price_table_from_env.ts";
import type { CliIO } from "./io.ts";

/**
 * The validation hooks of the CLI: the names and settings of the built-in tools and the given
 * ones, the price table (the bundled one, with `CONFIGURABLE_AGENTS_PRICES` merged over it when
 * that variable is readable) and the provider endpoint variables.
 *
 * @param io Environment and file access.
 * @param tools Tools from `--tools` modules.
 * @returns The hooks to pass to `loadWorkflow`.
 * @throws {WorkflowError} `CONFIG_LOAD_FAILED` when the price file cannot be read.
 */
export async function cliValidationContext(
  io: Pick<CliIO, "env" | "readTextFile">,
  tools: readonly Tool[] = [],
): Promise<ValidationHooks> {
  const prices = await loadPriceTableFromEnv({ env: io.env, readTextFile: io.readTextFile });
  return workflowValidationHooks(createToolRegistry({ tools }), prices, io.env);
}
