/**
 * JSON Schema of a zod 3 schema, for the model to read a tool's parameters. zod 3 has no
 * converter of its own (zod 4 has `z.toJSONSchema`), so this one reads zod 3's definitions
 * (`_def.typeName`), one converter per kind. A kind without a JSON form (a date, a lazy
 * schema, a function) is refused, naming where it is.
 *
 * @module
 */

type Json = Record<string, unknown>;

/** The definition every zod 3 schema carries. */
interface Zod3Def {
  readonly typeName: string;
  readonly description?: string | undefined;
  readonly [key: string]: unknown;
}

/** A zod 3 schema as this module reads it. */
interface Zod3Schema {
  readonly _def: Zod3Def;
}

/** One zod 3 check (`{ kind: "min", value: 1, inclusive: true }`). */
interface Zod3Check {
  readonly kind: string;
  readonly value?: unknown;
  readonly inclusive?: boolean;
  readonly regex?: RegExp;
}

/** A zod 3 kind that has no JSON Schema form. */
export class Zod3ConversionError extends TypeError {
  /** Where in the schema the kind is (`args.when`), empty for the root. */
  readonly at: string;

  /**
   * @param kind The zod type name.
   * @param at Where it is.
   */
  constructor(kind: string, at: string) {
    super(`"${kind}"${at ? ` at "${at}"` : ""} has no JSON Schema form`);
    this.name = "Zod3ConversionError";
    this.at = at;
  }
}

/**
 * Tells whether a value is a zod 3 schema (`vendor` "zod" with a zod 3 definition).
 *
 * @param value Any value.
 * @returns `true` for a zod 3 schema.
 */
export function isZod3Schema(value: unknown): value is Zod3Schema {
  if (typeof value !== "object" || value === null) return false;
  const def = (value as { _def?: unknown })._def;
  return typeof def === "object" && def !== null &&
    typeof (def as { typeName?: unknown }).typeName === "string" &&
    (value as { "~standard"?: { vendor?: unknown } })["~standard"]?.vendor === "zod";
}

/**
 * Converts a zod 3 schema to JSON Schema (draft 2020-12): objects, strings, numbers, booleans,
 * literals, enums, arrays, tuples, records, unions, intersections, optional, nullable and
 * default values, descriptions, and the checks that have a JSON form (lengths, bounds,
 * patterns, formats). Refinements and transforms are described by their inner schema.
 *
 * @param schema A zod 3 schema.
 * @returns Its JSON Schema.
 * @throws {Zod3ConversionError} For a kind without a JSON form.
 */
export function zod3JsonSchema(schema: Zod3Schema): Json {
  return convert(schema, "", 0);
}

const MAX_DEPTH = 64;

function convert(schema: Zod3Schema, at: string, depth: number): Json {
  const { typeName, description } = schema._def;
  const converter = CONVERTERS[typeName];
  if (converter === undefined || depth > MAX_DEPTH) throw new Zod3ConversionError(typeName, at);
  const json = converter(schema._def, at, depth + 1);
  return description === undefined || "description" in json ? json : { ...json, description };
}

type Converter = (def: Zod3Def, at: string, depth: number) => Json;

const inner = (key: string): Converter => (def, at, depth) =>
  convert(def[key] as Zod3Schema, at, depth);

const CONVERTERS: Readonly<Record<string, Converter>> = {
  ZodString: (def) => withChecks({ type: "string" }, def, STRING_CHECKS),
  ZodNumber: (def) =>
    withChecks(
      { type: checksOf(def).some((c) => c.kind === "int") ? "integer" : "number" },
      def,
      NUMBER_CHECKS,
    ),
  ZodBigInt: () => ({ type: "integer" }),
  ZodBoolean: () => ({ type: "boolean" }),
  ZodNull: () => ({ type: "null" }),
  ZodAny: () => ({}),
  ZodUnknown: () => ({}),
  ZodLiteral: (def) => ({ const: def["value"] }),
  ZodEnum: (def) => ({ type: "string", enum: [...def["values"] as string[]] }),
  ZodNativeEnum: (def) => {
    const values = def["values"] as Record<string, string | number>;
    // A numeric TypeScript enum maps its values back to its names too; keep the values.
    return {
      enum: Object.keys(values).filter((key) => typeof values[values[key] as string] !== "number")
        .map((key) => values[key]),
    };
  },
  ZodArray: (def, at, depth) => {
    const json: Json = {
      type: "array",
      items: convert(def["type"] as Zod3Schema, `${at}[]`, depth),
    };
    const exact = def["exactLength"] as { value: number } | null;
    const min = exact ?? def["minLength"] as { value: number } | null;
    const max = exact ?? def["maxLength"] as { value: number } | null;
    if (min) json["minItems"] = min.value;
    if (max) json["maxItems"] = max.value;
    return json;
  },
  ZodTuple: (def, at, depth) => {
    const items = (def["items"] as Zod3Schema[]).map((item, index) =>
      convert(item, `${at}[${index}]`, depth)
    );
    return { type: "array", prefixItems: items, minItems: items.length, maxItems: items.length };
  },
  ZodObject: (def, at, depth) => {
    const shape = (def["shape"] as () => Record<string, Zod3Schema>)();
    const properties: Json = {};
    const required: string[] = [];
    for (const [key, value] of Object.entries(shape)) {
      properties[key] = convert(value, at ? `${at}.${key}` : key, depth);
      if (!isOptional(value)) required.push(key);
    }
    const json: Json = { type: "object", properties };
    if (required.length > 0) json["required"] = required;
    const catchall = def["catchall"] as Zod3Schema | undefined;
    if (catchall !== undefined && catchall._def.typeName !== "ZodNever") {
      json["additionalProperties"] = convert(catchall, `${at}.*`, depth);
    } else if (def["unknownKeys"] === "strict") {
      json["additionalProperties"] = false;
    }
    return json;
  },
  ZodRecord: (def, at, depth) => {
    const json: Json = {
      type: "object",
      additionalProperties: convert(def["valueType"] as Zod3Schema, `${at}.*`, depth),
    };
    const keys = convert(def["keyType"] as Zod3Schema, `${at} keys`, depth);
    if (keys["enum"] !== undefined || keys["pattern"] !== undefined) json["propertyNames"] = keys;
    return json;
  },
  ZodUnion: (def, at, depth) => ({
    anyOf: (def["options"] as Zod3Schema[]).map((option) => convert(option, at, depth)),
  }),
  ZodDiscriminatedUnion: (def, at, depth) => ({
    anyOf: [...(def["options"] as Iterable<Zod3Schema>)].map((option) =>
      convert(option, at, depth)
    ),
  }),
  ZodIntersection: (def, at, depth) => ({
    allOf: [
      convert(def["left"] as Zod3Schema, at, depth),
      convert(def["right"] as Zod3Schema, at, depth),
    ],
  }),
  ZodOptional: inner("innerType"),
  ZodNullable: (def, at, depth) => ({
    anyOf: [convert(def["innerType"] as Zod3Schema, at, depth), { type: "null" }],
  }),
  ZodDefault: (def, at, depth) => ({
    ...convert(def["innerType"] as Zod3Schema, at, depth),
    default: (def["defaultValue"] as () => unknown)(),
  }),
  ZodEffects: inner("schema"),
  ZodBranded: inner("type"),
  ZodCatch: inner("innerType"),
  ZodReadonly: inner("innerType"),
  ZodPipeline: inner("in"),
};

function isOptional(schema: Zod3Schema): boolean {
  const { typeName } = schema._def;
  if (typeName === "ZodOptional" || typeName === "ZodDefault") return true;
  const wrapped = schema._def["innerType"] ?? schema._def["schema"] ?? schema._def["type"];
  return ["ZodEffects", "ZodBranded", "ZodCatch", "ZodReadonly"].includes(typeName) &&
    typeof wrapped === "object" && wrapped !== null && isOptional(wrapped as Zod3Schema);
}

function checksOf(def: Zod3Def): readonly Zod3Check[] {
  return Array.isArray(def["checks"]) ? def["checks"] as Zod3Check[] : [];
}

type CheckWriter = (json: Json, check: Zod3Check) => void;

function withChecks(json: Json, def: Zod3Def, writers: Readonly<Record<string, CheckWriter>>) {
  for (const check of checksOf(def)) writers[check.kind]?.(json, check);
  return json;
}

const FORMATS: Readonly<Record<string, string>> = {
  email: "email",
  url: "uri",
  uuid: "uuid",
  datetime: "date-time",
  date: "date",
  time: "time",
};

const STRING_CHECKS: Readonly<Record<string, CheckWriter>> = {
  min: (json, check) => void (json["minLength"] = check.value),
  max: (json, check) => void (json["maxLength"] = check.value),
  length: (json, check) => void (json["minLength"] = json["maxLength"] = check.value),
  regex: (json, check) => void (json["pattern"] = check.regex?.source),
  ...Object.fromEntries(
    Object.entries(FORMATS).map((
      [kind, format],
    ) => [kind, (json: Json) => void (json["format"] = format)]),
  ),
};

const NUMBER_CHECKS: Readonly<Record<string, CheckWriter>> = {
  min: (json, check) =>
    void (json[check.inclusive === false ? "exclusiveMinimum" : "minimum"] = check.value),
  max: (json, check) =>
    void (json[check.inclusive === false ? "exclusiveMaximum" : "maximum"] = check.value),
  multipleOf: (json, check) => void (json["multipleOf"] = check.value),
};
