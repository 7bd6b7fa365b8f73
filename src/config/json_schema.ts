/**
 * The JSON Schema of workflow files, generated from the zod schema, for editors
 * (`# yaml-language-server: $schema=...`).
 *
 * @module
 */
import { z } from "zod";
import { WorkflowSchema } from "./schema.ts";

/**
 * Generates the JSON Schema (draft-07, the draft editors support best) of a workflow file as
 * written: defaults are optional and both forms of a setting are accepted. Rules the JSON
 * Schema cannot express (graph shape, types of outputs, placeholders) are checked by
 * `validate`.
 *
 * @example Usage
 * ```ts
 * import { workflowJsonSchema } from "@configurable-agents/core";
 * const schema = workflowJsonSchema();
 * if (!JSON.stringify(schema.required).includes("nodes")) throw new Error();
 * ```
 *
 * @returns A new JSON Schema object each call.
 */
export function workflowJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(WorkflowSchema, {
    io: "input",
    target: "draft-7",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  const { $schema, ...rest } = renameDefinitions(generated);
  return {
    $schema,
    title: "configurable-agents workflow",
    description:
      "A workflow file of configurable-agents: typed state, LLM nodes and the edges between them",
    ...rest,
  };
}

/**
 * zod names the one recursive definition (the sub-fields of an object) `__schema0`; give it
 * a name an editor can show.
 */
function renameDefinitions(schema: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify(schema)
    .replaceAll('"#/definitions/__schema0"', '"#/definitions/ObjectFields"')
    .replace('"__schema0":', '"ObjectFields":');
  return JSON.parse(text);
}
