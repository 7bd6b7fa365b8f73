import { ChatAnthropic } from "@langchain/anthropic";
import { ChatGoogleGenerativeAI } from "@langchain/google-genai";
import { ChatOllama } from "@langchain/ollama";
import { ChatOpenAI } from "@langchain/openai";
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
} from "../_helpers/assert.ts";
import { startFakeOpenAIServer } from "../_helpers/fake_openai_server.ts";
import { isWorkflowError, WorkflowError } from "../../src/errors.ts";
import { classifyProviderError } from "../../src/llm/classify_provider_error.ts";
import { createChatModel } from "../../src/llm/create_chat_model.ts";
import { MockChatModel } from "../../src/llm/mock_chat_model.ts";
import { readTokenUsage } from "../../src/llm/read_token_usage.ts";
import {
  anthropicMessage,
  GEMINI_USAGE_READ,
  geminiResponse,
  json,
  ollamaStream,
  scriptedFetch,
} from "./_provider_fakes.ts";

function env(values: Record<string, string>): (name: string) => string | undefined {
  return (name) => values[name];
}

function maxRetriesOf(model: unknown): unknown {
  return (model as { caller: { maxRetries: number } }).caller.maxRetries;
}

Deno.test("createChatModel() builds ChatAnthropic with its options and no built-in retries", async () => {
  const fake = scriptedFetch([]);
  const model = await createChatModel(
    { provider: "anthropic", model: "claude-sonnet-4-5", temperature: 0.3, maxTokens: 512 },
    { env: env({ ANTHROPIC_API_KEY: "sk-ant-test" }), fetch: fake.fetch, timeoutMs: 5000 },
  );

  assertInstanceOf(model, ChatAnthropic);
  assertEquals([model.model, model.temperature, model.maxTokens], ["claude-sonnet-4-5", 0.3, 512]);
  assertEquals(model.apiUrl, "https://api.anthropic.com");
  assertEquals(model.clientOptions.fetch, fake.fetch);
  assertEquals(model.clientOptions.timeout, 5000);
  assertEquals(maxRetriesOf(model), 0);
  assertEquals(fake.requests.length, 0);
});

Deno.test("createChatModel() anthropic calls the injected fetch and reports cache usage", async () => {
  const fake = scriptedFetch([json(anthropicMessage("Tide pools hold anemones."))]);
  const model = await createChatModel(
    { provider: "anthropic", model: "claude-sonnet-4-5" },
    { env: env({ ANTHROPIC_API_KEY: "sk-ant-test" }), fetch: fake.fetch },
  );
  const reply = await model.invoke("Tell me about tide pools");

  assertEquals(reply.content, "Tide pools hold anemones.");
  assertEquals(fake.requests[0]?.url, "https://api.anthropic.com/v1/messages");
  assertEquals(fake.requests[0]?.headers.get("x-api-key"), "sk-ant-test");
  assertEquals(readTokenUsage(reply), {
    input_tokens: 170,
    output_tokens: 10,
    total_tokens: 180,
    cache_read_input_tokens: 100,
    cache_creation_input_tokens: 50,
  });
});

Deno.test("createChatModel() anthropic makes one request for a 500 (the SDK does not retry)", async () => {
  const fake = scriptedFetch([
    json({ type: "error", error: { type: "api_error", message: "Internal error" } }, 500),
    json(anthropicMessage("late")),
  ]);
  const model = await createChatModel(
    { provider: "anthropic", model: "claude-sonnet-4-5" },
    { env: env({ ANTHROPIC_API_KEY: "sk-ant-test" }), fetch: fake.fetch },
  );
  const error = await assertRejects(() => model.invoke("Hello"));

  assertEquals(classifyProviderError(error).kind, "server");
  assertEquals(fake.requests.length, 1);
});

Deno.test("createChatModel() builds ChatGoogleGenerativeAI and reads usage with thinking and cache", async () => {
  await using server = startFakeOpenAIServer({
    responses: [{ body: geminiResponse("Tide pools are intertidal.") }],
  });
  const model = await createChatModel(
    {
      provider: "google",
      model: "gemini-2.5-flash-lite",
      temperature: 0.5,
      maxTokens: 256,
      baseUrl: `http://${server.host}`,
    },
    { env: env({ GEMINI_API_KEY: "AIzaTestTestTestTest" }) },
  );
  assertInstanceOf(model, ChatGoogleGenerativeAI);
  assertEquals([model.model, model.temperature, model.maxOutputTokens], [
    "gemini-2.5-flash-lite",
    0.5,
    256,
  ]);
  assertEquals(maxRetriesOf(model), 0);
  assertEquals(server.requests.length, 0);

  const reply = await model.invoke("Tell me about tide pools");
  assertEquals(reply.content, "Tide pools are intertidal.");
  assertEquals(server.requests[0]?.path, "/v1beta/models/gemini-2.5-flash-lite:generateContent");
  assertEquals(server.requests[0]?.headers["x-goog-api-key"], "AIzaTestTestTestTest");
  assertEquals(readTokenUsage(reply), GEMINI_USAGE_READ);
});

Deno.test("createChatModel() google defaults to the public endpoint and prefers GOOGLE_API_KEY", async () => {
  const model = await createChatModel(
    { provider: "google", model: "gemini-2.5-flash" },
    { env: env({ GOOGLE_API_KEY: "AIzaFirst", GEMINI_API_KEY: "AIzaSecond" }) },
  );
  assertInstanceOf(model, ChatGoogleGenerativeAI);
  assertEquals(model.baseUrl, "https://generativelanguage.googleapis.com");
  assertEquals(model.apiKey, "AIzaFirst");
});

Deno.test("createChatModel() builds ChatOllama from OLLAMA_HOST and streams through the injected fetch", async () => {
  const fake = scriptedFetch([ollamaStream("Hello from llama")]);
  const model = await createChatModel(
    { provider: "ollama", model: "llama3.2", temperature: 0, maxTokens: 100 },
    { env: env({ OLLAMA_HOST: "gpu-box:11500" }), fetch: fake.fetch },
  );
  assertInstanceOf(model, ChatOllama);
  assertEquals([model.baseUrl, model.temperature, model.numPredict], [
    "http://gpu-box:11500",
    0,
    100,
  ]);
  assertEquals(maxRetriesOf(model), 0);
  assertEquals(fake.requests.length, 0);

  const reply = await model.invoke("Hi");
  assertEquals(reply.content, "Hello from llama");
  assertEquals(fake.requests[0]?.url, "http://gpu-box:11500/api/chat");
  assertEquals(readTokenUsage(reply), { input_tokens: 26, output_tokens: 5, total_tokens: 31 });
});

Deno.test("createChatModel() ollama defaults to localhost:11434 and a base_url wins over OLLAMA_HOST", async () => {
  const plain = await createChatModel({ provider: "ollama", model: "llama3.2" }, {
    env: () => undefined,
  });
  assertInstanceOf(plain, ChatOllama);
  assertEquals(plain.baseUrl, "http://localhost:11434");
  const explicit = await createChatModel(
    { provider: "ollama", model: "llama3.2", baseUrl: "http://10.0.0.5:8080/" },
    { env: env({ OLLAMA_HOST: "ignored:1" }) },
  );
  assertInstanceOf(explicit, ChatOllama);
  assertEquals(explicit.baseUrl, "http://10.0.0.5:8080");
});

Deno.test("createChatModel() ollama timeoutMs aborts a hung request as a timeout", async () => {
  const fake = scriptedFetch(["hang"]);
  const model = await createChatModel({ provider: "ollama", model: "llama3.2" }, {
    env: () => undefined,
    fetch: fake.fetch,
    timeoutMs: 50,
  });
  const error = await assertRejects(() => model.invoke("Hi"));
  assertEquals(classifyProviderError(error), { retryable: true, kind: "timeout" });
});

Deno.test("createChatModel() builds ChatOpenAI with the public endpoint, timeout and no retries", async () => {
  const model = await createChatModel(
    { provider: "openai", model: "gpt-4o-mini", temperature: 0.7, maxTokens: 300 },
    { env: env({ OPENAI_API_KEY: "sk-test-key-123456" }), timeoutMs: 9000 },
  );
  assertInstanceOf(model, ChatOpenAI);
  assertEquals([model.model, model.temperature, model.maxTokens, model.timeout], [
    "gpt-4o-mini",
    0.7,
    300,
    9000,
  ]);
  assertEquals(model.clientConfig.baseURL, "https://api.openai.com/v1");
  assertEquals(model.clientConfig.maxRetries, 0);
  assertEquals(maxRetriesOf(model), 0);
});

Deno.test("createChatModel() takes each provider's endpoint from base_url, then its variable, then the default", async () => {
  const keys = { OPENAI_API_KEY: "sk-test-key-123456", ANTHROPIC_API_KEY: "sk-ant-test" };
  const variables = {
    ...keys,
    OPENAI_BASE_URL: "https://openai-proxy.example.com/v1",
    ANTHROPIC_BASE_URL: "https://anthropic-proxy.example.com",
  };
  const openai = await createChatModel({ provider: "openai", model: "gpt-4o-mini" }, {
    env: env(variables),
  });
  assertEquals((openai as ChatOpenAI).clientConfig.baseURL, "https://openai-proxy.example.com/v1");
  const anthropic = await createChatModel({ provider: "anthropic", model: "claude-sonnet-4-5" }, {
    env: env(variables),
  });
  assertEquals((anthropic as ChatAnthropic).apiUrl, "https://anthropic-proxy.example.com");
  const fileWins = await createChatModel(
    { provider: "openai", model: "gpt-4o-mini", baseUrl: "https://file.example.com/v1" },
    { env: env(variables) },
  );
  assertEquals((fileWins as ChatOpenAI).clientConfig.baseURL, "https://file.example.com/v1");
  const plain = await createChatModel({ provider: "anthropic", model: "claude-sonnet-4-5" }, {
    env: env(keys),
  });
  assertEquals((plain as ChatAnthropic).apiUrl, "https://api.anthropic.com");
});

Deno.test("createChatModel() builds the mock model named after the spec's model", async () => {
  const model = await createChatModel({ provider: "mock", model: "gpt-4o" }, {
    env: () => {
      throw new Error("The mock model must not read the environment");
    },
    mock: { seed: 5 },
  });
  assertInstanceOf(model, MockChatModel);
  assertEquals([model.modelName, model.seed], ["gpt-4o", 5]);
});

for (
  const [provider, variables] of [
    ["openai", '"OPENAI_API_KEY"'],
    ["anthropic", '"ANTHROPIC_API_KEY"'],
    ["google", '"GOOGLE_API_KEY" or "GEMINI_API_KEY"'],
  ] as const
) {
  Deno.test(`createChatModel() ${provider} without a key fails with MISSING_CREDENTIALS before any call`, async () => {
    const fake = scriptedFetch([]);
    const error = await assertRejects(
      () =>
        createChatModel({ provider, model: "some-model" }, {
          env: env({ OPENAI_API_KEY: provider === "openai" ? "  " : "sk-other-provider" }),
          fetch: fake.fetch,
        }),
      WorkflowError,
      `Cannot call provider "${provider}" as its API key is missing: set ${variables}`,
    );
    assert(isWorkflowError(error));
    assertEquals([error.code, error.phase], ["MISSING_CREDENTIALS", "execute"]);
    assertStringIncludes(error.hint ?? "", "--allow-env=");
    assertEquals(fake.requests.length, 0);
  });
}

Deno.test("createChatModel() openai-compatible without base_url is a CONFIG_INVALID error", async () => {
  const error = await assertRejects(
    () =>
      createChatModel({ provider: "openai-compatible", model: "qwen" }, { env: () => undefined }),
    WorkflowError,
    'Cannot create model "qwen" as provider "openai-compatible" needs a base_url',
  );
  assert(isWorkflowError(error));
  assertEquals(error.code, "CONFIG_INVALID");
});

Deno.test("createChatModel() rejects a timeoutMs that is not a positive number", async () => {
  for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    await assertRejects(
      () => createChatModel({ provider: "mock", model: "m" }, { env: () => undefined, timeoutMs }),
      RangeError,
      "timeoutMs must be a positive number",
    );
  }
});

Deno.test("createChatModel() never puts the key in an error", async () => {
  const secret = "sk-ant-api03-SECRETSECRETSECRET";
  const fake = scriptedFetch([
    json({
      type: "error",
      error: { type: "authentication_error", message: `invalid x-api-key ${secret}` },
    }, 401),
  ]);
  const model = await createChatModel({ provider: "anthropic", model: "claude-haiku-4-5" }, {
    env: env({ ANTHROPIC_API_KEY: secret }),
    fetch: fake.fetch,
  });
  const { retryWithBackoff } = await import("../../src/llm/retry_with_backoff.ts");
  const error = await assertRejects(() =>
    retryWithBackoff(() => model.invoke("Hi"), { maxRetries: 2 })
  );
  assert(isWorkflowError(error));
  assertEquals(error.code, "LLM_REQUEST_FAILED");
  assert(!error.message.includes(secret), error.message);
  assert(!(error.hint ?? "").includes(secret));
  assertStringIncludes(error.message, "after 1 attempt (auth, HTTP 401)");
  assertEquals(fake.requests.length, 1);
});
