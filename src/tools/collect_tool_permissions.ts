/**
 * `collectToolPermissions`: the Deno permissions the tools of a workflow need, merged.
 *
 * @module
 */
import { WorkflowError } from "../errors.ts";
import type { ToolPermissions } from "./tool.ts";
import type { ToolRegistry } from "./tool_registry.ts";

/** A node's tool entry: a name, or a name with its config (as in the workflow schema). */
export type ToolEntry = string | {
  /** The tool's name. */
  readonly name: string;
  /** Its settings. */
  readonly config?: Readonly<Record<string, unknown>> | undefined;
};

/** Merged permissions: every kind present, each list sorted and without repeats. */
export type MergedToolPermissions = Required<ToolPermissions>;

/**
 * Merges permission sets.
 *
 * @example Usage
 * ```ts
 * import { mergeToolPermissions } from "./collect_tool_permissions.ts";
 * const merged = mergeToolPermissions([{ net: ["b.example"] }, { net: ["a.example", "b.example"] }]);
 * if (merged.net.join() !== "a.example,b.example") throw new Error();
 * ```
 *
 * @param sets The sets.
 * @returns One set with every kind, sorted, without repeats.
 */
export function mergeToolPermissions(sets: Iterable<ToolPermissions>): MergedToolPermissions {
  const all = [...sets];
  const merged = (kind: keyof ToolPermissions) =>
    [...new Set(all.flatMap((set) => set[kind] ?? []))].sort();
  return { net: merged("net"), read: merged("read"), write: merged("write"), env: merged("env") };
}

/**
 * The permissions a list of tool entries needs (for instance every node's `tools`), each
 * tool asked with its entry's config.
 *
 * @example Usage
 * ```ts
 * import { collectToolPermissions } from "./collect_tool_permissions.ts";
 * import { createToolRegistry } from "./tool_registry.ts";
 *
 * const permissions = collectToolPermissions(createToolRegistry(), [
 *   "serper_search",
 *   { name: "read_file", config: { roots: ["./data"] } },
 * ]);
 * if (permissions.net[0] !== "google.serper.dev" || permissions.read[0] !== "./data") {
 *   throw new Error();
 * }
 * ```
 *
 * @param registry Where the tools are.
 * @param entries The tool entries.
 * @returns The merged permissions.
 * @throws {WorkflowError} `CONFIG_INVALID` when a tool is not registered or its config is
 * invalid.
 */
export function collectToolPermissions(
  registry: ToolRegistry,
  entries: Iterable<ToolEntry>,
): MergedToolPermissions {
  const sets: ToolPermissions[] = [];
  for (const entry of entries) {
    const name = typeof entry === "string" ? entry : entry.name;
    const config = typeof entry === "string" ? {} : entry.config ?? {};
    const tool = registry.get(name);
    if (tool === undefined) {
      throw new WorkflowError(
        "CONFIG_INVALID",
        `Cannot list the permissions of tool "${name}" as it is not registered: known tools are ${
          registry.names().map((known) => `"${known}"`).join(", ")
        }`,
        { phase: "validate" },
      );
    }
    sets.push(tool.permissions(config));
  }
  return mergeToolPermissions(sets);
}
