import { RateLimits, withRateLimit } from "../../src/llm/rate_limits.ts";
import type { RateLimitedCall } from "../../src/llm/rate_limits.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_helpers/assert.ts";

/**
 * A virtual clock: `sleep` registers a timer that `advance` fires in time order, so that many
 * concurrent waiters can be followed without real time passing.
 */
function virtualClock() {
  let now = 0;
  let timers: { at: number; fire: () => void }[] = [];
  const clock = {
    now: () => now,
    sleep: (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = { at: now + ms, fire: resolve };
        timers.push(timer);
        signal?.addEventListener("abort", () => {
          timers = timers.filter((t) => t !== timer);
          reject(signal.reason);
        }, { once: true });
      }),
    /** Moves time forward by `ms`, firing due timers in order and letting their waiters run. */
    async advance(ms: number): Promise<void> {
      const end = now + ms;
      for (;;) {
        await settle();
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > end) break;
        timers.shift();
        now = Math.max(now, next.at);
        next.fire();
      }
      now = end;
      await settle();
    },
    /** Moves time forward by `ms` without firing timers: the event loop was busy. */
    stall(ms: number): void {
      now += ms;
    },
  };
  return clock;
}

/** Lets pending promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

const USAGE = (total: number) => ({ input_tokens: total, output_tokens: 0, total_tokens: total });

function call(overrides: Partial<RateLimitedCall> = {}): RateLimitedCall {
  return {
    provider: "openai",
    model: "gpt-4o-mini",
    limit: { rpm: 600 },
    tokens: 10,
    ...overrides,
  };
}

/** Starts `count` acquires at once and records when each one got its permit. */
async function startTimes(
  limits: RateLimits,
  clock: ReturnType<typeof virtualClock>,
  calls: RateLimitedCall[],
  runFor: number,
): Promise<number[]> {
  const started: number[] = [];
  const all = calls.map((c, index) =>
    limits.acquire(c).then((permit) => {
      started[index] = clock.now();
      return permit;
    })
  );
  await clock.advance(runFor);
  await Promise.all(all);
  return started;
}

Deno.test("RateLimits paces requests evenly: 600 RPM lets one call start every 100 ms", async () => {
  const clock = virtualClock();
  const limits = new RateLimits({ now: clock.now, sleep: clock.sleep });
  const started = await startTimes(limits, clock, Array.from({ length: 12 }, () => call()), 2000);
  assertEquals(started, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100]);
});

Deno.test("RateLimits lets only a small burst through after a quiet spell", async () => {
  const clock = virtualClock();
  const limits = new RateLimits({ now: clock.now, sleep: clock.sleep, burstMs: 50 });
  const calls = Array.from({ length: 8 }, () => call({ limit: { rpm: 6000 } }));
  // 6000 RPM is one request per 10 ms; 50 ms of capacity lets 5 start together.
  assertEquals(await startTimes(limits, clock, calls, 1000), [0, 0, 0, 0, 0, 10, 20, 30]);
});

Deno.test("RateLimits spaces calls whose timers fired late together: a busy event loop sends no burst", async () => {
  const clock = virtualClock();
  const limits = new RateLimits({ now: clock.now, sleep: clock.sleep });
  const started: number[] = [];
  const all = Array.from(
    { length: 5 },
    () => limits.acquire(call()).then(() => void started.push(clock.now())),
  );
  await clock.advance(0);
  // The loop is busy from 0 to 250 ms: the timers of 100 and 200 fire together at 250.
  clock.stall(250);
  await clock.advance(1000);
  await Promise.all(all);
  // They start 100 ms apart from then on, as a server counting requests per second sees them.
  assertEquals(started, [0, 250, 350, 450, 550]);
});

Deno.test("RateLimits paces tokens per minute and corrects them from the usage", async () => {
  const clock = virtualClock();
  const limits = new RateLimits({ now: clock.now, sleep: clock.sleep, burstMs: 0 });
  // 60,000 TPM is one token per millisecond: a call of 1000 estimated tokens holds 1 s.
  const tokens = (n: number) => call({ limit: { tpm: 60_000 }, tokens: n });
  const first = await limits.acquire(tokens(1000));
  assertEquals(clock.now(), 0);
  // It used only 200: the other 800 ms of capacity come back.
  first.settle({ usage: USAGE(200) });
  const second = limits.acquire(tokens(1000));
  await clock.advance(199);
  let done = false;
  void second.then(() => done = true);
  await settle();
  assert(!done, "the second call started before the first call's tokens were paid");
  await clock.advance(1);
  await second;
  assertEquals(clock.now(), 200);
  // Unknown usage (zero) keeps the estimate: the next call waits the whole 1000 ms.
  (await second).settle({ usage: USAGE(0) });
  const third = limits.acquire(tokens(10));
  await clock.advance(1000);
  await third;
  assertEquals(clock.now(), 1200);
});

Deno.test("RateLimits shares one limit per provider, model and endpoint, the lowest winning", async () => {
  const clock = virtualClock();
  const limits = new RateLimits({ now: clock.now, sleep: clock.sleep });
  const calls = [
    call({ limit: { rpm: 600 } }),
    call({ limit: { rpm: 300 } }),
    call({ limit: { rpm: 600 } }),
    call({ model: "gpt-4o", limit: { rpm: 600 } }),
    call({ baseUrl: "http://127.0.0.1:9/v1", limit: { rpm: 600 } }),
  ];
  const started = await startTimes(limits, clock, calls, 2000);
  // gpt-4o-mini: 100 ms after the first slot, then 200 ms (300 RPM) once the lower limit is known.
  assertEquals(started.slice(0, 3), [0, 100, 300]);
  // Another model and another endpoint have their own limits.
  assertEquals(started.slice(3), [0, 0]);
  assertEquals(limits.limitOf("openai", "gpt-4o-mini"), { rpm: 300 });
});

Deno.test("RateLimits pauses a model for the Retry-After of a 429 and moves the waiting calls", async () => {
  const clock = virtualClock();
  const limits = new RateLimits({ now: clock.now, sleep: clock.sleep });
  const first = await limits.acquire(call());
  const waiting = [limits.acquire(call()), limits.acquire(call())].map((p, i) =>
    p.then(() => [i, clock.now()])
  );
  await clock.advance(50);
  first.settle({
    error: Object.assign(new Error("Rate limit reached"), {
      status: 429,
      headers: new Headers({ "retry-after-ms": "1000" }),
    }),
  });
  await clock.advance(3000);
  // Without the 429 they would have started at 100 and 200; they start after the pause, paced.
  assertEquals(await Promise.all(waiting), [[0, 1050], [1, 1150]]);
});

Deno.test("RateLimits loses no capacity to a pause: calls queued far ahead start right after it, evenly", async () => {
  const clock = virtualClock();
  const limits = new RateLimits({ now: clock.now, sleep: clock.sleep });
  const first = await limits.acquire(call());
  // Twenty calls queue for the slots at 100 ms to 2000 ms.
  const waiting = Array.from({ length: 20 }, () => limits.acquire(call()).then(() => clock.now()));
  await clock.advance(50);
  first.settle({
    error: Object.assign(new Error("Rate limit reached"), {
      status: 429,
      headers: new Headers({ "retry-after-ms": "200" }),
    }),
  });
  await clock.advance(10_000);
  // The pause (50 ms to 250 ms) costs its own length only: the queue starts at 250, one call
  // every 100 ms, in the order it queued.
  assertEquals(await Promise.all(waiting), Array.from({ length: 20 }, (_, i) => 250 + 100 * i));
});

Deno.test("RateLimits takes an x-ratelimit-reset time as the pause of a 429 without Retry-After", async () => {
  const clock = virtualClock();
  const limits = new RateLimits({ now: clock.now, sleep: clock.sleep, maxPauseMs: 5000 });
  const error = (reset: string) =>
    Object.assign(new Error("Rate limit reached"), {
      status: 429,
      headers: {
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-reset-requests": reset,
        "x-ratelimit-remaining-tokens": "9000",
        "x-ratelimit-reset-tokens": "1m0s",
      },
    });
  (await limits.acquire(call())).settle({ error: error("1.5s") });
  // The requests dimension is the exhausted one: its reset (1.5 s) is the pause, not 1 min.
  const next = limits.acquire(call()).then(() => clock.now());
  await clock.advance(10_000);
  assertEquals(await next, 1500);
  // A reset longer than maxPauseMs pauses for maxPauseMs only.
  const before = clock.now();
  (await limits.acquire(call())).settle({ error: error("10m0s") });
  const after = limits.acquire(call()).then(() => clock.now());
  await clock.advance(60_000);
  assertEquals(await after, before + 5000);
});

Deno.test("RateLimits gives back the slot of a call whose wait was cancelled", async () => {
  const clock = virtualClock();
  const limits = new RateLimits({ now: clock.now, sleep: clock.sleep });
  await limits.acquire(call());
  const stop = new AbortController();
  const cancelled = limits.acquire(call(), stop.signal);
  stop.abort(new Error("stopped"));
  await assertRejects(() => cancelled, Error, "stopped");
  const next = limits.acquire(call()).then(() => clock.now());
  await clock.advance(500);
  assertEquals(await next, 100);
});

Deno.test("RateLimits starts a call without a limit at once and rejects a bad limit", async () => {
  const clock = virtualClock();
  const limits = new RateLimits({ now: clock.now, sleep: clock.sleep });
  for (let i = 0; i < 5; i++) await limits.acquire(call({ limit: undefined }));
  const free = await limits.acquire(call({ limit: {} }));
  assertEquals(clock.now(), 0);
  assertEquals(free.paced, false);
  assertEquals((await limits.acquire(call())).paced, true);
  await assertRejects(
    () => limits.acquire(call({ limit: { rpm: 0 } })),
    RangeError,
    'rpm must be a positive number: got "0"',
  );
  assertThrows(() => new RateLimits({ burstMs: -1 }), RangeError, "burstMs");
});

Deno.test("withRateLimit() sets its limit over each call's own, dimension by dimension", async () => {
  const clock = virtualClock();
  const limits = new RateLimits({ now: clock.now, sleep: clock.sleep });
  const limiter = withRateLimit(limits, { rpm: 60 });
  await limiter.acquire(call({ limit: { rpm: 6000, tpm: 90_000 } }));
  await limiter.acquire(call({ limit: undefined, model: "other" }));
  assertEquals(limits.limitOf("openai", "gpt-4o-mini"), { rpm: 60, tpm: 90_000 });
  assertEquals(limits.limitOf("openai", "other"), { rpm: 60 });
});
