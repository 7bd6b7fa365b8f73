/**
 * Rate limits and adaptive concurrency through the runtime: the real `@langchain/openai` client
 * against a loopback chat-completions server that answers 429s, with the engine's sleep and
 * clock injected and the limiter replaced by one that records what it is asked.
 */
import { prepareWorkflow } from "../../src/config/prepare_workflow.ts";
import type { LoadedWorkflow } from "../../src/config/loaded_workflow.ts";
import type { EngineEvent } from "../../src/engine/engine_types.ts";
import type {
  RateLimitedCall,
  RateLimiter,
  RateLimitOutcome,
  RateLimitPermit,
} from "../../src/llm/rate_limits.ts";
import { runBatch } from "../../src/runtime/run_batch.ts";
import { runWorkflow } from "../../src/runtime/run_workflow.ts";
import type { BatchItem } from "../../src/runtime/read_json_lines.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { openAIError, startFakeOpenAIServer } from "../_helpers/fake_openai_server.ts";
import { answerWith, faultDeps } from "../faults/_fixtures/provider_harness.ts";

/** A two-node workflow on an openai-compatible server; `draft` has a rate limit of its own. */
function twoNodes(baseUrl: string, rateLimit?: { rpm?: number; tpm?: number }): LoadedWorkflow {
  return prepareWorkflow({
    schema_version: "1.0",
    flow: { name: "limited" },
    state: {
      fields: { message: { type: "str", required: true }, reply: { type: "str" } },
    },
    nodes: [
      {
        id: "draft",
        prompt: "Draft a reply to: {state.message}",
        outputs: ["reply"],
        llm: { model: "gpt-4o", rate_limit: { rpm: 60 } },
      },
      { id: "polish", prompt: "Polish: {state.reply}", outputs: ["reply"] },
    ],
    edges: [
      { from: "START", to: "draft" },
      { from: "draft", to: "polish" },
      { from: "polish", to: "END" },
    ],
    config: {
      llm: {
        provider: "openai-compatible",
        model: "gpt-4o-mini",
        base_url: baseUrl,
        max_tokens: 100,
        ...(rateLimit ? { rate_limit: rateLimit } : {}),
      },
      execution: { max_retries: 3 },
    },
  });
}

/**
 * A limiter that starts every call at once and records the calls and how they ended; its
 * permits say that they `paced` the call or not.
 */
function recordingLimiter(paced = false): RateLimiter & {
  calls: RateLimitedCall[];
  outcomes: RateLimitOutcome[];
} {
  const calls: RateLimitedCall[] = [];
  const outcomes: RateLimitOutcome[] = [];
  return {
    calls,
    outcomes,
    acquire: (call): Promise<RateLimitPermit> => {
      calls.push(call);
      return Promise.resolve({ paced, settle: (outcome) => void outcomes.push(outcome) });
    },
  };
}

Deno.test("runWorkflow() asks the limiter before every model call, with each node's limit, and settles the usage", async () => {
  await using server = startFakeOpenAIServer({ fallback: answerWith("hello") });
  const limiter = recordingLimiter();
  const workflow = twoNodes(server.baseUrl, { rpm: 600, tpm: 90_000 });
  await runWorkflow(workflow, { message: "hi" }, {
    tracker: false,
    deps: { ...faultDeps(), rateLimits: limiter },
  });
  assertEquals(limiter.calls.map(({ tokens: _, ...call }) => call), [
    {
      provider: "openai-compatible",
      model: "gpt-4o",
      baseUrl: server.baseUrl,
      limit: { rpm: 60 },
    },
    {
      provider: "openai-compatible",
      model: "gpt-4o-mini",
      baseUrl: server.baseUrl,
      limit: { rpm: 600, tpm: 90_000 },
    },
  ]);
  // The estimate counts the prompt and max_tokens.
  assert(limiter.calls.every((call) => call.tokens > 100), JSON.stringify(limiter.calls));
  // The fake server reports 10 prompt and 5 answer tokens a call.
  assertEquals(
    limiter.outcomes.map((outcome) => "usage" in outcome && outcome.usage.total_tokens),
    [15, 15],
  );
});

Deno.test("runWorkflow() sets its rateLimit over the nodes' own and never paces the mock model", async () => {
  await using server = startFakeOpenAIServer({ fallback: answerWith("hello") });
  const limiter = recordingLimiter();
  await runWorkflow(twoNodes(server.baseUrl), { message: "hi" }, {
    tracker: false,
    rateLimit: { rpm: 6000 },
    deps: { ...faultDeps(), rateLimits: limiter },
  });
  assertEquals(limiter.calls.map((call) => call.limit), [{ rpm: 6000 }, { rpm: 6000 }]);
  const mocked = recordingLimiter();
  await runWorkflow(twoNodes(server.baseUrl), { message: "hi" }, {
    tracker: false,
    mock: true,
    rateLimit: { rpm: 6000 },
    deps: { ...faultDeps(), rateLimits: mocked },
  });
  assertEquals(mocked.calls, []);
});

Deno.test("runWorkflow() reports a 429 to the limiter and tells of the retry with its status", async () => {
  await using server = startFakeOpenAIServer({
    responses: [openAIError(429, "Rate limit reached", { "retry-after-ms": "250" })],
    fallback: answerWith("hello"),
  });
  const limiter = recordingLimiter();
  const events: EngineEvent[] = [];
  await runWorkflow(twoNodes(server.baseUrl), { message: "hi" }, {
    tracker: false,
    deps: { ...faultDeps(), rateLimits: limiter },
    onEvent: (event) => events.push(event),
  });
  assertEquals(limiter.calls.length, 3, "the retry asks the limiter again");
  const first = limiter.outcomes[0];
  assert(first && "error" in first, JSON.stringify(first));
  assertEquals(
    events.filter((event) => event.type === "llm_retry"),
    [{
      type: "llm_retry",
      nodeId: "draft",
      attempt: 1,
      delayMs: 250,
      kind: "rate_limit",
      status: 429,
      retryAfterMs: 250,
      paced: false,
    }],
  );
});

/** A server whose first request of records 3 to 6 is refused with 429. */
function refusingServer() {
  const refused = new Set(["m3", "m4", "m5", "m6"]);
  return startFakeOpenAIServer({
    fallback: (request) => {
      const record = /Draft a reply to: (m\d+)/.exec(JSON.stringify(request.body))?.[1];
      if (record && refused.delete(record)) {
        return openAIError(429, "Rate limit reached", { "retry-after": "1" });
      }
      return answerWith("hello")(request);
    },
  });
}

const RECORDS: BatchItem[] = Array.from(
  { length: 24 },
  (_, i) => ({ line: i + 1, inputs: { message: `m${i + 1}` } }),
);

Deno.test("runBatch() halves its concurrency on 429s, counts them, and finishes every record", async () => {
  // Records 3 to 6 all start at full concurrency: one episode, one halving.
  await using server = refusingServer();
  const limits: number[] = [];
  const summary = await runBatch(twoNodes(server.baseUrl), RECORDS, {
    tracker: false,
    concurrency: 8,
    deps: { ...faultDeps(), rateLimits: recordingLimiter() },
    onConcurrency: (limit) => limits.push(limit),
  });
  assertEquals(summary.succeeded, 24);
  assertEquals(summary.rateLimited, 4);
  assertEquals(summary.retries, 4);
  assertEquals(summary.lowestConcurrency, 4, `limits: ${limits.join()}`);
  assertEquals(limits[0], 4);
  // Successes raise it again, one at a time.
  assert(limits.length > 1 && limits.at(-1)! > 4, `limits: ${limits.join()}`);
});

Deno.test("runBatch() leaves the 429s of calls a rate limit paced to the limiter", async () => {
  await using server = refusingServer();
  const summary = await runBatch(twoNodes(server.baseUrl), RECORDS, {
    tracker: false,
    concurrency: 8,
    deps: { ...faultDeps(), rateLimits: recordingLimiter(true) },
  });
  assertEquals(summary.succeeded, 24);
  assertEquals(summary.rateLimited, 4);
  assertEquals(summary.lowestConcurrency, 8);
});

/** A server whose first request of records 3 to 6 is refused with 503, with `headers`. */
function unavailableServer(headers: Record<string, string>) {
  const refused = new Set(["m3", "m4", "m5", "m6"]);
  return startFakeOpenAIServer({
    fallback: (request) => {
      const record = /Draft a reply to: (m\d+)/.exec(JSON.stringify(request.body))?.[1];
      if (record && refused.delete(record)) {
        return openAIError(503, "Service unavailable", headers);
      }
      return answerWith("hello")(request);
    },
  });
}

Deno.test("runBatch() lowers its concurrency when a provider's 503 asks to wait with Retry-After, not on a bare 503", async () => {
  for (
    const [headers, lowest, delayMs] of [
      [{ "retry-after": "2" }, 4, 2000],
      [{}, 8, undefined],
    ] as const
  ) {
    await using server = unavailableServer(headers);
    const retries: EngineEvent[] = [];
    const summary = await runBatch(twoNodes(server.baseUrl), RECORDS, {
      tracker: false,
      concurrency: 8,
      deps: { ...faultDeps(), rateLimits: recordingLimiter(true) },
      onEvent: (event) => event.type === "llm_retry" && retries.push(event),
    });
    const label = JSON.stringify(headers);
    assertEquals(summary.succeeded, 24, label);
    assertEquals([summary.retries, summary.rateLimited], [4, 0], label);
    assertEquals(summary.lowestConcurrency, lowest, label);
    if (delayMs !== undefined) {
      assert(
        retries.every((event) => event.type === "llm_retry" && event.delayMs >= delayMs),
        `the retry waits as long as the provider asked: ${JSON.stringify(retries)}`,
      );
    }
  }
});
