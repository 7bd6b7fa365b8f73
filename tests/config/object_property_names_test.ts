/**
 * Names that are also properties of every JavaScript object (`constructor`, `toString`,
 * `__proto__`, ...) are ordinary names: a placeholder, expression, prompt file or input
 * naming one is an unknown name, with its position. Lookups see own entries only.
 */
import { assert, assertEquals, assertStrictEquals, assertThrows } from "../_helpers/assert.ts";
import type { Diagnostic } from "../../src/config/diagnostic.ts";
import { safeParseWorkflow } from "../../src/config/parse_workflow.ts";
import { evaluateExpression, parseExpression } from "../../src/config/expression.ts";
import { resolveTemplate, TemplateReferenceError } from "../../src/engine/resolve_template.ts";
import { createStateModel, initialState } from "../../src/engine/state_model.ts";
import { WorkflowError } from "../../src/errors.ts";
import { positionOf, TOOL_NAMES } from "./_workflows.ts";
import { runCli } from "./_cli_io.ts";

function workflow(prompt: string, logic = "state.topic == 'x'"): string {
  return `schema_version: "1.0"
flow: {name: props}
state:
  fields:
    topic: {type: str, required: true}
    o: {type: object, schema: {a: str}}
    reply: {type: str}
nodes:
  - id: n
    prompt: "${prompt}"
    outputs: [reply]
  - id: m
    prompt: "Again {state.topic}"
    outputs: [reply]
edges:
  - {from: START, to: n}
  - from: n
    routes:
      - {condition: {logic: "${logic}"}, to: m}
      - {condition: default, to: END}
  - {from: m, to: END}
`;
}

function errorsOf(text: string): Diagnostic[] {
  const result = safeParseWorkflow(text, { file: "w.yaml", toolNames: TOOL_NAMES });
  return result.ok ? [] : result.diagnostics.filter((d) => d.severity === "error");
}

for (
  const placeholder of [
    "{constructor.name}",
    "{toString}",
    "{state.o.constructor}",
    "{o.hasOwnProperty}",
    "{valueOf}",
    "{__proto__}",
    "{state.o.__proto__}",
    "{o.a.length}",
  ]
) {
  Deno.test(`safeParseWorkflow() reports the placeholder ${placeholder} as unknown with its position`, () => {
    const text = workflow(`Hi ${placeholder}`);
    const errors = errorsOf(text);
    assertStrictEquals(errors.length, 1, JSON.stringify(errors));
    const [error] = errors;
    assertStrictEquals(error?.code, "unknown_placeholder");
    assertEquals([error?.line, error?.column], positionOf(text, placeholder));
  });
}

Deno.test("safeParseWorkflow() reports an object property in a route expression as unknown", () => {
  for (
    const logic of ["state.o.constructor == 1", "state.toString == 1", "state.o.a.length == 1"]
  ) {
    const text = workflow("Hi {state.topic}", logic);
    const errors = errorsOf(text);
    assertStrictEquals(errors.length, 1, JSON.stringify(errors));
    assertStrictEquals(errors[0]?.code, "unknown_field");
    assertEquals([errors[0]?.line, errors[0]?.column], positionOf(text, logic));
  }
});

Deno.test("safeParseWorkflow() reports a prompt_file named after an object property as unreadable", () => {
  for (const file of ["constructor", "toString", "__proto__"]) {
    const text = workflow("x").replace('prompt: "x"', `prompt_file: ${file}`);
    const result = safeParseWorkflow(text, { file: "w.yaml", promptFiles: {} });
    assert(!result.ok);
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    assertStrictEquals(errors.length, 1, JSON.stringify(errors));
    assertStrictEquals(errors[0]?.code, "prompt_file_unreadable");
  }
});

Deno.test("validate exits 2 with a position for placeholders and conditions naming object properties", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const text = workflow(
      "Hi {constructor.name} {toString} {state.o.constructor} {o.hasOwnProperty}",
    )
      .replace("state.topic == 'x'", "state.o.constructor == 1");
    await Deno.writeTextFile(`${dir}/w.yaml`, text);
    const { code, stdout, stderr } = await runCli(["validate", `${dir}/w.yaml`]);
    assertStrictEquals(code, 2, stdout + stderr);
    for (
      const name of [
        "{constructor.name}",
        "{toString}",
        "{state.o.constructor}",
        "{o.hasOwnProperty}",
      ]
    ) {
      const [line, column] = positionOf(text, name);
      assert(stdout.includes(`w.yaml:${line}:${column}: error: Cannot fill ${name}`), stdout);
    }
    const [line, column] = positionOf(text, "state.o.constructor == 1");
    assert(
      stdout.includes(`w.yaml:${line}:${column}: error: Cannot read "state.o.constructor"`),
      stdout,
    );
    assert(stdout.includes("invalid: 5 errors"), stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("evaluateExpression() reads own properties only", () => {
  const state = { o: { a: "x" }, tags: ["a"] };
  for (
    const text of [
      "state.o.constructor",
      "state.o.__proto__",
      "state.tags.length",
      "state.toString",
    ]
  ) {
    assertStrictEquals(evaluateExpression(parseExpression(text), state), null, text);
  }
  assertStrictEquals(evaluateExpression(parseExpression("state.o.a"), state), "x");
});

Deno.test("resolveTemplate() treats object properties as missing names", () => {
  for (
    const template of ["{toString}", "{state.constructor}", "{o.constructor.name}", "{o.a.length}"]
  ) {
    assertThrows(
      () => resolveTemplate(template, { state: { o: { a: "x" } }, inputs: {}, locals: {} }),
      TemplateReferenceError,
      "Cannot resolve",
    );
  }
});

Deno.test("initialState() refuses inputs named after object properties as unknown fields", () => {
  const model = createStateModel({ topic: { type: "str", required: true } });
  const inputs = JSON.parse('{"topic": "x", "__proto__": {"topic": 1}, "constructor": 2}');
  const error = assertThrows(() => initialState(model, inputs), WorkflowError, "__proto__");
  assert(error instanceof WorkflowError);
  assertEquals(
    error.diagnostics?.map((d) => d.path),
    [["inputs", "__proto__"], ["inputs", "constructor"]],
  );
});

Deno.test("initialState() reads only the inputs' own entries", () => {
  const model = createStateModel({ topic: { type: "str", required: true } });
  const inherited = Object.create({ topic: "from a prototype" }) as Record<string, unknown>;
  assertThrows(() => initialState(model, inherited), WorkflowError, 'without input "topic"');
});
