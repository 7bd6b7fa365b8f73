import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import {
  hexIdToBase64,
  type StoredSpan,
  storedSpanJson,
  toStoredSpan,
} from "../../src/tracking/stored_span_json.ts";
import type { SpanRecord } from "../../src/tracking/trace_bundle.ts";
import { base64ToHex, parseExactJson } from "./_golden_json.ts";
import { goldenRows } from "./_helpers.ts";

/** A span record holding what a golden span holds, values native. */
function recordOf(content: string): SpanRecord {
  const span = parseExactJson(content) as StoredSpan;
  return {
    traceId: base64ToHex(span.trace_id),
    spanId: base64ToHex(span.span_id),
    parentSpanId: span.parent_span_id === null ? null : base64ToHex(span.parent_span_id),
    name: span.name,
    startTimeUnixNano: span.start_time_unix_nano,
    endTimeUnixNano: span.end_time_unix_nano,
    status: {
      code: span.status.code.replace("STATUS_CODE_", "") as SpanRecord["status"]["code"],
      message: span.status.message,
    },
    attributes: Object.fromEntries(
      Object.entries(span.attributes).map(([key, value]) => [key, parseExactJson(value)]),
    ),
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: event.time_unix_nano,
      attributes: event.attributes,
    })),
  };
}

Deno.test("storedSpanJson() writes each golden span exactly as MLflow stored it", () => {
  const spans = goldenRows().spans ?? [];
  assertEquals(spans.length, 5);
  for (const row of spans) {
    const record = recordOf(String(row.content));
    assertEquals(record.spanId, row.span_id);
    assertEquals(record.parentSpanId, row.parent_span_id);
    assertEquals(storedSpanJson(record), row.content);
  }
});

Deno.test("toStoredSpan() encodes ids as base64 and every attribute value as JSON text", () => {
  const stored = toStoredSpan({
    traceId: "89d9ba1822e0a3e4e7aeb75c9d868c9d",
    spanId: "d42958132865d6d7",
    parentSpanId: "bbbd20a23d71ef01",
    name: "ChatOpenAI",
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    status: { code: "ERROR", message: "TypeError: x" },
    attributes: { "mlflow.spanType": "CHAT_MODEL", count: 2, inputs: { a: [1] } },
    events: [{
      name: "exception",
      timeUnixNano: 3n,
      attributes: { "exception.type": "TypeError" },
    }],
  });
  assertEquals(stored.trace_id, "idm6GCLgo+TnrrdcnYaMnQ==");
  assertEquals(stored.span_id, "1ClYEyhl1tc=");
  assertEquals(stored.parent_span_id, "u70goj1x7wE=");
  assertEquals(stored.status, { code: "STATUS_CODE_ERROR", message: "TypeError: x" });
  assertEquals(stored.attributes, {
    "mlflow.spanType": '"CHAT_MODEL"',
    count: "2",
    inputs: '{"a": [1]}',
  });
  assertEquals(stored.events[0]?.attributes, { "exception.type": "TypeError" });
});

Deno.test("hexIdToBase64() rejects text that is not hexadecimal bytes", () => {
  assertThrows(() => hexIdToBase64("xyz"), SyntaxError, 'Cannot encode id "xyz"');
});
