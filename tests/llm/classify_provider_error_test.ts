import { assertEquals, assertRejects } from "../_helpers/assert.ts";
import {
  openAIError,
  type ScriptedResponse,
  startFakeOpenAIServer,
} from "../_helpers/fake_openai_server.ts";
import { WorkflowError } from "../../src/errors.ts";
import { classifyProviderError } from "../../src/llm/classify_provider_error.ts";
import { createChatModel } from "../../src/llm/create_chat_model.ts";
import type { ModelSpec } from "../../src/llm/model_spec.ts";
import { anthropicError, json, scriptedFetch } from "./_provider_fakes.ts";

const KEYS: Record<string, string> = {
  OPENAI_API_KEY: "sk-test-classify",
  ANTHROPIC_API_KEY: "sk-ant-classify",
  GOOGLE_API_KEY: "AIzaClassifyClassify",
};

function env(name: string): string | undefined {
  return KEYS[name];
}

/** The error a real LangChain model throws for one scripted HTTP answer of a loopback server. */
async function errorFromServer(
  provider: "openai" | "google",
  response: ScriptedResponse,
): Promise<Error> {
  await using server = startFakeOpenAIServer({ responses: [response] });
  const spec: ModelSpec = provider === "openai"
    ? { provider, model: "gpt-4o-mini", baseUrl: server.baseUrl }
    : { provider, model: "gemini-2.5-flash", baseUrl: `http://${server.host}` };
  const model = await createChatModel(spec, { env });
  return await assertRejects(() => model.invoke("Hello"));
}

/** The error ChatAnthropic throws when its injected fetch answers with `response`. */
async function errorFromAnthropicResponse(response: Response): Promise<Error> {
  return await errorFromAnthropicFetch(scriptedFetch([response]).fetch);
}

/** The error ChatAnthropic throws when its injected fetch rejects with `failure`. */
async function errorFromAnthropic(failure: Error): Promise<Error> {
  return await errorFromAnthropicFetch(() => Promise.reject(failure));
}

async function errorFromAnthropicFetch(fetchFn: typeof fetch): Promise<Error> {
  const model = await createChatModel({ provider: "anthropic", model: "claude-haiku-4-5" }, {
    env,
    fetch: fetchFn,
  });
  return await assertRejects(() => model.invoke("Hello"));
}

/** A port nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("classifyProviderError() reads OpenAI's 429 with retry-after-ms", async () => {
  const error = await errorFromServer(
    "openai",
    openAIError(429, "Rate limit reached", { "retry-after-ms": "1500", "retry-after": "2" }),
  );
  assertEquals(classifyProviderError(error), {
    retryable: true,
    kind: "rate_limit",
    status: 429,
    retryAfterMs: 1500,
  });
});

Deno.test("classifyProviderError() reads a Retry-After HTTP date with the injected clock", async () => {
  const error = await errorFromServer(
    "openai",
    openAIError(429, "Slow down", { "retry-after": "Fri, 27 Nov 2026 10:00:30 GMT" }),
  );
  const now = () => Date.UTC(2026, 10, 27, 10, 0, 0);
  assertEquals(classifyProviderError(error, { now }).retryAfterMs, 30_000);
});

Deno.test("classifyProviderError() does not retry OpenAI's insufficient_quota 429", async () => {
  const error = await errorFromServer("openai", {
    status: 429,
    body: {
      error: {
        message: "You exceeded your current quota, please check your plan and billing details.",
        type: "insufficient_quota",
        code: "insufficient_quota",
      },
    },
  });
  assertEquals(classifyProviderError(error), {
    retryable: false,
    kind: "rate_limit",
    status: 429,
  });
});

Deno.test("classifyProviderError() sorts OpenAI's HTTP errors", async () => {
  const cases: [number, string, boolean][] = [
    [500, "server", true],
    [503, "server", true],
    [408, "timeout", true],
    [401, "auth", false],
    [403, "auth", false],
    [400, "bad_request", false],
    [404, "bad_request", false],
    [422, "bad_request", false],
  ];
  for (const [status, kind, retryable] of cases) {
    const error = await errorFromServer("openai", openAIError(status, `Failure ${status}`));
    assertEquals(classifyProviderError(error), { retryable, kind, status } as never, `${status}`);
  }
});

Deno.test("classifyProviderError() calls a refused OpenAI connection retryable", async () => {
  const model = await createChatModel(
    { provider: "openai", model: "gpt-4o-mini", baseUrl: `http://127.0.0.1:${closedPort()}/v1` },
    { env },
  );
  const error = await assertRejects(() => model.invoke("Hello"));
  assertEquals(classifyProviderError(error), { retryable: true, kind: "connection" });
});

Deno.test("classifyProviderError() reads Anthropic's 429, 529 and 403", async () => {
  const limited = await errorFromAnthropicResponse(
    json(
      anthropicError(
        "rate_limit_error",
        "Number of request tokens has exceeded your per-minute rate limit",
      ),
      429,
      {
        "retry-after": "3",
      },
    ),
  );
  assertEquals(classifyProviderError(limited), {
    retryable: true,
    kind: "rate_limit",
    status: 429,
    retryAfterMs: 3000,
  });
  const overloaded = await errorFromAnthropicResponse(
    json(anthropicError("overloaded_error", "Overloaded"), 529),
  );
  assertEquals(classifyProviderError(overloaded), { retryable: true, kind: "server", status: 529 });
  const forbidden = await errorFromAnthropicResponse(
    json(anthropicError("permission_error", "Your key cannot use this model"), 403),
  );
  assertEquals(classifyProviderError(forbidden), { retryable: false, kind: "auth", status: 403 });
});

Deno.test("classifyProviderError() calls an Anthropic connection reset retryable", async () => {
  const reset = Object.assign(
    new TypeError("error sending request: connection reset by peer (os error 104)"),
    { code: "ECONNRESET" },
  );
  const error = await errorFromAnthropic(reset);
  assertEquals(classifyProviderError(error), { retryable: true, kind: "connection" });
});

Deno.test("classifyProviderError() reads Google's RetryInfo on a quota 429", async () => {
  const error = await errorFromServer("google", {
    status: 429,
    body: {
      error: {
        code: 429,
        message: "You exceeded your current quota, please check your plan and billing details.",
        status: "RESOURCE_EXHAUSTED",
        details: [
          { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [] },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "31s" },
        ],
      },
    },
  });
  assertEquals(classifyProviderError(error), {
    retryable: true,
    kind: "rate_limit",
    status: 429,
    retryAfterMs: 31_000,
  });
});

Deno.test("classifyProviderError() sorts Google's 503, 400 and a refused connection", async () => {
  const unavailable = await errorFromServer("google", {
    status: 503,
    body: { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } },
  });
  assertEquals(classifyProviderError(unavailable), {
    retryable: true,
    kind: "server",
    status: 503,
  });
  const invalid = await errorFromServer("google", {
    status: 400,
    body: { error: { code: 400, message: "Invalid JSON payload", status: "INVALID_ARGUMENT" } },
  });
  assertEquals(classifyProviderError(invalid), {
    retryable: false,
    kind: "bad_request",
    status: 400,
  });

  const model = await createChatModel(
    { provider: "google", model: "gemini-2.5-flash", baseUrl: `http://127.0.0.1:${closedPort()}` },
    { env },
  );
  const refused = await assertRejects(() => model.invoke("Hello"));
  assertEquals(classifyProviderError(refused), { retryable: true, kind: "connection" });
});

Deno.test("classifyProviderError() sorts fetch and network errors", async () => {
  const refused = await assertRejects(() => fetch(`http://127.0.0.1:${closedPort()}/`));
  assertEquals(classifyProviderError(refused), { retryable: true, kind: "connection" });
  assertEquals(
    classifyProviderError(new DOMException("Signal timed out", "TimeoutError")),
    { retryable: true, kind: "timeout" },
  );
  assertEquals(
    classifyProviderError(Object.assign(new Error("socket"), { code: "ETIMEDOUT" })).kind,
    "timeout",
  );
  assertEquals(
    classifyProviderError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })),
    { retryable: true, kind: "connection" },
  );
  const notCapable = new Error('Requires net access to "api.openai.com:443"');
  notCapable.name = "NotCapable";
  assertEquals(classifyProviderError(notCapable), { retryable: false, kind: "other" });
  const rewrapped = new Error(
    '[GoogleGenerativeAI Error]: Error fetching from https://generativelanguage.googleapis.com/v1beta/models/m:generateContent: Requires net access to "generativelanguage.googleapis.com:443", run again with the --allow-net flag',
  );
  assertEquals(classifyProviderError(rewrapped), { retryable: false, kind: "other" });
  assertEquals(classifyProviderError(new Error("boom")), { retryable: false, kind: "other" });
  assertEquals(classifyProviderError("not an error"), { retryable: false, kind: "other" });
});

Deno.test("classifyProviderError() tells the caller's abort from an SDK's own", () => {
  const abort = new DOMException("The signal has been aborted", "AbortError");
  assertEquals(classifyProviderError(abort), { retryable: false, kind: "aborted" });
  const ours = new AbortController();
  assertEquals(classifyProviderError(abort, { signal: ours.signal }), {
    retryable: true,
    kind: "timeout",
  });
  ours.abort();
  assertEquals(classifyProviderError(new Error("anything"), { signal: ours.signal }), {
    retryable: false,
    kind: "aborted",
  });
  const google = new Error(
    "[GoogleGenerativeAI Error]: Request aborted when fetching https://x/v1beta/models/m:generateContent",
  );
  assertEquals(classifyProviderError(google).kind, "aborted");
});

Deno.test("classifyProviderError() follows the cause chain of a wrapped error", () => {
  const provider = Object.assign(new Error("Too many requests"), {
    status: 429,
    headers: { "Retry-After": "4" },
  });
  const wrapped = new WorkflowError("NODE_FAILED", "Cannot run node", {
    phase: "execute",
    cause: provider,
  });
  assertEquals(classifyProviderError(wrapped), {
    retryable: true,
    kind: "rate_limit",
    status: 429,
    retryAfterMs: 4000,
  });
});

Deno.test("classifyProviderError() reads the reset of the exhausted x-ratelimit dimension of a real OpenAI 429", async () => {
  const error = await errorFromServer(
    "openai",
    openAIError(429, "Rate limit reached for requests", {
      "x-ratelimit-limit-requests": "600",
      "x-ratelimit-remaining-requests": "9000",
      "x-ratelimit-reset-requests": "1s",
      "x-ratelimit-remaining-tokens": "0",
      "x-ratelimit-reset-tokens": "6m0.5s",
    }),
  );
  const info = classifyProviderError(error);
  assertEquals(info, { retryable: true, kind: "rate_limit", status: 429, resetMs: 360_500 });
});

Deno.test("classifyProviderError() gives no reset when a 429 says how long to wait, or has no reset", () => {
  const error = (headers: Record<string, string>) =>
    Object.assign(new Error("Rate limit reached"), { status: 429, headers });
  assertEquals(
    classifyProviderError(error({ "retry-after": "2", "x-ratelimit-reset-requests": "20ms" })),
    { retryable: true, kind: "rate_limit", status: 429, retryAfterMs: 2000 },
  );
  // Neither dimension is exhausted: the later reset.
  assertEquals(
    classifyProviderError(
      error({ "x-ratelimit-reset-requests": "20ms", "x-ratelimit-reset-tokens": "1m2s" }),
    ).resetMs,
    62_000,
  );
  assertEquals(
    classifyProviderError(error({ "x-ratelimit-reset-requests": "soon" })).resetMs,
    undefined,
  );
  assertEquals(classifyProviderError(error({})).resetMs, undefined);
});

Deno.test("classifyProviderError() reads the Retry-After of an overloaded server's 503", () => {
  const unavailable = Object.assign(new Error("Service unavailable"), {
    status: 503,
    headers: new Headers({ "retry-after": "2" }),
  });
  assertEquals(classifyProviderError(unavailable), {
    retryable: true,
    kind: "server",
    status: 503,
    retryAfterMs: 2000,
  });
});
