import { parseTypeExpression } from "../../src/config/type_expression.ts";
import { createStateModel, initialState } from "../../src/engine/state_model.ts";
import { typeSchema } from "../../src/engine/type_schema.ts";
import { WorkflowError } from "../../src/errors.ts";
import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";

function accepts(type: string, value: unknown): boolean {
  return typeSchema(parseTypeExpression(type)).safeParse(value).success;
}

Deno.test("typeSchema() makes int reject 1.5 and float accept 2", () => {
  assert(accepts("int", 2));
  assert(!accepts("int", 1.5));
  assert(accepts("float", 2));
  assert(accepts("float", 1.5));
  assert(!accepts("float", "1.5"));
});

Deno.test("typeSchema() enforces list elements and dict keys and values", () => {
  assert(accepts("list[int]", [1, 2]));
  assert(!accepts("list[int]", [1, "2"]));
  assert(accepts("list", [1, "x", null]));
  assert(accepts("dict[str, list[float]]", { a: [1, 2.5] }));
  assert(!accepts("dict[str, list[float]]", { a: ["x"] }));
  assert(accepts("dict[int, str]", { "1": "x" }));
  assert(!accepts("dict[int, str]", { one: "x" }));
  assert(accepts("dict[str, dict[str, list[int]]]", { a: { b: [1] } }));
  assert(!accepts("dict[str, dict[str, list[int]]]", { a: { b: [1.5] } }));
});

Deno.test("typeSchema() checks nested object sub-fields", () => {
  const schema = typeSchema(parseTypeExpression("object"), {
    objectSchema: {
      title: "str",
      author: { type: "object", schema: { name: "str", age: "int" } },
      note: { type: "str", required: false },
    },
  });
  assert(schema.safeParse({ title: "x", author: { name: "Ada", age: 36 } }).success);
  assert(!schema.safeParse({ title: "x", author: { name: "Ada", age: 36.5 } }).success);
  assert(!schema.safeParse({ title: "x" }).success);
});

Deno.test("typeSchema() applies object sub-fields to the elements of list[object]", () => {
  const schema = typeSchema(parseTypeExpression("list[object]"), {
    objectSchema: { name: "str" },
  });
  assert(schema.safeParse([{ name: "a" }]).success);
  assert(!schema.safeParse([{ name: 1 }]).success);
});

Deno.test("createStateModel() makes a field nullable only when neither required nor defaulted", () => {
  const model = createStateModel({
    a: { type: "str", required: true },
    b: { type: "str", required: false, default: "x" },
    c: { type: "str", required: false },
  });
  assertEquals(model.names, ["a", "b", "c"]);
  assert(!model.fields.a?.schema.safeParse(null).success);
  assert(!model.fields.b?.schema.safeParse(null).success);
  assert(model.fields.c?.schema.safeParse(null).success);
});

const model = createStateModel({
  topic: { type: "str", required: true },
  count: { type: "int", required: true },
  tags: { type: "list[str]", required: false, default: ["seed"] },
  scores: { type: "dict[str, float]", required: false },
  author: {
    type: "object",
    required: false,
    schema: { name: "str", links: "list[str]" },
  },
});

Deno.test("initialState() applies inputs, deep-copied defaults and nulls", () => {
  const first = initialState(model, { topic: "x", count: 2 });
  assertEquals(first, { topic: "x", count: 2, tags: ["seed"], scores: null, author: null });
  (first.tags as string[]).push("changed");
  assertEquals(initialState(model, { topic: "y", count: 1 }).tags, ["seed"]);
});

Deno.test("initialState() accepts a float input of 2 and a nested object", () => {
  const state = initialState(model, {
    topic: "x",
    count: 2,
    scores: { a: 2 },
    author: { name: "Ada", links: ["l"] },
  });
  assertEquals(state.scores, { a: 2 });
  assertEquals(state.author, { name: "Ada", links: ["l"] });
});

Deno.test("initialState() reports every input problem at once", () => {
  const error = assertThrows(
    () =>
      initialState(model, {
        topc: "x",
        count: 1.5,
        tags: ["a", 2],
        author: { name: "Ada", links: "l", extra: 1 },
      }),
    WorkflowError,
    "Cannot start the run as",
  ) as WorkflowError;
  assertEquals(error.code, "INPUT_INVALID");
  assertEquals(error.phase, "input");
  const codes = error.diagnostics.map((d) => `${d.code}:${d.path.join(".")}`);
  assert(codes.includes("unknown_input:inputs.topc"), codes.join());
  assert(codes.includes("missing_input:inputs.topic"), codes.join());
  assert(codes.includes("invalid_input:inputs.count"), codes.join());
  assert(codes.includes("invalid_input:inputs.tags.1"), codes.join());
  assert(codes.includes("invalid_input:inputs.author.links"), codes.join());
  assert(codes.some((c) => c.startsWith("invalid_input:inputs.author")), codes.join());
  const unknown = error.diagnostics.find((d) => d.code === "unknown_input");
  assertEquals(unknown?.suggestion, "did you mean 'topic'?");
  const count = error.diagnostics.find((d) => d.path.join(".") === "inputs.count");
  assert(count?.message.includes('does not match type "int"'), count?.message);
});

Deno.test("initialState() rejects null for a required field", () => {
  assertThrows(
    () => initialState(model, { topic: null, count: 1 }),
    WorkflowError,
    'Cannot accept input "topic" as it does not match type "str"',
  );
});
