/**
 * Tools a node can call: the {@linkcode Tool} contract, {@linkcode defineTool} to make one,
 * the {@linkcode ToolRegistry}, the built-ins (`serper_search`, `http_get`, `read_file`,
 * `write_file`), config checks, permissions and mock results.
 *
 * @module
 */
export {
  type FileHead,
  type HostIO,
  hostIOOf,
  type Tool,
  type ToolContext,
  type ToolPermissions,
} from "./tool.ts";
export type {
  StandardToolSchema,
  StandardToolSchemaIssue,
  StandardToolSchemaProps,
  StandardToolSchemaResult,
  ToolJsonSchemaOptions,
  ToolSchema,
  ToolSchemaIssue,
  ToolSchemaOutput,
  ToolSchemaResult,
  ToolSchemaStandard,
} from "./tool_schema.ts";
export { BUILTIN_TOOL_NAMES } from "./builtin_names.ts";
export { defineTool } from "./define_tool.ts";
export type { ToolCallContext, ToolSpec } from "./define_tool.ts";
export { createToolRegistry, ToolRegistry } from "./tool_registry.ts";
export type { CreateToolRegistryOptions } from "./tool_registry.ts";
export { builtinTools } from "./builtin_tools.ts";
export { validateToolConfig } from "./validate_tool_config.ts";
export type { ToolConfigIssue } from "./validate_tool_config.ts";
export { mockToolResult } from "./mock_tool_result.ts";
export type { MockToolResultOptions } from "./mock_tool_result.ts";
export { collectToolPermissions, mergeToolPermissions } from "./collect_tool_permissions.ts";
export type { MergedToolPermissions, ToolEntry } from "./collect_tool_permissions.ts";
export { SERPER_API_KEY_VARIABLE, SERPER_SEARCH_URL, serperSearchTool } from "./serper_search.ts";
export type { SearchResult, SerperSearchResult } from "./serper_search.ts";
export { HTTP_GET_DEFAULT_MAX_BYTES, HTTP_GET_MAX_REDIRECTS, httpGetTool } from "./http_get.ts";
export type { HttpGetResult } from "./http_get.ts";
export { READ_FILE_DEFAULT_MAX_BYTES, readFileTool } from "./read_file.ts";
export type { ReadFileResult } from "./read_file.ts";
export { WRITE_FILE_DEFAULT_MAX_BYTES, writeFileTool } from "./write_file.ts";
export type { WriteFileResult } from "./write_file.ts";
