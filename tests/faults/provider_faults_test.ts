/**
 * Provider faults through the engine: the real `@langchain/openai` client (built by the llm
 * area's `createChatModel`) against loopback servers that rate-limit, fail, reset connections
 * and hang. Each test checks the retry policy as observed from outside: requests made, waits
 * handed to the injected sleep, errors not retried, `max_retries`, the final error and the
 * trace's error spans.
 */
import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import {
  openAIError,
  type ScriptedResponse,
  startFakeOpenAIServer,
} from "../_helpers/fake_openai_server.ts";
import { runOnce } from "../_helpers/run_once.ts";
import { isWorkflowError, type WorkflowError } from "../../src/errors.ts";
import { LlmRequestError } from "../../src/llm/llm_request_error.ts";
import type { TraceBundle } from "../../src/tracking/trace_bundle.ts";
import type { Tracer } from "../../src/tracking/tracer.ts";
import {
  answerWith,
  completionJson,
  echoWorkflow,
  faultDeps,
  fireTimers,
  memoryTracker,
  NOW,
  spansOfType,
} from "./_fixtures/provider_harness.ts";
import { startSocketFaultServer } from "./_fixtures/socket_fault_server.ts";

const INPUTS = { message: "tide pools" };
const STOP_REASON = "configurable_agents.stop_reason";

/** The stop reason a bundle records, on its trace and on its run alike. */
function stopReasonOf(bundle: TraceBundle): string | undefined {
  assertEquals(bundle.run?.tags[STOP_REASON], bundle.trace.tags[STOP_REASON]);
  return bundle.trace.tags[STOP_REASON];
}

/** Runs the echo workflow and returns the error it failed with. */
async function failedRun(
  ...args: Parameters<typeof runOnce>
): Promise<WorkflowError> {
  const error = await assertRejects(() => runOnce(...args));
  assert(isWorkflowError(error), `not a WorkflowError: ${error}`);
  return error;
}

/**
 * Runs the echo workflow against a server that first answers with `failures`, then with the
 * answer; the run must succeed.
 */
async function recoverAfter(failures: ScriptedResponse[], tracer?: Tracer) {
  await using server = startFakeOpenAIServer({
    responses: [...failures, answerWith("tide pools")],
  });
  const deps = faultDeps();
  const result = await runOnce(echoWorkflow(server.baseUrl, { maxRetries: 3 }), INPUTS, {
    deps,
    ...(tracer ? { tracer } : {}),
  });
  assertEquals(result.state.reply, "tide pools");
  return { result, sleeps: deps.sleeps, requests: server.requests.length };
}

Deno.test("compileWorkflow().run() rides out a 429 storm without Retry-After with exponential backoff", async () => {
  const { tracker, bundles } = memoryTracker();
  const limited = openAIError(429, "Rate limit reached for gpt-4o-mini");
  const { requests, sleeps } = await recoverAfter([limited, limited, limited], tracker);
  await tracker.close();

  assertEquals(requests, 4);
  // Full jitter at 0.5 of 500 ms doubling: 250, 500, 1000.
  assertEquals(sleeps, [250, 500, 1000]);
  const calls = spansOfType(bundles[0]!, "CHAT_MODEL");
  assertEquals(calls.map((span) => span.status.code), ["ERROR", "ERROR", "ERROR", "OK"]);
  assertEquals(calls.map((span) => span.events.map((event) => event.name)), [
    ["exception"],
    ["exception"],
    ["exception"],
    [],
  ]);
  assertEquals(bundles[0]!.trace.state, "OK");
});

Deno.test("compileWorkflow().run() stops a 429 storm after max_retries with LLM_REQUEST_FAILED and an error trace", async () => {
  await using server = startFakeOpenAIServer({
    fallback: openAIError(429, "Rate limit reached for gpt-4o-mini"),
  });
  const deps = faultDeps();
  const { tracker, bundles } = memoryTracker();
  const error = await failedRun(echoWorkflow(server.baseUrl, { maxRetries: 2 }), INPUTS, {
    deps,
    tracer: tracker,
  });
  await tracker.close();

  assertEquals([error.code, error.nodeId, error.phase], ["LLM_REQUEST_FAILED", "echo", "execute"]);
  assert(error instanceof LlmRequestError, `not an LlmRequestError: ${error.name}`);
  assertEquals([error.kind, error.status, error.attempts], ["rate_limit", 429, 3]);
  assertEquals(server.requests.length, 3);
  assertEquals(deps.sleeps, [250, 500]);
  const bundle = bundles[0]!;
  assertEquals(bundle.trace.state, "ERROR");
  assertEquals(bundle.run?.status, "FAILED");
  const calls = spansOfType(bundle, "CHAT_MODEL");
  assertEquals(calls.map((span) => span.status.code), ["ERROR", "ERROR", "ERROR"]);
  const [node] = spansOfType(bundle, "CHAIN");
  assertEquals(node?.status.code, "ERROR");
  const [root] = spansOfType(bundle, "AGENT");
  assertEquals(root?.status.code, "ERROR");
  const exception = root?.events.find((event) => event.name === "exception");
  assert(
    String(exception?.attributes["exception.message"]).includes("after 3 attempts"),
    JSON.stringify(exception?.attributes),
  );
});

Deno.test("compileWorkflow().run() honours Retry-After in seconds, milliseconds and as an HTTP date", async () => {
  const inFiveSeconds = new Date(NOW + 5000).toUTCString();
  const { requests, sleeps } = await recoverAfter([
    openAIError(429, "Rate limit reached", { "retry-after": "2" }),
    openAIError(429, "Rate limit reached", { "retry-after-ms": "1500" }),
    openAIError(429, "Rate limit reached", { "retry-after": inFiveSeconds }),
  ]);

  assertEquals(requests, 4);
  // The wait is the longer of the jittered backoff (250, 500, 1000) and the server's ask.
  assertEquals(sleeps, [2000, 1500, 5000]);
});

Deno.test("compileWorkflow().run() gives up at once when Retry-After asks for longer than the longest wait", async () => {
  await using server = startFakeOpenAIServer({
    fallback: openAIError(429, "Rate limit reached", { "retry-after": "120" }),
  });
  const deps = faultDeps();
  const error = await failedRun(echoWorkflow(server.baseUrl, { maxRetries: 3 }), INPUTS, { deps });

  assertEquals(error.code, "LLM_REQUEST_FAILED");
  assert(error.message.includes('"120000" ms'), error.message);
  assertEquals(server.requests.length, 1);
  assertEquals(deps.sleeps, []);
});

Deno.test("compileWorkflow().run() never retries an exhausted quota, a bad request or a refused key", async () => {
  const cases = [
    { response: openAIError(429, "You exceeded your current quota"), kind: "rate_limit" },
    { response: openAIError(400, "Invalid schema for function 'answer'"), kind: "bad_request" },
    { response: openAIError(401, "Incorrect API key provided"), kind: "auth" },
    { response: openAIError(403, "Project does not have access"), kind: "auth" },
    { response: openAIError(404, "The model does not exist"), kind: "bad_request" },
  ];
  for (const { response, kind } of cases) {
    await using server = startFakeOpenAIServer({ fallback: response });
    const deps = faultDeps();
    const error = await failedRun(echoWorkflow(server.baseUrl, { maxRetries: 3 }), INPUTS, {
      deps,
    });
    assert(error instanceof LlmRequestError, `${kind}: ${error.name} ${error.message}`);
    assertEquals([error.kind, error.attempts, server.requests.length, deps.sleeps], [
      kind,
      1,
      1,
      [],
    ]);
  }
});

Deno.test("compileWorkflow().run() retries a run of 5xx answers and succeeds within max_retries", async () => {
  const { result, requests, sleeps } = await recoverAfter([
    openAIError(500, "The server had an error while processing your request"),
    openAIError(502, "Bad gateway"),
    openAIError(503, "The engine is currently overloaded"),
  ]);

  assertEquals(requests, 4);
  assertEquals(sleeps, [250, 500, 1000]);
  assertEquals(result.metadata.nodeExecutions.map((n) => [n.nodeId, n.status, n.llmCalls]), [
    ["echo", "success", 1],
  ]);
});

Deno.test("compileWorkflow().run() honours max_retries for 5xx: 0 is one attempt, a node's own value wins", async () => {
  const cases = [
    { workflow: { maxRetries: 0 }, requests: 1, sleeps: [] },
    { workflow: { maxRetries: 1 }, requests: 2, sleeps: [250] },
    { workflow: { maxRetries: 3, nodeMaxRetries: 1 }, requests: 2, sleeps: [250] },
    { workflow: { maxRetries: 0, nodeMaxRetries: 4 }, requests: 5, sleeps: [250, 500, 1000, 2000] },
  ];
  for (const { workflow, requests, sleeps } of cases) {
    await using server = startFakeOpenAIServer({
      fallback: openAIError(503, "The engine is currently overloaded"),
    });
    const deps = faultDeps();
    const error = await failedRun(echoWorkflow(server.baseUrl, workflow), INPUTS, { deps });
    assert(error instanceof LlmRequestError, error.message);
    const label = JSON.stringify(workflow);
    assertEquals([error.kind, error.status, error.attempts], ["server", 503, requests], label);
    assertEquals(server.requests.length, requests, label);
    assertEquals(deps.sleeps, sleeps, label);
  }
});

Deno.test("compileWorkflow().run() retries connections closed before a response and mid-body", async () => {
  const body = (request: unknown) => completionJson(request, "tide pools");
  await using server = startSocketFaultServer([
    { kind: "close_before_response" },
    { kind: "close_mid_body", body },
    { kind: "respond", body },
  ]);
  const deps = faultDeps();
  const { tracker, bundles } = memoryTracker();
  const result = await runOnce(echoWorkflow(server.baseUrl, { maxRetries: 3 }), INPUTS, {
    deps,
    tracer: tracker,
  });
  await tracker.close();

  assertEquals(result.state.reply, "tide pools");
  assertEquals(server.requests.length, 3);
  assertEquals(deps.sleeps, [250, 500]);
  const calls = spansOfType(bundles[0]!, "CHAT_MODEL");
  assertEquals(calls.map((span) => span.status.code), ["ERROR", "ERROR", "OK"]);
});

Deno.test("compileWorkflow().run() fails a reset storm after max_retries with a connection error", async () => {
  await using server = startSocketFaultServer([{ kind: "close_before_response" }]);
  const deps = faultDeps();
  const error = await failedRun(echoWorkflow(server.baseUrl, { maxRetries: 2 }), INPUTS, { deps });

  assert(error instanceof LlmRequestError, error.message);
  assertEquals([error.code, error.kind, error.attempts], ["LLM_REQUEST_FAILED", "connection", 3]);
  assertEquals(server.requests.length, 3);
  assertEquals(deps.sleeps, [250, 500]);
});

Deno.test("compileWorkflow().run() retries a refused connection, then fails with a connection error", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const deps = faultDeps();
  const error = await failedRun(
    echoWorkflow(`http://127.0.0.1:${port}/v1`, { maxRetries: 1 }),
    INPUTS,
    { deps },
  );

  assert(error instanceof LlmRequestError, error.message);
  assertEquals([error.kind, error.attempts, deps.sleeps], ["connection", 2, [250]]);
});

Deno.test("compileWorkflow().run() cuts a response slower than node_timeout: TIMEOUT, no retry, error spans", async () => {
  const deps = faultDeps();
  await using server = startFakeOpenAIServer({
    responses: [() => {
      // The server holds the request; the node's 5 s timer fires while it waits.
      queueMicrotask(() => fireTimers(deps, 5000));
      return { hang: true };
    }],
    fallback: answerWith("too late"),
  });
  const { tracker, bundles } = memoryTracker();
  const error = await failedRun(
    echoWorkflow(server.baseUrl, { maxRetries: 3, nodeTimeout: 5 }),
    INPUTS,
    { deps, tracer: tracker },
  );
  await tracker.close();

  assertEquals([error.code, error.nodeId, error.phase], ["TIMEOUT", "echo", "execute"]);
  assert(error.message.includes("timeout of 5 s"), error.message);
  assertEquals(server.requests.length, 1);
  assertEquals(deps.sleeps, []);
  const bundle = bundles[0]!;
  assertEquals([bundle.trace.state, bundle.run?.status], ["ERROR", "FAILED"]);
  assertEquals(stopReasonOf(bundle), "node_timeout");
  assertEquals(spansOfType(bundle, "CHAT_MODEL").map((span) => span.status.code), ["ERROR"]);
  assertEquals(spansOfType(bundle, "CHAIN").map((span) => span.status.code), ["ERROR"]);
});

Deno.test("compileWorkflow().run() stops retrying when the run timeout fires during a backoff wait", async () => {
  // The run's own 60 s timer fires during the first wait between attempts.
  const deps = faultDeps((self) => fireTimers(self, 60_000));
  await using server = startFakeOpenAIServer({
    fallback: openAIError(503, "The engine is currently overloaded"),
  });
  const { tracker, bundles } = memoryTracker();
  const error = await failedRun(
    echoWorkflow(server.baseUrl, { maxRetries: 3, runTimeout: 60 }),
    INPUTS,
    { deps, tracer: tracker },
  );
  await tracker.close();

  assertEquals(error.code, "TIMEOUT");
  assertEquals(server.requests.length, 1);
  assertEquals(deps.sleeps, [250]);
  assertEquals(bundles[0]!.trace.state, "ERROR");
  assertEquals(stopReasonOf(bundles[0]!), "run_timeout");
});
