/**
 * The real `@langchain/openai` ChatOpenAI, built by createChatModel, against a loopback
 * chat-completions server: usage, tool calls, structured output, retries and timeouts.
 */
import { z } from "zod";
import { HumanMessage, ToolMessage } from "@langchain/core/messages";
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
} from "../_helpers/assert.ts";
import {
  chatCompletion,
  openAIError,
  startFakeOpenAIServer,
} from "../_helpers/fake_openai_server.ts";
import { classifyProviderError } from "../../src/llm/classify_provider_error.ts";
import { createChatModel } from "../../src/llm/create_chat_model.ts";
import { LlmRequestError } from "../../src/llm/llm_request_error.ts";
import type { ModelSpec } from "../../src/llm/model_spec.ts";
import { readTokenUsage } from "../../src/llm/read_token_usage.ts";
import { retryWithBackoff } from "../../src/llm/retry_with_backoff.ts";
import { isWorkflowError } from "../../src/errors.ts";

const KEY = "sk-test-0123456789abcdef";

function openAISpec(baseUrl: string): ModelSpec {
  return { provider: "openai", model: "gpt-4o-mini", baseUrl, temperature: 0.1, maxTokens: 64 };
}

function keyEnv(name: string): string | undefined {
  return name === "OPENAI_API_KEY" ? KEY : undefined;
}

Deno.test("createChatModel() openai sends the prompt and reads usage with cached tokens", async () => {
  await using server = startFakeOpenAIServer({
    responses: [chatCompletion({
      content: "Tide pools are rocky habitats.",
      usage: { prompt_tokens: 120, completion_tokens: 8, cached_tokens: 100 },
    })],
  });
  const model = await createChatModel(openAISpec(server.baseUrl), { env: keyEnv });
  const reply = await model.invoke([new HumanMessage("Tell me about tide pools")]);

  assertEquals(reply.content, "Tide pools are rocky habitats.");
  assertEquals(readTokenUsage(reply), {
    input_tokens: 120,
    output_tokens: 8,
    total_tokens: 128,
    cache_read_input_tokens: 100,
  });
  assertEquals(server.requests.length, 1);
  const request = server.requests[0];
  assertEquals(request?.path, "/v1/chat/completions");
  assertEquals(request?.headers["authorization"], `Bearer ${KEY}`);
  const body = request?.body as Record<string, unknown>;
  assertEquals(body["model"], "gpt-4o-mini");
  assertEquals(body["temperature"], 0.1);
  assertEquals(body["max_tokens"] ?? body["max_completion_tokens"], 64);
  assertEquals(body["messages"], [{ role: "user", content: "Tell me about tide pools" }]);
});

Deno.test("createChatModel() openai round-trips a tool call", async () => {
  await using server = startFakeOpenAIServer({
    responses: [
      chatCompletion({
        toolCalls: [{ id: "call_1", name: "serper_search", arguments: { query: "tide pools" } }],
      }),
      chatCompletion({ content: "Found 3 sources about tide pools." }),
    ],
  });
  const model = await createChatModel(openAISpec(server.baseUrl), { env: keyEnv });
  const tool = {
    name: "serper_search",
    description: "Search the web",
    schema: z.object({ query: z.string().describe("Search terms") }),
  };
  assert(model.bindTools !== undefined);
  const withTools = model.bindTools([tool]);
  const first = await withTools.invoke([new HumanMessage("Research tide pools")]);

  assertEquals(first.tool_calls?.map(({ id, name, args }) => ({ id, name, args })), [
    { id: "call_1", name: "serper_search", args: { query: "tide pools" } },
  ]);
  const sentTools = (server.requests[0]?.body as { tools: unknown[] }).tools;
  assertEquals(sentTools.length, 1);
  assertEquals((sentTools[0] as { function: { name: string } }).function.name, "serper_search");

  const second = await withTools.invoke([
    new HumanMessage("Research tide pools"),
    first,
    new ToolMessage({ content: "3 results", tool_call_id: "call_1" }),
  ]);
  assertEquals(second.content, "Found 3 sources about tide pools.");
  const sentMessages = (server.requests[1]?.body as { messages: Record<string, unknown>[] })
    .messages;
  assertEquals(sentMessages.map((message) => message["role"]), ["user", "assistant", "tool"]);
  assertEquals(sentMessages[2]?.["tool_call_id"], "call_1");
});

Deno.test("createChatModel() openai supports withStructuredOutput", async () => {
  const answer = { title: "Tide pools", points: [3, 5], scores: { rocks: [0.5, 1.5] } };
  await using server = startFakeOpenAIServer({
    responses: [(request) => {
      const body = request.body as Record<string, unknown>;
      // Answer whichever way the integration asked: JSON schema response format or tool call.
      return body["response_format"] !== undefined
        ? chatCompletion({ content: JSON.stringify(answer) })
        : chatCompletion({ toolCalls: [{ name: "extract", arguments: answer }] });
    }],
  });
  const model = await createChatModel(openAISpec(server.baseUrl), { env: keyEnv });
  const schema = z.object({
    title: z.string(),
    points: z.array(z.int()),
    scores: z.record(z.string(), z.array(z.number())),
  });
  const result = await model.withStructuredOutput(schema, { includeRaw: true, name: "extract" })
    .invoke("Summarise tide pools");

  assertEquals(result.parsed, answer);
  assertEquals(readTokenUsage(result.raw).total_tokens, 15);
  const body = server.requests[0]?.body as Record<string, unknown>;
  assert(body["response_format"] !== undefined || body["tools"] !== undefined);
});

Deno.test("retryWithBackoff() honours a 429 Retry-After and the SDK makes no retry of its own", async () => {
  await using server = startFakeOpenAIServer({
    responses: [
      openAIError(429, "Rate limit reached for gpt-4o-mini", { "retry-after": "7" }),
      chatCompletion({ content: "done" }),
    ],
  });
  const model = await createChatModel(openAISpec(server.baseUrl), { env: keyEnv });
  const waits: number[] = [];
  const kinds: string[] = [];
  const reply = await retryWithBackoff(() => model.invoke("Hello"), {
    maxRetries: 3,
    random: () => 0,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    onRetry: ({ kind }) => kinds.push(kind),
  });

  assertEquals(reply.content, "done");
  assertEquals(waits, [7000]);
  assertEquals(kinds, ["rate_limit"]);
  assertEquals(server.requests.length, 2);
});

Deno.test("retryWithBackoff() retries a 500 up to maxRetries, then fails with LLM_REQUEST_FAILED", async () => {
  await using server = startFakeOpenAIServer({
    fallback: openAIError(500, "The server had an error while processing your request"),
  });
  const model = await createChatModel(openAISpec(server.baseUrl), { env: keyEnv });
  const waits: number[] = [];
  const error = await assertRejects(
    () =>
      retryWithBackoff(() => model.invoke("Hello"), {
        maxRetries: 2,
        baseDelayMs: 100,
        random: () => 0.5,
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
        nodeId: "summarize",
      }),
    LlmRequestError,
    "after 3 attempts",
  );

  assertInstanceOf(error, LlmRequestError);
  assert(isWorkflowError(error));
  assertEquals([error.code, error.kind, error.status, error.attempts], [
    "LLM_REQUEST_FAILED",
    "server",
    500,
    3,
  ]);
  assertEquals(error.nodeId, "summarize");
  assertEquals(waits, [50, 100]);
  assertEquals(server.requests.length, 3);
});

Deno.test("createChatModel() timeoutMs cuts a hung request, which classifies as a timeout", async () => {
  await using server = startFakeOpenAIServer({ responses: [{ hang: true }] });
  const model = await createChatModel(openAISpec(server.baseUrl), { env: keyEnv, timeoutMs: 200 });
  const error = await assertRejects(() => model.invoke("Hello"));

  assertEquals(classifyProviderError(error), { retryable: true, kind: "timeout" });
  assertEquals(server.requests.length, 1);
});

Deno.test("createChatModel() openai call stops when its AbortSignal aborts mid-request", async () => {
  const controller = new AbortController();
  await using server = startFakeOpenAIServer({
    responses: [() => {
      controller.abort(new DOMException("Node timed out", "TimeoutError"));
      return { hang: true };
    }],
  });
  const model = await createChatModel(openAISpec(server.baseUrl), { env: keyEnv });
  const error = await assertRejects(
    () =>
      retryWithBackoff(() => model.invoke("Hello", { signal: controller.signal }), {
        maxRetries: 3,
        signal: controller.signal,
      }),
  );

  assertEquals(error.message, "Node timed out");
  assertEquals(server.requests.length, 1);
  assertEquals(classifyProviderError(error, { signal: controller.signal }).kind, "aborted");
});

Deno.test("createChatModel() openai fails with MISSING_CREDENTIALS before any request", async () => {
  await using server = startFakeOpenAIServer();
  const error = await assertRejects(
    () => createChatModel(openAISpec(server.baseUrl), { env: () => undefined }),
    Error,
    'Cannot call provider "openai" as its API key is missing: set "OPENAI_API_KEY"',
  );
  assert(isWorkflowError(error));
  assertEquals([error.code, error.phase], ["MISSING_CREDENTIALS", "execute"]);
  assertStringIncludes(error.hint ?? "", "export OPENAI_API_KEY=");
  assertEquals(server.requests.length, 0);
});

Deno.test("createChatModel() openai-compatible needs no key and uses the injected fetch", async () => {
  await using server = startFakeOpenAIServer({ responses: [chatCompletion({ content: "local" })] });
  const seen: string[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    seen.push(input instanceof Request ? input.url : String(input));
    return fetch(input, init);
  };
  const model = await createChatModel(
    { provider: "openai-compatible", model: "llama3.2", baseUrl: server.baseUrl },
    { env: () => undefined, fetch: recordingFetch },
  );
  const reply = await model.invoke("Hello");

  assertEquals(reply.content, "local");
  assertEquals(seen, [`${server.baseUrl}/chat/completions`]);
  assertEquals(server.requests[0]?.headers["authorization"], "Bearer not-needed");
});

Deno.test("createChatModel() openai-compatible sends its own key, never the OpenAI key", async () => {
  await using server = startFakeOpenAIServer({ responses: [chatCompletion({ content: "ok" })] });
  const env = (name: string) =>
    ({ OPENAI_API_KEY: KEY, OPENAI_COMPATIBLE_API_KEY: "local-key-42" })[name];
  const model = await createChatModel(
    { provider: "openai-compatible", model: "llama3.2", baseUrl: server.baseUrl },
    { env },
  );
  await model.invoke("Hello");

  assertEquals(server.requests[0]?.headers["authorization"], "Bearer local-key-42");
  assert(!JSON.stringify(server.requests[0]?.headers).includes(KEY));
});

Deno.test("createChatModel() openai sends its requests to OPENAI_BASE_URL when the file sets no base_url", async () => {
  await using server = startFakeOpenAIServer({
    responses: [chatCompletion({ content: "proxied" })],
  });
  const env = (name: string) => ({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl })[name];
  const model = await createChatModel({ provider: "openai", model: "gpt-4o-mini" }, { env });
  const reply = await model.invoke("Hello");

  assertEquals(reply.content, "proxied");
  assertEquals(server.requests[0]?.headers["authorization"], `Bearer ${KEY}`);
});
