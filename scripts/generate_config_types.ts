/**
 * Generates `src/config/workflow_types.ts`: the types of workflow files as plain TypeScript
 * interfaces, derived from the one zod schema (`WorkflowSchema` in `src/config/schema.ts`)
 * through its JSON Schema (`z.toJSONSchema`, `io: "output"` for the parsed types and
 * `io: "input"` for the types as written), with the schema's descriptions and defaults as
 * JSDoc. The public API names these interfaces instead of zod's generic types, so
 * `deno doc --lint` and `deno publish` see no type of an npm package.
 *
 * ```sh
 * deno run --allow-read --allow-write=src/config/workflow_types.ts --allow-run=deno scripts/generate_config_types.ts
 * ```
 *
 * Run it from the repository root after any change to the schema; `deno fmt` formats the
 * output with the project's settings. `tests/config/workflow_types_test.ts` fails while the
 * committed file differs from a fresh generation, and checks at the type level that every
 * generated type is exactly the type zod infers.
 *
 * @module
 */
import { z } from "zod";
import {
  BudgetSchema,
  EdgeSchema,
  ExecutionSchema,
  FlowSchema,
  GlobalConfigSchema,
  LlmOverrideSchema,
  LlmSchema,
  LoggingSchema,
  LoopSchema,
  MlflowSchema,
  NodeSchema,
  NodeToolSchema,
  ObjectSchemaSchema,
  ObservabilitySchema,
  OptimizationSchema,
  OutputFieldSchema,
  OutputSchemaSchema,
  ParallelSchema,
  RouteConditionSchema,
  RouteSchema,
  StateFieldSchema,
  StateSchema,
  WorkflowSchema,
} from "../src/config/schema.ts";

/** A schema that gets a name of its own in the generated file. */
export interface NamedSchema {
  /** The zod schema, as the root schema uses it. */
  readonly schema: z.ZodType;
  /** Name of its parsed type (`io: "output"`). */
  readonly output: string;
  /** Name of its type as written (`io: "input"`), used only when that type differs. */
  readonly input: string;
  /** Summary of the type, the first paragraph of its JSDoc. */
  readonly doc: string;
}

/** What {@linkcode renderTypes} generates. */
export interface RenderTypesOptions {
  /** The root schema; it must be the schema of one of `named`. */
  readonly root: z.ZodType;
  /** The schemas that become named types, in the order they are written. */
  readonly named: readonly NamedSchema[];
  /**
   * The output type of each pipe that ends in a transform, as a schema (JSON Schema cannot
   * express what a transform returns). A transform missing here is an error when the output
   * type reaches it.
   */
  readonly transformOutputs: ReadonlyMap<z.ZodType, z.ZodType>;
  /** Text written before the types (the file's header). */
  readonly header: string;
}

type Io = "input" | "output";
type Json = Record<string, unknown>;

const ENTRY = "x-ts-entry";
const UNREPRESENTABLE = "x-ts-unrepresentable";
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** The repository's `fmt.lineWidth`; `deno fmt` leaves comments as they are. */
const LINE_WIDTH = 100;

/**
 * Renders the named types of a schema as TypeScript source (not yet formatted).
 *
 * @param options The root schema, the named schemas, the outputs of transforms and the header.
 * @returns The source: the header, then each named type (and its as-written variant when it
 * differs), in the order of `options.named`.
 * @throws {TypeError} When the root is not named, a named schema is not reached from the root,
 * a transform's output type is unknown, or a JSON Schema construct has no TypeScript form here.
 */
export function renderTypes(options: RenderTypesOptions): string {
  const { root, named, header } = options;
  if (!named.some((entry) => entry.schema === root)) {
    throw new TypeError("Cannot render types as the root schema has no name: add it to 'named'");
  }
  const renderer = new TypeRenderer(options);
  const blocks = [header.trimEnd()];
  named.forEach((entry, index) => {
    blocks.push(renderer.declaration(index, "output"));
    if (renderer.nameOf(index, "input") !== entry.output) {
      blocks.push(renderer.declaration(index, "input"));
    }
  });
  return `${blocks.join("\n\n")}\n`;
}

class TypeRenderer {
  readonly #named: readonly NamedSchema[];
  readonly #roots: Record<Io, Json>;
  readonly #nodes: Record<Io, Map<number, Json>>;
  readonly #inputNames = new Map<number, string>();
  readonly #pending = new Set<number>();

  constructor(options: RenderTypesOptions) {
    this.#named = options.named;
    this.#roots = {
      output: jsonSchemaOf(options.root, "output", options),
      input: jsonSchemaOf(options.root, "input", options),
    };
    this.#nodes = {
      output: collectEntries(this.#roots.output),
      input: collectEntries(this.#roots.input),
    };
    options.named.forEach((entry, index) => {
      for (const io of ["output", "input"] as const) {
        if (!this.#nodes[io].has(index)) {
          throw new TypeError(
            `Cannot name the type "${entry[io]}" as the root schema does not reach its schema`,
          );
        }
      }
    });
  }

  /** The name of a named schema's type in one direction. */
  nameOf(index: number, io: Io): string {
    const entry = this.#entry(index);
    if (io === "output") return entry.output;
    const known = this.#inputNames.get(index);
    if (known !== undefined) return known;
    // A recursive type refers to itself while its body renders: assume it is unchanged, and
    // check that assumption once the body is known.
    if (this.#pending.has(index)) return entry.output;
    this.#pending.add(index);
    const same = this.#body(index, "input") === this.#body(index, "output");
    this.#pending.delete(index);
    const name = same ? entry.output : entry.input;
    this.#inputNames.set(index, name);
    return name;
  }

  /** The exported declaration of a named type, with its JSDoc. */
  declaration(index: number, io: Io): string {
    const entry = this.#entry(index);
    const name = this.nameOf(index, io);
    const varies = this.nameOf(index, "input") !== entry.output;
    const doc = !varies
      ? entry.doc
      : io === "output"
      ? `${entry.doc}\n\nParsed: defaults applied and values normalised; ` +
        `{@linkcode ${entry.input}} is the form as written.`
      : `${entry.doc}\n\nAs written in a workflow file, before defaults and normalisation; ` +
        `parsing turns it into {@linkcode ${entry.output}}.`;
    const node = this.#node(index, io);
    const body = this.#body(index, io);
    const isInterface = node.type === "object" && isRecord(node.properties);
    return `${jsdoc(doc, "")}\n${
      isInterface ? `export interface ${name} ${body}` : `export type ${name} = ${body};`
    }`;
  }

  #entry(index: number): NamedSchema {
    const entry = this.#named[index];
    if (entry === undefined) throw new RangeError(`Cannot find named schema ${index}`);
    return entry;
  }

  #node(index: number, io: Io): Json {
    const node = this.#nodes[io].get(index);
    if (node === undefined) throw new RangeError(`Cannot find named schema ${index}`);
    return node;
  }

  #body(index: number, io: Io): string {
    return this.#type(this.#node(index, io), io, "", true);
  }

  #type(node: Json, io: Io, indent: string, top = false): string {
    if (node[UNREPRESENTABLE] === true) {
      throw new TypeError(
        "Cannot render a transform as its output type is not declared: add the pipe to " +
          "'transformOutputs' with a schema of what it returns",
      );
    }
    const entry = node[ENTRY];
    if (!top && typeof entry === "number") return this.nameOf(entry, io);
    if (typeof node.$ref === "string") return this.#type(this.#resolve(node.$ref, io), io, indent);
    const members = node.anyOf ?? node.oneOf;
    if (Array.isArray(members)) {
      return unique(members.map((member) => this.#type(asJson(member), io, indent))).join(" | ");
    }
    if ("const" in node) return literal(node.const);
    if (Array.isArray(node.enum)) return unique(node.enum.map(literal)).join(" | ");
    if (Array.isArray(node.type)) {
      return unique(node.type.map((type) => this.#type({ ...node, type }, io, indent))).join(" | ");
    }
    switch (node.type) {
      case "string":
        return "string";
      case "number":
      case "integer":
        return "number";
      case "boolean":
        return "boolean";
      case "null":
        return "null";
      case "array": {
        const item = node.items === undefined
          ? "unknown"
          : this.#type(asJson(node.items), io, indent);
        return item.includes(" | ") || item.startsWith("{") && item.includes("\n")
          ? `(${item})[]`
          : `${item}[]`;
      }
      case "object":
        return this.#object(node, io, indent);
      case undefined:
        return "unknown";
      default:
        throw new TypeError(`Cannot render the JSON Schema type "${String(node.type)}"`);
    }
  }

  #object(node: Json, io: Io, indent: string): string {
    const extra = node.additionalProperties;
    if (!isRecord(node.properties)) {
      if (extra === false) return "Record<string, never>";
      if (extra === undefined || extra === true) return "Record<string, unknown>";
      return `Record<string, ${this.#type(asJson(extra), io, indent)}>`;
    }
    if (extra !== undefined && extra !== false) {
      throw new TypeError("Cannot render an object with both properties and additional ones");
    }
    const required = new Set(Array.isArray(node.required) ? node.required : []);
    const inner = `${indent}  `;
    const lines = Object.entries(node.properties).map(([key, value]) => {
      const property = asJson(value);
      const type = this.#type(property, io, inner);
      const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
      const declared = required.has(key)
        ? `${name}: ${type};`
        : `${name}?: ${type === "unknown" ? type : `${type} | undefined`};`;
      const doc = propertyDoc(property);
      return doc === "" ? `${inner}${declared}` : `${jsdoc(doc, inner)}\n${inner}${declared}`;
    });
    return `{\n${lines.join("\n")}\n${indent}}`;
  }

  #resolve(ref: string, io: Io): Json {
    const match = /^#\/\$defs\/(.+)$/.exec(ref);
    const defs = this.#roots[io].$defs;
    const target = match?.[1] === undefined || !isRecord(defs) ? undefined : defs[match[1]];
    if (!isRecord(target)) throw new TypeError(`Cannot resolve the JSON Schema reference "${ref}"`);
    return target;
  }
}

function jsonSchemaOf(root: z.ZodType, io: Io, options: RenderTypesOptions): Json {
  const entries = new Map<unknown, number>(
    options.named.map((entry, index) => [entry.schema, index]),
  );
  return z.toJSONSchema(root, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => {
      const json = jsonSchema as Json;
      if (
        io === "output" && zodSchema instanceof z.ZodPipe && zodSchema.out instanceof z.ZodTransform
      ) {
        const output = lookUp(options.transformOutputs, zodSchema);
        if (output === undefined) {
          json[UNREPRESENTABLE] = true;
        } else {
          const { description } = json;
          for (const key of Object.keys(json)) delete json[key];
          const { $schema: _, ...schema } = z.toJSONSchema(output, { io: "output" }) as Json;
          Object.assign(json, schema, description === undefined ? {} : { description });
        }
      }
      const entry = lookUp(entries, zodSchema);
      if (entry !== undefined) json[ENTRY] = entry;
    },
  }) as Json;
}

/**
 * The value of a schema in a map, or of the schema it is a clone of: a clone made at a use site
 * by `.describe()` or a refinement has the type of the schema it was made from.
 */
function lookUp<T>(map: ReadonlyMap<unknown, T>, schema: unknown): T | undefined {
  for (let current = schema; current !== undefined; current = parentOf(current)) {
    const value = map.get(current);
    if (value !== undefined) return value;
  }
  return undefined;
}

function parentOf(schema: unknown): unknown {
  return schema instanceof z.ZodType ? schema._zod.parent : undefined;
}

/** Finds the first node of each named schema; later ones must have the same shape. */
function collectEntries(root: Json): Map<number, Json> {
  const found = new Map<number, Json>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isRecord(value)) return;
    const entry = value[ENTRY];
    if (typeof entry === "number") {
      const first = found.get(entry);
      if (first === undefined) found.set(entry, value);
      else if (shapeOf(first) !== shapeOf(value)) {
        throw new TypeError(`Cannot name named schema ${entry} as its uses differ in shape`);
      }
    }
    Object.values(value).forEach(visit);
  };
  visit(root);
  return found;
}

/** The node without what a use site adds (its description and default). */
function shapeOf(node: Json): string {
  const { description: _description, default: _default, ...shape } = node;
  return JSON.stringify(shape);
}

function propertyDoc(node: Json): string {
  const parts: string[] = [];
  if (typeof node.description === "string") parts.push(node.description);
  if ("default" in node) parts.push(`@default {${JSON.stringify(node.default)}}`);
  return parts.join("\n\n");
}

function jsdoc(text: string, indent: string): string {
  const width = LINE_WIDTH - indent.length - " * ".length;
  const lines = text.replaceAll("*/", "*\\/").split("\n").flatMap((line) => wrap(line, width));
  return [`${indent}/**`, ...lines.map((line) => `${indent} *${line === "" ? "" : ` ${line}`}`)]
    .concat(`${indent} */`).join("\n");
}

/** Wraps a line at spaces, keeping inline tags such as `{@linkcode X}` whole. */
function wrap(line: string, width: number): string[] {
  const words = line.match(/\{@[^}]*\}\S*|\S+/g) ?? [];
  const lines: string[] = [];
  let current = "";
  for (const word of words) {
    if (current !== "" && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current === "" ? word : `${current} ${word}`;
    }
  }
  return [...lines, current];
}

function literal(value: unknown): string {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
    return JSON.stringify(value);
  }
  throw new TypeError(`Cannot render the literal ${JSON.stringify(value)} as a type`);
}

function unique(types: readonly string[]): string[] {
  return [...new Set(types)];
}

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asJson(value: unknown): Json {
  if (value === true) return {};
  if (!isRecord(value)) {
    throw new TypeError(`Cannot render the JSON Schema ${JSON.stringify(value)}`);
  }
  return value;
}

function objectFieldSpecSchema(): z.ZodType {
  // `_zod.innerType` is the instance the schema uses (`unwrap()` would build a new one).
  const record = ObjectSchemaSchema instanceof z.ZodLazy
    ? ObjectSchemaSchema._zod.innerType
    : undefined;
  if (!(record instanceof z.ZodRecord)) {
    throw new TypeError(
      "Cannot find the sub-field schema as ObjectSchemaSchema is not a lazy record",
    );
  }
  return record.valueType as z.ZodType;
}

function pipeOf(schema: z.ZodType): z.ZodType {
  const inner = schema instanceof z.ZodOptional ? schema.unwrap() : schema;
  if (!(inner instanceof z.ZodPipe)) throw new TypeError("Cannot find the transform of a schema");
  return inner as z.ZodType;
}

/** The named types of a workflow file, in the order the generated file lists them. */
export const CONFIG_TYPES: readonly NamedSchema[] = [
  {
    schema: WorkflowSchema,
    output: "WorkflowConfig",
    input: "WorkflowInput",
    doc: "A whole workflow file: its flow, state, nodes, edges and settings.",
  },
  {
    schema: FlowSchema,
    output: "FlowConfig",
    input: "FlowInput",
    doc: "The `flow` section: the workflow's name, description and version.",
  },
  {
    schema: StateSchema,
    output: "StateConfig",
    input: "StateInput",
    doc: "The `state` section: a non-empty map of field name to field.",
  },
  {
    schema: StateFieldSchema,
    output: "StateFieldConfig",
    input: "StateFieldInput",
    doc: "One field of the workflow state.",
  },
  {
    schema: objectFieldSpecSchema(),
    output: "ObjectFieldSpec",
    input: "ObjectFieldSpecInput",
    doc: "A sub-field of an `object` type: a type string, or a field spec with its own sub-fields.",
  },
  {
    schema: NodeSchema,
    output: "NodeConfig",
    input: "NodeInput",
    doc: "One step of the workflow: a prompt, the model's structured answer, the state it writes.",
  },
  {
    schema: OutputSchemaSchema,
    output: "OutputSchemaConfig",
    input: "OutputSchemaInput",
    doc: "The shape a node's model must answer in (`output_schema`).",
  },
  {
    schema: OutputFieldSchema,
    output: "OutputFieldConfig",
    input: "OutputFieldInput",
    doc: "One field of an object output.",
  },
  {
    schema: NodeToolSchema,
    output: "NodeToolConfig",
    input: "NodeToolInput",
    doc: "A tool a node may call: a registered name, or a name with settings.",
  },
  {
    schema: LlmOverrideSchema,
    output: "LlmOverride",
    input: "LlmOverrideInput",
    doc: "A node's chat model settings; each field set overrides the workflow's.",
  },
  {
    schema: OptimizationSchema,
    output: "OptimizationConfig",
    input: "OptimizationInput",
    doc: "Prompt optimisation settings of v0.1 files: accepted and reported as not yet supported.",
  },
  {
    schema: EdgeSchema,
    output: "EdgeConfig",
    input: "EdgeInput",
    doc: "An edge: from a node (or START) by exactly one of `to`, `routes`, `loop`, `parallel`.",
  },
  {
    schema: RouteSchema,
    output: "RouteConfig",
    input: "RouteInput",
    doc: "One route of a conditional edge.",
  },
  {
    schema: RouteConditionSchema,
    output: "RouteCondition",
    input: "RouteConditionInput",
    doc: 'A route condition: an expression, or the default route (`{logic: "default"}` of ' +
      'v0.1 files becomes `"default"`).',
  },
  {
    schema: LoopSchema,
    output: "LoopConfig",
    input: "LoopInput",
    doc: "A loop: the source node repeats until a bool field is true or the count is reached.",
  },
  {
    schema: ParallelSchema,
    output: "ParallelConfig",
    input: "ParallelInput",
    doc: "A fan-out: one concurrent run of the target per item, results collected in item order.",
  },
  {
    schema: GlobalConfigSchema,
    output: "GlobalConfig",
    input: "GlobalConfigInput",
    doc: "The `config` section: model, execution and observability settings.",
  },
  {
    schema: LlmSchema,
    output: "LlmConfig",
    input: "LlmInput",
    doc: "The workflow's chat model settings, with the v0.1 defaults.",
  },
  {
    schema: ExecutionSchema,
    output: "ExecutionConfig",
    input: "ExecutionInput",
    doc: "How a run executes: timeouts, retries, recursion limit and budget.",
  },
  {
    schema: BudgetSchema,
    output: "BudgetConfig",
    input: "BudgetInput",
    doc: "Limits of a run, checked before every model call.",
  },
  {
    schema: ObservabilitySchema,
    output: "ObservabilityConfig",
    input: "ObservabilityInput",
    doc: "Observability settings: MLflow tracking and logging.",
  },
  {
    schema: MlflowSchema,
    output: "MlflowConfig",
    input: "MlflowInput",
    doc: "Where and how runs are recorded in MLflow.",
  },
  {
    schema: LoggingSchema,
    output: "LoggingConfig",
    input: "LoggingInput",
    doc: "Logging settings.",
  },
];

/** What each transform of the workflow schema returns. */
export const CONFIG_TRANSFORM_OUTPUTS: ReadonlyMap<z.ZodType, z.ZodType> = new Map<
  z.ZodType,
  z.ZodType
>([
  [pipeOf(WorkflowSchema.shape.schema_version), z.literal("1.0")],
  [pipeOf(FlowSchema.shape.version), z.string()],
  [RouteConditionSchema, RouteConditionSchema.in],
]);

/** The generated file. */
export const CONFIG_TYPES_FILE: URL = new URL("../src/config/workflow_types.ts", import.meta.url);

const HEADER =
  `// Generated by scripts/generate_config_types.ts from src/config/schema.ts. Do not edit.

/**
 * The types of workflow files, generated from the one zod schema (\`WorkflowSchema\` in
 * \`schema.ts\`) through its JSON Schema: \`*Config\` types are parsed files (defaults
 * applied), \`*Input\` types are files as written. The descriptions and defaults come from
 * the schema.
 *
 * Do not edit this file. After changing the schema, regenerate it from the repository root:
 *
 * \`\`\`sh
 * deno run --allow-read --allow-write=src/config/workflow_types.ts --allow-run=deno scripts/generate_config_types.ts
 * \`\`\`
 *
 * A test fails while this file is stale, and a type-level test checks that each type is
 * exactly the one zod infers.
 *
 * @module
 */`;

/**
 * Renders the types of workflow files (not yet formatted).
 *
 * @returns The source of `src/config/workflow_types.ts` before `deno fmt`.
 */
export function renderConfigTypes(): string {
  return renderTypes({
    root: WorkflowSchema,
    named: CONFIG_TYPES,
    transformOutputs: CONFIG_TRANSFORM_OUTPUTS,
    header: HEADER,
  });
}

/**
 * Formats TypeScript source with `deno fmt` and the repository's settings.
 *
 * @param source The source.
 * @returns The formatted source.
 * @throws {Error} When `deno fmt` fails (it reports a syntax error, say).
 */
export async function formatTypeScript(source: string): Promise<string> {
  const command = new Deno.Command("deno", {
    args: ["fmt", "--ext=ts", "-"],
    cwd: new URL("..", import.meta.url),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(source));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  if (code !== 0) {
    throw new Error(
      `Cannot format the generated types as deno fmt failed: ${
        new TextDecoder().decode(stderr).trim()
      }`,
    );
  }
  return new TextDecoder().decode(stdout);
}

/**
 * Generates the content of `src/config/workflow_types.ts`, formatted.
 *
 * @returns The file's content.
 */
export async function generateConfigTypes(): Promise<string> {
  return await formatTypeScript(renderConfigTypes());
}

if (import.meta.main) {
  await Deno.writeTextFile(CONFIG_TYPES_FILE, await generateConfigTypes());
}
