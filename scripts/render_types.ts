/**
 * Renders named zod schemas as plain TypeScript interfaces and type aliases, through their JSON
 * Schema (`z.toJSONSchema`, `io: "output"` for the parsed types and `io: "input"` for the types
 * as written), with the schemas' descriptions and defaults as JSDoc.
 * `scripts/generate_config_types.ts` uses it for the types of workflow files.
 *
 * @module
 */
import { z } from "zod";
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
