/**
 * `toolValidationHooks`: the validation hooks of a set of tools, so that validation checks a
 * workflow against the tools a run really has. Light imports only (no LangChain), so
 * `validate` stays fast.
 *
 * @module
 */
import type { ValidationHooks } from "../config/validate_workflow.ts";
import { validateToolConfig } from "../tools/validate_tool_config.ts";
import type { ToolLookup } from "../tools/tool.ts";

/**
 * The tool part of the validation hooks: the names of the tools, and each node's settings of
 * a tool checked against the tool's `configSchema`.
 *
 * @example Usage
 * ```ts
 * import { toolValidationHooks } from "./tool_validation_hooks.ts";
 * import { createToolRegistry } from "../tools/tool_registry.ts";
 * const hooks = toolValidationHooks(createToolRegistry());
 * if (!hooks.toolNames?.includes("http_get")) throw new Error();
 * if (hooks.checkToolConfig?.("http_get", {}).length === 0) throw new Error("needs hosts");
 * ```
 *
 * @param tools The tools that exist.
 * @returns `toolNames` and `checkToolConfig`.
 */
export function toolValidationHooks(
  tools: ToolLookup,
): Pick<ValidationHooks, "toolNames" | "checkToolConfig"> {
  return {
    toolNames: [...tools.names()],
    checkToolConfig: (name, config) => {
      const tool = tools.get(name);
      return tool ? validateToolConfig(tool, config) : [];
    },
  };
}
