import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import {
  aggregateTokenUsage,
  buildTraceRecord,
  truncatePreview,
} from "../../src/tracking/_trace_record.ts";
import type { SpanRecord } from "../../src/tracking/trace_bundle.ts";

function span(
  id: string,
  parent: string | null,
  attributes: Record<string, unknown> = {},
): SpanRecord {
  return {
    traceId: "ab".repeat(16),
    spanId: id.repeat(16).slice(0, 16),
    parentSpanId: parent === null ? null : parent.repeat(16).slice(0, 16),
    name: `span_${id}`,
    startTimeUnixNano: 1_000_000_000n,
    endTimeUnixNano: 3_500_000_000n,
    status: { code: "OK", message: "" },
    attributes,
    events: [],
  };
}

Deno.test("truncatePreview() keeps max - 3 characters and adds '...' like MLflow", () => {
  assertEquals(truncatePreview("x".repeat(1000), 1000), "x".repeat(1000));
  assertEquals(truncatePreview("x".repeat(1001), 1000), `${"x".repeat(997)}...`);
  assertEquals(truncatePreview("😀😀😀😀😀", 4), "😀...");
});

Deno.test("aggregateTokenUsage() sums spans but skips usage nested under a span with usage", () => {
  const usage = (n: number) => ({ input_tokens: n, output_tokens: 2 * n, total_tokens: 3 * n });
  assertEquals(
    aggregateTokenUsage([
      span("a", null),
      span("b", "a", { "mlflow.chat.tokenUsage": usage(10) }),
      span("c", "b", { "mlflow.chat.tokenUsage": usage(100) }),
      span("d", "a", { "mlflow.chat.tokenUsage": usage(1) }),
    ]),
    usage(11),
  );
  assertEquals(aggregateTokenUsage([span("a", null)]), undefined);
});

Deno.test("buildTraceRecord() derives state, previews and metadata from the root span", () => {
  const long = "y".repeat(2000);
  const root = {
    ...span("a", null, { "mlflow.spanInputs": { text: long }, "mlflow.spanOutputs": "done" }),
    status: { code: "ERROR" as const, message: "Error: boom" },
  };
  const record = buildTraceRecord([root], {
    sessionId: "s-1",
    userId: "u-1",
    stopReason: "run_timeout",
  });
  assertEquals(record.traceId, `tr-${"ab".repeat(16)}`);
  assertEquals(record.state, "ERROR");
  assertEquals([record.requestTimeMs, record.executionTimeMs], [1000, 2500]);
  assertEquals(record.requestPreview.length, 1000);
  assertEquals(record.requestPreview.endsWith("..."), true);
  assertEquals(record.responsePreview, '"done"');
  assertEquals(record.metadata["mlflow.traceInputs"]?.length, 250);
  assertEquals(record.metadata["mlflow.trace.session"], "s-1");
  assertEquals(record.metadata["mlflow.trace.user"], "u-1");
  assertEquals(record.metadata["mlflow.trace.tokenUsage"], undefined);
  assertEquals(record.metadata["mlflow.trace.cost"], undefined);
  assertEquals(record.tags, {
    "mlflow.traceName": "span_a",
    "configurable_agents.stop_reason": "run_timeout",
  });
});

Deno.test("buildTraceRecord() refuses spans without a root", () => {
  assertThrows(() => buildTraceRecord([span("b", "a")]), RangeError, "Cannot build a trace record");
});
