import { ToolMessage } from "@langchain/core/messages";
import type { WorkflowInput } from "../../src/config/schema.ts";
import { safePrepareWorkflow } from "../../src/config/prepare_workflow.ts";
import { MAX_TOOL_ROUNDS } from "../../src/engine/engine_types.ts";
import { WorkflowError } from "../../src/errors.ts";
import { defineTool } from "../../src/tools/define_tool.ts";
import { readFileTool } from "../../src/tools/read_file.ts";
import { z as z3 } from "zod3";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_helpers/assert.ts";
import {
  answer,
  httpError,
  loadWorkflow,
  recordingTool,
  registryWith,
  requestText,
  runOnce,
  ScriptedChatModel,
  testDeps,
  text,
  toolCalls,
} from "./_fakes.ts";

function researcher(
  tools: WorkflowInput["nodes"][number]["tools"],
  extra: Partial<WorkflowInput["nodes"][number]> = {},
): WorkflowInput {
  return {
    schema_version: "1.0",
    flow: { name: "research" },
    state: {
      fields: { topic: { type: "str", required: true }, facts: { type: "list[str]" } },
    },
    nodes: [{
      id: "research",
      prompt: "Find facts about {topic}",
      outputs: ["facts"],
      ...(tools ? { tools } : {}),
      ...extra,
    }],
    edges: [{ from: "START", to: "research" }, { from: "research", to: "END" }],
  };
}

Deno.test("compileWorkflow().run() calls a tool and hands its result to the model", async () => {
  const lookup = recordingTool("lookup", ({ query }) => Promise.resolve({ hits: [`${query}!`] }));
  const model = new ScriptedChatModel({
    steps: [
      toolCalls({ name: "lookup", args: { query: "tide pools" } }),
      text("I have what I need"),
      (messages) => {
        const result = messages.find(ToolMessage.isInstance);
        return answer({ facts: [`from tool: ${result?.content}`] });
      },
    ],
  });
  const result = await runOnce(loadWorkflow(researcher(["lookup"])), {
    topic: "tide pools",
  }, { deps: testDeps({ model, tools: registryWith(lookup.tool) }) });
  assertEquals(lookup.calls, [{ query: "tide pools" }]);
  assertEquals(result.state.facts, ['from tool: {"hits":["tide pools!"]}']);
  const bound = model.boundTools[0] as { function: { name: string; parameters: unknown } }[];
  assertEquals(bound.map((t) => t.function.name), ["lookup"]);
  assertEquals(result.metadata.nodeExecutions[0]?.toolCalls, 1);
  assertEquals(result.metadata.nodeExecutions[0]?.llmCalls, 3);
});

Deno.test("compileWorkflow().run() hands read_file the run's bounded reader, not the whole-file one", async () => {
  const heads: [string, number][] = [];
  const model = new ScriptedChatModel({
    steps: [
      toolCalls({ name: "read_file", args: { path: "notes.txt" } }),
      text("Read it"),
      (messages) => answer({ facts: [String(messages.find(ToolMessage.isInstance)?.content)] }),
    ],
  });
  const result = await runOnce(
    loadWorkflow(researcher([{ name: "read_file", config: { roots: ["/data"], max_bytes: 4 } }])),
    { topic: "notes" },
    {
      deps: testDeps({
        model,
        tools: registryWith(readFileTool),
        readFileHead: (path, maxBytes) => {
          heads.push([path, maxBytes]);
          return Promise.resolve({
            bytes: new TextEncoder().encode("abcd"),
            truncated: true,
            size: 9,
          });
        },
      }),
    },
  );
  assertEquals(heads, [["/data/notes.txt", 4]]);
  assertEquals(JSON.parse((result.state.facts as string[])[0]!), {
    path: "/data/notes.txt",
    content: "abcd",
    bytes: 9,
    truncated: true,
  });
});

Deno.test("compileWorkflow().run() binds and calls a tool defined with a zod 3 schema", async () => {
  const lookup = defineTool({
    name: "lookup",
    description: "Looks facts up",
    parameters: z3.object({ query: z3.string().describe("What to look up") }),
    invoke: ({ query }) => Promise.resolve({ hits: [`${query}!`] }),
  });
  const model = new ScriptedChatModel({
    steps: [
      toolCalls({ name: "lookup", args: { query: "tide pools" } }),
      text("Done"),
      (messages) => answer({ facts: [String(messages.find(ToolMessage.isInstance)?.content)] }),
    ],
  });
  const result = await runOnce(loadWorkflow(researcher(["lookup"])), {
    topic: "tide pools",
  }, { deps: testDeps({ model, tools: registryWith(lookup) }) });
  assertEquals(result.state.facts, ['{"hits":["tide pools!"]}']);
  const bound = model.boundTools[0] as { function: { parameters: unknown } }[];
  assertEquals(bound[0]?.function.parameters, {
    type: "object",
    properties: { query: { type: "string", description: "What to look up" } },
    required: ["query"],
  });
});

Deno.test("compileWorkflow().run() hands a tool error to the model with on_error: continue", async () => {
  const lookup = recordingTool("lookup", () => Promise.reject(new Error("index offline")));
  const model = new ScriptedChatModel({
    steps: [
      toolCalls({ name: "lookup", args: { query: "x" } }),
      text("The tool failed"),
      (messages) => answer({ facts: [String(messages.find(ToolMessage.isInstance)?.content)] }),
    ],
  });
  const result = await runOnce(
    loadWorkflow(researcher([{ name: "lookup", on_error: "continue" }])),
    { topic: "x" },
    { deps: testDeps({ model, tools: registryWith(lookup.tool) }) },
  );
  assertEquals(lookup.calls.length, 1);
  assertEquals(result.state.facts, ["Error: index offline"]);
});

Deno.test("compileWorkflow().run() fails the node on a tool error with on_error: fail", async () => {
  const lookup = recordingTool("lookup", () => Promise.reject(new Error("index offline")));
  const model = new ScriptedChatModel({
    steps: [toolCalls({ name: "lookup", args: { query: "x" } }), text("unused")],
  });
  const error = await assertRejects(
    () =>
      runOnce(loadWorkflow(researcher(["lookup"])), { topic: "x" }, {
        deps: testDeps({ model, tools: registryWith(lookup.tool) }),
      }),
    WorkflowError,
    'Cannot finish node "research" as tool "lookup" failed: index offline',
  ) as WorkflowError;
  assertEquals(error.code, "TOOL_FAILED");
  assertEquals(error.nodeId, "research");
  assertEquals(model.requests.length, 1);
});

Deno.test("compileWorkflow().run() caps the tool loop at MAX_TOOL_ROUNDS rounds", async () => {
  const lookup = recordingTool("lookup", () => Promise.resolve("again"));
  const model = new ScriptedChatModel({
    steps: [
      ...Array.from(
        { length: MAX_TOOL_ROUNDS },
        () => toolCalls({ name: "lookup", args: { query: "q" } }),
      ),
      answer({ facts: ["done"] }),
    ],
  });
  const result = await runOnce(loadWorkflow(researcher(["lookup"])), { topic: "x" }, {
    deps: testDeps({ model, tools: registryWith(lookup.tool) }),
  });
  assertEquals(lookup.calls.length, MAX_TOOL_ROUNDS);
  assertEquals(result.state.facts, ["done"]);
});

Deno.test("compileWorkflow().run() feeds a validation failure back and asks again", async () => {
  const model = new ScriptedChatModel({
    steps: [answer({ facts: "not a list" }), answer({ facts: ["a", "b"] })],
  });
  const result = await runOnce(loadWorkflow(researcher(undefined)), { topic: "x" }, {
    deps: testDeps({ model }),
  });
  assertEquals(result.state.facts, ["a", "b"]);
  assertEquals(model.requests.length, 2);
  const second = requestText(model.requests[1] ?? []);
  assertStringIncludes(second, "Your answer does not match the required schema: facts:");
  assertStringIncludes(second, "expected array");
});

Deno.test("compileWorkflow().run() makes exactly one attempt with max_retries: 0", async () => {
  const model = new ScriptedChatModel({
    steps: [answer({ facts: [1, 2] }), answer({ facts: ["ok"] })],
  });
  const error = await assertRejects(
    () =>
      runOnce(loadWorkflow(researcher(undefined, { max_retries: 0 })), { topic: "x" }, {
        deps: testDeps({ model }),
      }),
    WorkflowError,
    'Cannot use the answer of model "gemini-2.5-flash-lite" for node "research" as it does not match the output schema after 1 attempt',
  ) as WorkflowError;
  assertEquals(error.code, "LLM_OUTPUT_INVALID");
  assertEquals(model.requests.length, 1);
});

Deno.test("compileWorkflow().run() makes one provider attempt with max_retries: 0", async () => {
  const model = new ScriptedChatModel({ steps: [httpError(503), answer({ facts: ["ok"] })] });
  const error = await assertRejects(
    () =>
      runOnce(loadWorkflow(researcher(undefined, { max_retries: 0 })), { topic: "x" }, {
        deps: testDeps({ model }),
      }),
    WorkflowError,
  ) as WorkflowError;
  assertEquals(error.code, "LLM_REQUEST_FAILED");
  assertEquals(error.nodeId, "research");
  assertEquals(model.requests.length, 1);
});

Deno.test("compileWorkflow().run() retries a retryable provider error with backoff", async () => {
  const model = new ScriptedChatModel({
    steps: [httpError(429), httpError(500), answer({ facts: ["ok"] })],
  });
  const deps = testDeps({ model });
  const result = await runOnce(loadWorkflow(researcher(undefined)), { topic: "x" }, {
    deps,
  });
  assertEquals(result.state.facts, ["ok"]);
  assertEquals(model.requests.length, 3);
  assertEquals(deps.sleeps.length, 2, "one wait before each retry, through the injected sleep");
  assert(deps.sleeps.every((ms) => ms >= 0), deps.sleeps.join());
});

Deno.test("compileWorkflow().run() uses the workflow max_retries for provider retries", async () => {
  const workflow = researcher(undefined);
  workflow.config = { execution: { max_retries: 1 } };
  const model = new ScriptedChatModel({ steps: [httpError(500), httpError(500), answer({})] });
  await assertRejects(
    () => runOnce(loadWorkflow(workflow), { topic: "x" }, { deps: testDeps({ model }) }),
    WorkflowError,
  );
  assertEquals(model.requests.length, 2);
});

Deno.test("compileWorkflow().run() does not retry an authentication error", async () => {
  const model = new ScriptedChatModel({ steps: [httpError(401, "Invalid key"), answer({})] });
  const deps = testDeps({ model });
  const error = await assertRejects(
    () => runOnce(loadWorkflow(researcher(undefined)), { topic: "x" }, { deps }),
    WorkflowError,
    "Invalid key",
  ) as WorkflowError;
  assertEquals(error.code, "LLM_REQUEST_FAILED");
  assertEquals(model.requests.length, 1);
  assertEquals(deps.sleeps, []);
});

Deno.test("prepareWorkflow() reports a misspelt prompt variable before any run", () => {
  const result = safePrepareWorkflow(researcher(undefined, { prompt: "Facts on {topc}" }));
  assert(!result.ok);
  const [error, ...rest] = result.diagnostics;
  assertEquals(rest, []);
  assertEquals(error?.path, ["nodes", 0, "prompt"]);
  assertStringIncludes(error?.message ?? "", 'Cannot fill {topc} in the prompt of node "research"');
  assertEquals(error?.suggestion, "did you mean 'topic'?");
});

Deno.test("compileWorkflow().run() reports a prompt variable the state cannot fill with the node id", async () => {
  const workflow = researcher(undefined, { prompt: "Facts on {state.meta.topc}" });
  workflow.state.fields.meta = { type: "dict[str, str]" };
  const model = new ScriptedChatModel({ steps: [] });
  const error = await assertRejects(
    () =>
      runOnce(loadWorkflow(workflow), { topic: "x", meta: { topic: "tides" } }, {
        deps: testDeps({ model }),
      }),
    WorkflowError,
    'Cannot build the prompt of node "research": Cannot resolve "{state.meta.topc}"',
  ) as WorkflowError;
  assertStringIncludes(error.message, "did you mean 'topic'?");
  assertEquals(error.code, "NODE_FAILED");
  assertEquals(error.nodeId, "research");
  assertEquals(model.requests.length, 0);
});

Deno.test("compileWorkflow().run() resolves node inputs, keeping the type of a single placeholder", async () => {
  const workflow = researcher(undefined, {
    inputs: { subject: "{state.topic}", known: "{facts}" },
    prompt: "Facts on {subject}, known: {known}",
  });
  const model = new ScriptedChatModel({ steps: [(m) => answer({ facts: [requestText(m)] })] });
  const result = await runOnce(loadWorkflow(workflow), { topic: "x", facts: ["f"] }, {
    deps: testDeps({ model }),
  });
  assertEquals(result.state.facts, ['Facts on x, known: ["f"]']);
});

Deno.test("compileWorkflow().run() stops on a missing key before any model call", async () => {
  const workflow = researcher(undefined);
  workflow.nodes.push({
    id: "publish",
    prompt: "Publish {facts}",
    outputs: ["topic"],
    llm: { provider: "anthropic", model: "claude-x" },
  });
  workflow.edges = [
    { from: "START", to: "research" },
    { from: "research", to: "publish" },
    { from: "publish", to: "END" },
  ];
  const model = new ScriptedChatModel({ steps: [answer({ facts: ["f"] })] });
  const built: string[] = [];
  const error = await assertRejects(
    () =>
      runOnce(loadWorkflow(workflow), { topic: "x" }, {
        deps: testDeps({
          createChatModel: (spec) => {
            built.push(spec.provider);
            if (spec.provider !== "anthropic") return Promise.resolve(model);
            return Promise.reject(
              new WorkflowError("MISSING_CREDENTIALS", "Cannot call anthropic without a key", {
                phase: "execute",
              }),
            );
          },
        }),
      }),
    WorkflowError,
    "Cannot call anthropic without a key",
  ) as WorkflowError;
  assertEquals(error.code, "MISSING_CREDENTIALS");
  assertEquals(error.nodeId, "publish");
  assertEquals(built, ["google", "anthropic"]);
  assertEquals(model.requests.length, 0);
});
