/**
 * Spans for the OTLP tests: two traces whose attributes hold every kind of value the encoders
 * must handle (nested objects and arrays, ints at the int64 limits, doubles, non-finite numbers,
 * empty values, dates, bigints, bytes, multi-byte and long strings, integer-like keys).
 *
 * @module
 */
import type { SpanRecord } from "../../../src/tracking/trace_bundle.ts";

/** Trace id of the first trace. */
export const TRACE_A = "aacef014b86e5dbb8364939c5fc5e208";
/** Trace id of the second trace. */
export const TRACE_B = "0af7651916cd43dd8448eb211c80319c";

/** A span with defaults for what a test does not care about. */
export function span(overrides: Partial<SpanRecord>): SpanRecord {
  return {
    traceId: TRACE_A,
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

/** Two traces, every span's parent in the list (roots excepted). */
export function richSpans(): SpanRecord[] {
  return [
    span({
      spanId: "e131abb867c82da4",
      parentSpanId: "21e8a0d4550f354b",
      name: "write",
      attributes: {
        "mlflow.spanInputs": {
          messages: [{ role: "user", content: "Write about tide pools 🌊 日本語" }],
          empty: {},
          none: [],
          skipped: undefined,
          holes: [1, undefined, null, "x", [2.5, [true]]],
          "2": "integer-like keys come first in JavaScript",
          "1": "in ascending order",
        },
        "mlflow.traceRequestId": '"tr-stale"',
        "mlflow.spanType": "CHAIN",
        ints: [0, -1, 42, 127, 128, 16384, 2 ** 31, 2 ** 32 + 5, 2 ** 53 + 2, -(2 ** 63)],
        doubles: [1.5, -0.25, 2 ** 63, 1e300, Number.MIN_VALUE, NaN, Infinity, -Infinity],
        zero: -0,
        flag: false,
        nothing: null,
        when: new Date(Date.UTC(2026, 0, 1)),
        big: 12345678901234567890n,
        raw: new Uint8Array([0, 1, 254, 255]),
        long: "ab€".repeat(7000),
      },
      events: [
        { name: "retry", timeUnixNano: 1795758455794300000n, attributes: { attempt: 2 } },
        {
          name: "exception",
          timeUnixNano: 1795758455794316208n,
          attributes: {
            "exception.type": "ValueError",
            "exception.message": "model returned invalid JSON",
            ignored: undefined,
          },
        },
      ],
      status: { code: "ERROR", message: "ValueError: model returned invalid JSON" },
    }),
    span({
      spanId: "21e8a0d4550f354b",
      parentSpanId: null,
      name: "workflow_demo",
      startTimeUnixNano: 1795758455738269769n,
      endTimeUnixNano: 1795758455796146297n,
      attributes: { workflow_name: "demo", "mlflow.spanType": "AGENT", node_count: 2 },
    }),
    span({
      spanId: "0928338a8af94d93",
      parentSpanId: "e131abb867c82da4",
      name: "unset",
      status: { code: "UNSET", message: "" },
    }),
    span({
      traceId: TRACE_B,
      spanId: "b7ad6b7169203331",
      parentSpanId: null,
      name: "workflow_other",
      startTimeUnixNano: 1n,
      endTimeUnixNano: 2n ** 63n + 7n,
      attributes: { "mlflow.spanType": null, "mlflow.spanOutputs": "plain" },
    }),
  ];
}
