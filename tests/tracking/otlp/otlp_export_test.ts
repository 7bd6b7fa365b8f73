import { type EncodedOtlpRequest, encodeOtlp } from "../../../src/tracking/otlp/encode_otlp.ts";
import {
  exportOtlp,
  type ExportOtlpOptions,
  parseRetryAfter,
} from "../../../src/tracking/otlp/otlp_export.ts";
import { FakeOtlpCollector } from "../../_helpers/fake_otlp_collector.ts";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../_helpers/assert.ts";
import { base64ToHex } from "../../fixtures/otlp/otlp_decoder.ts";
import { richSpans, TRACE_A } from "./_spans.ts";

const URL = "http://collector.test:4318/v1/traces";
const REQUEST: EncodedOtlpRequest = {
  body: new Uint8Array([0x0a, 0x00]),
  contentType: "application/x-protobuf",
};

/** A fetch answering the given statuses in turn, recording each call. */
function scriptedFetch(answers: (number | (() => Response))[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (input: string | URL | Request, init: RequestInit = {}) => {
    calls.push({ url: String(input), init });
    const next = answers.shift();
    if (next === undefined) throw new Error("No answer left in the script");
    return Promise.resolve(
      typeof next === "number" ? new Response(null, { status: next }) : next(),
    );
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

/** A clock that only moves when the fake sleep waits. */
function fakeTime() {
  const clock = { nowMs: 1_000_000, waits: [] as number[] };
  const sleep = (ms: number) => {
    clock.waits.push(ms);
    clock.nowMs += ms;
    return Promise.resolve();
  };
  return { clock, sleep, now: () => clock.nowMs };
}

function options(overrides: Partial<ExportOtlpOptions>): ExportOtlpOptions {
  const { sleep, now } = fakeTime();
  return { url: URL, sleep, now, ...overrides };
}

Deno.test("exportOtlp() posts protobuf with the headers to a collector that decodes every span", async () => {
  const collector = await FakeOtlpCollector.start();
  try {
    const result = await exportOtlp(encodeOtlp(richSpans()), {
      url: collector.tracesUrl,
      headers: { "x-api-key": "k3y", "Content-Type": "text/plain" },
    });
    assertEquals(result, { ok: true, status: 200, attempts: 1 });
    const [received] = collector.requests;
    assertEquals(received?.method, "POST");
    assertEquals(received?.path, "/v1/traces");
    assertEquals(received?.headers["content-type"], "application/x-protobuf");
    assertEquals(received?.headers["x-api-key"], "k3y");
    assertEquals(received?.headers["content-encoding"], undefined);
    assertEquals(collector.spans.map((span) => span.name), [
      "write",
      "workflow_demo",
      "unset",
      "workflow_other",
    ]);
    assertEquals(base64ToHex(collector.spans[0]?.traceId ?? ""), TRACE_A);
  } finally {
    await collector.stop();
  }
});

Deno.test("exportOtlp() sends OTLP/JSON and gzip bodies that the collector decodes alike", async () => {
  const collector = await FakeOtlpCollector.start();
  try {
    for (const protocol of ["http/protobuf", "http/json"] as const) {
      for (const compression of ["none", "gzip"] as const) {
        const result = await exportOtlp(encodeOtlp(richSpans(), { protocol }), {
          url: collector.tracesUrl,
          compression,
        });
        assertEquals(result.ok, true, `${protocol} ${compression}`);
      }
    }
    assertEquals(
      collector.requests.map((r) => [r.headers["content-type"], r.headers["content-encoding"]]),
      [
        ["application/x-protobuf", undefined],
        ["application/x-protobuf", "gzip"],
        ["application/json", undefined],
        ["application/json", "gzip"],
      ],
    );
    const [first, ...others] = collector.requests.map((r) => r.request);
    for (const other of others) assertEquals(other, first);
  } finally {
    await collector.stop();
  }
});

Deno.test("exportOtlp() retries 429, 502, 503 and 504 with a growing backoff", async () => {
  const { fetch, calls } = scriptedFetch([429, 502, 503, 504, 204]);
  const time = fakeTime();
  const result = await exportOtlp(REQUEST, { url: URL, fetch, sleep: time.sleep, now: time.now });
  assertEquals(result, { ok: true, status: 204, attempts: 5 });
  assertEquals(time.clock.waits, [1000, 1500, 2250, 3375]);
  assertEquals(calls.length, 5);
  for (const call of calls) {
    assertEquals(call.url, URL);
    assertEquals(call.init.method, "POST");
    assertEquals(call.init.body, REQUEST.body);
  }
});

Deno.test("exportOtlp() waits what Retry-After asks, in seconds or as a date", async () => {
  const time = fakeTime();
  const date = new Date(time.clock.nowMs + 3000).toUTCString();
  const { fetch } = scriptedFetch([
    () => new Response("slow down", { status: 429, headers: { "Retry-After": "2" } }),
    () => new Response(null, { status: 503, headers: { "Retry-After": date } }),
    200,
  ]);
  const result = await exportOtlp(REQUEST, { url: URL, fetch, sleep: time.sleep, now: time.now });
  assertEquals(result, { ok: true, status: 200, attempts: 3 });
  assertEquals(time.clock.waits, [2000, 1000]);
});

Deno.test("exportOtlp() gives up when a wait would end after the timeout", async () => {
  const { fetch } = scriptedFetch([
    () => new Response("busy", { status: 429, headers: { "Retry-After": "30" } }),
  ]);
  const time = fakeTime();
  const result = await exportOtlp(REQUEST, {
    url: URL,
    fetch,
    sleep: time.sleep,
    now: time.now,
    timeoutMs: 10_000,
  });
  assert(!result.ok);
  assertEquals([result.status, result.body, result.attempts], [429, "busy", 1]);
  assertEquals(time.clock.waits, []);
  assertEquals(
    result.error.message,
    'Cannot export spans to "http://collector.test:4318/v1/traces" as the collector answered 429 and a wait of 30000 ms would end after the 10000 ms timeout: busy',
  );

  const backoff = scriptedFetch([503, 503, 503, 503]);
  const clock = fakeTime();
  const bounded = await exportOtlp(REQUEST, {
    url: URL,
    fetch: backoff.fetch,
    sleep: clock.sleep,
    now: clock.now,
    timeoutMs: 3000,
  });
  assert(!bounded.ok);
  assertEquals(clock.clock.waits, [1000, 1500]);
  assertEquals(bounded.attempts, 3);
  assertStringIncludes(
    bounded.error.message,
    "answered 503 and a retry would end after the 3000 ms",
  );
});

Deno.test("exportOtlp() stops after maxAttempts and says how many were made", async () => {
  const { fetch, calls } = scriptedFetch([502, 502, 502]);
  const result = await exportOtlp(REQUEST, options({ fetch, maxAttempts: 3, timeoutMs: 60_000 }));
  assert(!result.ok);
  assertEquals([result.status, result.attempts, calls.length], [502, 3, 3]);
  assertStringIncludes(result.error.message, "answered 502 after 3 attempts");
});

Deno.test("exportOtlp() does not retry other statuses and never shows a header or credentials", async () => {
  const { fetch, calls } = scriptedFetch([
    () => new Response('{"code":3,"message":"bad span"}', { status: 400 }),
  ]);
  const result = await exportOtlp(
    REQUEST,
    options({
      url: "https://user:pa55word@collector.test/v1/traces",
      headers: { Authorization: "Bearer s3cret-t0ken" },
      fetch,
    }),
  );
  assert(!result.ok);
  assertEquals([result.status, result.body, calls.length], [
    400,
    '{"code":3,"message":"bad span"}',
    1,
  ]);
  assertEquals(
    result.error.message,
    'Cannot export spans to "https://collector.test/v1/traces" as the collector answered 400: {"code":3,"message":"bad span"}',
  );
  assertEquals(new Headers(calls[0]?.init.headers).get("authorization"), "Bearer s3cret-t0ken");
  for (const secret of ["s3cret", "pa55word"]) {
    assertEquals(
      JSON.stringify({ ...result, error: result.error.message }).includes(secret),
      false,
    );
  }
});

Deno.test("exportOtlp() returns a network failure without retrying it", async () => {
  const collector = await FakeOtlpCollector.start();
  const url = collector.tracesUrl;
  await collector.stop();
  const result = await exportOtlp(REQUEST, { url });
  assert(!result.ok);
  assertEquals([result.status, result.body, result.attempts], [undefined, undefined, 1]);
  assertStringIncludes(
    result.error.message,
    `Cannot export spans to "${url}" as it is unreachable: `,
  );
});

Deno.test("exportOtlp() ends a request that outlasts the timeout", async () => {
  const hanging = (_input: string | URL | Request, init: RequestInit = {}) =>
    new Promise<Response>((_resolve, reject) => {
      init.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true });
    });
  const result = await exportOtlp(REQUEST, { url: URL, fetch: hanging, timeoutMs: 30 });
  assert(!result.ok);
  assertEquals(result.status, undefined);
  assertEquals(
    result.error.message,
    'Cannot export spans to "http://collector.test:4318/v1/traces" as no answer came within 30 ms',
  );
});

Deno.test("exportOtlp() stops when the caller aborts, before or during a wait", async () => {
  const aborted = await exportOtlp(REQUEST, { url: URL, signal: AbortSignal.abort() });
  assert(!aborted.ok);
  assertEquals(aborted.attempts, 0);
  assertStringIncludes(aborted.error.message, "as the export was cancelled");

  const controller = new AbortController();
  const { fetch, calls } = scriptedFetch([503, 200]);
  const during = await exportOtlp(REQUEST, {
    url: URL,
    fetch,
    signal: controller.signal,
    sleep: (_ms, signal) => {
      controller.abort();
      assertEquals(signal.aborted, true);
      return Promise.resolve();
    },
  });
  assert(!during.ok);
  assertEquals(calls.length, 1);
  assertStringIncludes(during.error.message, "as the export was cancelled");
});

Deno.test("exportOtlp() retries against a real collector that asks to wait", async () => {
  const collector = await FakeOtlpCollector.start();
  try {
    collector.fail({ status: 503, retryAfter: "0", times: 2 });
    const result = await exportOtlp(encodeOtlp(richSpans()), { url: collector.tracesUrl });
    assertEquals(result, { ok: true, status: 200, attempts: 3 });
    assertEquals(collector.requests.map((r) => r.status), [503, 503, 200]);
  } finally {
    await collector.stop();
  }
});

Deno.test("exportOtlp() rejects a timeout or attempt count that cannot work", async () => {
  for (const timeoutMs of [0, -1, NaN]) {
    await assertRejects(
      () => exportOtlp(REQUEST, { url: URL, timeoutMs }),
      RangeError,
      `Cannot export spans as timeoutMs must be a positive number: current value is "${timeoutMs}"`,
    );
  }
  await assertRejects(
    () => exportOtlp(REQUEST, { url: URL, maxAttempts: 0 }),
    RangeError,
    "maxAttempts must be a positive integer",
  );
});

Deno.test("parseRetryAfter() reads delay seconds and HTTP dates", () => {
  const now = () => Date.UTC(2026, 0, 1, 0, 0, 0);
  assertEquals(parseRetryAfter(null, now), undefined);
  assertEquals(parseRetryAfter(" 7 ", now), 7000);
  assertEquals(parseRetryAfter("Thu, 01 Jan 2026 00:00:09 GMT", now), 9000);
  assertEquals(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now), 0);
  assertEquals(parseRetryAfter("soon", now), undefined);
  assertEquals(parseRetryAfter("-3", now), undefined);
});
