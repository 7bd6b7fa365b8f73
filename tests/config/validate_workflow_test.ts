import {
  assert,
  assertEquals,
  assertStrictEquals,
  assertStringIncludes,
} from "../_helpers/assert.ts";
import type { Diagnostic } from "../../src/config/diagnostic.ts";
import { parseWorkflow, safeParseWorkflow } from "../../src/config/parse_workflow.ts";
import { validateWorkflow } from "../../src/config/validate_workflow.ts";
import { positionOf, TOOL_NAMES, VALID } from "./_workflows.ts";

function errorsOf(text: string): Diagnostic[] {
  const result = safeParseWorkflow(text, { file: "w.yaml", toolNames: TOOL_NAMES });
  return result.ok ? [] : result.diagnostics.filter((d) => d.severity === "error");
}

const LOOP_AND_ROUTES = `schema_version: "1.0"
flow: {name: cycles}
state:
  fields:
    topic: {type: str, required: true}
    draft: {type: str, default: ""}
    score: {type: int, default: 0}
    done: {type: bool, default: false}
    profile:
      type: object
      default: null
      schema:
        name: str
        links: list[str]
        address: {type: object, schema: {city: str}}
    ideas: {type: "list[object]", default: [], schema: {title: str, votes: int}}
    picks: {type: "list[str]", default: []}
nodes:
  - id: write
    inputs:
      owner: "{state.profile}"
    prompt: "Write about {state.topic} for {owner.address.city}, see {state.profile.links.0}"
    outputs: [draft]
  - id: review
    prompt: "Score {state.draft}"
    outputs: [score, done]
  - id: pick
    prompt: "Pick the best of idea {item_index}: {item.title} ({item.votes} votes)"
    outputs: [picks]
    output_schema: {type: str}
edges:
  - {from: START, to: write}
  - {from: write, to: review}
  - from: review
    routes:
      - {condition: {logic: "state.score < 5 and state.profile.address.city != 'x'"}, to: write}
      - {condition: default, to: review_loop}
  - from: review_loop
    to: END
`;

const PARALLEL = LOOP_AND_ROUTES
  .replace("  - from: review_loop\n    to: END\n", "")
  .replace("to: review_loop}", "to: pick_items}")
  .replace(
    "edges:\n",
    "edges:\n  - {from: pick_items, parallel: {items_field: ideas, target_node: pick, collect_field: picks}}\n  - {from: pick, to: END}\n",
  )
  .replace(
    "nodes:\n",
    'nodes:\n  - id: pick_items\n    prompt: "List ideas on {state.topic}"\n    outputs: [ideas]\n',
  );

Deno.test("validateWorkflow() accepts cycles through routes and loops, nested paths and items", () => {
  const text = PARALLEL;
  assertEquals(errorsOf(text), []);
  const looped = text.replace(
    "      - {condition: default, to: pick_items}",
    "      - {condition: default, to: pick_items}\n  - {from: write, loop: {condition_field: done, exit_to: review}}",
  )
    .replace("  - {from: write, to: review}\n", "");
  assertEquals(errorsOf(looped), []);
});

Deno.test("validateWorkflow() reports a bad path into a nested object, list or item", () => {
  const text = PARALLEL.replace("{owner.address.city}", "{owner.address.town}")
    .replace("{state.profile.links.0}", "{state.profile.links.first}")
    .replace("{item.title}", "{item.titel}");
  const found = errorsOf(text).filter((d) => d.code === "unknown_placeholder");
  assertEquals(found.map((d) => [d.line, d.column]), [
    positionOf(text, "{owner.address.town}"),
    positionOf(text, "{state.profile.links.first}"),
    positionOf(text, "{item.titel}"),
  ]);
  assertStringIncludes(found[0]?.message ?? "", '"owner.address" has no sub-field "town"');
  assertStrictEquals(found[0]?.suggestion, "known sub-fields are 'city'");
  assertStringIncludes(
    found[1]?.message ?? "",
    '"state.profile.links" is a list, so "first" must be an index',
  );
  assertStrictEquals(found[2]?.suggestion, "did you mean 'title'?");
});

Deno.test("validateWorkflow() runs on a LoadedWorkflow and on a bare config with its source", () => {
  const workflow = parseWorkflow(VALID, { file: "demo.yaml" });
  assertEquals(validateWorkflow(workflow), []);
  const changed = {
    ...workflow.config,
    nodes: [{ ...workflow.config.nodes[0]!, prompt: "Research {state.topik}" }],
  };
  const [bare] = validateWorkflow(changed);
  assertEquals([bare?.code, bare?.line, bare?.file], ["unknown_placeholder", undefined, undefined]);
  const [placed] = validateWorkflow(changed, {
    source: { text: VALID.replace("{state.topic}", "{state.topik}"), file: "demo.yaml" },
  });
  assertEquals([placed?.file, placed?.line, placed?.column], ["demo.yaml", 10, 23]);
});

Deno.test("validateWorkflow() lists its diagnostics in file order", () => {
  const workflow = parseWorkflow(VALID);
  const [research] = workflow.config.nodes;
  const [, toEnd] = workflow.config.edges;
  // The edge check runs before the template check; the report still follows the file.
  const changed = {
    ...workflow.config,
    nodes: [{ ...research!, prompt: "Research {state.topik}" }],
    edges: [{ from: "START", to: "reserch" }, toEnd!],
  };
  const text = VALID.replace("{state.topic}", "{state.topik}").replace(
    "to: research}",
    "to: reserch}",
  );
  const found = validateWorkflow(changed, { source: { text } });
  assertEquals(found.map((d) => [d.code, d.line]), [
    ["unknown_placeholder", 10],
    ["unknown_node", 13],
  ]);
});

Deno.test("validateWorkflow() checks tool names only when it is given them", () => {
  const workflow = parseWorkflow(
    VALID.replace("outputs: [notes]", "outputs: [notes]\n    tools: [web_search]"),
  );
  assertEquals(validateWorkflow(workflow), []);
  const [d] = validateWorkflow(workflow, { toolNames: TOOL_NAMES });
  assertStrictEquals(d?.code, "unknown_tool");
  assertStringIncludes(d?.suggestion ?? "", "known tools are 'serper_search', 'http_get'");
});

Deno.test("validateWorkflow() warns once per unpriced model, at the setting that names it", () => {
  const text = VALID
    .replace(
      "    outputs: [notes]\n",
      '    outputs: [notes]\n  - id: again\n    prompt: "Again {state.notes}"\n    outputs: [notes]\n    llm: {model: my-finetune}\n  - id: third\n    prompt: "Third {state.notes}"\n    outputs: [notes]\n    llm: {model: my-finetune}\n',
    )
    .replace(
      "{from: research, to: END}",
      "{from: research, to: again}\n  - {from: again, to: third}\n  - {from: third, to: END}",
    );
  const priced = (_provider: string, model: string) => model === "gemini-2.5-flash-lite";
  const result = safeParseWorkflow(text, { isModelPriced: priced });
  assert(result.ok, JSON.stringify(result));
  assertEquals(result.workflow.warnings.map((d) => [d.code, d.line, d.column, d.path.join(".")]), [
    ["unpriced_model", ...positionOf(text, "my-finetune"), "nodes.1.llm.model"],
  ]);
  assertStringIncludes(
    result.workflow.warnings[0]?.message ?? "",
    'Cannot price model "my-finetune" of provider "google" as it is not in the price table',
  );
  const calls: string[] = [];
  safeParseWorkflow(VALID, { isModelPriced: (p, m) => (calls.push(`${p}/${m}`), true) });
  assertEquals(calls, ["google/gemini-2.5-flash-lite"]);
});

Deno.test("validateWorkflow() warns about settings that are accepted but not implemented", () => {
  const text = VALID +
    "config:\n  observability:\n    mlflow: {retention_days: 30, redact_pii: true}\noptimization: {enabled: true}\n";
  const result = safeParseWorkflow(text);
  assert(result.ok);
  assertEquals(result.workflow.warnings.map((d) => [d.code, d.path.at(-1), d.line]), [
    ["not_implemented", "retention_days", 17],
    ["not_implemented", "redact_pii", 17],
    ["not_implemented", "optimization", 18],
  ]);
});

Deno.test("validateWorkflow() accepts http, https and sqlite tracking URIs and nothing else", () => {
  for (
    const uri of [
      "sqlite:///mlflow.db",
      "sqlite:////tmp/x.db",
      "http://localhost:5000",
      "https://mlflow.example.com",
    ]
  ) {
    assertEquals(
      errorsOf(VALID + `config: {observability: {mlflow: {tracking_uri: "${uri}"}}}\n`),
      [],
      uri,
    );
  }
  const cases: [string, string][] = [
    ["file:./mlruns", 'its scheme "file" is not supported'],
    ["databricks", "it has no scheme"],
    ["postgresql://u@db/mlflow", 'its scheme "postgresql" is not supported'],
    ["sqlite://mlflow.db", "a SQLite URI reads 'sqlite:///path/to/file.db'"],
    ["http://", "it is not a valid URL"],
  ];
  for (const [uri, fragment] of cases) {
    const [d] = errorsOf(VALID + `config: {observability: {mlflow: {tracking_uri: "${uri}"}}}\n`);
    assertStrictEquals(d?.code, "tracking_uri", uri);
    assertStringIncludes(d?.message ?? "", fragment);
    assertEquals([d?.line, d?.column], [15, 49]);
  }
});

Deno.test("validateWorkflow() does not echo one problem as many", () => {
  const text = VALID.replace("{from: START, to: research}", "{from: START, to: reserch}");
  assertEquals(errorsOf(text).map((d) => d.code), ["unknown_node"]);
  const noState = VALID.replace(
    '    topic: {type: str, required: true}\n    notes: {type: str, default: ""}\n',
    "",
  );
  assertEquals(errorsOf(noState).map((d) => d.code), ["invalid_type"]);
});

Deno.test("validateWorkflow() checks sub-fields of object types recursively", () => {
  const text = VALID.replace(
    '    notes: {type: str, default: ""}',
    '    notes: {type: str, default: ""}\n    meta:\n      type: object\n      schema:\n        inner: object\n        tags: {type: str, schema: {a: int}}',
  );
  assertEquals(errorsOf(text).map((d) => [d.code, d.line, d.column]), [
    ["object_schema_missing", 11, 16],
    ["schema_not_object", 12, 27],
  ]);
});

Deno.test("validateWorkflow() checks defaults against element and sub-field types", () => {
  const text = VALID.replace(
    '    notes: {type: str, default: ""}',
    '    notes: {type: str, default: ""}\n    counts: {type: "dict[str, int]", default: {a: 1, b: 2.5}}\n    who: {type: object, schema: {name: str}, default: {name: 3}}',
  );
  const found = errorsOf(text);
  assertEquals(found.map((d) => [d.code, d.line]), [["invalid_default", 8], [
    "invalid_default",
    9,
  ]]);
  assertStringIncludes(found[0]?.message ?? "", "the default.b must be a whole number");
  assertStringIncludes(found[1]?.message ?? "", "the default.name must be text");
});

const WRITER_CRITIC = `schema_version: "1.0"
flow: {name: writer_critic}
state:
  fields:
    topic: {type: str, required: true}
    draft: {type: str, default: ""}
    critique: {type: str, default: ""}
    approved: {type: bool, default: false}
nodes:
  - {id: plan, prompt: "Plan {state.topic}", outputs: [draft]}
  - {id: write, prompt: "Write {state.topic}: {state.critique}", outputs: [draft]}
  - id: critic
    prompt: "Critique {state.draft}"
    outputs: [critique, approved]
    output_schema:
      type: object
      fields: [{name: critique, type: str}, {name: approved, type: bool}]
edges:
  - {from: START, to: plan}
  - {from: plan, to: write}
  - {from: write, to: critic}
  - from: critic
    loop: {condition_field: approved, max_iterations: 3, back_to: write, exit_to: END}
`;

Deno.test("validateWorkflow() accepts a loop back to an earlier node", () => {
  assertEquals(errorsOf(WRITER_CRITIC), []);
  const workflow = parseWorkflow(WRITER_CRITIC);
  assertEquals(workflow.config.edges[3]?.loop?.back_to, "write");
  // Back to the first node of the workflow works too: plan, write and critic each round.
  assertEquals(errorsOf(WRITER_CRITIC.replace("back_to: write", "back_to: plan")), []);
});

Deno.test("validateWorkflow() places the problems of a loop's back_to", () => {
  const line = positionOf(WRITER_CRITIC, "back_to: write")[0];
  const misspelt = errorsOf(WRITER_CRITIC.replace("back_to: write", "back_to: wirte"));
  assertEquals(misspelt.map((d) => [d.code, d.line, d.suggestion]), [
    ["unknown_node", line, "did you mean 'write'?"],
  ]);
  assertEquals(misspelt[0]?.path, ["edges", 3, "loop", "back_to"]);
  const end = errorsOf(WRITER_CRITIC.replace("back_to: write", "back_to: END"));
  assertEquals(end.map((d) => [d.code, d.message]), [
    ["invalid_edge", "Cannot loop back to END as each round of a loop runs nodes"],
  ]);
  const start = errorsOf(WRITER_CRITIC.replace("back_to: write", "back_to: START"));
  assertEquals(start.map((d) => [d.code, d.path]), [
    ["invalid_edge", ["edges", 3, "loop", "back_to"]],
  ]);
});

Deno.test("validateWorkflow() refuses a loop back to a node that does not lead to the loop", () => {
  // `aside` runs after the loop; going back to it would never reach `critic` again.
  const text = WRITER_CRITIC.replace(
    "  - {from: plan, to: write}\n",
    "  - {from: plan, to: write}\n  - {from: aside, to: END}\n",
  ).replace("back_to: write, exit_to: END", "back_to: aside, exit_to: aside").replace(
    "nodes:\n",
    'nodes:\n  - {id: aside, prompt: "Note {state.draft}", outputs: [critique]}\n',
  );
  const errors = errorsOf(text);
  assertEquals(errors.map((d) => [d.code, d.path, d.line]), [
    ["loop_without_round", ["edges", 4, "loop", "back_to"], positionOf(text, "back_to: aside")[0]],
  ]);
  assertEquals(
    errors[0]?.message,
    'Cannot loop back from "critic" to "aside" as no path leads from "aside" to "critic"',
  );
});

Deno.test("validateWorkflow() still needs a loop's condition_field to be a bool with back_to", () => {
  const errors = errorsOf(
    WRITER_CRITIC.replace("condition_field: approved", "condition_field: draft"),
  );
  assertEquals(errors.map((d) => [d.code, d.path]), [
    ["loop_field_type", ["edges", 3, "loop", "condition_field"]],
  ]);
});

Deno.test("validateWorkflow() treats a loop back as the way out of a cycle", () => {
  // Without the loop's exit every path returns to write: the loop must be able to end.
  const errors = errorsOf(WRITER_CRITIC.replace("exit_to: END", "exit_to: write"));
  assert(errors.some((d) => d.code === "dead_end_node"), JSON.stringify(errors));
  // A plain edge back is a cycle that nothing ends; a loop back is not.
  const plain = errorsOf(
    WRITER_CRITIC.replace(
      "loop: {condition_field: approved, max_iterations: 3, back_to: write, exit_to: END}",
      "to: write",
    ),
  );
  assertEquals(plain.map((d) => d.code), ["invalid_cycle"]);
});

Deno.test("validateWorkflow() checks rate_limit at workflow and node level, with positions", () => {
  const text =
    VALID.replace("    outputs: [notes]\n", "    outputs: [notes]\n    llm: {rate_limit: {}}\n") +
    "config:\n  llm: {provider: openai, model: gpt-4o-mini, rate_limit: {rpm: 0, tpm: 2.5, rpn: 1}}\n";
  const found = errorsOf(text);
  assertEquals(found.map((d) => [d.path.join("."), d.line, d.column]), [
    ["nodes.0.llm.rate_limit", ...positionOf(text, "rate_limit: {}")],
    ["config.llm.rate_limit.rpm", ...positionOf(text, "0, tpm")],
    ["config.llm.rate_limit.tpm", ...positionOf(text, "2.5")],
    ["config.llm.rate_limit.rpn", ...positionOf(text, "rpn")],
  ]);
  assertStringIncludes(
    found[0]?.message ?? "",
    "Cannot use an empty rate_limit as it limits nothing",
  );
  assertStringIncludes(found[1]?.message ?? "", "greater than 0");
  assertStringIncludes(found[2]?.message ?? "", "whole number");
  assertStrictEquals(found[3]?.suggestion, "did you mean 'rpm'?");
  const valid = VALID + "config:\n  llm: {rate_limit: {rpm: 0.5, tpm: 40000}}\n";
  assertEquals(errorsOf(valid), []);
});
