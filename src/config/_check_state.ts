/**
 * Semantic checks of the state fields: `object` types declare their sub-fields, only object
 * types have sub-fields, and defaults match their types.
 *
 * @module
 */
import type { JsonPath } from "./diagnostic.ts";
import type { CheckContext } from "./_check_context.ts";
import { containsObject, type ObjectSchema, tryParseType } from "./_field_types.ts";
import { valueTypeProblem } from "./_value_type.ts";

/**
 * Object types have a `schema`, non-object types have none (recursively through sub-fields),
 * and every non-null default is a value of its field's type.
 *
 * @param ctx The validation pass.
 */
export function checkStateFields(ctx: CheckContext): void {
  for (const [name, field] of Object.entries(ctx.view.fields)) {
    const path = ["state", "fields", name];
    checkSchemaPresence(ctx, field.type, field.schema, path, `state field "${name}"`, true);
    if (field.schema) checkSubFields(ctx, field.schema, [...path, "schema"]);
    const type = ctx.fieldType(name);
    if (type && field.default !== undefined && field.default !== null) {
      const problem = valueTypeProblem(field.default, type, "the default");
      if (problem) {
        ctx.error("invalid_default", `Cannot use this default for "${name}" as ${problem}`, [
          ...path,
          "default",
        ]);
      }
    }
  }
}

/**
 * Reports an `object` type without sub-fields (when `required`) and sub-fields on a type
 * without `object`.
 *
 * @param ctx The validation pass.
 * @param typeText The type string.
 * @param schema Its declared sub-fields.
 * @param path The path of the field spec.
 * @param what The field, for messages.
 * @param required Whether an object type must declare its sub-fields here.
 */
export function checkSchemaPresence(
  ctx: CheckContext,
  typeText: string,
  schema: ObjectSchema | undefined,
  path: JsonPath,
  what: string,
  required: boolean,
): void {
  const type = tryParseType(typeText);
  if (!type) return;
  if (containsObject(type) && !schema && required) {
    ctx.error(
      "object_schema_missing",
      `Cannot use type "${typeText}" for ${what} without 'schema' as an object needs its sub-fields declared`,
      [...path, "type"],
      { suggestion: "add 'schema:' mapping each sub-field to a type, such as 'title: str'" },
    );
  } else if (!containsObject(type) && schema) {
    ctx.error(
      "schema_not_object",
      `Cannot use 'schema' for ${what} as its type "${typeText}" holds no object`,
      [...path, "schema"],
      { suggestion: "remove 'schema', or use type object" },
    );
  }
}

function checkSubFields(ctx: CheckContext, schema: ObjectSchema, path: JsonPath): void {
  for (const [name, spec] of Object.entries(schema)) {
    const subPath = [...path, name];
    if (typeof spec === "string") {
      const type = tryParseType(spec);
      if (type && containsObject(type)) {
        ctx.error(
          "object_schema_missing",
          `Cannot use type "${spec}" for sub-field "${name}" without 'schema' as an object needs its sub-fields declared`,
          subPath,
          { suggestion: `write it as '${name}: {type: ${spec}, schema: {...}}'` },
        );
      }
      continue;
    }
    checkSchemaPresence(ctx, spec.type, spec.schema, subPath, `sub-field "${name}"`, true);
    if (spec.schema) checkSubFields(ctx, spec.schema, [...subPath, "schema"]);
  }
}
