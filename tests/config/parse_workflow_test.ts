import process from "node:process";
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "../_helpers/assert.ts";
import type { Diagnostic } from "../../src/config/diagnostic.ts";
import { parseWorkflow, safeParseWorkflow } from "../../src/config/parse_workflow.ts";
import { WorkflowSchema } from "../../src/config/schema.ts";
import { WorkflowError } from "../../src/errors.ts";
import { VALID } from "./_workflows.ts";

function problems(text: string, file = "w.yaml"): readonly Diagnostic[] {
  const result = safeParseWorkflow(text, { file });
  assert(!result.ok, "expected the workflow to be invalid");
  return result.diagnostics;
}

function only(text: string): Diagnostic {
  const errors = problems(text).filter((d) => d.severity === "error");
  assertStrictEquals(errors.length, 1, JSON.stringify(errors, null, 2));
  return errors[0] as Diagnostic;
}

Deno.test("parseWorkflow() returns the config with defaults, prompts and no warnings", () => {
  const workflow = parseWorkflow(VALID, { file: "demo.yaml" });
  assertStrictEquals(workflow.file, "demo.yaml");
  assertStrictEquals(workflow.config.config.execution.timeout, 120);
  assertEquals(workflow.prompts, { research: "Research {state.topic}" });
  assertEquals(workflow.warnings, []);
});

Deno.test("parseWorkflow() throws CONFIG_INVALID carrying every diagnostic", () => {
  const text = VALID.replace("name: demo", "nmae: demo").replace(
    "outputs: [notes]",
    "outputs: [note]",
  );
  const error = assertThrows(
    () => parseWorkflow(text, { file: "w.yaml" }),
    WorkflowError,
    'Cannot load the workflow "w.yaml" as it has 3 errors',
  );
  assertInstanceOf(error, WorkflowError);
  assertStrictEquals(error.code, "CONFIG_INVALID");
  assertStrictEquals(error.phase, "validate");
  assertEquals(error.diagnostics.map((d) => [d.code, d.line, d.column]), [
    ["missing_key", 2, 1],
    ["unknown_key", 3, 3],
    ["unknown_output", 11, 15],
  ]);
});

Deno.test("safeParseWorkflow() reports an empty file, a list and a scalar document without throwing", () => {
  for (const text of ["", "   \n", "# only a comment\n"]) {
    const [d] = problems(text);
    assertEquals([d?.code, d?.line, d?.column], ["empty_document", 1, 1]);
    assertStringIncludes(d?.message ?? "", "the file is empty");
  }
  const list = only("- a\n- b\n");
  assertEquals([list.code, list.line, list.column], ["not_a_mapping", 1, 1]);
  assertStringIncludes(list.message, "the document is a list");
  const scalar = only("\n\njust text\n");
  assertEquals([scalar.code, scalar.line, scalar.column], ["not_a_mapping", 3, 1]);
  assertStringIncludes(scalar.message, "a single value");
});

Deno.test("safeParseWorkflow() reports a YAML syntax error with its position", () => {
  const d = only("flow:\n  name: [a, b\nstate: {}\n");
  assertStrictEquals(d.code, "yaml_syntax");
  assertStringIncludes(d.message, "Cannot read the YAML as it is malformed");
  assertEquals([d.file, d.line], ["w.yaml", 3]);
});

Deno.test("safeParseWorkflow() reports a duplicate key and still checks the rest", () => {
  const text = VALID.replace("flow:\n  name: demo\n", "flow:\n  name: demo\n  name: again\n")
    .replace("outputs: [notes]", "outputs: [note]");
  const found = problems(text);
  assertEquals(found.map((d) => [d.code, d.line, d.column]), [
    ["duplicate_key", 4, 3],
    ["unknown_output", 12, 15],
  ]);
  assertStringIncludes(found[0]?.message ?? "", 'Cannot use the key "name" twice');
});

Deno.test("safeParseWorkflow() reads JSON with positions", () => {
  const json = JSON.stringify(
    {
      schema_version: "1.0",
      flow: { name: "j" },
      state: { fields: { a: { type: "str" } } },
      nodes: [{ id: "n", prompt: "x", outputs: ["a"], promt: "typo" }],
      edges: [{ from: "START", to: "n" }, { from: "n", to: "END" }],
    },
    null,
    2,
  );
  const d = only(json);
  const offset = json.indexOf('"promt"');
  const line = json.slice(0, offset).split("\n").length;
  const column = offset - json.lastIndexOf("\n", offset);
  assertEquals([d.code, d.line, d.column, d.suggestion], [
    "unknown_key",
    line,
    column,
    "did you mean 'prompt'?",
  ]);
});

Deno.test("safeParseWorkflow() parses without reading the environment and restores process.env", () => {
  const before = process.env;
  parseWorkflow(VALID);
  assertStrictEquals(process.env, before);
});

Deno.test("safeParseWorkflow() names an unknown key, its path and a close known key", () => {
  const d = only(
    VALID.replace("    outputs: [notes]", "    outputs: [notes]\n    tols: [http_get]"),
  );
  assertEquals([d.code, d.line, d.column], ["unknown_key", 12, 5]);
  assertEquals(d.path, ["nodes", 0, "tols"]);
  assertStringIncludes(d.message, 'Cannot accept the key "tols" as "nodes[0]" has no such setting');
  assertStrictEquals(d.suggestion, "did you mean 'tools'?");
  const far = only(VALID.replace("flow:\n", "flow:\n  colour: red\n"));
  assertStringIncludes(far.suggestion ?? "", "known keys are 'name', 'description', 'version'");
});

Deno.test("safeParseWorkflow() rewrites zod messages to name the value and the rule", () => {
  const cases: [string, string, string, number, number][] = [
    [
      VALID.replace("required: true}", "required: yes}"),
      'Cannot accept "yes" for "state.fields.topic.required" as it must be true or false',
      "invalid_type",
      6,
      34,
    ],
    [
      VALID.replace("  name: demo", "  name: ''"),
      'Cannot accept an empty text for "flow.name"',
      "out_of_range",
      3,
      9,
    ],
    [
      VALID.replace("outputs: [notes]", "outputs: notes"),
      'Cannot accept "notes" for "nodes[0].outputs" as it must be a list',
      "invalid_type",
      11,
      14,
    ],
    [
      VALID.replace("outputs: [notes]", "outputs:"),
      'Cannot accept an empty value for "nodes[0].outputs" as it must be a list',
      "invalid_type",
      11,
      5,
    ],
    [
      VALID.replace("    outputs: [notes]\n", ""),
      'Cannot accept "nodes[0]" as the required key "outputs" is missing',
      "missing_key",
      9,
      5,
    ],
    [
      VALID.replace("- id: research", "- id: 2research"),
      'Cannot use "2research" for "nodes[0].id" as it is not an identifier',
      "invalid_name",
      9,
      9,
    ],
    [
      VALID + "config: {llm: {provider: antropic}}\n",
      'Cannot use "antropic" for "config.llm.provider" as it must be one of',
      "invalid_value",
      15,
      26,
    ],
  ];
  for (const [text, fragment, code, line, column] of cases) {
    const d = only(text);
    assertStringIncludes(d.message, fragment);
    assertEquals([d.code, d.line, d.column], [code, line, column], fragment);
  }
});

Deno.test("safeParseWorkflow() suggests the closest enum value and type name", () => {
  assertStrictEquals(
    only(VALID + "config: {llm: {provider: antropic}}\n").suggestion,
    "did you mean 'anthropic'?",
  );
  const type = only(VALID.replace("{type: str, required", "{type: strng, required"));
  assertEquals([type.code, type.line, type.column, type.suggestion], [
    "type_syntax",
    6,
    19,
    "did you mean 'str'?",
  ]);
});

Deno.test("safeParseWorkflow() points a type syntax error at the fault inside the type", () => {
  const d = only(VALID.replace("{type: str, default", '{type: "dict[str, list[int]", default'));
  assertEquals([d.code, d.line, d.column], ["type_syntax", 7, 39]);
});

Deno.test("safeParseWorkflow() treats an empty optional setting as absent, as v0.1 did", () => {
  const text = VALID.replace("  name: demo\n", "  name: demo\n  description:\n  version:\n") +
    "config:\n  llm:\n  execution:\n";
  const result = safeParseWorkflow(text);
  assert(result.ok, JSON.stringify(result));
  assertStrictEquals(result.workflow.config.flow.description, undefined);
  assertStrictEquals(result.workflow.config.config.execution.timeout, 120);
});

Deno.test("safeParseWorkflow() keeps an unquoted version as written and null defaults", () => {
  const text = VALID.replace("  name: demo\n", "  name: demo\n  version: 1.0\n").replace(
    'default: ""',
    "default: null",
  );
  const result = safeParseWorkflow(text);
  assert(result.ok);
  assertStrictEquals(result.workflow.config.flow.version, "1.0");
  assertStrictEquals(result.workflow.config.state.fields.notes?.default, null);
});

Deno.test("safeParseWorkflow() reports schema and semantic problems together", () => {
  const text = VALID.replace("  name: demo", "  name: demo\n  owner: me").replace(
    "{from: research, to: END}",
    "{from: research, to: ENDD}",
  );
  assertEquals(problems(text).map((d) => d.code), ["unknown_key", "unknown_node"]);
});

Deno.test("safeParseWorkflow() checks prompt files given as text and reports missing ones", () => {
  const text = VALID.replace(
    'prompt: "Research {state.topic}"',
    "prompt_file: prompts/research.md",
  );
  const missing = only(text);
  assertEquals([missing.code, missing.line, missing.column], ["prompt_file_unreadable", 10, 18]);
  const bad = safeParseWorkflow(text, {
    file: "w.yaml",
    promptFiles: { "prompts/research.md": "Line one\nAbout {state.topc}\n" },
  });
  assert(!bad.ok);
  const [d] = bad.diagnostics;
  assertEquals([d?.code, d?.file, d?.line, d?.column], [
    "unknown_placeholder",
    "prompts/research.md",
    2,
    7,
  ]);
  assertEquals(d?.path, ["nodes", 0, "prompt_file"]);
  const good = safeParseWorkflow(text, {
    promptFiles: { "prompts/research.md": "About {state.topic}" },
  });
  assert(good.ok);
  assertEquals(good.workflow.prompts, { research: "About {state.topic}" });
});

Deno.test("WorkflowSchema is what parseWorkflow applies", () => {
  const direct = WorkflowSchema.parse(parseWorkflow(VALID).config);
  assertStrictEquals(direct.flow.name, "demo");
});

Deno.test("safeParseWorkflow() resolves anchors, aliases and merge keys", () => {
  const text = VALID.replace(
    "nodes:\n  - id: research\n",
    "nodes:\n  - &base\n    id: research\n",
  ).replace(
    "edges:\n",
    '  - <<: *base\n    id: again\n    prompt: "Again {state.notes}"\nedges:\n',
  ).replace("{from: research, to: END}", "{from: research, to: again}\n  - {from: again, to: END}");
  const result = safeParseWorkflow(text);
  assert(result.ok, JSON.stringify(result));
  assertEquals(result.workflow.config.nodes[1]?.outputs, ["notes"]);
  assertStrictEquals(result.workflow.config.nodes[1]?.id, "again");
});
