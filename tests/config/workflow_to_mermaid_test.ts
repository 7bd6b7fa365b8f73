import { assertStrictEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { parseWorkflow } from "../../src/config/parse_workflow.ts";
import { workflowToMermaid } from "../../src/config/workflow_to_mermaid.ts";

const ALL_EDGES = `schema_version: "1.0"
flow: {name: all_edges, version: "2"}
state:
  fields:
    topic: {type: str, required: true}
    ideas: {type: "list[str]", default: []}
    notes: {type: "list[str]", default: []}
    score: {type: int, default: 0}
    done: {type: bool, default: false}
nodes:
  - {id: plan, prompt: "Plan {state.topic}", outputs: [ideas]}
  - {id: expand, prompt: "Expand {item}", outputs: [notes], output_schema: {type: str}}
  - {id: rate, prompt: "Rate {state.notes}", outputs: [score]}
  - {id: polish, prompt: "Polish {state.notes}", outputs: [done]}
  - {id: end, prompt: "Say goodbye to {state.topic}", outputs: [done]}
edges:
  - {from: START, to: plan}
  - {from: plan, parallel: {items_field: ideas, target_node: expand, collect_field: notes}}
  - {from: expand, to: rate}
  - from: rate
    routes:
      - {condition: {logic: "state.score >= 8 and state.topic != \\"x\\""}, to: end}
      - {condition: default, to: polish}
  - {from: polish, loop: {condition_field: done, max_iterations: 4, exit_to: end}}
  - {from: end, to: END}
`;

Deno.test("workflowToMermaid() draws nodes, START, END and all four edge kinds", () => {
  const chart = workflowToMermaid(parseWorkflow(ALL_EDGES).config);
  const lines = chart.trimEnd().split("\n");
  assertStrictEquals(lines[0], "flowchart TD");
  assertStrictEquals(lines[1], "  %% all_edges (2)");
  for (
    const line of [
      '  __start__(["START"])',
      '  __end__(["END"])',
      '  n_plan["plan"]',
      '  n_expand[["expand (per item)"]]',
      "  __start__ --> n_plan",
      '  n_plan ==>|"for each item of ideas, collect into notes"| n_expand',
      "  n_expand --> n_rate",
      '  n_rate -->|"state.score #gt;= 8 and state.topic != #quot;x#quot;"| n_end',
      '  n_rate -.->|"default"| n_polish',
      '  n_polish -->|"loop until done (max 4)"| n_polish',
      '  n_polish -->|"done or 4 rounds"| n_end',
      "  n_end --> __end__",
    ]
  ) {
    assertStringIncludes(chart, line + "\n");
  }
  assertStrictEquals(chart.endsWith("\n"), true);
});

Deno.test("workflowToMermaid() prefixes node ids so that a node named end stays a node", () => {
  const chart = workflowToMermaid(parseWorkflow(ALL_EDGES).config, { direction: "LR" });
  assertStrictEquals(chart.split("\n")[0], "flowchart LR");
  assertStringIncludes(chart, '  n_end["end"]\n');
});

Deno.test("workflowToMermaid() draws a loop back to its back_to node", () => {
  const chart = workflowToMermaid(
    parseWorkflow(`schema_version: "1.0"
flow: {name: writer_critic}
state: {fields: {topic: {type: str, required: true}, draft: {type: str}, ok: {type: bool}}}
nodes:
  - {id: write, prompt: "Write {state.topic}", outputs: [draft]}
  - {id: critic, prompt: "Judge {state.draft}", outputs: [ok]}
edges:
  - {from: START, to: write}
  - {from: write, to: critic}
  - {from: critic, loop: {condition_field: ok, max_iterations: 3, back_to: write}}
`).config,
  );
  assertStringIncludes(chart, '  n_critic -->|"loop until ok (max 3)"| n_write\n');
  assertStringIncludes(chart, '  n_critic -->|"ok or 3 rounds"| __end__\n');
});
