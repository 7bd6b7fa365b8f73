/**
 * What validation needs to know beyond the file: the tools that exist and the models that
 * have a price. Light imports only (no LangChain, LangGraph or OpenTelemetry).
 *
 * @module
 */
import { BUILTIN_TOOL_NAMES } from "../tools/builtin_names.ts";

/** Inputs of semantic validation that come from outside the config area. */
export interface ValidationContext {
  /** Tool names that exist. */
  toolNames: readonly string[];
  /** Whether a provider/model pair is in the price table; absent skips the check. */
  isModelPriced?: (provider: string, model: string) => boolean;
}

/**
 * The validation context of the CLI: built-in tools, and the bundled price table.
 *
 * @returns The context.
 */
export function cliValidationContext(): ValidationContext {
  return { toolNames: BUILTIN_TOOL_NAMES };
}
