import type { WorkflowInput } from "../../src/config/schema.ts";
import { compileWorkflow, executeWorkflow } from "../../src/engine/mod.ts";
import { WorkflowError } from "../../src/errors.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import { answer, loadWorkflow, requestText, ScriptedChatModel, testDeps } from "./_fakes.ts";

function base(): WorkflowInput {
  return {
    schema_version: "1.0",
    flow: { name: "base" },
    state: {
      fields: {
        topic: { type: "str", required: true },
        summary: { type: "str" },
        done: { type: "bool" },
        items: { type: "list[str]" },
        count: { type: "int" },
      },
    },
    nodes: [
      { id: "summarize", prompt: "Summarize {topic}", outputs: ["summary"] },
      { id: "check", prompt: "Check {summary}", outputs: ["done"] },
    ],
    edges: [
      { from: "START", to: "summarize" },
      { from: "summarize", to: "check" },
      { from: "check", to: "END" },
    ],
  };
}

function buildError(workflow: WorkflowInput): WorkflowError {
  const error = assertThrows(
    () => compileWorkflow(loadWorkflow(workflow), {}),
    WorkflowError,
  ) as WorkflowError;
  assertEquals(error.code, "GRAPH_BUILD_FAILED");
  assertEquals(error.phase, "build");
  return error;
}

Deno.test("compileWorkflow() names an unknown node with did-you-mean", () => {
  const workflow = base();
  workflow.edges[1] = { from: "summarize", to: "chek" };
  const error = buildError(workflow);
  assertEquals(
    error.message,
    `Cannot connect an edge to "chek" as no node has that id: did you mean 'check'?`,
  );
  assertEquals(error.diagnostics[0]?.path, ["edges", 1]);
});

Deno.test("compileWorkflow() reports every problem at once", () => {
  const workflow = base();
  workflow.edges = [
    { from: "summarize", to: "check" },
    {
      from: "check",
      routes: [
        { condition: { logic: "state.scor > 3" }, to: "summarize" },
        { condition: "default", to: "END" },
      ],
    },
  ];
  workflow.nodes[0] = { ...workflow.nodes[0]!, tools: ["serch"], outputs: ["sumary"] };
  const error = buildError(workflow);
  const messages = error.diagnostics.map((d) => d.message);
  assert(
    messages.includes(
      'Cannot evaluate the route condition "state.scor > 3" after "check" as the state has no field "scor"',
    ),
    messages.join("\n"),
  );
  assert(messages.some((m) => m.includes('Cannot give tool "serch"')), messages.join("\n"));
  assert(
    messages.some((m) =>
      m.includes('Cannot write output "sumary"') && m.includes("did you mean 'summary'?")
    ),
    messages.join("\n"),
  );
  assert(messages.some((m) => m.includes("no edge leaves START")), messages.join("\n"));
  assert(
    error.message.startsWith("Cannot build the graph as 4 problems were found"),
    error.message,
  );
});

Deno.test("compileWorkflow() checks loop and parallel fields", () => {
  const workflow = base();
  workflow.edges = [
    { from: "START", to: "summarize" },
    {
      from: "summarize",
      loop: { condition_field: "summary", max_iterations: 3, exit_to: "check" },
    },
    {
      from: "check",
      parallel: { items_field: "count", target_node: "summarize", collect_field: "items" },
    },
  ];
  const messages = buildError(workflow).diagnostics.map((d) => d.message);
  assert(
    messages.some((m) => m.includes('field "summary" is "str", not "bool"')),
    messages.join("\n"),
  );
  assert(messages.some((m) => m.includes('field "count" is not a list')), messages.join("\n"));
  assert(
    messages.some((m) => m.includes('its outputs must be ["items"]')),
    messages.join("\n"),
  );
});

Deno.test("compileWorkflow() refuses a node with a routes edge and another edge", () => {
  const workflow = base();
  workflow.edges.push({
    from: "summarize",
    routes: [{ condition: "default", to: "END" }],
  });
  const error = buildError(workflow);
  assert(error.message.includes("Cannot combine the 'routes' edge"), error.message);
});

Deno.test("compileWorkflow() runs nodes whose id is also a state field", async () => {
  const workflow = base();
  workflow.nodes = [{ id: "summary", prompt: "Summarize {topic}", outputs: ["summary"] }];
  workflow.edges = [{ from: "START", to: "summary" }, { from: "summary", to: "END" }];
  const model = new ScriptedChatModel({ steps: [(m) => answer({ summary: requestText(m) })] });
  const result = await executeWorkflow(loadWorkflow(workflow), { topic: "x" }, {
    deps: testDeps({ model }),
  });
  assertEquals(result.state.summary, "Summarize x");
  assertEquals(result.metadata.nodeExecutions.map((e) => e.nodeId), ["summary"]);
});

Deno.test("compileWorkflow() returns a workflow that runs many times", async () => {
  const model = new ScriptedChatModel({
    steps: [(m) => {
      const prompt = requestText(m);
      return answer(prompt.startsWith("Summarize") ? { summary: prompt } : { done: true });
    }],
    repeatLast: true,
  });
  const compiled = compileWorkflow(loadWorkflow(base()), testDeps({ model }));
  assertEquals(compiled.nodeIds, ["summarize", "check"]);
  const [first, second] = [await compiled.run({ topic: "a" }), await compiled.run({ topic: "b" })];
  assertEquals(first.state, {
    topic: "a",
    summary: "Summarize a",
    done: true,
    items: null,
    count: null,
  });
  assertEquals(second.state.summary, "Summarize b");
  assertEquals(model.requests.length, 4);
});

Deno.test("executeWorkflow() rejects malformed options before any work", async () => {
  await assertRejects(
    () =>
      executeWorkflow(loadWorkflow(base()), [] as unknown as Record<string, unknown>, {
        deps: testDeps(),
      }),
    TypeError,
    "Cannot run the workflow as inputs must be an object",
  );
  await assertRejects(
    () => executeWorkflow(loadWorkflow(base()), {}, { deps: testDeps(), seed: Number.NaN }),
    RangeError,
    "seed must be a finite number",
  );
});
