/**
 * Turns the issues of a tool's arguments or config (zod's, or any Standard Schema's) into
 * short, path-first messages.
 *
 * @module
 */
import type { ToolSchema, ToolSchemaIssue } from "./tool_schema.ts";
import { declaredKeys } from "./_standard_schema.ts";

/** One problem in a tool's `config` (or arguments), relative to that object. */
export interface ToolConfigIssue {
  /** Keys and indexes from the config object to the offending value (`[]` for the object). */
  readonly path: readonly (string | number)[];
  /** What is wrong. */
  readonly message: string;
}

/**
 * Lists the issues of a failed parse, one per unknown key, naming the keys the schema declares
 * (read from its JSON Schema).
 *
 * @param schema The schema that rejected the value.
 * @param error The error of the failed parse (a zod error for a zod schema).
 * @returns The issues, in the schema's order.
 */
export function describeIssues(
  schema: ToolSchema,
  error: { readonly issues: readonly ToolSchemaIssue[] },
): ToolConfigIssue[] {
  const issues: ToolConfigIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((key): key is string | number => typeof key !== "symbol");
    if (isUnrecognizedKeys(issue)) {
      const known = path.length === 0 ? declaredKeys(schema) : [];
      const hint = known.length === 0
        ? ""
        : `: known keys are ${known.map((key) => `"${key}"`).join(", ")}`;
      for (const key of issue.keys) {
        issues.push({ path: [...path, key], message: `Unknown key "${key}"${hint}` });
      }
      continue;
    }
    issues.push({ path, message: issue.message });
  }
  return issues;
}

/** zod's issue for keys a strict object does not know. */
function isUnrecognizedKeys(
  issue: ToolSchemaIssue,
): issue is ToolSchemaIssue & { readonly keys: readonly string[] } {
  return "code" in issue && issue.code === "unrecognized_keys" && "keys" in issue &&
    Array.isArray(issue.keys);
}

/**
 * Formats issues on one line: `allowed_hosts.0: Expected a host; max_bytes: Too small`.
 *
 * @param issues The issues.
 * @returns The line.
 */
export function formatIssues(issues: readonly ToolConfigIssue[]): string {
  return issues.map((issue) =>
    issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`
  ).join("; ");
}
