/**
 * `workflowValidationHooks`: what validating a workflow needs to know beyond the file, shared
 * by `validate` and by every run, so that a run accepts exactly what `validate` accepts. Light
 * imports only (no LangChain, LangGraph or OpenTelemetry), so `validate` stays fast.
 *
 * @module
 */
import { type ProviderName, PROVIDERS } from "../config/constants.ts";
import type { ValidationHooks } from "../config/validate_workflow.ts";
import { toolValidationHooks } from "../engine/tool_validation_hooks.ts";
import { foreignKeyDestination } from "../llm/provider_endpoint.ts";
import type { EnvReader } from "../tracking/http/mlflow_auth.ts";
import type { ToolRegistry } from "../tools/tool_registry.ts";
import { isModelPriced } from "../tracking/pricing/find_model_price.ts";
import type { PriceTable } from "../tracking/pricing/price_table.ts";

/**
 * The validation hooks of a registry and a price table: the registered tool names, each tool
 * entry's `config` checked against the tool's `configSchema`, a warning for every model
 * without a price, and a warning for every provider key that would be sent to a host other
 * than the provider's own (by `base_url`, or by `OPENAI_BASE_URL`/`ANTHROPIC_BASE_URL` when
 * `env` reads them).
 *
 * @example Usage
 * ```ts
 * import { workflowValidationHooks } from "./workflow_validation_hooks.ts";
 * import { createToolRegistry } from "../tools/tool_registry.ts";
 * const empty = { version: "0", taken: "2026-01-01", source: "none", providers: {} };
 * const hooks = workflowValidationHooks(createToolRegistry(), empty);
 * if (!hooks.toolNames?.includes("http_get")) throw new Error();
 * if (hooks.checkToolConfig?.("http_get", {}).length === 0) throw new Error("needs hosts");
 * if (hooks.isModelPriced?.("openai", "gpt-4o")) throw new Error("the table is empty");
 * ```
 *
 * @param registry The tools that exist.
 * @param priceTable The prices that exist.
 * @param env Reads the endpoint variables (nothing is set by default).
 * @returns The hooks to pass to `loadWorkflow`, `parseWorkflow` or `validateWorkflow`.
 */
export function workflowValidationHooks(
  registry: ToolRegistry,
  priceTable: PriceTable,
  env: EnvReader = () => undefined,
): ValidationHooks {
  return {
    ...toolValidationHooks(registry),
    keyDestination: (provider, baseUrl) =>
      isProvider(provider) ? foreignKeyDestination({ provider, baseUrl }, env) : undefined,
    isModelPriced: (provider, model) => isModelPriced(provider, model, priceTable),
  };
}

function isProvider(name: string): name is ProviderName {
  return (PROVIDERS as readonly string[]).includes(name);
}
