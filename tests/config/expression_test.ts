import { assertEquals, assertStrictEquals, assertThrows } from "../_helpers/assert.ts";
import {
  evaluateExpression,
  ExpressionEvaluationError,
  expressionFields,
  ExpressionSyntaxError,
  formatExpression,
  parseExpression,
} from "../../src/config/mod.ts";

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
