/**
 * `validateToolConfig`: checks a node's `config` of a tool without running it, for `validate`.
 *
 * @module
 */
import type { Tool } from "./tool.ts";
import { describeIssues, type ToolConfigIssue } from "./_zod_issues.ts";

export type { ToolConfigIssue };

/**
 * Checks the `config` a node gives a tool against the tool's `configSchema`. Call it for every
 * entry of a node's `tools`, with `{}` for an entry written as a bare name: a tool that needs
 * settings (such as `http_get`'s `allowed_hosts`) is reported then too.
 *
 * @example Usage
 * ```ts
 * import { httpGetTool } from "./http_get.ts";
 * import { validateToolConfig } from "./validate_tool_config.ts";
 *
 * const issues = validateToolConfig(httpGetTool, { allowed_host: ["example.com"] });
 * if (!issues.some((issue) => issue.path.join(".") === "allowed_hosts")) throw new Error();
 * if (!issues.some((issue) => issue.message.includes('Unknown key "allowed_host"'))) {
 *   throw new Error();
 * }
 * ```
 *
 * @param tool The tool.
 * @param config The node's `config` for it (`undefined` counts as `{}`).
 * @returns Every problem, each with its path inside `config`; empty when the config is valid
 * or the tool takes any config.
 */
export function validateToolConfig(
  tool: Tool,
  config: Readonly<Record<string, unknown>> | undefined,
): ToolConfigIssue[] {
  const schema = tool.configSchema;
  if (schema === undefined) return [];
  const result = schema.safeParse(config ?? {});
  return result.success ? [] : describeIssues(schema, result.error);
}
