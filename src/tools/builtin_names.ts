/**
 * Names of the built-in tools, kept apart from their implementations so that validation can
 * check tool names without loading them.
 *
 * @module
 */

/** Names of the tools every workflow can use. */
export const BUILTIN_TOOL_NAMES: readonly string[] = [
  "serper_search",
  "http_get",
  "read_file",
  "write_file",
];
