import { z } from "zod";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../_helpers/assert.ts";
import { estimateTokens } from "../../src/llm/estimate_tokens.ts";
import { MockChatModel } from "../../src/llm/mock_chat_model.ts";
import { readTokenUsage } from "../../src/llm/read_token_usage.ts";

const ArticleSchema = z.object({
  title: z.string().describe("Headline of the article"),
  outline: z.object({
    sections: z.array(z.object({ heading: z.string(), paragraphs: z.int().min(1).max(5) })),
    published: z.boolean(),
  }),
  word_counts: z.array(z.int()),
  readings: z.record(z.string(), z.array(z.number())),
  approved: z.boolean(),
  tone: z.enum(["formal", "casual", "playful"]),
  confidence: z.number().min(0).max(1),
  note: z.string().nullable(),
});

const searchTool = tool(({ query }) => Promise.resolve(`results for ${query}`), {
  name: "serper_search",
  description: "Search the web",
  schema: z.object({ query: z.string(), limit: z.int().min(1).max(10) }),
});

const fetchTool = tool(({ url }) => Promise.resolve(`page ${url}`), {
  name: "http_get",
  description: "Fetch a page",
  schema: z.object({ url: z.url() }),
});

Deno.test("MockChatModel withStructuredOutput() returns parsed output valid for nested, list, dict, int, float, bool and enum fields", async () => {
  const model = new MockChatModel({ seed: 1 });
  const { raw, parsed } = await model.withStructuredOutput(ArticleSchema, { includeRaw: true })
    .invoke("Write an article about tide pools");

  assertEquals(ArticleSchema.safeParse(parsed).success, true, JSON.stringify(parsed));
  assert(parsed.word_counts.length >= 2 && parsed.word_counts.length <= 3);
  assert(parsed.word_counts.every(Number.isInteger));
  assert(Object.keys(parsed.readings).length >= 2);
  assert(Object.values(parsed.readings).flat().every((value) => typeof value === "number"));
  assertStringIncludes(parsed.title, "tide pools");
  assertMatch(parsed.title, /^Mock title about tide pools/);
  assert(
    parsed.outline.sections.every((section) => section.paragraphs >= 1 && section.paragraphs <= 5),
  );
  assert(readTokenUsage(raw).input_tokens > 0);
});

Deno.test("MockChatModel answers deterministically for a seed and a prompt", async () => {
  const ask = (seed: number, prompt: string) =>
    new MockChatModel({ seed }).withStructuredOutput(ArticleSchema).invoke(prompt);
  const first = await ask(3, "Write about coral reefs");
  const again = await ask(3, "Write about coral reefs");
  const otherSeed = await ask(4, "Write about coral reefs");
  const otherPrompt = await ask(3, "Write about kelp forests");

  assertEquals(first, again);
  assertNotEquals(first, otherSeed);
  assertNotEquals(first, otherPrompt);
});

Deno.test("MockChatModel gives a repeated prompt a fresh answer, the same for every seed run", async () => {
  const askTwice = async () => {
    const model = new MockChatModel({ seed: 3 }).withStructuredOutput(ArticleSchema);
    return [
      await model.invoke("Write about coral reefs"),
      await model.invoke("Write about coral reefs"),
    ];
  };
  const [first, second] = await askTwice();
  const [firstAgain, secondAgain] = await askTwice();

  assertNotEquals(first, second);
  assertEquals([first, second], [firstAgain, secondAgain]);
});

Deno.test("MockChatModel schema conformance holds over many seeds", async () => {
  const schema = z.object({
    scores: z.array(z.int()),
    by_topic: z.record(z.string(), z.array(z.number())),
    flags: z.object({ done: z.boolean(), level: z.int().min(-3).max(-1) }),
    year: z.int().min(1990).max(1995),
    ratio: z.number().gt(0).lt(0.5),
    tags: z.array(z.string()).min(4).max(5),
  });
  for (let seed = 0; seed < 25; seed++) {
    const parsed = await new MockChatModel({ seed }).withStructuredOutput(schema).invoke(
      "Score the essay",
    );
    const result = schema.safeParse(parsed);
    assert(result.success, `seed ${seed}: ${JSON.stringify(parsed)}`);
  }
});

Deno.test("MockChatModel requests each bound tool once, then answers after the tool results", async () => {
  const model = new MockChatModel({ seed: 2 }).bindTools([searchTool, fetchTool]);
  const question = new HumanMessage("Research the history of tide pools");
  const first = await model.invoke([question]);

  assertEquals(first.content, "");
  assertEquals(first.tool_calls?.map((call) => call.name), ["serper_search", "http_get"]);
  const search = first.tool_calls?.[0];
  const fetchCall = first.tool_calls?.[1];
  assert(search !== undefined && fetchCall !== undefined);
  assertEquals(searchTool.schema.safeParse(search.args).success, true);
  assertEquals(fetchTool.schema.safeParse(fetchCall.args).success, true);
  assertEquals(new Set(first.tool_calls?.map((call) => call.id)).size, 2);

  const results = await Promise.all(
    (first.tool_calls ?? []).map((call) =>
      call.name === "serper_search" ? searchTool.invoke(call) : fetchTool.invoke(call)
    ),
  );
  const second = await model.invoke([question, first, ...results]);
  assertEquals(second.tool_calls ?? [], []);
  assert(typeof second.content === "string");
  assertStringIncludes(second.content, "based on 2 tool results");
  assertStringIncludes(second.content, "results for Mock query");
});

Deno.test("MockChatModel structured output after a tool loop still calls the output tool", async () => {
  const model = new MockChatModel();
  const history = [
    new HumanMessage("Summarize the topic: tide pools"),
    new AIMessage({
      content: "",
      tool_calls: [{ id: "call_1", name: "serper_search", args: { query: "tide pools" } }],
    }),
    new ToolMessage({ content: "Tide pools are rocky habitats", tool_call_id: "call_1" }),
  ];
  const schema = z.object({ summary: z.string() });
  const parsed = await model.withStructuredOutput(schema).invoke(history);
  assertMatch(parsed.summary, /^Mock summary about tide pools/);
});

Deno.test("MockChatModel follows tool_choice: a named tool is forced and none forces text", async () => {
  const model = new MockChatModel();
  const forced = await model.bindTools([searchTool, fetchTool], { tool_choice: "http_get" })
    .invoke("Go");
  assertEquals(forced.tool_calls?.map((call) => call.name), ["http_get"]);
  const none = await model.bindTools([searchTool], { tool_choice: "none" }).invoke("Go");
  assertEquals(none.tool_calls ?? [], []);
  const objectChoice = await model.bindTools([searchTool, fetchTool], {
    tool_choice: { type: "function", function: { name: "serper_search" } },
  }).invoke("Go");
  assertEquals(objectChoice.tool_calls?.map((call) => call.name), ["serper_search"]);
});

Deno.test("MockChatModel counts input tokens from every message and the tool schemas", async () => {
  const messages = [
    new SystemMessage("You are a careful marine biologist."),
    new HumanMessage("Describe tide pools in detail, please."),
  ];
  const plain = await new MockChatModel().invoke(messages);
  const plainUsage = readTokenUsage(plain);
  const expectedInput = estimateTokens(
    "You are a careful marine biologist.\nDescribe tide pools in detail, please.",
  );
  assertEquals(plainUsage.input_tokens, expectedInput);
  assert(typeof plain.content === "string");
  assertEquals(plainUsage.output_tokens, estimateTokens(plain.content));
  assertEquals(plainUsage.total_tokens, plainUsage.input_tokens + plainUsage.output_tokens);

  const longer = await new MockChatModel().invoke([
    ...messages,
    new HumanMessage("x".repeat(400)),
  ]);
  assertEquals(
    readTokenUsage(longer).input_tokens,
    estimateTokens(
      `You are a careful marine biologist.\nDescribe tide pools in detail, please.\n${
        "x".repeat(400)
      }`,
    ),
  );
  assert(readTokenUsage(longer).input_tokens >= expectedInput + 100);

  const withTools = await new MockChatModel().bindTools([searchTool]).invoke(messages);
  assert(readTokenUsage(withTools).input_tokens > expectedInput + 20);
  assert(readTokenUsage(withTools).output_tokens > 0);
});

Deno.test("MockChatModel waits its latency with the injected sleep and rejects on abort", async () => {
  const waits: number[] = [];
  const { promise: sleeping, resolve: startedSleeping } = Promise.withResolvers<void>();
  const model = new MockChatModel({
    latencyMs: 250,
    sleep: (ms, signal) => {
      waits.push(ms);
      startedSleeping();
      return new Promise((_, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    },
  });
  const controller = new AbortController();
  const pending = model.invoke("Hello", { signal: controller.signal });
  await sleeping;
  controller.abort(new Error("Run cancelled"));
  await assertRejects(() => pending, Error, "Run cancelled");
  assertEquals(waits, [250]);
});

Deno.test("MockChatModel default sleep is cut by an abort", async () => {
  const model = new MockChatModel({ latencyMs: 60_000 });
  const controller = new AbortController();
  const pending = model.invoke("Hello", { signal: controller.signal });
  setTimeout(() => controller.abort(new Error("Node timed out")), 5);
  await assertRejects(() => pending, Error, "Node timed out");
});

Deno.test("MockChatModel rejects an already aborted signal before answering", async () => {
  const controller = new AbortController();
  controller.abort(new Error("Already cancelled"));
  await assertRejects(
    () => new MockChatModel().invoke("Hello", { signal: controller.signal }),
    Error,
    "Already cancelled",
  );
});

Deno.test("MockChatModel reports its model name and checks its options", async () => {
  const reply = await new MockChatModel({ modelName: "claude-sonnet-4-5" }).invoke("Hi");
  assertEquals(reply.response_metadata["model_name"], "claude-sonnet-4-5");
  assertEquals(reply.response_metadata["model_provider"], "mock");
  assertThrows(() => new MockChatModel({ seed: 1.5 }), RangeError, "seed must be an integer");
  assertThrows(() => new MockChatModel({ latencyMs: -1 }), RangeError, "latencyMs");
});

Deno.test("MockChatModel answers scripted values in order for its answer tool, the last repeating", async () => {
  const model = new MockChatModel({
    seed: 3,
    answers: { tool: "answer", values: [{ score: 2 }, { score: 4 }] },
  });
  const structured = model.withStructuredOutput(
    z.object({ score: z.int(), note: z.string() }),
    { name: "answer" },
  );
  const scores: number[] = [];
  for (const prompt of ["one", "two", "three"]) {
    const parsed = await structured.invoke(`Rate ${prompt}`);
    scores.push(parsed.score);
    assertEquals(typeof parsed.note, "string");
  }
  assertEquals(scores, [2, 4, 4]);
  const other = model.withStructuredOutput(z.object({ score: z.int() }), { name: "other" });
  assertEquals(Number.isInteger((await other.invoke("Rate four")).score), true);
});
