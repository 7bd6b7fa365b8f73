import { assert, assertEquals, assertStrictEquals, assertThrows } from "../_helpers/assert.ts";
import { positionOf } from "./_workflows.ts";
import type { Diagnostic } from "../../src/config/diagnostic.ts";
import { EvaluationSchema, SCORER_KINDS, scorerKind } from "../../src/config/evaluation_schema.ts";
import { resolveJudgeModel } from "../../src/config/judge_model.ts";
import { safeParseWorkflow } from "../../src/config/parse_workflow.ts";
import { workflowJsonSchema } from "../../src/config/json_schema.ts";

/** A workflow with every kind of field a scorer reads, then `evaluation` from line 18. */
function workflow(evaluation: string, llm = "{provider: openai, model: gpt-4o-mini}"): string {
  return `schema_version: "1.0"
flow: {name: qa}
state:
  fields:
    question: {type: str, required: true}
    answer: {type: str}
    total: {type: float}
    profile: {type: object, schema: {name: str, age: int}}
    tags: {type: "list[str]"}
nodes:
  - {id: answer, prompt: "Answer {state.question}", outputs: [answer, total, profile, tags]}
edges:
  - {from: START, to: answer}
  - {from: answer, to: END}
config: {llm: ${llm}}
evaluation:
  scorers:
${evaluation}`;
}

function problems(text: string, options: Parameters<typeof safeParseWorkflow>[1] = {}) {
  const result = safeParseWorkflow(text, { file: "w.yaml", ...options });
  return result.ok ? [...result.workflow.warnings] : [...result.diagnostics];
}

/**
 * Each expected problem as the diagnostic line it must be, placed where `needle` is in `text`
 * (found without the YAML parser).
 */
function expected(text: string, wanted: [needle: string, rest: string][]): string[] {
  return wanted.map(([needle, rest]) => `${positionOf(text, needle).join(":")} ${rest}`);
}

function lines(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) =>
    `${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}${
      d.suggestion ? ` (${d.suggestion})` : ""
    }`
  );
}

Deno.test("safeParseWorkflow() accepts the issue's scorer format and applies defaults", () => {
  const result = safeParseWorkflow(
    workflow(`    - { name: exact, exact_match: { field: answer, expected: answer } }
    - { name: mentions, contains: { field: answer, text: "Paris" } }
    - { name: cheap, max_cost_usd: 0.01 }
    - name: polite
      guidelines: "The answer is polite and one sentence long."
      field: answer
      model: { provider: openai, model: gpt-4o-mini }
`),
  );
  assert(result.ok, JSON.stringify(!result.ok && result.diagnostics));
  const scorers = result.workflow.config.evaluation?.scorers ?? [];
  assertEquals(scorers.map((s) => s.name), ["exact", "mentions", "cheap", "polite"]);
  assertEquals(scorers[0]?.exact_match, {
    field: "answer",
    expected: "answer",
    ignore_case: false,
    trim: false,
  });
  assertEquals(scorers[1]?.contains, { field: "answer", text: "Paris", ignore_case: false });
  assertEquals(scorers.map(scorerKind), ["exact_match", "contains", "max_cost_usd", "guidelines"]);
});

Deno.test("safeParseWorkflow() accepts every kind of scorer with its options", () => {
  const text = workflow(
    `    - { name: a, exact_match: { field: profile.name, ignore_case: true, trim: true } }
    - { name: b, contains: { field: tags, expected: tag, ignore_case: true } }
    - { name: c, regex: { field: answer, pattern: "^\\\\w+", flags: im } }
    - { name: d, numeric_within: { field: total, value: 3, tolerance: 0.5 } }
    - { name: e, numeric_within: { field: profile.age, tolerance: 0.1, relative: true } }
    - { name: f, json_valid: { field: answer, type: "dict[str, int]" } }
    - { name: g, type_check: { field: tags, type: "list[enum[x, y]]" } }
    - { name: h, max_cost_usd: 0 }
    - { name: i, max_latency_ms: 1500 }
    - { name: j, max_tokens: 2000 }
    - { name: k, guidelines: ["Be polite", "One sentence"], input: question }
    - { name: l, correctness: true }
    - { name: m, correctness: { expected: facts }, field: answer }
    - { name: n.o-p, relevance: true, model: { model: gpt-4o } }
`,
  );
  assertEquals(problems(text), []);
});

Deno.test("safeParseWorkflow() points at fields a scorer reads that the state lacks", () => {
  const text = workflow(`    - { name: a, exact_match: { field: anwser } }
    - { name: b, contains: { field: profile.nmae, text: x } }
    - { name: c, type_check: { field: tags.first, type: str } }
    - { name: d, guidelines: "Polite", field: answr, input: questoin }
`);
  assertEquals(
    lines(problems(text)),
    expected(text, [
      [
        "anwser",
        `error unknown_field Cannot score "anwser" in scorer "a" as it is not a state field (did you mean 'answer'?)`,
      ],
      [
        "profile.nmae",
        `error unknown_field Cannot score "profile.nmae" in scorer "b" as "profile" has no sub-field "nmae": its sub-fields are 'name', 'age' (did you mean 'name'?)`,
      ],
      [
        "tags.first",
        `error unknown_field Cannot score "tags.first" in scorer "c" as "tags" is a list, so "first" must be an index such as 0`,
      ],
      [
        "answr",
        `error unknown_field Cannot score "answr" in scorer "d" as it is not a state field (did you mean 'answer'?)`,
      ],
      [
        "questoin",
        `error unknown_field Cannot give scorer "d" the input "questoin" as it is not a state field (did you mean 'question'?)`,
      ],
    ]),
  );
});

Deno.test("safeParseWorkflow() requires exactly one kind key per scorer", () => {
  const none = workflow(`    - { name: none }\n`);
  assertEquals(
    lines(problems(none)),
    expected(none, [[
      "{ name: none }",
      `error scorer_kind Cannot use scorer "none" as it names no kind: add one of ${
        SCORER_KINDS.map((k) => `'${k}'`).join(", ")
      }`,
    ]]),
  );
  const two = workflow(`    - { name: two, max_tokens: 5, max_cost_usd: 1 }\n`);
  assertEquals(
    lines(problems(two)),
    expected(two, [[
      "5, max_cost_usd",
      `error scorer_kind Cannot combine 'max_cost_usd' and 'max_tokens' in scorer "two": one key names its kind, keep one and make another scorer for the rest`,
    ]]),
  );
  // A misspelt kind key is one problem, with its suggestion (not also "names no kind").
  const typo = workflow(`    - { name: typo, max_token: 5 }\n`);
  assertEquals(
    lines(problems(typo)),
    expected(typo, [[
      "max_token",
      `error unknown_key Cannot accept the key "max_token" as "evaluation.scorers[0]" has no such setting (did you mean 'max_tokens'?)`,
    ]]),
  );
});

Deno.test("safeParseWorkflow() checks each scorer's options", () => {
  const text = workflow(`    - { name: a, contains: { field: answer } }
    - { name: b, contains: { field: answer, text: x, expected: y } }
    - { name: c, numeric_within: { field: total, expected: t, value: 1 } }
    - { name: d, numeric_within: { field: answer } }
    - { name: e, regex: { field: answer, pattern: "a(" } }
    - { name: f, regex: { field: answer, pattern: a, flags: gi } }
    - { name: g, max_tokens: 1.5 }
    - { name: h, max_latency_ms: 0 }
    - { name: i, max_cost_usd: -1 }
    - { name: j, guidelines: [] }
    - { name: k, relevance: false }
    - { name: l, json_valid: { field: answer, type: "lst[int]" } }
    - { name: "9lives", max_tokens: 1 }
    - { name: m, max_tokens: 1, field: answer }
    - { name: n, exact_match: { field: "answer x" } }
`);
  assertEquals(
    lines(problems(text)),
    expected(text, [
      [
        "contains: { field: answer } }",
        "error scorer_option Cannot check 'contains' without what to look for: add 'text' or 'expected'",
      ],
      [
        "y }",
        "error scorer_option Cannot use both 'text' and 'expected' in 'contains': keep one",
      ],
      [
        "1 } }",
        "error scorer_option Cannot use both 'expected' and 'value' in 'numeric_within': keep one",
      ],
      [
        "answer } }\n    - { name: e",
        `error scorer_field_type Cannot compare state field "answer" of scorer "d" as a number as its type is "str": numeric_within reads an int or float field`,
      ],
      [
        `"a("`,
        `error invalid_regex Cannot compile the regular expression "a(": Invalid regular expression: /a(/: Unterminated group`,
      ],
      [
        "gi",
        `error invalid_regex Cannot use the regular expression flags "gi": use i, m, s or u (g and y would make each test depend on the one before)`,
      ],
      [
        "1.5",
        `error invalid_type Cannot accept 1.5 for "evaluation.scorers[6].max_tokens" as it must be a whole number`,
      ],
      [
        "0 }",
        `error out_of_range Cannot accept 0 for "evaluation.scorers[7].max_latency_ms" as it must be greater than 0`,
      ],
      [
        "-1",
        `error out_of_range Cannot accept -1 for "evaluation.scorers[8].max_cost_usd" as it must be at least 0`,
      ],
      [
        "guidelines: []",
        `error out_of_range Cannot accept an empty list for "evaluation.scorers[9].guidelines" as it needs at least 1 item`,
      ],
      [
        "false",
        `error invalid_value Cannot use false for "evaluation.scorers[10].relevance" as it must be true`,
      ],
      [
        "lst[int]",
        `error type_syntax Cannot parse the type "lst[int]": Unknown type "lst": known types are "str", "int", "float", "bool", "object", "list", "dict", "enum" (did you mean 'list'?)`,
      ],
      [
        `"9lives"`,
        `error invalid_name Cannot use "9lives" as a scorer name: start with a letter or underscore, then use letters, digits, "_", "-" or "."`,
      ],
      [
        "answer }\n    - { name: n",
        `error scorer_setting Cannot use 'field' beside 'max_tokens' in scorer "m" as only judges (guidelines, correctness, relevance) take it`,
      ],
      [
        `"answer x"`,
        `error invalid_field_path Cannot read "answer x" as a state field: write a field name, or a dotted path into an object such as "profile.name"`,
      ],
    ]),
  );
});

Deno.test("safeParseWorkflow() tells how to move a code scorer's field inside its kind", () => {
  const [problem] = problems(
    workflow(`    - { name: a, exact_match: { field: answer }, field: answer }\n`),
  );
  assertStrictEquals(
    problem?.message,
    `Cannot use 'field' beside 'exact_match' in scorer "a" as only judges (guidelines, correctness, relevance) take it: write it inside, as exact_match: {field: answer, ...}`,
  );
});

Deno.test("safeParseWorkflow() rejects two scorers of one name", () => {
  const text = workflow(`    - { name: same, max_tokens: 1 }
    - { name: other, max_tokens: 1 }
    - { name: same, max_cost_usd: 1 }
`);
  assertEquals(
    lines(problems(text)),
    expected(text, [[
      "same, max_cost_usd",
      `error duplicate_scorer Cannot use the scorer name "same" twice: it names an assessment and the metric "same/mean" (rename one of them)`,
    ]]),
  );
});

Deno.test("safeParseWorkflow() checks a judge's model: provider, model name, endpoint, price", () => {
  const text = workflow(`    - { name: a, relevance: true, model: { provider: opnai } }
    - { name: b, relevance: true, model: { provider: anthropic } }
    - { name: c, relevance: true, model: { provider: openai-compatible, model: m } }
    - { name: d, relevance: true, model: { model: gpt-9 } }
    - { name: e, relevance: true }
`);
  const found = problems(text, { isModelPriced: (_provider, model) => model !== "gpt-9" });
  assertEquals(
    lines(found),
    expected(text, [
      [
        "opnai",
        `error invalid_value Cannot use "opnai" for "evaluation.scorers[0].model.provider" as it must be one of "openai", "anthropic", "google", "ollama", "openai-compatible", "mock" (did you mean 'openai'?)`,
      ],
      [
        "anthropic",
        `error judge_model Cannot ask the judge of scorer "b" without 'model' as its provider "anthropic" is not the workflow's "openai" (name the anthropic model, such as 'model: {provider: anthropic, model: <name>}')`,
      ],
      [
        "openai-compatible",
        `error missing_base_url Cannot call an openai-compatible model for scorer "c" without 'base_url' (add 'base_url: http://host:port/v1' to the judge's model)`,
      ],
      [
        "gpt-9",
        `warning unpriced_model Cannot price model "gpt-9" of provider "openai" for scorer "d" as it is not in the price table: the judge's cost will be reported as unknown`,
      ],
    ]),
  );
});

Deno.test("safeParseWorkflow() checks the scorers of a workflow that has other errors", () => {
  const text = workflow(`    - { name: a, exact_match: { field: anwser } }\n`).replace(
    "outputs: [answer",
    "outputz: [answer",
  );
  const found = problems(text).map((d) => d.code);
  assert(found.includes("unknown_key"), found.join());
  assert(found.includes("unknown_field"), found.join());
});

Deno.test("resolveJudgeModel() takes the workflow's model unless the judge names another provider", () => {
  const llm = {
    provider: "ollama",
    model: "llama3",
    base_url: "http://localhost:11434",
    temperature: 0.9,
    max_tokens: 50,
  } as const;
  assertEquals(resolveJudgeModel(undefined, llm), {
    provider: "ollama",
    model: "llama3",
    base_url: "http://localhost:11434",
  });
  assertEquals(resolveJudgeModel({ model: "qwen3", temperature: 0 }, llm), {
    provider: "ollama",
    model: "qwen3",
    base_url: "http://localhost:11434",
    temperature: 0,
  });
  assertEquals(resolveJudgeModel({ provider: "openai", model: "gpt-4o-mini" }, llm), {
    provider: "openai",
    model: "gpt-4o-mini",
  });
  assertEquals(resolveJudgeModel({ provider: "openai" }, llm).model, undefined);
  assertEquals(
    resolveJudgeModel({ provider: "ollama", api_base: "http://gpu:11434" }, llm).base_url,
    "http://gpu:11434",
  );
});

Deno.test("scorerKind() names the one kind key, and refuses a scorer without one", () => {
  assertStrictEquals(scorerKind({ relevance: true }), "relevance");
  assertThrows(() => scorerKind({}), TypeError, "Cannot find the kind of the scorer");
});

Deno.test("EvaluationSchema parses its own output unchanged (scorersOf may check it again)", () => {
  const parsed = EvaluationSchema.parse({
    scorers: [{ name: "a", regex: { field: "x", pattern: "y" } }, { name: "b", max_tokens: 3 }],
  });
  assertEquals(EvaluationSchema.parse(parsed), parsed);
});

Deno.test("workflowJsonSchema() requires exactly one kind key per scorer and a scorer-name pattern", () => {
  const schema = workflowJsonSchema() as {
    properties: {
      evaluation: {
        properties: {
          scorers: {
            items: { oneOf: { required: string[] }[]; properties: Record<string, unknown> };
          };
        };
      };
    };
  };
  const scorer = schema.properties.evaluation.properties.scorers.items;
  assertEquals(scorer.oneOf.map((rule) => rule.required), SCORER_KINDS.map((kind) => [kind]));
  assertEquals(
    (scorer.properties.name as { pattern: string }).pattern,
    "^[A-Za-z_][A-Za-z0-9_.-]*$",
  );
  for (const key of [...SCORER_KINDS, "field", "input", "model"]) {
    assert(key in scorer.properties, key);
  }
});
