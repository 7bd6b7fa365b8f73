/**
 * Semantic checks of node outputs (SPEC section 3, item 2): outputs are state fields, match
 * the `output_schema` field names, and have types compatible with their state fields. For the
 * target of a parallel edge, the output is one element of the collected list.
 *
 * @module
 */
import type { JsonPath } from "./diagnostic.ts";
import type { NodeConfig } from "./schema.ts";
import type { CheckContext } from "./_check_context.ts";
import { checkSchemaPresence } from "./_check_state.ts";
import { type FieldType, tryParseType, typeMismatch } from "./_field_types.ts";
import { suggestName } from "./suggest.ts";

/**
 * Outputs exist in state, are unique, match `output_schema`, and their types fit.
 *
 * @param ctx The validation pass.
 */
export function checkOutputs(ctx: CheckContext): void {
  if (!ctx.hasState()) return;
  ctx.view.nodes.forEach((node, index) => {
    if (!node) return;
    const base = ["nodes", index];
    const fields = ctx.fieldNames();
    const seen = new Set<string>();
    node.outputs.forEach((output, o) => {
      const path = [...base, "outputs", o];
      if (seen.has(output)) {
        ctx.error("duplicate_output", `Cannot write "${output}" twice in one node`, path);
      }
      seen.add(output);
      if (!ctx.hasField(output)) {
        ctx.error("unknown_output", `Cannot write "${output}" as it is not a state field`, path, {
          suggestion: suggestName(output, fields, "state fields"),
        });
      }
    });
    if (node.output_schema) checkOutputSchema(ctx, node, base);
  });
}

/** The type an output of `node` must fit: the state field's, or a collected element's. */
function targetType(ctx: CheckContext, node: NodeConfig, output: string): FieldType | undefined {
  const field = ctx.fieldType(output);
  const parallel = ctx.parallelEdgeOf(node.id)?.parallel;
  if (!parallel || parallel.collect_field !== output) return field;
  if (!field || field.type.kind !== "list") return undefined;
  return field.type.element ? { type: field.type.element, schema: field.schema } : undefined;
}

function checkOutputSchema(ctx: CheckContext, node: NodeConfig, base: JsonPath): void {
  const schema = node.output_schema;
  if (!schema) return;
  const path = [...base, "output_schema"];
  const type = tryParseType(schema.type);
  if (!type) return;
  if (type.kind === "object" && schema.fields) {
    checkObjectFields(ctx, node, base);
    return;
  }
  if (schema.fields) {
    ctx.error(
      "output_fields_not_object",
      `Cannot use 'fields' with output_schema type "${schema.type}" as only type object has fields`,
      [...path, "fields"],
      { suggestion: "use 'type: object', or remove 'fields'" },
    );
    return;
  }
  if (type.kind === "object" && !schema.schema) {
    ctx.error(
      "output_fields_missing",
      `Cannot use output_schema of type "object" without 'fields' as the model needs to know what to return`,
      [...path, "type"],
      { suggestion: "add 'fields:' with one entry per output: name and type" },
    );
    return;
  }
  checkSchemaPresence(ctx, schema.type, schema.schema, path, "the output", false);
  if (node.outputs.length !== 1) {
    ctx.error(
      "output_count",
      `Cannot write ${node.outputs.length} outputs from an output_schema of type "${schema.type}" as it describes one value`,
      [...path, "type"],
      { suggestion: "use 'type: object' with one field per output" },
    );
    return;
  }
  const [output] = node.outputs;
  if (output === undefined) return;
  reportMismatch(ctx, node, output, { type, schema: schema.schema }, [...path, "type"]);
}

function checkObjectFields(ctx: CheckContext, node: NodeConfig, base: JsonPath): void {
  const fields = node.output_schema?.fields ?? [];
  const path = [...base, "output_schema", "fields"];
  const names = fields.map((field) => field.name);
  const seen = new Set<string>();
  fields.forEach((field, f) => {
    const fieldPath = [...path, f];
    if (seen.has(field.name)) {
      ctx.error("duplicate_output", `Cannot declare output field "${field.name}" twice`, [
        ...fieldPath,
        "name",
      ]);
      return;
    }
    seen.add(field.name);
    checkSchemaPresence(
      ctx,
      field.type,
      field.schema,
      fieldPath,
      `output field "${field.name}"`,
      false,
    );
    if (!node.outputs.includes(field.name)) {
      ctx.error(
        "output_mismatch",
        `Cannot return output field "${field.name}" as it is not in the node's outputs`,
        [...fieldPath, "name"],
        { suggestion: suggestName(field.name, node.outputs, "outputs") ?? `add it to outputs` },
      );
      return;
    }
    const type = tryParseType(field.type);
    if (type) {
      reportMismatch(ctx, node, field.name, { type, schema: field.schema }, [...fieldPath, "type"]);
    }
  });
  node.outputs.forEach((output, o) => {
    if (names.includes(output)) return;
    ctx.error(
      "output_mismatch",
      `Cannot write "${output}" as output_schema has no field with that name`,
      [...base, "outputs", o],
      { suggestion: suggestName(output, names, "output fields") },
    );
  });
}

function reportMismatch(
  ctx: CheckContext,
  node: NodeConfig,
  output: string,
  written: FieldType,
  path: JsonPath,
): void {
  const target = targetType(ctx, node, output);
  if (!target) return;
  const mismatch = typeMismatch(written, target);
  if (!mismatch) return;
  const parallel = ctx.parallelEdgeOf(node.id)?.parallel.collect_field === output;
  ctx.error(
    "output_type_mismatch",
    parallel
      ? `Cannot collect the output of "${node.id}" into "${output}" as ${mismatch}: a parallel target returns one element of the list`
      : `Cannot write output "${output}" to its state field as ${mismatch}`,
    path,
  );
}
