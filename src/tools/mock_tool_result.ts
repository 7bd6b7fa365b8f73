/**
 * `mockToolResult`: what a tool call returns in `run --mock`, where no tool runs for real.
 *
 * @module
 */
import { createToolRegistry, type ToolRegistry } from "./tool_registry.ts";

/** Options of {@linkcode mockToolResult}. */
export interface MockToolResultOptions {
  /**
   * Where to find the tool's own `mock`; a tool not in it gets a generic placeholder.
   * @default a registry of the built-in tools
   */
  registry?: ToolRegistry;
}

let builtins: ToolRegistry | undefined;

/**
 * A deterministic placeholder result of a tool call, for mock runs: the same name and
 * arguments always give the same result, no I/O happens, and every result is an object with
 * `mock: true`. A tool with a `mock` function shapes its own placeholder (`serper_search`
 * returns two fake results mentioning the query); others return
 * `{ mock: true, tool, args, result }`.
 *
 * @example Usage
 * ```ts
 * import { mockToolResult } from "./mock_tool_result.ts";
 *
 * const result = mockToolResult("serper_search", { query: "tide pools" }) as {
 *   mock: boolean;
 *   results: { title: string }[];
 * };
 * if (!result.mock || !result.results[0]?.title.includes("tide pools")) throw new Error();
 * ```
 *
 * @param toolName The tool the model called.
 * @param args The arguments it passed.
 * @param options Where to look the tool up.
 * @returns The placeholder result.
 * @throws {WorkflowError} `TOOL_FAILED` when the tool has a `mock` and the arguments do not
 * fit its parameters, as a real call would fail.
 */
export function mockToolResult(
  toolName: string,
  args: Record<string, unknown>,
  options: MockToolResultOptions = {},
): Record<string, unknown> {
  const registry = options.registry ?? (builtins ??= createToolRegistry());
  const tool = registry.get(toolName);
  if (tool?.mock !== undefined) {
    const result = tool.mock(args);
    const fields = typeof result === "object" && result !== null && !Array.isArray(result)
      ? result
      : { result };
    // `mock: true` first for readers, and last so that a tool cannot unset it.
    return Object.assign({ mock: true }, fields, { mock: true });
  }
  return {
    mock: true,
    tool: toolName,
    args,
    result: `[mock] Placeholder result of tool "${toolName}"; the tool was not called`,
  };
}
