/**
 * Output models: the zod schema a node's structured answer must follow (from its
 * `output_schema`, else from the types of the state fields it writes), and the check of an
 * answer against the state types before it is written.
 *
 * @module
 */
import { z } from "zod";
import { formatJsonPath, toJsonPath } from "../config/diagnostic.ts";
import type { NodeConfig, ObjectFieldSpec } from "../config/schema.ts";
import { parseTypeExpression, type TypeExpression } from "../config/type_expression.ts";
import { typeSchema } from "./type_schema.ts";

/** The type a node output must have in state. */
export interface OutputTarget {
  /** The declared type (for a parallel target: the element type of the collect field). */
  readonly type: TypeExpression;
  /** Sub-fields of its `object`. */
  readonly objectSchema: Readonly<Record<string, ObjectFieldSpec>> | undefined;
  /** Description of the state field. */
  readonly description: string | undefined;
}

/** The result of checking an answer. */
export type OutputCheck =
  | { readonly ok: true; readonly values: Record<string, unknown> }
  | { readonly ok: false; readonly problems: readonly string[] };

/** The answer schema of a node and the check of its answers. */
export interface OutputModel {
  /**
   * Schema of the answer the model gives: always an object (providers need one for tool and
   * structured-output calls), keyed by the node's output names. A node with one output of a
   * non-object type answers `{ <output>: value }`.
   */
  readonly schema: z.ZodObject;
  /**
   * Checks an answer against the answer schema and then each value against its state type.
   *
   * @param answer The parsed answer of the model.
   * @returns The values by output name, or every problem found (to feed back to the model).
   */
  check(answer: unknown): OutputCheck;
}

/**
 * Builds the output model of a node.
 *
 * @example Usage
 * ```ts
 * import { createOutputModel } from "./output_model.ts";
 * import { parseTypeExpression } from "../config/type_expression.ts";
 * const model = createOutputModel(
 *   { id: "score", outputs: ["score"], output_schema: { type: "int" } },
 *   { score: { type: parseTypeExpression("int"), objectSchema: undefined, description: "0-10" } },
 * );
 * const check = model.check({ score: 7 });
 * if (!check.ok || check.values.score !== 7) throw new Error("7 is an int");
 * if (model.check({ score: 7.5 }).ok) throw new Error("7.5 is not an int");
 * ```
 *
 * @param node The node (its `outputs`, `output_schema` and `description`).
 * @param targets The state type of every output.
 * @returns The output model.
 * @throws {TypeError} When an output has no target.
 */
export function createOutputModel(
  node: Pick<NodeConfig, "id" | "outputs" | "output_schema" | "description">,
  targets: Readonly<Record<string, OutputTarget>>,
): OutputModel {
  const targetSchemas: Record<string, z.ZodType> = {};
  for (const output of node.outputs) {
    const target = targets[output];
    if (!target) {
      throw new TypeError(
        `Cannot build the output model of node "${node.id}" as output "${output}" has no type`,
      );
    }
    targetSchemas[output] = typeSchema(target.type, { objectSchema: target.objectSchema });
  }
  const schema = answerSchema(node, targets);
  return {
    schema,
    check(answer) {
      const parsed = schema.safeParse(answer);
      if (!parsed.success) return { ok: false, problems: formatIssues(parsed.error, []) };
      const values: Record<string, unknown> = {};
      const problems: string[] = [];
      for (const output of node.outputs) {
        const checked = (targetSchemas[output] as z.ZodType).safeParse(parsed.data[output]);
        if (checked.success) values[output] = checked.data;
        else problems.push(...formatIssues(checked.error, [output]));
      }
      return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
    },
  };
}

function answerSchema(
  node: Pick<NodeConfig, "id" | "outputs" | "output_schema" | "description">,
  targets: Readonly<Record<string, OutputTarget>>,
): z.ZodObject {
  const spec = node.output_schema;
  const shape: Record<string, z.ZodType> = {};
  if (spec?.fields && spec.fields.length > 0) {
    for (const field of spec.fields) {
      const target = targets[field.name];
      shape[field.name] = described(
        typeSchema(parseTypeExpression(field.type), {
          objectSchema: field.schema ?? target?.objectSchema,
        }),
        field.description ?? target?.description,
      );
    }
  } else if (spec && node.outputs.length === 1) {
    const output = node.outputs[0] as string;
    const target = targets[output];
    shape[output] = described(
      typeSchema(parseTypeExpression(spec.type), {
        objectSchema: spec.schema ?? target?.objectSchema,
      }),
      spec.description ?? target?.description,
    );
  } else {
    for (const output of node.outputs) {
      const target = targets[output] as OutputTarget;
      shape[output] = described(
        typeSchema(target.type, { objectSchema: target.objectSchema }),
        target.description,
      );
    }
  }
  const description = (spec?.fields ? spec.description : undefined) ?? node.description;
  const schema = z.object(shape);
  return description ? schema.describe(description) : schema;
}

function described(schema: z.ZodType, description: string | undefined): z.ZodType {
  return description ? schema.describe(description) : schema;
}

function formatIssues(error: z.ZodError, prefix: readonly string[]): string[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...toJsonPath(issue.path)];
    return path.length > 0 ? `${formatJsonPath(path)}: ${issue.message}` : issue.message;
  });
}
