import { assert, assertEquals, assertStrictEquals } from "../_helpers/assert.ts";
import { workflowJsonSchema } from "../../src/config/json_schema.ts";

Deno.test("schema/workflow.schema.json is the schema workflowJsonSchema() generates", async () => {
  const committed = await Deno.readTextFile(
    new URL("../../schema/workflow.schema.json", import.meta.url),
  );
  assertStrictEquals(
    committed,
    JSON.stringify(workflowJsonSchema(), null, 2) + "\n",
    "regenerate it: deno run --allow-read cli.ts schema > schema/workflow.schema.json",
  );
});

Deno.test("workflowJsonSchema() describes the file as written, for editors", () => {
  const schema = workflowJsonSchema() as {
    $schema: string;
    required: string[];
    additionalProperties: boolean;
    properties: Record<string, { properties?: Record<string, unknown> }>;
    definitions: Record<string, unknown>;
  };
  assertStrictEquals(schema.$schema, "http://json-schema.org/draft-07/schema#");
  assertEquals(schema.required.sort(), ["edges", "flow", "nodes", "schema_version", "state"]);
  assertStrictEquals(schema.additionalProperties, false);
  assert("ObjectFields" in schema.definitions);
  assert(!JSON.stringify(schema).includes("__schema"));
  const node = JSON.stringify(schema.properties.nodes);
  for (const key of ["prompt_file", "output_schema", "on_error", "log_artifacts"]) {
    assert(node.includes(`"${key}"`), key);
  }
  assert(workflowJsonSchema() !== workflowJsonSchema(), "a new object each call");
});

Deno.test("workflowJsonSchema() offers a loop's back_to as an optional node name", () => {
  const schema = workflowJsonSchema() as {
    properties: { edges: { items: { properties: { loop: unknown } } } };
  };
  const loop = schema.properties.edges.items.properties.loop as {
    properties: Record<string, { type?: string; minLength?: number }>;
    required: string[];
  };
  assertEquals(loop.properties.back_to?.type, "string");
  assertEquals(loop.properties.back_to?.minLength, 1);
  assertEquals(loop.required, ["condition_field"]);
});
