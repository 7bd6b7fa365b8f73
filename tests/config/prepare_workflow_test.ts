import { assert, assertEquals, assertThrows } from "../_helpers/assert.ts";
import { isLoadedWorkflow, type LoadedWorkflow } from "../../src/config/loaded_workflow.ts";
import { loadWorkflow } from "../../src/config/load_workflow.ts";
import { parseWorkflow } from "../../src/config/parse_workflow.ts";
import { prepareWorkflow, safePrepareWorkflow } from "../../src/config/prepare_workflow.ts";
import { validateWorkflow, validateWorkflowTools } from "../../src/config/validate_workflow.ts";
import { WorkflowError } from "../../src/errors.ts";
import { TOOL_NAMES } from "./_workflows.ts";

const GREETING = {
  schema_version: "1.0",
  flow: { name: "greet" },
  state: { fields: { name: { type: "str", required: true }, greeting: { type: "str" } } },
  nodes: [{ id: "greet", prompt: "Greet {state.name}", outputs: ["greeting"] }],
  edges: [{ from: "START", to: "greet" }, { from: "greet", to: "END" }],
};

Deno.test("prepareWorkflow() validates an object like a file: defaults applied, prompts resolved", () => {
  const workflow = prepareWorkflow(GREETING);
  assert(isLoadedWorkflow(workflow));
  assertEquals(workflow.prompts, { greet: "Greet {state.name}" });
  assertEquals(workflow.config.config.execution.recursion_limit, 25);
  assertEquals(workflow.file, undefined);
  assertEquals(workflow.warnings, []);
});

Deno.test("prepareWorkflow() accepts every example's parsed configuration as it is", async () => {
  const dir = new URL("../../examples/", import.meta.url);
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".yaml")) continue;
    const path = new URL(entry.name, dir).pathname;
    const loaded = await loadWorkflow(path, {
      readTextFile: (file) => Deno.readTextFile(file),
      toolNames: TOOL_NAMES,
    });
    const promptFiles: Record<string, string> = {};
    for (const node of loaded.config.nodes) {
      if (node.prompt_file !== undefined) promptFiles[node.prompt_file] = loaded.prompts[node.id]!;
    }
    const again = prepareWorkflow(loaded.config, { promptFiles, toolNames: TOOL_NAMES });
    assertEquals(again.config, loaded.config, entry.name);
    assertEquals(again.prompts, loaded.prompts, entry.name);
  }
});

Deno.test("prepareWorkflow() throws every problem as CONFIG_INVALID with its path", () => {
  const broken = {
    ...GREETING,
    nodes: [{ id: "greet", prompt: "Greet {state.nmae}", outputs: ["greting"] }],
  };
  const error = assertThrows(
    () => prepareWorkflow(broken, { file: "inline" }),
    WorkflowError,
    'Cannot load the workflow "inline" as it has 2 errors',
  ) as WorkflowError;
  assertEquals(error.code, "CONFIG_INVALID");
  const found = error.diagnostics.map((d) => [d.code, d.path, d.file, d.line]);
  assertEquals(found.sort(), [
    ["unknown_output", ["nodes", 0, "outputs", 0], "inline", undefined],
    ["unknown_placeholder", ["nodes", 0, "prompt"], "inline", undefined],
  ]);
});

Deno.test("prepareWorkflow() needs the text of every prompt_file", () => {
  const withFile = {
    ...GREETING,
    nodes: [{ id: "greet", prompt_file: "greet.txt", outputs: ["greeting"] }],
  };
  const missing = safePrepareWorkflow(withFile);
  assert(!missing.ok);
  assertEquals(missing.diagnostics.map((d) => d.code), ["prompt_file_unreadable"]);
  const found = prepareWorkflow(withFile, { promptFiles: { "greet.txt": "Hi {state.name}" } });
  assertEquals(found.prompts, { greet: "Hi {state.name}" });
});

Deno.test("safePrepareWorkflow() refuses what is not an object, saying what it is", () => {
  for (
    const [value, found] of [
      [[], "a list"],
      [null, "null"],
      [undefined, "undefined"],
      ["schema_version: 1.0", "a string"],
    ] as const
  ) {
    const result = safePrepareWorkflow(value);
    assert(!result.ok);
    assertEquals(result.diagnostics.length, 1);
    assertEquals(
      result.diagnostics[0]?.message,
      `Cannot prepare the workflow as it is ${found}: a workflow is an object with schema_version, flow, state, nodes and edges`,
    );
  }
});

Deno.test("isLoadedWorkflow() holds only for what the validator made", () => {
  const workflow = prepareWorkflow(GREETING);
  assert(isLoadedWorkflow(workflow));
  assert(!isLoadedWorkflow({ ...workflow }));
  const handMade = { config: workflow.config, prompts: {}, file: undefined, warnings: [] };
  assert(!isLoadedWorkflow(handMade));
  assert(!isLoadedWorkflow(null));
  assert(!isLoadedWorkflow("workflow"));
});

Deno.test("a loaded workflow is frozen except the default values it hands to runs", () => {
  const defaults = ["first"];
  const workflow: LoadedWorkflow = prepareWorkflow({
    ...GREETING,
    state: {
      fields: { ...GREETING.state.fields, notes: { type: "list[str]", default: defaults } },
    },
  });
  assert(Object.isFrozen(workflow));
  assert(Object.isFrozen(workflow.config.state.fields.notes));
  assert(Object.isFrozen(workflow.config.edges[0]));
  assert(Object.isFrozen(workflow.prompts));
  assert(!Object.isFrozen(defaults), "the caller's default value stays theirs");
  assertThrows(() => {
    (workflow.config.nodes as unknown[]).pop();
  }, TypeError);
});

Deno.test("validateWorkflow() and validateWorkflowTools() keep the positions of the loaded file", () => {
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
  const workflow = parseWorkflow(text, { file: "search.yaml" });
  const [all] = validateWorkflow(workflow, { toolNames: ["look_up"] });
  const [tools, ...rest] = validateWorkflowTools(workflow, { toolNames: ["look_up"] });
  assertEquals(rest, []);
  assertEquals(all, tools);
  assertEquals(
    [tools?.code, tools?.file, tools?.line, tools?.suggestion],
    ["unknown_tool", "search.yaml", 8, "did you mean 'look_up'?"],
  );
  assertEquals(validateWorkflowTools(workflow, { toolNames: ["lookup"] }), []);
});
