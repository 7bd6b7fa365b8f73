/**
 * Plausible run inputs for a workflow's required state fields, for tests that run every
 * example or fixture file.
 *
 * @module
 */
import type { ObjectFieldSpec, StateFieldConfig } from "../../src/config/schema.ts";
import { parseTypeExpression, type TypeExpression } from "../../src/config/type_expression.ts";

/** A plausible value of a type (an object follows its sub-field schema). */
export function sampleValue(
  type: TypeExpression,
  schema?: Readonly<Record<string, ObjectFieldSpec>>,
): unknown {
  switch (type.kind) {
    case "str":
      return "tide pools";
    case "int":
      return 3;
    case "float":
      return 1.5;
    case "bool":
      return true;
    case "list":
      return type.element
        ? [sampleValue(type.element, schema), sampleValue(type.element, schema)]
        : ["a"];
    case "dict":
      return { "1": type.value ? sampleValue(type.value, schema) : "x" };
    case "object": {
      const value: Record<string, unknown> = {};
      for (const [name, spec] of Object.entries(schema ?? {})) {
        value[name] = typeof spec === "string"
          ? sampleValue(parseTypeExpression(spec))
          : sampleValue(parseTypeExpression(spec.type), spec.schema);
      }
      return value;
    }
  }
}

/** Inputs for every required field of a workflow's state. */
export function sampleInputs(
  fields: Readonly<Record<string, StateFieldConfig>>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, field]) => field.required).map((
      [name, field],
    ) => [name, sampleValue(parseTypeExpression(field.type), field.schema)]),
  );
}
