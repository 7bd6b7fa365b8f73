/**
 * `ToolRegistry`: the tools a workflow may name, looked up by the engine and by validation.
 *
 * @module
 */
import type { Tool } from "./tool.ts";
import { BUILTIN_TOOL_NAMES } from "./builtin_names.ts";
import { isToolName, TOOL_NAME_RULE } from "./_tool_name.ts";
import { builtinTools } from "./builtin_tools.ts";

/**
 * Tools by name. Names are unique: registering a second tool under a name, a built-in's
 * included, is refused.
 *
 * @example Usage
 * ```ts
 * import { z } from "zod";
 * import { defineTool, ToolRegistry } from "@configurable-agents/core";
 *
 * const registry = new ToolRegistry().register(defineTool({
 *   name: "echo",
 *   description: "Returns its text",
 *   parameters: z.object({ text: z.string() }),
 *   invoke: ({ text }) => Promise.resolve(text),
 * }));
 * if (registry.get("echo")?.name !== "echo") throw new Error();
 * ```
 */
export class ToolRegistry {
  readonly #tools = new Map<string, Tool>();

  /**
   * Makes a registry, empty or holding the given tools.
   *
   * @param tools Tools to register at once, in order.
   * @throws {TypeError} As {@linkcode ToolRegistry.register} does.
   */
  constructor(tools: Iterable<Tool> = []) {
    for (const tool of tools) this.register(tool);
  }

  /**
   * Adds a tool.
   *
   * @param tool The tool, typically made with `defineTool`.
   * @returns This registry, to chain calls.
   * @throws {TypeError} When the name is not an identifier, a tool of that name is already
   * registered (a built-in included), or the value is not a tool.
   */
  register(tool: Tool): this {
    if (typeof tool !== "object" || tool === null) {
      throw new TypeError(`Cannot register "${String(tool)}" as it is not a tool object`);
    }
    if (!isToolName(tool.name)) {
      throw new TypeError(`Cannot register tool "${String(tool.name)}" as ${TOOL_NAME_RULE}`);
    }
    if (typeof tool.invoke !== "function" || typeof tool.permissions !== "function") {
      throw new TypeError(
        `Cannot register tool "${tool.name}" as it lacks invoke() or permissions(): build it with defineTool`,
      );
    }
    if (this.#tools.has(tool.name)) {
      const why = BUILTIN_TOOL_NAMES.includes(tool.name)
        ? "it is the name of a built-in tool"
        : "a tool of that name is already registered";
      throw new TypeError(`Cannot register tool "${tool.name}" as ${why}: choose another name`);
    }
    this.#tools.set(tool.name, tool);
    return this;
  }

  /**
   * Looks a tool up.
   *
   * @param name The name used in the workflow file.
   * @returns The tool, or `undefined` when none has that name.
   */
  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }

  /**
   * Tells whether a tool of that name is registered.
   *
   * @param name The name.
   * @returns `true` when registered.
   */
  has(name: string): boolean {
    return this.#tools.has(name);
  }

  /**
   * The registered names, in registration order (built-ins first in a registry from
   * {@linkcode createToolRegistry}); pass them to validation as its tool names.
   *
   * @returns The names.
   */
  names(): string[] {
    return [...this.#tools.keys()];
  }
}

/** Options of {@linkcode createToolRegistry}. */
export interface CreateToolRegistryOptions {
  /**
   * User tools, registered after the built-ins.
   * @default []
   */
  tools?: readonly Tool[];
  /**
   * Whether to include the built-in tools (`serper_search`, `http_get`, `read_file`,
   * `write_file`).
   * @default true
   */
  builtins?: boolean;
}

/**
 * Makes the registry a run uses: the built-in tools, then the user's.
 *
 * @example Usage
 * ```ts
 * import { createToolRegistry } from "@configurable-agents/core";
 *
 * const registry = createToolRegistry();
 * if (!registry.has("http_get")) throw new Error();
 * ```
 *
 * @param options User tools, and whether to include the built-ins.
 * @returns A new registry.
 * @throws {TypeError} When a user tool is invalid or reuses a registered name.
 */
export function createToolRegistry(options: CreateToolRegistryOptions = {}): ToolRegistry {
  const { tools = [], builtins = true } = options;
  return new ToolRegistry([...(builtins ? builtinTools() : []), ...tools]);
}
