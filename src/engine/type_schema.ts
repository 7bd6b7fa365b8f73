/**
 * Zod schemas from the workflow type system: one function turns a parsed type (plus the
 * sub-fields of an `object`) into the schema that enforces it on inputs and LLM outputs.
 *
 * @module
 */
import { z } from "zod";
import type { ObjectFieldSpec } from "../config/schema.ts";
import {
  constraintProblem,
  formatTypeExpression,
  parseTypeExpression,
  type TypeExpression,
} from "../config/type_expression.ts";

/** Options of {@linkcode typeSchema}. */
export interface TypeSchemaOptions {
  /**
   * Sub-fields of the `object` in the type (also an `object` nested in a list or dict value, so
   * `list[object]` with sub-fields checks every element). Without them an `object` is any JSON
   * object.
   *
   * @default {undefined}
   */
  objectSchema?: Readonly<Record<string, ObjectFieldSpec>> | undefined;
  /**
   * Reject keys an object does not declare (for run inputs) instead of dropping them (for
   * model answers, which may add keys).
   *
   * @default {false}
   */
  strict?: boolean;
}

const INTEGER_KEY = /^-?\d+$/;
const NUMBER_KEY = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Builds the zod schema of a type: `int` rejects 1.5, `float` accepts 2, `int[1..5]` rejects 88
 * and `enum[a, b]` any other text (their JSON Schema has `minimum`/`maximum` and `enum`), list
 * elements and dict keys and values are checked, an `object` with sub-fields checks each of
 * them.
 *
 * @example Usage
 * ```ts
 * import { typeSchema } from "./type_schema.ts";
 * import { parseTypeExpression } from "../config/type_expression.ts";
 * const schema = typeSchema(parseTypeExpression("dict[str, list[int]]"));
 * if (!schema.safeParse({ a: [1, 2] }).success) throw new Error("should accept");
 * if (schema.safeParse({ a: [1.5] }).success) throw new Error("should reject 1.5");
 * ```
 *
 * @param type The parsed type.
 * @param options Sub-fields of an object and strictness.
 * @returns The schema.
 */
export function typeSchema(type: TypeExpression, options: TypeSchemaOptions = {}): z.ZodType {
  return TYPE_SCHEMAS[type.kind](type, options);
}

type SchemaBuilder = (type: TypeExpression, options: TypeSchemaOptions) => z.ZodType;

const TYPE_SCHEMAS: Record<TypeExpression["kind"], SchemaBuilder> = {
  str: (type) => type.kind === "str" && type.values ? z.enum(type.values) : z.string(),
  int: (type) => bounded(z.int(), type),
  float: (type) => bounded(z.number(), type),
  bool: () => z.boolean(),
  object: (_type, options) => objectSchema(options),
  list: (type, options) =>
    z.array(type.kind === "list" && type.element ? typeSchema(type.element, options) : z.unknown()),
  dict: (type, options) => {
    if (type.kind !== "dict" || !type.key || !type.value) {
      return z.record(z.string(), z.unknown());
    }
    return z.record(keySchema(type.key), typeSchema(type.value, options));
  },
};

/** Inclusive bounds, as `minimum`/`maximum` in the JSON Schema the model receives. */
function bounded(schema: z.ZodNumber, type: TypeExpression): z.ZodNumber {
  if (type.kind !== "int" && type.kind !== "float") return schema;
  let result = schema;
  if (type.minimum !== undefined) result = result.min(type.minimum);
  if (type.maximum !== undefined) result = result.max(type.maximum);
  return result;
}

function keySchema(type: TypeExpression): z.ZodType<string> {
  const KEY_SCHEMAS: Partial<Record<TypeExpression["kind"], z.ZodType<string>>> = {
    str: type.kind === "str" && type.values ? z.enum(type.values) : z.string(),
    int: z.string().regex(INTEGER_KEY, { error: "Expected an integer key" }),
    float: z.string().regex(NUMBER_KEY, { error: "Expected a numeric key" }),
    bool: z.enum(["true", "false"]),
  };
  const key = KEY_SCHEMAS[type.kind] ?? z.string();
  // A numeric key's bounds hold for the number it spells.
  return type.kind === "int" || type.kind === "float"
    ? key.refine((text) => constraintProblem(type, Number(text)) === undefined, {
      error: `Expected a key within ${formatTypeExpression(type)}`,
    })
    : key;
}

function objectSchema(options: TypeSchemaOptions): z.ZodType {
  const { objectSchema: fields, strict = false } = options;
  if (!fields) return z.record(z.string(), z.unknown());
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(fields)) {
    shape[name] = subFieldSchema(spec, strict);
  }
  return strict ? z.strictObject(shape) : z.object(shape);
}

function subFieldSchema(spec: ObjectFieldSpec, strict: boolean): z.ZodType {
  if (typeof spec === "string") return typeSchema(parseTypeExpression(spec), { strict });
  let schema = typeSchema(parseTypeExpression(spec.type), { objectSchema: spec.schema, strict });
  if (spec.description) schema = schema.describe(spec.description);
  return spec.required === false ? schema.nullable().optional() : schema;
}
