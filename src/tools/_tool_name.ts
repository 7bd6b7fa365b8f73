/**
 * The rule for tool names, shared by `defineTool` and `ToolRegistry`.
 *
 * @module
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** How a valid tool name looks, for error messages. */
export const TOOL_NAME_RULE =
  "a tool name is an identifier: a letter or underscore, then letters, digits or underscores";

/**
 * Tells whether a value can name a tool (an identifier, as in workflow files).
 *
 * @param name Any value.
 * @returns `true` for an identifier string.
 */
export function isToolName(name: unknown): name is string {
  return typeof name === "string" && IDENTIFIER.test(name);
}
