/**
 * `defineTool`: the way built-in and user tools are made. It checks the definition once and
 * wraps `invoke`, `permissions` and `mock` so each receives parsed, typed arguments and config.
 *
 * @module
 */
import { z } from "zod";
import type { Tool, ToolContext, ToolPermissions } from "./tool.ts";
import type { ToolSchema, ToolSchemaOutput } from "./tool_schema.ts";
import { parseToolArgs, parseToolConfig } from "./_parse_tool_input.ts";
import { isToolName, TOOL_NAME_RULE } from "./_tool_name.ts";

/** What a tool defined with {@linkcode defineTool} receives: the context, its config parsed. */
export type ToolCallContext<TConfig> = Omit<ToolContext, "config"> & {
  /** The node's config of this tool, parsed by `configSchema` (as given when there is none). */
  readonly config: TConfig;
};

/**
 * The definition of a tool, see {@linkcode defineTool}.
 *
 * @typeParam TArgs The zod object schema of the arguments.
 * @typeParam TConfig The zod schema of the node's config.
 */
export interface ToolSpec<
  TArgs extends ToolSchema<Record<string, unknown>>,
  TConfig extends ToolSchema,
> {
  /** Name used in workflow files: an identifier, not the name of another registered tool. */
  name: string;
  /** What the tool does and when to use it, shown to the model. */
  description: string;
  /**
   * The arguments the model passes, as a zod object schema (`z.object({...})`); describe each
   * field, the model reads the descriptions.
   */
  parameters: TArgs;
  /**
   * The settings a node may give in `tools: [{name, config}]`, as a zod schema; absent: any
   * object.
   */
  configSchema?: TConfig;
  /**
   * Runs the tool with parsed arguments. Do all I/O through `context` and pass
   * `context.signal` on.
   */
  invoke(
    args: ToolSchemaOutput<TArgs>,
    context: ToolCallContext<ToolSchemaOutput<TConfig>>,
  ): Promise<unknown>;
  /** The Deno permissions the tool needs with a config; absent: none. */
  permissions?(config: ToolSchemaOutput<TConfig>): ToolPermissions;
  /** A deterministic placeholder result for `run --mock`; absent: a generic placeholder. */
  mock?(args: ToolSchemaOutput<TArgs>): unknown;
}

const ANY_CONFIG = z.record(z.string(), z.unknown());

/**
 * Builds a {@linkcode Tool} from a definition. The tool validates the model's arguments with
 * `parameters` (invalid ones fail the call with `TOOL_FAILED`, naming each problem) and the
 * node's config with `configSchema` (`CONFIG_INVALID`), then calls `spec.invoke`. A call whose
 * signal is already aborted rejects with the signal's reason before anything runs.
 *
 * @example Usage
 * ```ts
 * import { z } from "zod";
 * import { defineTool } from "@configurable-agents/core";
 *
 * const add = defineTool({
 *   name: "add",
 *   description: "Adds two numbers",
 *   parameters: z.object({ a: z.number(), b: z.number() }),
 *   invoke: ({ a, b }) => Promise.resolve({ sum: a + b }),
 * });
 * const context = {
 *   signal: new AbortController().signal,
 *   config: {},
 *   env: () => undefined,
 *   fetch: () => Promise.reject(new Error("offline")),
 *   readTextFile: () => Promise.reject(new Error("no files")),
 *   writeTextFile: () => Promise.reject(new Error("no files")),
 * };
 * const result = await add.invoke({ a: 2, b: 3 }, context);
 * if ((result as { sum: number }).sum !== 5) throw new Error("wrong sum");
 * ```
 *
 * @param spec The definition.
 * @returns The tool, ready to register.
 * @throws {TypeError} When the name is not an identifier, the description is empty,
 * `parameters` is not a zod object, or `invoke` is not a function.
 */
export function defineTool<
  TArgs extends ToolSchema<Record<string, unknown>>,
  TConfig extends ToolSchema = ToolSchema<Readonly<Record<string, unknown>>>,
>(spec: ToolSpec<TArgs, TConfig>): Tool {
  checkSpec(spec);
  const { name, parameters } = spec;
  const configSchema = spec.configSchema;
  const parseConfig = (config: unknown, phase: "execute" | "validate") =>
    // Without a configSchema, TConfig is its default: any object, which ANY_CONFIG parses.
    parseToolConfig(name, configSchema ?? ANY_CONFIG, config, phase) as ToolSchemaOutput<TConfig>;

  const tool: Tool = {
    name,
    description: spec.description,
    parameters,
    configSchema,
    async invoke(args: Record<string, unknown>, context: ToolContext): Promise<unknown> {
      context.signal.throwIfAborted();
      const parsedArgs = parseToolArgs(name, parameters, args);
      const config = parseConfig(context.config, "execute");
      return await spec.invoke(parsedArgs, { ...context, config });
    },
    permissions(config: Readonly<Record<string, unknown>>): ToolPermissions {
      const parsed = parseConfig(config, "validate");
      return spec.permissions?.(parsed) ?? {};
    },
  };
  const mock = spec.mock;
  if (mock !== undefined) {
    tool.mock = (args: Record<string, unknown>) => mock(parseToolArgs(name, parameters, args));
  }
  return Object.freeze(tool);
}

function checkSpec<TArgs extends ToolSchema<Record<string, unknown>>, TConfig extends ToolSchema>(
  spec: ToolSpec<TArgs, TConfig>,
): void {
  if (!isToolName(spec.name)) {
    throw new TypeError(
      `Cannot define tool "${String(spec.name)}" as ${TOOL_NAME_RULE}`,
    );
  }
  if (typeof spec.description !== "string" || spec.description.trim() === "") {
    throw new TypeError(
      `Cannot define tool "${spec.name}" as it has no description: the model needs one to use it`,
    );
  }
  if (!(spec.parameters instanceof z.ZodObject)) {
    throw new TypeError(
      `Cannot define tool "${spec.name}" as its parameters are not a zod object: use z.object({...})`,
    );
  }
  if (typeof spec.invoke !== "function") {
    throw new TypeError(`Cannot define tool "${spec.name}" as it has no invoke function`);
  }
}
