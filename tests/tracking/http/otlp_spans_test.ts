import { hrTimeFromNanos, toReadableSpans } from "../../../src/tracking/http/otlp_spans.ts";
import { tokenUsageMetadata } from "../../../src/tracking/http/_trace_info.ts";
import { formatDuration } from "../../../src/tracking/http/_wire_format.ts";
import type { SpanRecord } from "../../../src/tracking/trace_bundle.ts";
import { assertEquals } from "../../_helpers/assert.ts";

function span(overrides: Partial<SpanRecord>): SpanRecord {
  return {
    traceId: "aacef014b86e5dbb8364939c5fc5e208",
    spanId: "0928338a8af94d93",
    parentSpanId: "e131abb867c82da4",
    name: "ChatOpenAI",
    startTimeUnixNano: 1795758455794216208n,
    endTimeUnixNano: 1795758455794383359n,
    status: { code: "OK", message: "" },
    attributes: {},
    events: [],
    ...overrides,
  };
}

Deno.test("hrTimeFromNanos() keeps every nanosecond of an epoch time", () => {
  assertEquals(hrTimeFromNanos(1795758455794216208n), [1795758455, 794216208]);
  assertEquals(hrTimeFromNanos(999n), [0, 999]);
});

Deno.test("toReadableSpans() puts the plain trace request id and span type first and keeps values native", () => {
  const [readable] = toReadableSpans([span({
    attributes: {
      "mlflow.spanInputs": { messages: [{ role: "user", content: "hi" }] },
      "mlflow.spanType": "CHAT_MODEL",
      "mlflow.traceRequestId": '"tr-aacef014b86e5dbb8364939c5fc5e208"',
      "mlflow.chat.tokenUsage": { input_tokens: 12, output_tokens: 30, total_tokens: 42 },
      skipped: undefined,
      when: new Date(Date.UTC(2026, 0, 1)),
    },
    status: { code: "ERROR", message: "ValueError: bad" },
    events: [{
      name: "exception",
      timeUnixNano: 1795758455795951104n,
      attributes: { "exception.type": "ValueError" },
    }],
  })]);
  assertEquals(Object.keys(readable?.attributes ?? {}), [
    "mlflow.traceRequestId",
    "mlflow.spanType",
    "mlflow.spanInputs",
    "mlflow.chat.tokenUsage",
    "when",
  ]);
  assertEquals(
    readable?.attributes["mlflow.traceRequestId"],
    "tr-aacef014b86e5dbb8364939c5fc5e208",
  );
  assertEquals(readable?.attributes["mlflow.spanInputs"], {
    messages: [{ role: "user", content: "hi" }],
  });
  assertEquals(readable?.attributes.when, "2026-01-01T00:00:00.000Z");
  assertEquals(readable?.status, { code: 2, message: "ValueError: bad" });
  assertEquals(readable?.parentSpanContext?.spanId, "e131abb867c82da4");
  assertEquals(readable?.spanContext().traceId, "aacef014b86e5dbb8364939c5fc5e208");
  assertEquals(readable?.startTime, [1795758455, 794216208]);
  assertEquals(readable?.duration, [0, 167151]);
  assertEquals(readable?.events[0]?.time, [1795758455, 795951104]);
  assertEquals(toReadableSpans([span({ parentSpanId: null })])[0]?.parentSpanContext, undefined);
});

Deno.test("tokenUsageMetadata() sums token usage over spans the way MLflow writes it", () => {
  const usage = (input: number, output: number, extra: Record<string, number> = {}) =>
    span({
      attributes: {
        "mlflow.chat.tokenUsage": {
          input_tokens: input,
          output_tokens: output,
          total_tokens: input + output,
          ...extra,
        },
      },
    });
  assertEquals(
    tokenUsageMetadata([usage(12, 30), span({}), usage(1, 2)]),
    '{"input_tokens": 13, "output_tokens": 32, "total_tokens": 45}',
  );
  assertEquals(
    tokenUsageMetadata([usage(10, 1, { cache_read_input_tokens: 4 }), usage(1, 1)]),
    '{"input_tokens": 11, "output_tokens": 2, "total_tokens": 13, "cache_read_input_tokens": 4}',
  );
  assertEquals(tokenUsageMetadata([span({})]), undefined);
});

Deno.test("formatDuration() writes protobuf JSON durations", () => {
  assertEquals(formatDuration(57), "0.057s");
  assertEquals(formatDuration(2000), "2s");
  assertEquals(formatDuration(1234.5), "1.234500s");
});
