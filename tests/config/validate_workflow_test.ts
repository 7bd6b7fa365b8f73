import {
  assert,
  assertEquals,
  assertStrictEquals,
  assertStringIncludes,
} from "../_helpers/assert.ts";
import {
  type Diagnostic,
  parseWorkflow,
  safeParseWorkflow,
  validateWorkflow,
} from "../../src/config/mod.ts";
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
