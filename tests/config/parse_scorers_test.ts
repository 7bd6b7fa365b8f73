import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertStrictEquals,
  assertThrows,
} from "../_helpers/assert.ts";
import type { Diagnostic } from "../../src/config/diagnostic.ts";
import {
  parseScorers,
  safeParseScorers,
  safePrepareScorers,
} from "../../src/config/parse_scorers.ts";
import { parseWorkflow, safeParseWorkflow } from "../../src/config/parse_workflow.ts";
import { WorkflowError } from "../../src/errors.ts";
import { positionOf } from "./_workflows.ts";

const WORKFLOW = parseWorkflow(`schema_version: "1.0"
flow: {name: qa}
state:
  fields:
    question: {type: str, required: true}
    answer: {type: str}
    confidence: {type: "float[0..1]"}
nodes:
  - {id: answer, prompt: "Answer {state.question}", outputs: [answer, confidence]}
edges:
  - {from: START, to: answer}
  - {from: answer, to: END}
config: {llm: {provider: openai, model: gpt-4o-mini}}
`);

function lines(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) =>
    `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}${
      d.suggestion ? ` (${d.suggestion})` : ""
    }`
  );
}

function at(text: string, needle: string): string {
  return `s.yaml:${positionOf(text, needle).join(":")}`;
}

Deno.test("safeParseScorers() reads a scorers file checked against the workflow", () => {
  const text = `# scorers of qa
scorers:
  - { name: exact, exact_match: { field: answer } }
  - { name: sure, numeric_within: { field: confidence, value: 1, tolerance: 0.2 } }
  - name: polite
    guidelines: ["Polite", "One sentence"]
    field: answer
`;
  const result = safeParseScorers(text, WORKFLOW, { file: "s.yaml" });
  assert(result.ok, JSON.stringify(!result.ok && result.diagnostics));
  assertEquals(result.evaluation.scorers.map((s) => s.name), ["exact", "sure", "polite"]);
  assertEquals(result.evaluation.scorers[1]?.numeric_within?.relative, false);
  assertEquals(result.warnings, []);
});

Deno.test("safeParseScorers() reports every problem with the file's positions and messages", () => {
  const text = `scorers:
  - { name: exact, exact_match: { field: anwser } }
  - { name: exact, max_tokens: 0 }
  - { name: judge, relevance: true, input: questoin }
  - { name: r, regex: { field: answer, pattern: "[" } }
scorer: 1
`;
  const result = safeParseScorers(text, WORKFLOW, { file: "s.yaml" });
  assert(!result.ok);
  assertEquals(lines(result.diagnostics), [
    `${
      at(text, "anwser")
    } error unknown_field Cannot score "anwser" in scorer "exact" as it is not a state field (did you mean 'answer'?)`,
    `${
      at(text, "0 }")
    } error out_of_range Cannot accept 0 for "scorers[1].max_tokens" as it must be greater than 0`,
    `${
      at(text, "questoin")
    } error unknown_field Cannot give scorer "judge" the input "questoin" as it is not a state field (did you mean 'question'?)`,
    `${
      at(text, `"["`)
    } error invalid_regex Cannot compile the regular expression "[": Invalid regular expression: /[/: Unterminated character class`,
    `${
      at(text, "scorer:")
    } error unknown_key Cannot accept the key "scorer" as a scorers file has no such section (did you mean 'scorers'?)`,
  ]);
});

Deno.test("safeParseScorers() finds duplicate names once every scorer is valid", () => {
  const text = "scorers:\n  - { name: a, max_tokens: 5 }\n  - { name: a, max_tokens: 6 }\n";
  const result = safeParseScorers(text, WORKFLOW, { file: "s.yaml" });
  assert(!result.ok);
  assertEquals(lines(result.diagnostics), [
    `s.yaml:3:13 error duplicate_scorer Cannot use the scorer name "a" twice: it names an assessment and the metric "a/mean" (rename one of them)`,
  ]);
});

Deno.test("safeParseScorers() explains a file that is not a mapping of scorers", () => {
  const cases: [string, string, string][] = [
    ["", "empty_document", "Cannot load the scorers as the file is empty"],
    ["# nothing\n", "empty_document", "Cannot load the scorers as the file is empty"],
    [
      "- { name: a, max_tokens: 1 }\n",
      "not_a_mapping",
      "Cannot load the scorers as the file is a list (put it under 'scorers:')",
    ],
    ["42\n", "not_a_mapping", "Cannot load the scorers as the file is a single value"],
    ["other: 1\n", "missing_key", 'Cannot accept the scorers file as the required key "scorers"'],
    ["scorers: [\n", "yaml_syntax", "Cannot read the YAML"],
    ["scorers: []\n", "out_of_range", 'Cannot accept an empty list for "scorers"'],
  ];
  for (const [text, code, message] of cases) {
    const result = safeParseScorers(text, WORKFLOW, { file: "s.yaml" });
    assert(!result.ok, text);
    const hit = result.diagnostics.find((d) => d.code === code);
    assert(
      hit !== undefined && hit.message.startsWith(message),
      `${text}: ${lines(result.diagnostics).join("\n")}`,
    );
    assertStrictEquals(hit.file, "s.yaml");
    assert(hit.line !== undefined && hit.column !== undefined, "a position");
  }
});

Deno.test("safeParseScorers() keeps warnings of a valid file apart", () => {
  const text = "scorers:\n  - { name: j, relevance: true, model: { model: gpt-9 } }\n";
  const result = safeParseScorers(text, WORKFLOW, {
    file: "s.yaml",
    isModelPriced: (_provider, model) => model !== "gpt-9",
  });
  assert(result.ok);
  assertEquals(result.warnings.map((w) => [w.code, w.line, w.column]), [
    ["unpriced_model", 2, 49],
  ]);
});

Deno.test("parseScorers() throws CONFIG_INVALID carrying the diagnostics", () => {
  const error = assertThrows(
    () =>
      parseScorers("scorers:\n  - { name: x, contains: { field: nope, text: a } }\n", WORKFLOW, {
        file: "s.yaml",
      }),
    WorkflowError,
    'Cannot load the scorers "s.yaml" as they have 1 error',
  );
  assertInstanceOf(error, WorkflowError);
  assertStrictEquals(error.code, "CONFIG_INVALID");
  assertStrictEquals(error.phase, "validate");
  assertEquals(error.diagnostics.map((d) => d.code), ["unknown_field"]);
});

Deno.test("safePrepareScorers() checks an object the same way, without positions", () => {
  const bad = safePrepareScorers(
    { scorers: [{ name: "x", exact_match: { field: "nope" } }] },
    WORKFLOW,
  );
  assert(!bad.ok);
  assertEquals(bad.diagnostics.map((d) => [d.code, d.path, d.line]), [
    ["unknown_field", ["scorers", 0, "exact_match", "field"], undefined],
  ]);
  const list = safePrepareScorers([], WORKFLOW);
  assert(!list.ok);
  assertStrictEquals(
    list.diagnostics[0]?.message,
    "Cannot prepare the scorers as they are a list: write { scorers: [...] }",
  );
  const good = safePrepareScorers({ scorers: [{ name: "fast", max_latency_ms: 100 }] }, WORKFLOW);
  assert(good.ok);
  assertEquals(good.evaluation, { scorers: [{ name: "fast", max_latency_ms: 100 }] });
});

Deno.test("a workflow's evaluation section and a scorers file give the same diagnostics", () => {
  const scorers = "  - { name: m, contains: { field: anser, text: x } }\n";
  const file = safeParseScorers(`scorers:\n${scorers}`, WORKFLOW);
  const inWorkflow = safeParseWorkflow(
    `schema_version: "1.0"
flow: {name: qa}
state: {fields: {question: {type: str, required: true}, answer: {type: str}}}
nodes: [{id: answer, prompt: "Answer {state.question}", outputs: [answer]}]
edges: [{from: START, to: answer}, {from: answer, to: END}]
evaluation:
  scorers:
${scorers.replace("  -", "    -")}`,
  );
  assert(!file.ok && !inWorkflow.ok);
  assertEquals(
    file.diagnostics.map((d) => [d.code, d.message, d.suggestion, d.column]),
    inWorkflow.diagnostics.map((d) => [d.code, d.message, d.suggestion, (d.column ?? 0) - 2]),
  );
});
