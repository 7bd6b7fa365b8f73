import { assertEquals, assertStrictEquals, assertThrows } from "../_helpers/assert.ts";
import {
  formatTypeExpression,
  isAssignableType,
  parseTypeExpression,
  type TypeExpression,
  TypeSyntaxError,
} from "../../src/config/type_expression.ts";

Deno.test("parseTypeExpression() parses every scalar type", () => {
  for (const name of ["str", "int", "float", "bool", "object"] as const) {
    assertEquals(parseTypeExpression(name), { kind: name });
  }
});

Deno.test("parseTypeExpression() parses list and dict with and without parameters", () => {
  assertEquals(parseTypeExpression("list"), { kind: "list" });
  assertEquals(parseTypeExpression("dict"), { kind: "dict" });
  assertEquals(parseTypeExpression("list[int]"), { kind: "list", element: { kind: "int" } });
  assertEquals(parseTypeExpression("dict[str, float]"), {
    kind: "dict",
    key: { kind: "str" },
    value: { kind: "float" },
  });
  assertEquals(parseTypeExpression("list[object]"), { kind: "list", element: { kind: "object" } });
});

Deno.test("parseTypeExpression() parses types nested to any depth", () => {
  const expected: TypeExpression = {
    kind: "dict",
    key: { kind: "str" },
    value: {
      kind: "dict",
      key: { kind: "str" },
      value: { kind: "list", element: { kind: "int" } },
    },
  };
  assertEquals(parseTypeExpression("dict[str, dict[str, list[int]]]"), expected);
  const deep = parseTypeExpression("list[list[list[list[dict[str, list[bool]]]]]]");
  assertStrictEquals(formatTypeExpression(deep), "list[list[list[list[dict[str, list[bool]]]]]]");
});

Deno.test("parseTypeExpression() ignores whitespace anywhere", () => {
  assertEquals(
    parseTypeExpression("  dict [ str ,\tlist[ int ] ]  "),
    parseTypeExpression("dict[str,list[int]]"),
  );
});

Deno.test("parseTypeExpression() rejects each malformed form with its offset", () => {
  const cases: [string, string, number][] = [
    ["", "Expected a type name but found the end", 0],
    ["   ", "Expected a type name but found the end", 3],
    ["strr", 'Unknown type "strr"', 0],
    ["string", 'Unknown type "string"', 0],
    ["List[int]", 'Unknown type "List"', 0],
    ["list[int", 'Expected "]" but found the end', 8],
    ["list[]", 'Expected a type name but found "]"', 5],
    ["list[int, str]", 'Expected "]" but found ","', 8],
    ["dict[str]", 'Expected "," but found "]"', 8],
    ["dict[str,]", 'Expected a type name but found "]"', 9],
    ["dict[str, int", 'Expected "]" but found the end', 13],
    ["int]", 'Unexpected "]" after the type', 3],
    ["str str", 'Unexpected "str" after the type', 4],
    ["list[tuple]", 'Unknown type "tuple"', 5],
    ["[int]", 'Expected a type name but found "["', 0],
    ["str | int", 'Unexpected "| int" after the type', 4],
  ];
  for (const [text, fragment, offset] of cases) {
    const error = assertThrows(() => parseTypeExpression(text), TypeSyntaxError, fragment);
    assertStrictEquals(
      (error as TypeSyntaxError).offset,
      offset,
      `offset of ${JSON.stringify(text)}`,
    );
    assertStrictEquals((error as TypeSyntaxError).source, text);
  }
});

Deno.test("formatTypeExpression() gives the canonical spelling", () => {
  assertStrictEquals(
    formatTypeExpression(parseTypeExpression("dict[ str,list[ int]]")),
    "dict[str, list[int]]",
  );
  assertStrictEquals(formatTypeExpression(parseTypeExpression("list")), "list");
});

Deno.test("isAssignableType() compares parsed types", () => {
  const t = parseTypeExpression;
  const yes: [string, string][] = [
    ["int", "float"],
    ["int", "int"],
    ["list[int]", "list[float]"],
    ["list[str]", "list"],
    ["dict[str, int]", "dict"],
    ["dict[str, list[int]]", "dict[str, list[float]]"],
    ["object", "object"],
    ["list[object]", "list[object]"],
  ];
  const no: [string, string][] = [
    ["float", "int"],
    ["str", "int"],
    ["list", "list[int]"],
    ["list[str]", "list[int]"],
    ["dict", "dict[str, int]"],
    ["dict[str, str]", "dict[str, int]"],
    ["object", "dict"],
    ["dict", "object"],
    ["list[int]", "int"],
  ];
  for (const [source, target] of yes) {
    assertStrictEquals(isAssignableType(t(source), t(target)), true, `${source} -> ${target}`);
  }
  for (const [source, target] of no) {
    assertStrictEquals(isAssignableType(t(source), t(target)), false, `${source} -> ${target}`);
  }
});
