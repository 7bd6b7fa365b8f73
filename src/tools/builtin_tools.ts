/**
 * The built-in tools, in the order of `BUILTIN_TOOL_NAMES`.
 *
 * @module
 */
import type { Tool } from "./tool.ts";
import { httpGetTool } from "./http_get.ts";
import { readFileTool } from "./read_file.ts";
import { serperSearchTool } from "./serper_search.ts";
import { writeFileTool } from "./write_file.ts";

/**
 * Lists the built-in tools: `serper_search`, `http_get`, `read_file`, `write_file`.
 *
 * @example Usage
 * ```ts
 * import { builtinTools } from "@configurable-agents/core";
 * if (builtinTools().length !== 4) throw new Error();
 * ```
 *
 * @returns A new array of the (immutable, stateless) built-in tools.
 */
export function builtinTools(): Tool[] {
  return [serperSearchTool, httpGetTool, readFileTool, writeFileTool];
}
