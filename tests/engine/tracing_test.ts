import type { WorkflowInput } from "../../src/config/schema.ts";
import type { EngineEvent } from "../../src/engine/engine_types.ts";
import { WorkflowError } from "../../src/errors.ts";
import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import {
  answer,
  flatten,
  httpError,
  loadWorkflow,
  recordingTool,
  RecordingTracer,
  registryWith,
  runOnce,
  ScriptedChatModel,
  testDeps,
  text,
  toolCalls,
} from "./_fakes.ts";
import { memorySink, syncTracker } from "../tracking/_helpers.ts";
import { createToolRegistry } from "../../src/tools/tool_registry.ts";

const workflow: WorkflowInput = {
  schema_version: "1.0",
  flow: { name: "traced", version: "2" },
  state: {
    fields: {
      topic: { type: "str", required: true },
      facts: { type: "list[str]" },
      summary: { type: "str" },
    },
  },
  nodes: [
    { id: "research", prompt: "Research {topic}", outputs: ["facts"], tools: ["lookup"] },
    { id: "write", prompt: "Write on {facts}", outputs: ["summary"] },
  ],
  edges: [
    { from: "START", to: "research" },
    { from: "research", to: "write" },
    { from: "write", to: "END" },
  ],
  config: { llm: { provider: "openai", model: "gpt-4o-mini" } },
};

Deno.test("compileWorkflow().run() records AGENT, CHAIN, CHAT_MODEL and TOOL spans", async () => {
  const lookup = recordingTool("lookup", () => Promise.resolve("found"));
  const model = new ScriptedChatModel({
    steps: [
      toolCalls({ name: "lookup", args: { query: "q" } }),
      text("ok"),
      answer({ facts: ["f"] }, { input: 30, output: 7 }),
      answer({ summary: "s" }),
    ],
  });
  const tracer = new RecordingTracer();
  const result = await runOnce(loadWorkflow(workflow), { topic: "tide pools" }, {
    deps: testDeps({ model, tools: registryWith(lookup.tool) }),
    tracer,
  });
  assertEquals(tracer.starts[0], {
    workflowName: "traced",
    workflowVersion: "2",
    nodeCount: 2,
    provider: "openai",
    model: "gpt-4o-mini",
    schemaVersion: "1.0",
    inputs: { topic: "tide pools" },
  });
  const root = tracer.roots[0]!;
  const shape = (span: typeof root): unknown => [
    `${span.type}:${span.name}`,
    ...span.children.map(shape),
  ];
  assertEquals(shape(root), [
    "AGENT:workflow_traced",
    [
      "CHAIN:research",
      ["CHAT_MODEL:ScriptedChatModel"],
      ["TOOL:lookup"],
      ["CHAT_MODEL:ScriptedChatModel"],
      ["CHAT_MODEL:ScriptedChatModel"],
    ],
    ["CHAIN:write", ["CHAT_MODEL:ScriptedChatModel"]],
  ]);
  const [research] = root.children;
  assertEquals(research?.inputs, { inputs: {}, prompt: "Research tide pools" });
  assertEquals(research?.outputs, { facts: ["f"] });
  const tool = research?.children[1];
  assertEquals([tool?.inputs, tool?.outputs], [{ query: "q" }, "found"]);
  const call = research?.children[3];
  assertEquals(call?.llmCall?.usage, { input_tokens: 30, output_tokens: 7, total_tokens: 37 });
  assertEquals(call?.llmCall?.provider, "openai");
  assertEquals(call?.llmCall?.pricedAs, { provider: "openai", model: "gpt-4o-mini" });
  const messages = (call?.inputs as { messages: { role: string }[] }).messages;
  assertEquals(messages.map((m) => m.role), ["user", "assistant", "tool", "assistant"]);
  assertEquals(tracer.ends, [{ status: "success", outputs: result.state }]);
  assertEquals(result.metadata.traceId, "tr-test");
  assertEquals(result.metadata.runId, "run-test");
  assertEquals(tracer.snapshots.map((s) => s.nodeId), ["research", "write"]);
  assertEquals(tracer.snapshots[0]?.state, { topic: "tide pools", facts: ["f"], summary: null });
});

Deno.test("compileWorkflow().run() finishes the trace on failure with the error span", async () => {
  const lookup = recordingTool("lookup", () => Promise.resolve("found"));
  const model = new ScriptedChatModel({ steps: [httpError(401, "bad key")] });
  const tracer = new RecordingTracer();
  const events: EngineEvent[] = [];
  const error = await assertRejects(
    () =>
      runOnce(loadWorkflow(workflow), { topic: "x" }, {
        deps: testDeps({ model, tools: registryWith(lookup.tool) }),
        tracer,
        onEvent: (event) => events.push(event),
      }),
    WorkflowError,
  );
  assertEquals(tracer.ends.length, 1);
  assertEquals(tracer.ends[0]?.status, "failed");
  assertEquals(tracer.ends[0]?.error, error);
  const failed = flatten(tracer.roots[0]!).filter((span) => span.error !== undefined);
  assertEquals(failed.map((span) => span.type), ["AGENT", "CHAIN", "CHAT_MODEL"]);
  assertEquals(events.map((e) => e.type), [
    "run_started",
    "node_started",
    "node_failed",
    "run_finished",
  ]);
  const finished = events.at(-1);
  assert(finished?.type === "run_finished" && finished.status === "failed");
});

Deno.test("compileWorkflow().run() finishes the trace when the inputs are invalid", async () => {
  const tracer = new RecordingTracer();
  const error = await assertRejects(
    () =>
      runOnce(loadWorkflow(workflow), { topik: "x" }, {
        deps: testDeps({
          model: new ScriptedChatModel({ steps: [] }),
          tools: registryWith(recordingTool("lookup", () => Promise.resolve("")).tool),
        }),
        tracer,
      }),
    WorkflowError,
  ) as WorkflowError;
  assertEquals(error.code, "INPUT_INVALID");
  assertEquals(tracer.ends[0]?.status, "failed");
  assertEquals(tracer.ends[0]?.reason, "input_invalid");
});

Deno.test("compileWorkflow().run() emits node events with duration, usage and cost", async () => {
  const lookup = recordingTool("lookup", () => Promise.resolve("found"));
  const model = new ScriptedChatModel({
    steps: [text("no tools needed"), answer({ facts: ["f"] }), answer({ summary: "s" })],
  });
  const events: EngineEvent[] = [];
  await runOnce(loadWorkflow(workflow), { topic: "x" }, {
    deps: testDeps({
      model,
      tools: registryWith(lookup.tool),
      price: () => ({ input_cost: 0.5, output_cost: 0.25, total_cost: 0.75 }),
    }),
    onEvent: (event) => {
      events.push(event);
      throw new Error("a failing listener does not break the run");
    },
  });
  const finished = events.filter((e) => e.type === "node_finished");
  assertEquals(finished.map((e) => e.type === "node_finished" && e.nodeId), ["research", "write"]);
  const first = finished[0];
  assert(first?.type === "node_finished");
  assertEquals(first.usage, { input_tokens: 20, output_tokens: 10, total_tokens: 30 });
  assertEquals(first.costUsd, 1.5);
  assert(first.durationMs > 0);
  const end = events.at(-1);
  assert(end?.type === "run_finished" && end.status === "success" && end.costUsd === 2.25);
});

Deno.test("compileWorkflow().run() passes the TOOL span's traceparent to http_get, which sends it", async () => {
  const sent: (string | null)[] = [];
  const model = new ScriptedChatModel({
    steps: [
      toolCalls({ name: "http_get", args: { url: "https://api.example.com/facts" } }),
      text("Fetched"),
      answer({ facts: ["fetched"] }),
    ],
  });
  const sink = memorySink();
  const tracker = syncTracker(sink);
  await runOnce(
    loadWorkflow({
      ...workflow,
      nodes: [{
        id: "research",
        prompt: "Find facts about {topic}",
        outputs: ["facts"],
        tools: [{ name: "http_get", config: { allowed_hosts: ["api.example.com"] } }],
      }],
      edges: [{ from: "START", to: "research" }, { from: "research", to: "END" }],
    }),
    { topic: "tide pools" },
    {
      tracer: tracker,
      deps: testDeps({
        model,
        tools: createToolRegistry(),
        fetch: (_url, init) => {
          sent.push(new Headers(init?.headers).get("traceparent"));
          return Promise.resolve(new Response("ok", { headers: { "content-type": "text/plain" } }));
        },
      }),
    },
  );
  const tool = sink.bundles[0]?.trace.spans.find((span) => span.name === "http_get");
  assert(tool !== undefined);
  assertEquals(sent, [`00-${tool.traceId}-${tool.spanId}-01`]);
  // Without a tracer, nothing is sent.
  sent.length = 0;
  const untraced = new ScriptedChatModel({
    steps: [
      toolCalls({ name: "http_get", args: { url: "https://api.example.com/facts" } }),
      text("Fetched"),
      answer({ facts: ["fetched"] }),
    ],
  });
  await runOnce(
    loadWorkflow({
      ...workflow,
      nodes: [{
        id: "research",
        prompt: "Find facts about {topic}",
        outputs: ["facts"],
        tools: [{ name: "http_get", config: { allowed_hosts: ["api.example.com"] } }],
      }],
      edges: [{ from: "START", to: "research" }, { from: "research", to: "END" }],
    }),
    { topic: "tide pools" },
    {
      deps: testDeps({
        model: untraced,
        tools: createToolRegistry(),
        fetch: (_url, init) => {
          sent.push(new Headers(init?.headers).get("traceparent"));
          return Promise.resolve(new Response("ok", { headers: { "content-type": "text/plain" } }));
        },
      }),
    },
  );
  assertEquals(sent, [null]);
});
