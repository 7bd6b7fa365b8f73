/**
 * Parses the arguments and the config a tool receives, with the error each failure raises.
 *
 * @module
 */
import { WorkflowError, type WorkflowPhase } from "../errors.ts";
import { describeIssues, formatIssues } from "./_zod_issues.ts";
import type { ToolSchema, ToolSchemaIssue, ToolSchemaOutput } from "./tool_schema.ts";

/**
 * Parses the model's arguments of a call.
 *
 * @param toolName The tool, for the message.
 * @param schema The tool's `parameters`.
 * @param args What the model passed.
 * @returns The parsed arguments, defaults applied.
 * @throws {WorkflowError} `TOOL_FAILED` naming every invalid argument, so that the model can
 * correct its call when the node continues on tool errors.
 */
export function parseToolArgs<TArgs extends ToolSchema>(
  toolName: string,
  schema: TArgs,
  args: unknown,
): ToolSchemaOutput<TArgs> {
  return parseOrThrow(schema, args, (problems, cause) =>
    new WorkflowError(
      "TOOL_FAILED",
      `Cannot call tool "${toolName}" as its arguments are invalid: ${problems}`,
      { phase: "execute", cause },
    ));
}

/**
 * Parses the node's `config` of a tool.
 *
 * @param toolName The tool, for the message.
 * @param schema The tool's `configSchema`.
 * @param config The node's `config` (`{}` when none).
 * @param phase The phase to report: `execute` in a call, `validate` for permissions.
 * @returns The parsed config, defaults applied.
 * @throws {WorkflowError} `CONFIG_INVALID` naming every invalid setting.
 */
export function parseToolConfig<TConfig extends ToolSchema>(
  toolName: string,
  schema: TConfig,
  config: unknown,
  phase: WorkflowPhase,
): ToolSchemaOutput<TConfig> {
  return parseOrThrow(schema, config ?? {}, (problems, cause) =>
    new WorkflowError(
      "CONFIG_INVALID",
      `Cannot use tool "${toolName}" as its config is invalid: ${problems}`,
      { phase, cause, hint: `Fix the 'config' of "${toolName}" in the node's tools list` },
    ));
}

function parseOrThrow<TSchema extends ToolSchema>(
  schema: TSchema,
  value: unknown,
  fail: (problems: string, cause: { readonly issues: readonly ToolSchemaIssue[] }) => WorkflowError,
): ToolSchemaOutput<TSchema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data as ToolSchemaOutput<TSchema>;
  throw fail(formatIssues(describeIssues(schema, result.error)), result.error);
}
