/**
 * Checks a literal value from the workflow file (a state default) against its declared type.
 *
 * @module
 */
import { type FieldType, subFieldType } from "./_field_types.ts";
import { constraintProblem, formatTypeExpression } from "./type_expression.ts";
import { ownValue } from "./_own_property.ts";

/**
 * Tells why `value` is not a valid value of `field`, or returns `undefined` when it is.
 * `int` rejects 1.5, `float` accepts 2, bounds and enumerations hold (`int[1..5]` rejects 88);
 * elements, dict values and declared object sub-fields are checked too.
 *
 * @param value The value.
 * @param field The declared type.
 * @param where Its name, for the message.
 * @returns The reason, or `undefined`.
 */
export function valueTypeProblem(
  value: unknown,
  field: FieldType,
  where: string,
): string | undefined {
  const { type } = field;
  const expected = `"${formatTypeExpression(type)}"`;
  const kindProblem = valueKindProblem(value, field, where, expected);
  if (kindProblem !== undefined) return kindProblem;
  const constraint = constraintProblem(type, value);
  return constraint === undefined ? undefined : `${where} ${constraint} for type ${expected}`;
}

function valueKindProblem(
  value: unknown,
  field: FieldType,
  where: string,
  expected: string,
): string | undefined {
  const { type, schema } = field;
  switch (type.kind) {
    case "str":
      return typeof value === "string" ? undefined : `${where} must be text for type ${expected}`;
    case "int":
      return Number.isInteger(value)
        ? undefined
        : `${where} must be a whole number for type ${expected}`;
    case "float":
      return typeof value === "number"
        ? undefined
        : `${where} must be a number for type ${expected}`;
    case "bool":
      return typeof value === "boolean"
        ? undefined
        : `${where} must be true or false for type ${expected}`;
    case "list": {
      if (!Array.isArray(value)) return `${where} must be a list for type ${expected}`;
      if (!type.element) return undefined;
      const element = { type: type.element, schema };
      for (const [index, item] of value.entries()) {
        const problem = valueTypeProblem(item, element, `${where}[${index}]`);
        if (problem) return problem;
      }
      return undefined;
    }
    case "dict":
    case "object": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return `${where} must be a mapping for type ${expected}`;
      }
      const entries = Object.entries(value);
      if (type.kind === "dict") {
        if (!type.value) return undefined;
        const valueType = { type: type.value, schema };
        for (const [key, item] of entries) {
          const problem = valueTypeProblem(item, valueType, `${where}.${key}`);
          if (problem) return problem;
        }
        return undefined;
      }
      if (!schema) return undefined;
      for (const [key, item] of entries) {
        const spec = ownValue(schema, key);
        if (spec === undefined) return `${where} has "${key}", which is not a declared sub-field`;
        const sub = subFieldType(spec);
        const problem = sub && item !== null
          ? valueTypeProblem(item, sub, `${where}.${key}`)
          : undefined;
        if (problem) return problem;
      }
      for (const [key, spec] of Object.entries(schema)) {
        const required = typeof spec === "string" || spec.required !== false;
        if (required && !Object.hasOwn(value, key)) return `${where} lacks the sub-field "${key}"`;
      }
      return undefined;
    }
  }
}
