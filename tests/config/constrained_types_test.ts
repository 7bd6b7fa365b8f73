/**
 * The constrained type forms: `enum[a, b, c]` and numeric bounds `int[1..5]`, `float[0..1]`,
 * parsed, formatted, compared, checked in defaults and reported with positions.
 */
import { assertEquals, assertStrictEquals, assertThrows } from "../_helpers/assert.ts";
import {
  formatTypeExpression,
  isAssignableType,
  parseTypeExpression,
  TypeSyntaxError,
} from "../../src/config/type_expression.ts";
import { safeParseWorkflow } from "../../src/config/parse_workflow.ts";
import { constraintProblem } from "../../src/config/type_expression.ts";

Deno.test("parseTypeExpression() parses enum values, quoted or bare, and numeric bounds", () => {
  assertEquals(parseTypeExpression("enum[ low, medium ,high ]"), {
    kind: "str",
    values: ["low", "medium", "high"],
  });
  assertEquals(parseTypeExpression(`enum["needs work", 'done, mostly', ok]`), {
    kind: "str",
    values: ["needs work", "done, mostly", "ok"],
  });
  assertEquals(parseTypeExpression("int[1..5]"), { kind: "int", minimum: 1, maximum: 5 });
  assertEquals(parseTypeExpression("float[ -0.5 .. 1.5 ]"), {
    kind: "float",
    minimum: -0.5,
    maximum: 1.5,
  });
  assertEquals(parseTypeExpression("int[0..]"), { kind: "int", minimum: 0 });
  assertEquals(parseTypeExpression("float[..100]"), { kind: "float", maximum: 100 });
  assertEquals(parseTypeExpression("dict[enum[a, b], list[int[1..3]]]"), {
    kind: "dict",
    key: { kind: "str", values: ["a", "b"] },
    value: { kind: "list", element: { kind: "int", minimum: 1, maximum: 3 } },
  });
});

Deno.test("parseTypeExpression() rejects malformed enums and bounds with their offset", () => {
  const cases: [string, string, number][] = [
    ["enum", 'Expected "[" after enum', 4],
    ["enum[]", "Expected an enum value", 5],
    ["enum[a, b, a]", 'The value "a" is listed twice in enum', 11],
    ["enum['open", "has no closing '", 5],
    ["int[5..1]", "The lower bound 5 of int[5..1] is above its upper bound", 0],
    ["int[1.5..2]", "The bound 1.5 of an int must be a whole number", 4],
    ["float[..]", "Give float[min..max] at least one bound", 0],
    ["int[1, 5]", 'Expected ".." between the bounds', 5],
  ];
  for (const [text, fragment, offset] of cases) {
    const error = assertThrows(() => parseTypeExpression(text), TypeSyntaxError, fragment);
    assertStrictEquals((error as TypeSyntaxError).offset, offset, text);
  }
});

Deno.test("formatTypeExpression() writes enums and bounds back canonically", () => {
  for (
    const [text, canonical] of [
      ["enum[ a,b ]", "enum[a, b]"],
      [`enum['needs work', done]`, 'enum["needs work", done]'],
      ["int[ 1 .. 5 ]", "int[1..5]"],
      ["float[0..]", "float[0..]"],
      ["list[float[..1]]", "list[float[..1]]"],
    ]
  ) {
    assertEquals(formatTypeExpression(parseTypeExpression(text as string)), canonical);
    assertEquals(parseTypeExpression(canonical as string), parseTypeExpression(text as string));
  }
});

Deno.test("isAssignableType() keeps bounds and enumerations", () => {
  const ok = (source: string, target: string) =>
    isAssignableType(parseTypeExpression(source), parseTypeExpression(target));
  assertEquals(ok("int[1..5]", "int"), true);
  assertEquals(ok("int[1..5]", "float[0..10]"), true);
  assertEquals(ok("int[1..5]", "int[2..5]"), false);
  assertEquals(ok("int", "int[1..5]"), false);
  assertEquals(ok("float[0..1]", "int[0..1]"), false);
  assertEquals(ok("enum[a, b]", "str"), true);
  assertEquals(ok("enum[a, b]", "enum[a, b, c]"), true);
  assertEquals(ok("enum[a, d]", "enum[a, b, c]"), false);
  assertEquals(ok("str", "enum[a]"), false);
  assertEquals(ok("list[enum[a]]", "list[str]"), true);
});

Deno.test("constraintProblem() tells why a value breaks a bound or an enumeration", () => {
  const problem = (type: string, value: unknown) =>
    constraintProblem(parseTypeExpression(type), value);
  assertEquals(problem("int[1..5]", 88), "must be from 1 to 5");
  assertEquals(problem("float[0..]", -1), "must be at least 0");
  assertEquals(problem("int[..9]", 10), "must be at most 9");
  assertEquals(problem("enum[low, high]", "mid"), 'must be one of "low", "high"');
  assertEquals(problem("int[1..5]", 5), undefined);
  assertEquals(problem("str", "anything"), undefined);
});

const WORKFLOW = (state: string, output: string) =>
  `schema_version: "1.0"
flow: {name: review}
state:
  fields:
    draft: {type: str, required: true}
${state}
nodes:
  - id: review
    prompt: "Rate {draft}"
    outputs: [score]
    output_schema: {type: "${output}"}
edges:
  - {from: START, to: review}
  - {from: review, to: END}
`;

Deno.test("validate reports a default or an output that breaks a declared bound or enumeration", () => {
  const errors = (text: string) => {
    const result = safeParseWorkflow(text, { file: "w.yaml" });
    return result.ok ? [] : result.diagnostics.filter((d) => d.severity === "error");
  };
  const badDefault = errors(WORKFLOW(`    score: {type: "int[1..5]", default: 88}`, "int[1..5]"));
  assertEquals(badDefault.map((d) => [d.message, d.line]), [[
    'Cannot use this default for "score" as the default must be from 1 to 5 for type "int[1..5]"',
    6,
  ]]);
  const widened = errors(WORKFLOW(`    score: {type: "int[1..5]"}`, "int"));
  assertEquals(widened.length, 1);
  assertEquals(
    widened[0]?.message.includes('type "int" cannot be stored in type "int[1..5]"'),
    true,
    widened[0]?.message,
  );
  assertEquals(errors(WORKFLOW(`    score: {type: int}`, "int[1..5]")), []);
  const badEnum = errors(
    WORKFLOW(`    score: {type: "enum[low, high]", default: mid}`, "enum[low]"),
  );
  assertEquals(
    badEnum[0]?.message,
    'Cannot use this default for "score" as the default must be one of "low", "high" for type "enum[low, high]"',
  );
});
