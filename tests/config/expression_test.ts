import {
  assert,
  assertEquals,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "../_helpers/assert.ts";
import {
  evaluateExpression,
  ExpressionEvaluationError,
  expressionFields,
  ExpressionSyntaxError,
  formatExpression,
  parseExpression,
} from "../../src/config/expression.ts";
import { positionOf, VALID } from "./_workflows.ts";
import { runCli } from "./_cli_io.ts";

Deno.test("parseExpression() binds not, and, or and comparisons with the usual precedence", () => {
  const expression = parseExpression("not state.a or state.b == 1 and state.c in [1, 2]");
  assertStrictEquals(
    formatExpression(expression),
    "(not state.a) or ((state.b == 1) and (state.c in [1, 2]))",
  );
});

Deno.test("parseExpression() accepts {state.x} braces as written in v0.1 files", () => {
  assertEquals(expressionFields(parseExpression("{state.score} >= 8")), [
    { path: ["score"], offset: 0 },
  ]);
});

Deno.test("expressionFields() lists nested field paths with their offsets", () => {
  assertEquals(expressionFields(parseExpression("state.a.b != null and not (state.c < 2)")), [
    { path: ["a", "b"], offset: 0 },
    { path: ["c"], offset: 27 },
  ]);
});

Deno.test("parseExpression() reports the offset of a syntax error", () => {
  const cases: [string, string, number][] = [
    ["state.a = 1", "use '==' to compare", 8],
    ["state.a && state.b", "use 'and' / 'or'", 8],
    ["score > 3", "refer to state fields as state.score", 0],
    ["state.a >", "the expression ended", 9],
    ["(state.a", "Expected ')'", 8],
    ["state.a == 'open", "Unterminated text", 11],
  ];
  for (const [text, fragment, offset] of cases) {
    const error = assertThrows(() => parseExpression(text), ExpressionSyntaxError, fragment);
    assertStrictEquals((error as ExpressionSyntaxError).offset, offset, text);
  }
});

Deno.test("evaluateExpression() evaluates comparisons, membership and nested paths", () => {
  const state = { score: 8, label: "spam", tags: ["a"], profile: { city: "Lisbon" }, done: false };
  const check = (text: string) => evaluateExpression(parseExpression(text), state);
  assertStrictEquals(check("state.score >= 8 and not state.done"), true);
  assertStrictEquals(check("state.label in ['spam', 'junk']"), true);
  assertStrictEquals(check("'a' in state.tags"), true);
  assertStrictEquals(check("state.profile.city == 'Lisbon'"), true);
  assertStrictEquals(check("state.missing == null"), true);
  assertStrictEquals(check("state.score < -1 or state.score > 10"), false);
});

Deno.test("evaluateExpression() fails loudly on a type error instead of falling to a default", () => {
  assertThrows(
    () => evaluateExpression(parseExpression("state.label > 3"), { label: "x" }),
    ExpressionEvaluationError,
    "both sides must be numbers or both text",
  );
  assertThrows(
    () => evaluateExpression(parseExpression("state.score and true"), { score: 1 }),
    ExpressionEvaluationError,
    "Cannot apply 'and'",
  );
});

Deno.test("parseExpression() refuses conditions nested deeper than 100 levels, with the offset", () => {
  const cases: [string, number][] = [
    ["(".repeat(2000) + "state.a" + ")".repeat(2000), 100],
    ["not ".repeat(2000) + "state.a", 400],
    ["[".repeat(2000) + "]".repeat(2000), 100],
    [Array(2000).fill("state.a == 1").join(" or "), 1581],
    [Array(2000).fill("state.a").join(" and "), 1196],
  ];
  for (const [text, offset] of cases) {
    const error = assertThrows(() => parseExpression(text), ExpressionSyntaxError, "100 levels");
    assertStrictEquals((error as ExpressionSyntaxError).offset, offset, text.slice(0, 30));
  }
  const deepest = "(".repeat(99) + "state.a" + ")".repeat(99);
  assertEquals(expressionFields(parseExpression(deepest)), [{ path: ["a"], offset: 99 }]);
  const longest = Array(50).fill("state.a == 1").join(" or ");
  assertStrictEquals(evaluateExpression(parseExpression(longest), { a: 1 }), true);
});

Deno.test("validate exits 2 with the position of a route condition nested 2000 deep", async () => {
  const logic = "(".repeat(2000) + "state.topic == 'x'" + ")".repeat(2000);
  const text = VALID.replace(
    "  - {from: research, to: END}",
    `  - from: research\n    routes:\n      - {condition: {logic: "${logic}"}, to: END}\n      - {condition: default, to: END}`,
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/deep.yaml`, text);
    const { code, stdout, stderr } = await runCli(["validate", `${dir}/deep.yaml`]);
    assertStrictEquals(code, 2, stdout + stderr);
    const [line, column] = positionOf(text, logic);
    assertStringIncludes(
      stdout,
      `deep.yaml:${line}:${column + 100}: error: Cannot parse the condition "(((`,
    );
    assertStringIncludes(stdout, "nests deeper than 100 levels");
    assert(stdout.length < 1000, "the message quotes the start of the condition only");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
