import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
} from "../_helpers/assert.ts";
import { isWorkflowError } from "../../src/errors.ts";
import { LlmRequestError } from "../../src/llm/llm_request_error.ts";
import { retryWithBackoff } from "../../src/llm/retry_with_backoff.ts";

function httpError(status: number, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`HTTP ${status} from the provider`), { status, headers });
}

/** An attempt that always fails with `error`, counting its calls. */
function alwaysFailing(error: Error): { fn: () => Promise<never>; calls: () => number } {
  let calls = 0;
  return {
    fn: () => {
      calls++;
      return Promise.reject(error);
    },
    calls: () => calls,
  };
}

/** A sleep that records the waits and returns at once. */
function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  };
}

Deno.test("retryWithBackoff() returns the first success without waiting", async () => {
  const { waits, sleep } = recordingSleep();
  const attempts: number[] = [];
  const result = await retryWithBackoff((attempt) => {
    attempts.push(attempt);
    return Promise.resolve("ok");
  }, { maxRetries: 3, sleep });
  assertEquals([result, attempts, waits], ["ok", [1], []]);
});

Deno.test("retryWithBackoff() with maxRetries 0 makes exactly one attempt", async () => {
  const { waits, sleep } = recordingSleep();
  const attempt = alwaysFailing(httpError(503));
  const error = await assertRejects(
    () => retryWithBackoff(attempt.fn, { maxRetries: 0, sleep }),
    LlmRequestError,
    "after 1 attempt",
  );
  assertInstanceOf(error, LlmRequestError);
  assertEquals([attempt.calls(), waits, error.attempts, error.kind], [1, [], 1, "server"]);
});

Deno.test("retryWithBackoff() backs off exponentially with full jitter, capped by maxDelayMs", async () => {
  const { waits, sleep } = recordingSleep();
  const retries: { attempt: number; delayMs: number; kind: string }[] = [];
  await assertRejects(
    () =>
      retryWithBackoff(() => Promise.reject(httpError(500)), {
        maxRetries: 5,
        baseDelayMs: 100,
        maxDelayMs: 1000,
        random: () => 0.999,
        sleep,
        onRetry: ({ attempt, delayMs, kind }) => retries.push({ attempt, delayMs, kind }),
      }),
    LlmRequestError,
    "after 6 attempts",
  );
  assertEquals(waits, [99, 199, 399, 799, 999]);
  assertEquals(retries.map(({ attempt }) => attempt), [1, 2, 3, 4, 5]);
  assert(retries.every(({ kind }) => kind === "server"));

  const low = recordingSleep();
  await assertRejects(() =>
    retryWithBackoff(() => Promise.reject(httpError(500)), {
      maxRetries: 2,
      random: () => 0,
      sleep: low.sleep,
    })
  );
  assertEquals(low.waits, [0, 0]);
});

Deno.test("retryWithBackoff() waits at least the Retry-After the provider asks for", async () => {
  const { waits, sleep } = recordingSleep();
  let calls = 0;
  const result = await retryWithBackoff(() => {
    calls++;
    return calls === 1
      ? Promise.reject(httpError(429, { "retry-after": "3" }))
      : Promise.resolve(calls);
  }, { maxRetries: 2, random: () => 0.5, sleep });
  assertEquals([result, waits], [2, [3000]]);
});

Deno.test("retryWithBackoff() gives up at once when Retry-After exceeds maxDelayMs", async () => {
  const { waits, sleep } = recordingSleep();
  const attempt = alwaysFailing(httpError(429, { "retry-after": "120" }));
  const error = await assertRejects(
    () => retryWithBackoff(attempt.fn, { maxRetries: 3, maxDelayMs: 30_000, sleep }),
    LlmRequestError,
    'asked to wait "120000" ms before the next attempt, longer than the "30000" ms allowed',
  );
  assertInstanceOf(error, LlmRequestError);
  assertEquals([attempt.calls(), waits, error.attempts, error.kind, error.status], [
    1,
    [],
    1,
    "rate_limit",
    429,
  ]);
});

Deno.test("retryWithBackoff() stops at once on an error that is not retryable", async () => {
  const { waits, sleep } = recordingSleep();
  const cause = httpError(401);
  const attempt = alwaysFailing(cause);
  const error = await assertRejects(
    () => retryWithBackoff(attempt.fn, { maxRetries: 5, sleep, nodeId: "write" }),
    LlmRequestError,
    "after 1 attempt (auth, HTTP 401)",
  );
  assert(isWorkflowError(error));
  assertEquals([attempt.calls(), waits, error.code, error.phase, error.nodeId], [
    1,
    [],
    "LLM_REQUEST_FAILED",
    "execute",
    "write",
  ]);
  assertEquals(error.cause, cause);
  assertStringIncludes(error.hint ?? "", "key");
});

Deno.test("retryWithBackoff() rethrows the signal's reason when aborted during a wait", async () => {
  const controller = new AbortController();
  const reason = new DOMException("Node timed out", "TimeoutError");
  const attempt = alwaysFailing(httpError(503));
  const error = await assertRejects(() =>
    retryWithBackoff(attempt.fn, {
      maxRetries: 5,
      signal: controller.signal,
      sleep: (_ms, signal) => {
        controller.abort(reason);
        return Promise.reject(signal?.reason);
      },
    })
  );
  assertEquals([error, attempt.calls()], [reason, 1]);
});

Deno.test("retryWithBackoff() rethrows the signal's reason when aborted during an attempt", async () => {
  const controller = new AbortController();
  const reason = new Error("Run cancelled");
  const { waits, sleep } = recordingSleep();
  const error = await assertRejects(() =>
    retryWithBackoff(() => {
      controller.abort(reason);
      return Promise.reject(httpError(503));
    }, { maxRetries: 5, signal: controller.signal, sleep })
  );
  assertEquals([error, waits], [reason, []]);
});

Deno.test("retryWithBackoff() makes no attempt when the signal is already aborted", async () => {
  const controller = new AbortController();
  controller.abort(new Error("Cancelled before start"));
  let calls = 0;
  await assertRejects(
    () =>
      retryWithBackoff(() => {
        calls++;
        return Promise.resolve(1);
      }, { maxRetries: 1, signal: controller.signal }),
    Error,
    "Cancelled before start",
  );
  assertEquals(calls, 0);
});

Deno.test("retryWithBackoff() default sleep really waits and is cut by an abort", async () => {
  const controller = new AbortController();
  const started = Promise.withResolvers<void>();
  const pending = retryWithBackoff(() => Promise.reject(httpError(503)), {
    maxRetries: 1,
    baseDelayMs: 60_000,
    random: () => 0.9,
    signal: controller.signal,
    onRetry: () => started.resolve(),
  });
  await started.promise;
  controller.abort(new Error("Stopped while waiting"));
  await assertRejects(() => pending, Error, "Stopped while waiting");
});

Deno.test("retryWithBackoff() uses the injected classifier", async () => {
  const { waits, sleep } = recordingSleep();
  let calls = 0;
  const result = await retryWithBackoff(() => {
    calls++;
    return calls < 3 ? Promise.reject(new Error("custom flake")) : Promise.resolve("third");
  }, {
    maxRetries: 3,
    sleep,
    random: () => 0,
    classify: () => ({ retryable: true, kind: "other", retryAfterMs: 10 }),
  });
  assertEquals([result, waits], ["third", [10, 10]]);
});

Deno.test("retryWithBackoff() checks its options before any attempt", async () => {
  let calls = 0;
  const fn = () => {
    calls++;
    return Promise.resolve(1);
  };
  await assertRejects(
    () => retryWithBackoff(fn, { maxRetries: -1 }),
    RangeError,
    'maxRetries must be a non-negative integer: received "-1"',
  );
  await assertRejects(() => retryWithBackoff(fn, { maxRetries: 1.5 }), RangeError, "maxRetries");
  await assertRejects(
    () => retryWithBackoff(fn, { maxRetries: 1, baseDelayMs: -5 }),
    RangeError,
    "baseDelayMs must be a non-negative number",
  );
  await assertRejects(
    () => retryWithBackoff(fn, { maxRetries: 1, maxDelayMs: Number.NaN }),
    RangeError,
    "maxDelayMs",
  );
  assertEquals(calls, 0);
});
