/**
 * `defineTool`: the way built-in and user tools are made. It checks the definition once and
 * wraps `invoke`, `permissions` and `mock` so each receives parsed, typed arguments and config.
 *
 * @module
 */
import { z } from "zod";
import type { Tool, ToolContext, ToolPermissions } from "./tool.ts";
import type { StandardToolSchema, ToolSchema, ToolSchemaOutput } from "./tool_schema.ts";
import { parseToolArgs, parseToolConfig } from "./_parse_tool_input.ts";
import { asToolSchema } from "./_standard_schema.ts";
import { isToolName, TOOL_NAME_RULE } from "./_tool_name.ts";

/** What a tool defined with {@linkcode defineTool} receives: the context, its config parsed. */
export type ToolCallContext<TConfig> = Omit<ToolContext, "config"> & {
  /** The node's config of this tool, parsed by `configSchema` (as given when there is none). */
  readonly config: TConfig;
};

/**
 * The definition of a tool, see {@linkcode defineTool}.
 *
 * @typeParam TArgs The object schema of the arguments (zod 4, zod 3 or any Standard Schema).
 * @typeParam TConfig The schema of the node's config.
 */
export interface ToolSpec<
  TArgs extends StandardToolSchema<Record<string, unknown>>,
  TConfig extends StandardToolSchema,
> {
  /** Name used in workflow files: an identifier, not the name of another registered tool. */
  name: string;
  /** What the tool does and when to use it, shown to the model. */
  description: string;
  /**
   * The arguments the model passes, as an object schema: zod 4 or zod 3 (`z.object({...})`),
   * or any other Standard Schema with `jsonSchema` given. Describe each field, the model reads
   * the descriptions. It must validate synchronously.
   */
  parameters: TArgs;
  /**
   * The JSON Schema of the arguments shown to the model (an object schema). Needed only for a
   * Standard Schema the toolkit cannot convert (zod 4 and zod 3 are converted).
   */
  jsonSchema?: Readonly<Record<string, unknown>>;
  /**
   * The settings a node may give in `tools: [{name, config}]`, as a Standard Schema (zod 4,
   * zod 3, ...); absent: any object.
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
 * Schemas: zod 4 (`npm:zod@4`, `jsr:@zod/zod`), zod 3.24 or later (`npm:zod@3`, JSON Schema
 * converted from its definitions), or any other Standard Schema (https://standardschema.dev)
 * with the arguments' JSON Schema in `jsonSchema` unless it converts itself (Standard JSON
 * Schema). Schemas must validate synchronously.
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
 * `parameters` is not a Standard Schema of an object or cannot be turned into JSON Schema,
 * `configSchema` is not a Standard Schema, or `invoke` is not a function.
 */
export function defineTool<
  TArgs extends StandardToolSchema<Record<string, unknown>>,
  TConfig extends StandardToolSchema = StandardToolSchema<Readonly<Record<string, unknown>>>,
>(spec: ToolSpec<TArgs, TConfig>): Tool {
  checkSpec(spec);
  const { name } = spec;
  const parameters = asToolSchema(spec.parameters, spec.jsonSchema);
  checkParametersJson(name, parameters);
  const configSchema = spec.configSchema === undefined
    ? undefined
    : asToolSchema(spec.configSchema);
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

function checkSpec<
  TArgs extends StandardToolSchema<Record<string, unknown>>,
  TConfig extends StandardToolSchema,
>(spec: ToolSpec<TArgs, TConfig>): void {
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
  for (
    const [key, schema] of [["parameters", spec.parameters], ["configSchema", spec.configSchema]]
  ) {
    if (key === "configSchema" && schema === undefined) continue;
    if (!isStandardSchema(schema)) {
      throw new TypeError(
        `Cannot define tool "${spec.name}" as its ${
          key === "parameters" ? "parameters are" : "configSchema is"
        } not a schema: use a zod schema such as z.object({...}) or another Standard Schema`,
      );
    }
  }
  if (
    spec.jsonSchema !== undefined &&
    (typeof spec.jsonSchema !== "object" || spec.jsonSchema === null)
  ) {
    throw new TypeError(
      `Cannot define tool "${spec.name}" as its jsonSchema is not an object: give the JSON Schema of the arguments`,
    );
  }
  if (typeof spec.invoke !== "function") {
    throw new TypeError(`Cannot define tool "${spec.name}" as it has no invoke function`);
  }
}

function isStandardSchema(value: unknown): value is StandardToolSchema {
  if (typeof value !== "object" && typeof value !== "function") return false;
  const props = (value as { "~standard"?: { version?: unknown; validate?: unknown } } | null)?.[
    "~standard"
  ];
  return props?.version === 1 && typeof props.validate === "function";
}

/** The model needs the arguments as a JSON object schema; check it once, at definition. */
function checkParametersJson(name: string, parameters: ToolSchema): void {
  let json: Record<string, unknown>;
  try {
    json = parameters["~standard"].jsonSchema.output({ target: "draft-2020-12" });
  } catch (error) {
    throw new TypeError(
      `Cannot define tool "${name}" as its parameters cannot be turned into JSON Schema for the model: ${
        error instanceof Error ? error.message : String(error)
      }: give the JSON Schema of the arguments as jsonSchema`,
      { cause: error },
    );
  }
  if (json["type"] !== "object") {
    throw new TypeError(
      `Cannot define tool "${name}" as its parameters are not an object schema: use z.object({...})`,
    );
  }
}
