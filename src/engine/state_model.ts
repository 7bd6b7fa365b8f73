/**
 * The state model of a workflow: a schema per state field from its declared type, and the
 * initial state of a run from its inputs (checked all at once) and the declared defaults.
 *
 * @module
 */
import type { z } from "zod";
import { type Diagnostic, formatJsonPath, toJsonPath } from "../config/diagnostic.ts";
import type { ObjectFieldSpec, StateFieldConfig } from "../config/schema.ts";
import {
  formatTypeExpression,
  parseTypeExpression,
  type TypeExpression,
} from "../config/type_expression.ts";
import { WorkflowError } from "../errors.ts";
import { closestName, quoteList } from "../config/suggest.ts";
import { typeSchema } from "./type_schema.ts";

/** One state field with its parsed type and schemas. */
export interface StateFieldModel {
  /** Field name. */
  readonly name: string;
  /** Parsed type. */
  readonly type: TypeExpression;
  /** Sub-fields when the type holds an `object`. */
  readonly objectSchema: Readonly<Record<string, ObjectFieldSpec>> | undefined;
  /** Description, shown to the model for outputs. */
  readonly description: string | undefined;
  /** `true` when the run's inputs must provide it. */
  readonly required: boolean;
  /** The declared default (deep-copied into each run), or `undefined`. */
  readonly defaultValue: unknown;
  /** `true` when neither required nor defaulted: the field starts as null and accepts null. */
  readonly nullable: boolean;
  /** Schema of a value written to the field by a node (unknown object keys dropped). */
  readonly schema: z.ZodType;
  /** Schema of a run input for the field (unknown object keys rejected). */
  readonly inputSchema: z.ZodType;
}

/** Schemas of every state field, in declaration order. */
export interface StateModel {
  /** Fields by name. */
  readonly fields: Readonly<Record<string, StateFieldModel>>;
  /** Field names in declaration order. */
  readonly names: readonly string[];
}

/**
 * Builds the state model of a workflow's `state.fields`.
 *
 * @example Usage
 * ```ts
 * import { createStateModel } from "./state_model.ts";
 * const model = createStateModel({
 *   count: { type: "int", required: true },
 *   score: { type: "float", required: false },
 * });
 * if (model.fields.count?.schema.safeParse(1.5).success) throw new Error("int rejects 1.5");
 * if (!model.fields.score?.schema.safeParse(null).success) throw new Error("score is nullable");
 * ```
 *
 * @param fields The declared state fields.
 * @returns The state model.
 */
export function createStateModel(
  fields: Readonly<Record<string, StateFieldConfig>>,
): StateModel {
  const models: Record<string, StateFieldModel> = {};
  for (const [name, field] of Object.entries(fields)) {
    const type = parseTypeExpression(field.type);
    const nullable = !field.required && (field.default === undefined || field.default === null);
    const base = typeSchema(type, { objectSchema: field.schema });
    const input = typeSchema(type, { objectSchema: field.schema, strict: true });
    models[name] = {
      name,
      type,
      objectSchema: field.schema,
      description: field.description,
      required: field.required,
      defaultValue: field.default ?? undefined,
      nullable,
      schema: nullable ? base.nullable() : base,
      inputSchema: nullable ? input.nullable() : input,
    };
  }
  return { fields: models, names: Object.keys(models) };
}

/**
 * Builds the initial state of a run: every field from the inputs, else a deep copy of its
 * default, else null. Every problem of the inputs is reported at once.
 *
 * @example Usage
 * ```ts
 * import { createStateModel, initialState } from "./state_model.ts";
 * const model = createStateModel({
 *   topic: { type: "str", required: true },
 *   tags: { type: "list[str]", required: false, default: ["x"] },
 *   summary: { type: "str", required: false },
 * });
 * const state = initialState(model, { topic: "tide pools" });
 * if (JSON.stringify(state) !== '{"topic":"tide pools","tags":["x"],"summary":null}') {
 *   throw new Error(JSON.stringify(state));
 * }
 * ```
 *
 * @param model The state model.
 * @param inputs The run's inputs by state field name.
 * @returns The initial state.
 * @throws {WorkflowError} `INPUT_INVALID` (phase `input`) listing every unknown, missing or
 * mistyped input in `diagnostics`.
 */
export function initialState(
  model: StateModel,
  inputs: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const diagnostics: Diagnostic[] = [];
  for (const name of Object.keys(inputs)) {
    if (Object.hasOwn(model.fields, name)) continue;
    const suggestion = closestName(name, model.names);
    diagnostics.push({
      severity: "error",
      code: "unknown_input",
      message: `Cannot accept input "${name}" as the state has no such field: known fields are ${
        quoteList(model.names)
      }`,
      path: ["inputs", name],
      ...(suggestion ? { suggestion: `did you mean '${suggestion}'?` } : {}),
    });
  }
  const state: Record<string, unknown> = {};
  for (const field of Object.values(model.fields)) {
    const given = Object.hasOwn(inputs, field.name) ? inputs[field.name] : undefined;
    if (given === undefined) {
      state[field.name] = defaultValue(field, diagnostics);
      continue;
    }
    const parsed = field.inputSchema.safeParse(given);
    if (parsed.success) state[field.name] = structuredClone(parsed.data);
    else diagnostics.push(...typeDiagnostics(field, parsed.error));
  }
  if (diagnostics.length > 0) {
    throw new WorkflowError(
      "INPUT_INVALID",
      `Cannot start the run as ${diagnostics.length} input problem${
        diagnostics.length === 1 ? " was" : "s were"
      } found: ${diagnostics.map((d) => d.message).join("; ")}`,
      { phase: "input", diagnostics },
    );
  }
  return state;
}

function defaultValue(field: StateFieldModel, diagnostics: Diagnostic[]): unknown {
  if (field.required) {
    diagnostics.push({
      severity: "error",
      code: "missing_input",
      message: `Cannot start the run without input "${field.name}" as it is required (type "${
        formatTypeExpression(field.type)
      }")`,
      path: ["inputs", field.name],
      suggestion: `pass it, e.g. -i ${field.name}=...`,
    });
    return null;
  }
  return field.defaultValue === undefined ? null : structuredClone(field.defaultValue);
}

function typeDiagnostics(field: StateFieldModel, error: z.ZodError): Diagnostic[] {
  return error.issues.map((issue) => {
    const path = [field.name, ...toJsonPath(issue.path)];
    return {
      severity: "error",
      code: "invalid_input",
      message: `Cannot accept input "${formatJsonPath(path)}" as it does not match type "${
        formatTypeExpression(field.type)
      }": ${issue.message}`,
      path: ["inputs", ...path],
    };
  });
}
