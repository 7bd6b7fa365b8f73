/**
 * Reserved names: names starting with `__` and the names every JavaScript object has cannot
 * name state fields, sub-fields, nodes or inputs; `validate` reports them where they are
 * written, and a `__proto__` key is never dropped silently.
 */
import { assert, assertEquals, assertStrictEquals } from "../_helpers/assert.ts";
import type { Diagnostic } from "../../src/config/diagnostic.ts";
import { safeParseWorkflow } from "../../src/config/parse_workflow.ts";
import { positionOf, TOOL_NAMES } from "./_workflows.ts";
import { runCli } from "./_cli_io.ts";

function errorsOf(text: string): Diagnostic[] {
  const result = safeParseWorkflow(text, { file: "w.yaml", toolNames: TOOL_NAMES });
  return result.ok ? [] : result.diagnostics.filter((d) => d.severity === "error");
}

const FIELD_NAMES = [
  "constructor",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "__proto__",
  "__loop_n",
];

function withField(name: string): string {
  return `schema_version: "1.0"
flow: {name: names}
state:
  fields:
    topic: {type: str, required: true}
    ${name}: {type: str}
    reply: {type: str}
nodes:
  - id: n
    prompt: "Hi {topic}"
    outputs: [reply]
edges:
  - {from: START, to: n}
  - {from: n, to: END}
`;
}

for (const name of FIELD_NAMES) {
  Deno.test(`safeParseWorkflow() refuses the state field "${name}" at its key`, () => {
    const text = withField(name);
    const errors = errorsOf(text);
    assertStrictEquals(errors.length, 1, JSON.stringify(errors));
    const [error] = errors;
    assertStrictEquals(error?.code, "reserved_name");
    assertStrictEquals(
      error?.message.startsWith(`Cannot use the name "${name}" as it is reserved`),
      true,
      error?.message,
    );
    assertEquals(error?.path, ["state", "fields", name]);
    assertEquals([error?.line, error?.column], positionOf(text, `${name}:`));
  });
}

Deno.test("safeParseWorkflow() refuses reserved sub-field, node, input and output names", () => {
  const text = `schema_version: "1.0"
flow: {name: names}
state:
  fields:
    topic: {type: str, required: true}
    o: {type: object, schema: {valueOf: str, inner: {type: object, schema: {__proto__: int}}}}
    reply: {type: str}
nodes:
  - id: constructor
    inputs: {toString: "{state.topic}", __proto__: "{state.topic}"}
    prompt: "Hi {topic}"
    outputs: [reply]
edges:
  - {from: START, to: constructor}
  - {from: constructor, to: END}
`;
  const errors = errorsOf(text).filter((d) => d.code === "reserved_name");
  assertEquals(errors.map((d) => [d.line, d.column]), [
    positionOf(text, "valueOf"),
    positionOf(text, "__proto__: int"),
    positionOf(text, "constructor"),
    positionOf(text, "toString"),
    positionOf(text, '__proto__: "'),
  ]);
});

Deno.test("safeParseWorkflow() refuses a __proto__ key of a JSON workflow instead of dropping it", () => {
  const text = JSON.stringify({
    schema_version: "1.0",
    flow: { name: "json" },
    state: { fields: JSON.parse('{"topic": {"type": "str"}, "__proto__": {"type": "str"}}') },
    nodes: [{ id: "n", prompt: "{topic}", outputs: ["topic"] }],
    edges: [{ from: "START", to: "n" }, { from: "n", to: "END" }],
  });
  const errors = errorsOf(text);
  assertEquals(errors.map((d) => [d.code, d.path]), [
    ["reserved_name", ["state", "fields", "__proto__"]],
  ]);
});

Deno.test("validate exits 2 naming the reserved state fields constructor and __proto__", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const text = withField("constructor").replace(
      "    reply:",
      "    __proto__: {type: int}\n    reply:",
    );
    await Deno.writeTextFile(`${dir}/w.yaml`, text);
    const { code, stdout, stderr } = await runCli(["validate", `${dir}/w.yaml`]);
    assertStrictEquals(code, 2, stdout + stderr);
    for (const name of ["constructor", "__proto__"]) {
      const [line, column] = positionOf(text, `${name}:`);
      assert(
        stdout.includes(
          `w.yaml:${line}:${column}: error: Cannot use the name "${name}" as it is reserved`,
        ),
        stdout,
      );
    }
    assert(stdout.includes("invalid: 2 errors"), stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
