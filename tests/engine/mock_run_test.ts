import type { WorkflowInput } from "../../src/config/schema.ts";
import type { PricedAs } from "../../src/engine/engine_types.ts";
import { createToolRegistry } from "../../src/tools/tool_registry.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { flatten, loadWorkflow, RecordingTracer, runOnce, testDeps } from "./_fakes.ts";

/** A workflow as configurable-agents v0.1 wrote them: linear edges, typed state, objects. */
const articleWriter: WorkflowInput = {
  schema_version: "1.0",
  flow: {
    name: "article_writer",
    description: "Research a topic and write an article",
    version: "1.0.0",
  },
  state: {
    fields: {
      topic: { type: "str", required: true, description: "What to write about" },
      research: { type: "str", default: "" },
      sources: { type: "list[str]", default: [] },
      article: { type: "str", default: "" },
      word_count: { type: "int", default: 0 },
      review: {
        type: "object",
        schema: {
          score: "int",
          strengths: "list[str]",
          details: { type: "object", schema: { tone: "str", ratings: "dict[str, float]" } },
        },
      },
    },
  },
  nodes: [
    {
      id: "research_topic",
      description: "Research the topic",
      prompt: 'Research {state.topic} with the search tool. Reply like {"research": "..."}',
      outputs: ["research", "sources"],
      output_schema: {
        type: "object",
        fields: [
          { name: "research", type: "str", description: "Findings" },
          { name: "sources", type: "list[str]", description: "URLs" },
        ],
      },
      tools: ["serper_search"],
    },
    {
      id: "write_article",
      prompt: "Write an article about {topic} using {research}",
      outputs: ["article", "word_count"],
      output_schema: {
        type: "object",
        fields: [
          { name: "article", type: "str" },
          { name: "word_count", type: "int" },
        ],
      },
    },
    {
      id: "review_article",
      prompt: "Review this article: {article}",
      outputs: ["review"],
      output_schema: { type: "object", fields: [{ name: "review", type: "object" }] },
    },
  ],
  edges: [
    { from: "START", to: "research_topic" },
    { from: "research_topic", to: "write_article" },
    { from: "write_article", to: "review_article" },
    { from: "review_article", to: "END" },
  ],
  config: {
    llm: { provider: "google", model: "gemini-2.5-flash-lite", temperature: 0.7 },
    execution: { timeout: 120, max_retries: 3 },
    observability: { mlflow: { enabled: false }, logging: { level: "info" } },
  },
};

function mockDeps(priced: PricedAs[] = []) {
  return testDeps({
    createChatModel: () => Promise.reject(new Error("a mock run never builds a real model")),
    fetch: () => Promise.reject(new Error("a mock run never touches the network")),
    tools: createToolRegistry(),
    price: (as) => {
      priced.push(as);
      return { input_cost: 0.001, output_cost: 0.002, total_cost: 0.003 };
    },
  });
}

Deno.test("compileWorkflow().run() runs a v0.1 workflow in mock mode with state of the declared types", async () => {
  const priced: PricedAs[] = [];
  const tracer = new RecordingTracer();
  const result = await runOnce(loadWorkflow(articleWriter), { topic: "tide pools" }, {
    deps: mockDeps(priced),
    mock: true,
    seed: 42,
    tracer,
  });
  const { state } = result;
  assertEquals(state.topic, "tide pools");
  assert(typeof state.research === "string" && state.research.length > 0);
  assert(Array.isArray(state.sources) && state.sources.every((s) => typeof s === "string"));
  assert(typeof state.article === "string");
  assert(Number.isInteger(state.word_count), String(state.word_count));
  const review = state.review as {
    score: unknown;
    strengths: unknown[];
    details: { tone: unknown; ratings: Record<string, unknown> };
  };
  assert(Number.isInteger(review.score), JSON.stringify(review));
  assert(review.strengths.every((s) => typeof s === "string"));
  assert(typeof review.details.tone === "string");
  assert(Object.values(review.details.ratings).every((r) => typeof r === "number"));

  assert(priced.length > 0);
  assert(
    priced.every((p) => p.provider === "google" && p.model === "gemini-2.5-flash-lite"),
    "a mock call is priced as the node's real model",
  );
  const calls = flatten(tracer.roots[0]!).filter((s) => s.type === "CHAT_MODEL");
  assert(calls.every((c) => c.llmCall?.provider === "mock" && c.llmCall.usage.input_tokens > 0));
  const tools = flatten(tracer.roots[0]!).filter((s) => s.type === "TOOL");
  assertEquals(tools.map((t) => t.name), ["serper_search"]);
  assertEquals((tools[0]?.outputs as { mock?: boolean }).mock, true);
  assert(result.metadata.costComplete && (result.metadata.costUsd ?? 0) > 0);
});

Deno.test("compileWorkflow().run() in mock mode is deterministic for a seed", async () => {
  const run = (seed: number) =>
    runOnce(loadWorkflow(articleWriter), { topic: "tide pools" }, {
      deps: mockDeps(),
      mock: true,
      seed,
    });
  const [first, second] = [await run(7), await run(7)];
  assertEquals(first.state, second.state);
  assertEquals(first.metadata.usage, second.metadata.usage);
});
