/**
 * The JSON Schema of workflow files, generated from the zod schema, for editors
 * (`# yaml-language-server: $schema=...`).
 *
 * @module
 */
import { z } from "zod";
import { SCORER_KINDS, SCORER_NAME_PATTERN, WorkflowSchema } from "./schema.ts";

/**
 * Generates the JSON Schema (draft-07, the draft editors support best) of a workflow file as
 * written: defaults are optional and both forms of a setting are accepted. Rules the JSON
 * Schema cannot express (graph shape, types of outputs, placeholders) are checked by
 * `validate`. A scorer must have exactly one kind key (`oneOf`), and its name a pattern.
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
  const { $schema, ...rest } = withScorerRules(renameDefinitions(generated));
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

/**
 * What zod's refinements check on a scorer, written the JSON Schema way: exactly one kind key,
 * and a name of the scorer-name pattern.
 */
function withScorerRules(schema: Record<string, unknown>): Record<string, unknown> {
  const scorer = pathOf(schema, ["properties", "evaluation", "properties", "scorers", "items"]);
  const name = pathOf(scorer, ["properties", "name"]);
  if (!scorer || !name) throw new TypeError("Cannot find the scorer in the workflow's JSON Schema");
  name.pattern = SCORER_NAME_PATTERN.source;
  scorer.oneOf = SCORER_KINDS.map((kind) => ({ required: [kind] }));
  return schema;
}

function pathOf(
  value: Record<string, unknown> | undefined,
  path: readonly string[],
): Record<string, unknown> | undefined {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current !== null && typeof current === "object"
    ? current as Record<string, unknown>
    : undefined;
}
