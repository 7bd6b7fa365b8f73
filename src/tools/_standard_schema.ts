/**
 * Turns any Standard Schema (zod 4, zod 3.24+, valibot, arktype, ...) into the
 * {@linkcode ToolSchema} the engine uses: a synchronous `safeParse` over
 * `~standard.validate`, and a JSON Schema for the model from, in order, a JSON Schema the tool
 * gives, the schema's own Standard JSON Schema converter, zod 4's `z.toJSONSchema`, or the
 * zod 3 converter.
 *
 * @module
 */
import { z } from "zod";
import type {
  StandardToolSchema,
  StandardToolSchemaIssue,
  ToolJsonSchemaOptions,
  ToolSchema,
  ToolSchemaIssue,
  ToolSchemaResult,
} from "./tool_schema.ts";
import { isZod3Schema, zod3JsonSchema } from "./_zod3_json_schema.ts";

type Json = Record<string, unknown>;

const TARGET: ToolJsonSchemaOptions = { target: "draft-2020-12" };

/**
 * Tells whether a schema is a {@linkcode ToolSchema} as it is (a zod 4 schema is).
 *
 * @param schema A Standard Schema.
 * @returns `true` when it has `safeParse` and a Standard JSON Schema converter.
 */
export function isToolSchema(
  schema: StandardToolSchema,
): schema is ToolSchema & StandardToolSchema {
  const candidate = schema as unknown as Partial<ToolSchema>;
  return typeof candidate.safeParse === "function" &&
    typeof candidate["~standard"]?.jsonSchema?.output === "function";
}

/**
 * The {@linkcode ToolSchema} of a Standard Schema: the schema itself when it is one already
 * and no JSON Schema is given, else an adapter.
 *
 * @param schema Any Standard Schema.
 * @param jsonSchema The JSON Schema to show the model instead of converting `schema`.
 * @returns The tool schema; its converter throws a `TypeError` when `schema` has no JSON form.
 */
export function asToolSchema<TOutput>(
  schema: StandardToolSchema<TOutput>,
  jsonSchema?: Readonly<Json>,
): ToolSchema<TOutput> {
  if (jsonSchema === undefined && isToolSchema(schema)) return schema as ToolSchema<TOutput>;
  const standard = schema["~standard"];
  let json: Json | undefined = jsonSchema === undefined ? undefined : { ...jsonSchema };
  return {
    safeParse(value: unknown): ToolSchemaResult<TOutput> {
      const result = standard.validate(value);
      if (typeof (result as { then?: unknown }).then === "function") {
        throw new TypeError(
          `Cannot check a value with a "${standard.vendor}" schema as it validates asynchronously: use a schema without asynchronous checks`,
        );
      }
      const settled = result as Awaited<typeof result>;
      if (settled.issues === undefined) return { success: true, data: settled.value };
      return { success: false, error: { issues: settled.issues.map(plainIssue) } };
    },
    "~standard": {
      vendor: standard.vendor,
      jsonSchema: {
        input: () => structuredClone(json ??= convertedJsonSchema(schema)),
        output: () => structuredClone(json ??= convertedJsonSchema(schema)),
      },
    },
  };
}

/**
 * The keys an object schema declares, read from its JSON Schema (empty when it has none or
 * cannot be converted): the hint for an unknown key.
 *
 * @param schema A tool schema.
 * @returns The property names.
 */
export function declaredKeys(schema: ToolSchema): string[] {
  try {
    // The input side: a transformed field (a host rule) has no JSON form on the output side.
    const converter = schema["~standard"].jsonSchema;
    const properties = (converter.input ?? converter.output)(TARGET)["properties"];
    return typeof properties === "object" && properties !== null ? Object.keys(properties) : [];
  } catch {
    return [];
  }
}

function convertedJsonSchema(schema: StandardToolSchema): Json {
  const own = (schema["~standard"] as { jsonSchema?: { output?: unknown } }).jsonSchema?.output;
  if (typeof own === "function") return own(TARGET) as Json;
  if (typeof schema === "object" && schema !== null && "_zod" in schema) {
    // A zod 4 schema without the Standard JSON Schema properties (zod 4.0 and 4.1).
    return z.toJSONSchema(schema as unknown as z.ZodType, { target: "draft-2020-12" }) as Json;
  }
  if (isZod3Schema(schema)) return zod3JsonSchema(schema);
  throw new TypeError(
    `a "${schema["~standard"].vendor}" schema has no JSON Schema converter`,
  );
}

function plainIssue(issue: StandardToolSchemaIssue): ToolSchemaIssue {
  const path = (issue.path ?? []).map((segment) =>
    typeof segment === "object" && segment !== null ? segment.key : segment
  );
  return { ...issue, path };
}
