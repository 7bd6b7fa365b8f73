import { assert, assertEquals, assertStrictEquals } from "../_helpers/assert.ts";
import { readYaml } from "../../src/config/read_yaml.ts";
import { MAX_YAML_NESTING } from "../../src/config/yaml_document.ts";
import { MAX_SOURCE_BYTES } from "../../src/config/constants.ts";
import { safeParseWorkflow } from "../../src/config/parse_workflow.ts";
import { aliasBomb, positionOf, VALID } from "./_workflows.ts";

function errors(text: string) {
  return readYaml(text, "in.yaml").diagnostics.filter((d) => d.severity === "error");
}

Deno.test("readYaml() reports each duplicate key at its second occurrence and keeps the last value", () => {
  const text = "a: 1\nb: {x: 1, y: 2, x: 3}\na: 2\n";
  const read = readYaml(text, "in.yaml");
  assert(read.ok);
  assertEquals(read.value, { a: 2, b: { x: 3, y: 2 } });
  assertEquals(read.diagnostics.map((d) => [d.code, d.message, d.line, d.column]), [
    [
      "duplicate_key",
      'Cannot use the key "x" twice in one mapping: remove or rename the second one',
      2,
      17,
    ],
    [
      "duplicate_key",
      'Cannot use the key "a" twice in one mapping: remove or rename the second one',
      3,
      1,
    ],
  ]);
});

Deno.test("readYaml() compares keys as the object keys they become, and lets merge keys repeat", () => {
  assertEquals(errors('1: a\n"1": b\n').map((d) => [d.code, d.line]), [["duplicate_key", 2]]);
  const merged = readYaml("base: &b {x: 1}\nmore: &m {y: 2}\nc:\n  <<: *b\n  <<: *m\n", "in.yaml");
  assertEquals(merged.diagnostics, []);
  assertEquals((merged.value as { c: unknown }).c, { x: 1, y: 2 });
});

Deno.test("readYaml() refuses a list or mapping used as a key", () => {
  const found = errors("? [a, b]\n: 1\n");
  assertEquals(found.map((d) => [d.code, d.line, d.column]), [["collection_key", 1, 3]]);
  assert(!readYaml("? {a: 1}\n: 1\n", "in.yaml").ok);
});

Deno.test("readYaml() refuses text nested deeper than MAX_YAML_NESTING, at the level too deep", () => {
  const depth = MAX_YAML_NESTING + 1;
  const text = "a: " + "[".repeat(depth) + "]".repeat(depth) + "\n";
  const found = errors(text);
  // The top-level mapping is level 1, so the first list too deep is the 200th bracket.
  assertEquals(found.map((d) => [d.code, d.line, d.column]), [
    ["yaml_syntax", 1, 3 + MAX_YAML_NESTING],
  ]);
  assert(found[0]?.message.includes(`nests more than ${MAX_YAML_NESTING} levels deep`));
  const deepest = "a: " + "[".repeat(depth - 2) + "]".repeat(depth - 2) + "\n";
  assert(readYaml(deepest, "in.yaml").ok);
});

Deno.test("readYaml() does not count brackets or indentation inside block scalars as nesting", () => {
  const block = Array.from({ length: 400 }, (_, i) => "  ".repeat(i + 2) + "[{(").join("\n");
  const text = `prompt: |\n${block}\nlist: "${"[".repeat(500)}"\n`;
  const read = readYaml(text, "in.yaml");
  assertEquals(read.diagnostics, []);
  assert(read.ok);
  const prompt = VALID.replace(
    '    prompt: "Research {state.topic}"',
    `    prompt: |\n      Research {state.topic}\n${
      Array.from({ length: 300 }, (_, i) => " ".repeat(6 + i) + "[".repeat(i)).join("\n")
    }`,
  );
  const result = safeParseWorkflow(prompt, { file: "w.yaml" });
  assert(result.ok, JSON.stringify(!result.ok && result.diagnostics.slice(0, 2)));
});

for (
  const [tag, value] of [
    ["!!binary", "aGVsbG8="],
    ["!!timestamp", "2001-12-14"],
    ["!!set", "{a, b}"],
    ["!!omap", "[{a: 1}]"],
    ["!!js/function", '"function () {}"'],
    ["!custom", "x"],
  ]
) {
  Deno.test(`readYaml() refuses the tag ${tag} with its position`, () => {
    const text = `a: 1\nb: ${tag} ${value}\n`;
    const read = readYaml(text, "in.yaml");
    assert(!read.ok, "a value with an unsupported tag is not read");
    assertEquals(read.diagnostics.map((d) => [d.severity, d.code, d.line, d.column]), [
      ["error", "yaml_tag", 2, 4],
    ]);
    const [diagnostic] = read.diagnostics;
    assert(diagnostic?.message.startsWith(`Cannot read the tag "${tag}"`), diagnostic?.message);
    assertStrictEquals(
      diagnostic?.suggestion,
      "remove the tag; quote the value to keep it as text",
    );
  });
}

Deno.test("readYaml() reads the core tags as their values", () => {
  const text = "a: !!str 1\nb: !!float 2.5\nc: !!bool true\nd: !!null ''\ne: !!seq [1]\n";
  const read = readYaml(text, "in.yaml");
  assertEquals(read.diagnostics, []);
  assertEquals(read.value, { a: "1", b: 2.5, c: true, d: null, e: [1] });
});

Deno.test("readYaml() reports one syntax error, with a hint, not its echoes", () => {
  const text = "a:\n  b: [1, 2\n  c: 3\nd: {e: 1\nf: 'x\n";
  const found = errors(text);
  assertStrictEquals(found.length, 1, JSON.stringify(found));
  assertStrictEquals(found[0]?.code, "yaml_syntax");
  assert(found[0]?.message.startsWith("Cannot read the YAML as it is malformed: "));
  assert((found[0]?.suggestion ?? "").length > 0, "a hint");
  const tabs = errors("a:\n\tb: 1\n");
  assertEquals(tabs.map((d) => [d.line, d.column, d.suggestion]), [
    [2, 1, "indent with spaces: YAML does not allow tabs for indentation"],
  ]);
});

Deno.test("readYaml() says to quote a bracketed type inside { } or [ ], in one error", () => {
  for (const type of ["list[str]", "dict[str, list[int]]"]) {
    const text = `fields:\n  tags: { type: ${type}, default: [] }\n  more: {type: str}\n`;
    const found = errors(text);
    assertEquals(found.map((d) => [d.code, d.line, d.column]), [
      ["yaml_syntax", ...positionOf(text, type)],
    ]);
    assertStrictEquals(
      found[0]?.message,
      `Cannot read the YAML as "${type}" is not quoted inside { } or [ ], where "[" starts a list`,
    );
    assertStrictEquals(
      found[0]?.suggestion,
      `put it in quotes ("${type}"), or write this mapping in block style with one key per line`,
    );
  }
  const inList = errors("a: [list[str], 1]\n");
  assertStrictEquals(inList[0]?.message.includes('"list[str]" is not quoted'), true);
});

Deno.test("readYaml() refuses an alias bomb at its first alias", () => {
  const found = errors(aliasBomb());
  assertEquals(found.map((d) => [d.code, d.line, d.column]), [["yaml_syntax", 2, 8]]);
  assert(found[0]?.message.includes("alias"), found[0]?.message);
});

Deno.test("readYaml() refuses a text longer than MAX_SOURCE_BYTES without parsing it", () => {
  const found = errors("a".repeat(MAX_SOURCE_BYTES + 1));
  assertEquals(found.map((d) => [d.code, d.line, d.column]), [["file_too_large", 1, 1]]);
  assert(found[0]?.message.includes("4 MiB"), found[0]?.message);
});
