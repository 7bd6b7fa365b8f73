import type { WorkflowInput } from "../../src/config/schema.ts";
import type { Diagnostic, JsonPath } from "../../src/config/diagnostic.ts";
import type { LoadedWorkflow } from "../../src/config/loaded_workflow.ts";
import { parseWorkflow, safeParseWorkflow } from "../../src/config/parse_workflow.ts";
import { prepareWorkflow, safePrepareWorkflow } from "../../src/config/prepare_workflow.ts";
import { compileWorkflow } from "../../src/engine/compile_workflow.ts";
import type { EngineDeps } from "../../src/engine/engine_types.ts";
import { toolValidationHooks } from "../../src/engine/tool_validation_hooks.ts";
import { safeLoadWorkflow } from "../../src/config/load_workflow.ts";
import { WorkflowError } from "../../src/errors.ts";
import { createToolRegistry } from "../../src/tools/tool_registry.ts";
import { readBases, writeCorpus } from "../faults/_fixtures/workflow_corpus.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";
import {
  answer,
  loadWorkflow,
  recordingTool,
  registryWith,
  requestText,
  runOnce,
  ScriptedChatModel,
  testDeps,
} from "./_fakes.ts";

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

/**
 * The errors validation reports for a workflow, which the engine never sees: it takes only a
 * workflow the validator made.
 */
function validationErrors(workflow: WorkflowInput): Diagnostic[] {
  const hooks = toolValidationHooks(registryWith());
  const result = safePrepareWorkflow(workflow, hooks);
  assert(!result.ok, "expected the workflow to be invalid");
  assertThrows(() => prepareWorkflow(workflow, hooks), WorkflowError, "Cannot load the workflow");
  return result.diagnostics.filter((d) => d.severity === "error");
}

/** The one error reported at a path. */
function errorAt(errors: readonly Diagnostic[], path: JsonPath): Diagnostic {
  const found = errors.filter((d) => JSON.stringify(d.path) === JSON.stringify(path));
  assertEquals(found.length, 1, `one error at ${JSON.stringify(path)}: ${JSON.stringify(errors)}`);
  return found[0]!;
}

Deno.test("prepareWorkflow() names an unknown node with did-you-mean before anything compiles", () => {
  const workflow = base();
  workflow.edges[1] = { from: "summarize", to: "chek" };
  const [error, ...rest] = validationErrors(workflow);
  assertEquals(rest, []);
  assertEquals(error?.message, `Cannot lead an edge to "chek" as no node has that id`);
  assertEquals(error?.suggestion, "did you mean 'check'?");
  assertEquals(error?.path, ["edges", 1, "to"]);
});

Deno.test("prepareWorkflow() reports every graph problem at once", () => {
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
  const errors = validationErrors(workflow);
  assertEquals(errorAt(errors, ["edges"]).code, "missing_start_edge");
  const route = errorAt(errors, ["edges", 1, "routes", 0, "condition", "logic"]);
  assertEquals(
    route.message,
    `Cannot read "state.scor" in the condition as it is not a state field`,
  );
  assertEquals(route.code, "unknown_field");
  assertEquals(errorAt(errors, ["nodes", 0, "tools", 0]).code, "unknown_tool");
  const output = errorAt(errors, ["nodes", 0, "outputs", 0]);
  assertEquals(output.code, "unknown_output");
  assertEquals(output.suggestion, "did you mean 'summary'?");
});

Deno.test("prepareWorkflow() checks loop and parallel fields", () => {
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
  const errors = validationErrors(workflow);
  const loop = errorAt(errors, ["edges", 1, "loop", "condition_field"]);
  assertEquals(
    loop.message,
    `Cannot end the loop on "summary" as its type is "str": it must be a bool`,
  );
  const items = errorAt(errors, ["edges", 2, "parallel", "items_field"]);
  assertEquals(
    items.message,
    `Cannot fan out over "count" as its type is "int": it must be a list`,
  );
  assertEquals(errorAt(errors, ["nodes", 0, "outputs"]).code, "parallel_outputs");
});

Deno.test("prepareWorkflow() refuses a node with a routes edge and another edge", () => {
  const workflow = base();
  workflow.edges.push({
    from: "summarize",
    routes: [{ condition: "default", to: "END" }],
  });
  const error = errorAt(validationErrors(workflow), ["edges", 3, "from"]);
  assertEquals(error.code, "multiple_edges");
  assertEquals(
    error.message,
    `Cannot leave node "summarize" by two edges: edges[1] already leaves it`,
  );
});

Deno.test("compileWorkflow() reports a tool the run lacks as validation does, with its position", () => {
  const text = `schema_version: "1.0"
flow: { name: search }
state: { fields: { topic: { type: str, required: true }, notes: { type: str } } }
nodes:
  - id: search
    prompt: "Search {state.topic}"
    outputs: [notes]
    tools: [lookup]
edges: [{ from: START, to: search }, { from: search, to: END }]
`;
  // Loaded without tool names (as parseWorkflow does by default), then compiled with tools
  // that do not include it: the run refuses it exactly as validate with those tools does.
  const workflow = parseWorkflow(text, { file: "search.yaml" });
  const tools = registryWith();
  const error = assertThrows(
    () => compileWorkflow(workflow, testDeps({ tools })),
    WorkflowError,
  ) as WorkflowError;
  assertEquals(error.code, "CONFIG_INVALID");
  assertEquals(error.phase, "validate");
  assertEquals(
    error.message,
    `Cannot compile the workflow "search.yaml" with the tools of this run as it has 1 error`,
  );
  const validated = safeParseWorkflow(text, { file: "search.yaml", ...toolValidationHooks(tools) });
  assert(!validated.ok);
  assertEquals(error.diagnostics, validated.diagnostics);
  assertEquals(error.diagnostics[0]?.line, 8);
  assertEquals(error.diagnostics[0]?.code, "unknown_tool");
  // With the tool registered, the same workflow compiles.
  const lookup = recordingTool("lookup", () => Promise.resolve("found"));
  assertEquals(compileWorkflow(workflow, testDeps({ tools: registryWith(lookup.tool) })).nodeIds, [
    "search",
  ]);
});

Deno.test("compileWorkflow() refuses a workflow the validator did not make", () => {
  const workflow = loadWorkflow(base());
  const message = "Cannot compile the workflow as it was not made by the validator";
  const handMade = {
    config: workflow.config,
    prompts: workflow.prompts,
    file: undefined,
    warnings: [],
  } as unknown as LoadedWorkflow;
  assertThrows(() => compileWorkflow(handMade, testDeps()), TypeError, message);
  assertThrows(() => compileWorkflow({ ...workflow }, testDeps()), TypeError, message);
  assertThrows(
    () => compileWorkflow(workflow, { ...testDeps(), now: undefined } as unknown as EngineDeps),
    TypeError,
    "deps.now is not a function",
  );
});

Deno.test("a loaded workflow is frozen, so that it stays what validation checked", () => {
  const workflow = loadWorkflow(base());
  assertThrows(() => {
    (workflow.config.edges as unknown[]).push({ from: "check", to: "summarize" });
  }, TypeError);
  assertThrows(() => {
    (workflow.config.nodes[0] as { prompt: string }).prompt = "changed";
  }, TypeError);
  assertEquals(compileWorkflow(workflow, testDeps()).nodeIds, ["summarize", "check"]);
});

Deno.test("compileWorkflow() runs nodes whose id is also a state field", async () => {
  const workflow = base();
  workflow.nodes = [{ id: "summary", prompt: "Summarize {topic}", outputs: ["summary"] }];
  workflow.edges = [{ from: "START", to: "summary" }, { from: "summary", to: "END" }];
  const model = new ScriptedChatModel({ steps: [(m) => answer({ summary: requestText(m) })] });
  const result = await runOnce(loadWorkflow(workflow), { topic: "x" }, {
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

Deno.test("compileWorkflow().run() rejects malformed options before any work", async () => {
  await assertRejects(
    () =>
      runOnce(loadWorkflow(base()), [] as unknown as Record<string, unknown>, {
        deps: testDeps(),
      }),
    TypeError,
    "Cannot run the workflow as inputs must be an object",
  );
  await assertRejects(
    () => runOnce(loadWorkflow(base()), {}, { deps: testDeps(), seed: Number.NaN }),
    RangeError,
    "seed must be a finite number",
  );
});

Deno.test("validate and run agree: every mutated workflow that validates also compiles", async () => {
  const dir = await Deno.makeTempDir({ prefix: "compile_corpus_" });
  try {
    // Mutations of the graph and its values (not of the YAML text, nor huge or deep files,
    // which test the reader): many keep a workflow valid in ways the engine must build.
    const graphMutations = [
      "none",
      "delete_key",
      "wrong_type",
      "wrong_enum",
      "swap_node_ids",
      "dangling_edge",
      "unicode",
      "special_number",
    ];
    const written = await writeCorpus(dir, await readBases(), { seed: 20261128, count: 240 });
    const files = written.filter((file) => graphMutations.includes(file.mutation));
    const tools = createToolRegistry();
    const failures: string[] = [];
    let valid = 0;
    for (const file of files) {
      const result = await safeLoadWorkflow(file.path, {
        readTextFile: (path) => Deno.readTextFile(path),
        ...toolValidationHooks(tools),
      });
      if (!result.ok) continue;
      valid++;
      try {
        compileWorkflow(result.workflow, testDeps({ tools }));
      } catch (error) {
        failures.push(`${file.path} (${file.mutation}): ${error}`);
      }
    }
    assertEquals(failures, []);
    // Bases and mutations that keep the file valid: the check must see many workflows.
    assert(valid >= 20, `only ${valid} of ${files.length} files validated`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compileWorkflow() refuses a prompts:/ URI that was not looked up in the registry", () => {
  const workflow = prepareWorkflow({
    schema_version: "1.0",
    flow: { name: "registry" },
    state: { fields: { text: { type: "str", required: true }, out: { type: "str" } } },
    nodes: [{ id: "sum", prompt: "prompts:/summarizer@production", outputs: ["out"] }],
    edges: [{ from: "START", to: "sum" }, { from: "sum", to: "END" }],
  });
  const error = assertThrows(
    () => compileWorkflow(workflow, testDeps()),
    WorkflowError,
    'Cannot compile node "sum" as its prompt "prompts:/summarizer@production" was not looked up',
  ) as WorkflowError;
  assertEquals([error.code, error.nodeId], ["CONFIG_INVALID", "sum"]);
});
