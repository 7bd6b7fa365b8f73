/**
 * `--tools <module>`: loads the tools a module exports (results of `defineTool`), so that
 * `run`, `validate` and `permissions` know the workflow's custom tools.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import type { Tool } from "../tools/tool.ts";
import { createToolRegistry } from "../tools/tool_registry.ts";
import type { CliIO } from "./io.ts";
import { UsageError } from "./usage_error.ts";

/**
 * Imports each module and collects the tools it exports: every export that is a tool, and the
 * tools of every export that is a list. A module is resolved against the working directory.
 *
 * @param paths The `--tools` values, in order.
 * @param io The working directory.
 * @returns The tools, in module and export order.
 * @throws {UsageError} A module that cannot be imported or exports no tool, or a tool whose
 * name is taken (exit 2).
 */
export async function loadToolModules(
  paths: readonly string[],
  io: Pick<CliIO, "cwd">,
): Promise<Tool[]> {
  const tools: Tool[] = [];
  for (const path of paths) {
    const url = new URL(path, `file://${io.cwd().replace(/\/?$/, "/")}`);
    let exports: Record<string, unknown>;
    try {
      exports = await import(url.href);
    } catch (error) {
      throw new UsageError(
        `Cannot load tools from "${path}" as the module cannot be imported: ${errorMessage(error)}`,
        {
          hint:
            "check the path, and that --allow-read covers the module and the local files it imports",
          cause: error,
        },
      );
    }
    const found = Object.values(exports).flatMap((value) =>
      Array.isArray(value) ? value.filter(isTool) : isTool(value) ? [value] : []
    );
    if (found.length === 0) {
      throw new UsageError(`Cannot load tools from "${path}" as it exports no tool`, {
        hint: "export the results of defineTool, such as: export const lookup = defineTool({...})",
      });
    }
    tools.push(...found);
  }
  try {
    createToolRegistry({ tools });
  } catch (error) {
    // The registry's own message names the tool and why ("a built-in tool has that name").
    throw new UsageError(errorMessage(error), {
      hint: "give each tool of the --tools modules a name of its own",
      cause: error,
    });
  }
  return tools;
}

/** A tool as `defineTool` makes it (checked by shape: the module may use another copy). */
function isTool(value: unknown): value is Tool {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Record<keyof Tool, unknown>>;
  return typeof candidate.name === "string" && typeof candidate.description === "string" &&
    typeof candidate.invoke === "function" && typeof candidate.permissions === "function" &&
    typeof (candidate.parameters as { safeParse?: unknown } | undefined)?.safeParse === "function";
}
