import { z } from "zod";
import { parseTypeExpression } from "../../src/config/type_expression.ts";
import { createOutputModel, type OutputTarget } from "../../src/engine/output_model.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";

function target(type: string, objectSchema?: OutputTarget["objectSchema"]): OutputTarget {
  return { type: parseTypeExpression(type), objectSchema, description: `the ${type}` };
}

Deno.test("createOutputModel() builds an object answer from output_schema fields", () => {
  const model = createOutputModel({
    id: "review",
    outputs: ["score", "notes"],
    output_schema: {
      type: "object",
      description: "A review",
      fields: [
        { name: "score", type: "int", description: "From 1 to 10" },
        { name: "notes", type: "list[str]" },
      ],
    },
  }, { score: target("int"), notes: target("list[str]") });
  const check = model.check({ score: 8, notes: ["ok"], extra: true });
  assert(check.ok);
  assertEquals(check.values, { score: 8, notes: ["ok"] });
  const json = z.toJSONSchema(model.schema) as {
    description?: string;
    properties: Record<string, { description?: string }>;
  };
  assertEquals(json.description, "A review");
  assertEquals(json.properties.score?.description, "From 1 to 10");
  assertEquals(json.properties.notes?.description, "the list[str]");
});

Deno.test("createOutputModel() wraps a single non-object output as {output: value}", () => {
  const model = createOutputModel(
    { id: "n", outputs: ["tags"], output_schema: { type: "list[str]" } },
    { tags: target("list[str]") },
  );
  assert(model.check({ tags: ["a"] }).ok);
  assert(!model.check(["a"]).ok);
});

Deno.test("createOutputModel() uses the state types when there is no output_schema", () => {
  const model = createOutputModel({ id: "n", outputs: ["count"] }, { count: target("int") });
  assert(model.check({ count: 2 }).ok);
  const bad = model.check({ count: 2.5 });
  assert(!bad.ok);
  assert(bad.problems[0]?.startsWith("count:"), bad.problems.join());
});

Deno.test("createOutputModel() checks nested objects against the state types", () => {
  const author = { name: "str", address: { type: "object", schema: { city: "str" } } };
  const model = createOutputModel({
    id: "n",
    outputs: ["author"],
    output_schema: { type: "object", fields: [{ name: "author", type: "object" }] },
  }, { author: target("object", author) });
  assert(model.check({ author: { name: "Ada", address: { city: "London" } } }).ok);
  const bad = model.check({ author: { name: "Ada", address: { city: 7 } } });
  assert(!bad.ok);
  assertEquals(bad.problems.length, 1);
  assert(bad.problems[0]?.startsWith("author.address.city:"), bad.problems[0]);
});

Deno.test("createOutputModel() checks an int answer written to a float field", () => {
  const model = createOutputModel(
    { id: "n", outputs: ["score"], output_schema: { type: "int" } },
    { score: target("float") },
  );
  assert(model.check({ score: 3 }).ok);
  assert(!model.check({ score: 3.5 }).ok);
});

Deno.test("createOutputModel() names a bad value by a path that reads back, odd keys quoted", () => {
  const model = createOutputModel({ id: "n", outputs: ["counts"] }, {
    counts: target("dict[str, list[int]]"),
  });
  const bad = model.check({ counts: { "two words": [1, 2.5] } });
  assert(!bad.ok);
  assert(bad.problems[0]?.startsWith('counts["two words"][1]:'), bad.problems[0]);
});
