/**
 * Turns zod issues of a tool's arguments or config into short, path-first messages.
 *
 * @module
 */
import { z } from "zod";

/** One problem in a tool's `config` (or arguments), relative to that object. */
export interface ToolConfigIssue {
  /** Keys and indexes from the config object to the offending value (`[]` for the object). */
  readonly path: readonly (string | number)[];
  /** What is wrong. */
  readonly message: string;
}

/**
 * Lists the issues of a failed parse, one per unknown key, naming the known keys where the
 * schema is an object.
 *
 * @param schema The schema that rejected the value.
 * @param error The zod error.
 * @returns The issues, in zod's order.
 */
export function describeIssues(schema: z.ZodType, error: z.ZodError): ToolConfigIssue[] {
  const issues: ToolConfigIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((key): key is string | number => typeof key !== "symbol");
    if (issue.code === "unrecognized_keys") {
      const known = path.length === 0 && schema instanceof z.ZodObject
        ? Object.keys(schema.shape)
        : [];
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
