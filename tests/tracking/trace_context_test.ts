import { context, type SpanContext, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  activeOtelSpanContext,
  formatTraceparent,
  parseTraceparent,
} from "../../src/tracking/trace_context.ts";
import { assertEquals, assertThrows } from "../_helpers/assert.ts";

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const SPAN_ID = "b7ad6b7169203331";
const VALID = `00-${TRACE_ID}-${SPAN_ID}-01`;

Deno.test("parseTraceparent() reads a version 00 value and its sampled flag", () => {
  assertEquals(parseTraceparent(VALID), { traceId: TRACE_ID, spanId: SPAN_ID, sampled: true });
  assertEquals(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-00`).sampled, false);
  assertEquals(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-03`).sampled, true);
  assertEquals(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-fe`).sampled, false);
  assertEquals(parseTraceparent(`  ${VALID}\n`).spanId, SPAN_ID);
});

Deno.test("parseTraceparent() reads a later version from its first 55 characters", () => {
  assertEquals(parseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-01`).traceId, TRACE_ID);
  assertEquals(parseTraceparent(`cc-${TRACE_ID}-${SPAN_ID}-01-what-the-future-holds`), {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    sampled: true,
  });
});

Deno.test("parseTraceparent() rejects what W3C Trace Context rejects, naming the rule", () => {
  const cases: [string, string][] = [
    ["", "its version is not 2 lowercase hex digits"],
    [`0-${TRACE_ID}-${SPAN_ID}-01`, "its version is not 2 lowercase hex digits"],
    [`AA-${TRACE_ID}-${SPAN_ID}-01`, "its version is not 2 lowercase hex digits"],
    [`ff-${TRACE_ID}-${SPAN_ID}-01`, 'version "ff" is invalid'],
    [`00-${TRACE_ID}-${SPAN_ID}-1`, "it is shorter than 55 characters"],
    [`00-${TRACE_ID}-${SPAN_ID}-01-extra`, 'version "00" must be exactly 55 characters long'],
    [`01-${TRACE_ID}-${SPAN_ID}-01x`, 'the characters after the flags of version "01"'],
    [`00_${TRACE_ID}-${SPAN_ID}-01`, 'its fields are not separated by "-"'],
    [`00-${TRACE_ID}0-${SPAN_ID.slice(1)}-01`, 'its fields are not separated by "-"'],
    [`00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`, "its trace id is not 32 lowercase hex"],
    [`00-${"0".repeat(32)}-${SPAN_ID}-01`, "its trace id is all zeros"],
    [`00-${TRACE_ID}-${SPAN_ID.slice(0, 15)}g-01`, "its parent id is not 16 lowercase hex"],
    [`00-${TRACE_ID}-${"0".repeat(16)}-01`, "its parent id is all zeros"],
    [`00-${TRACE_ID}-${SPAN_ID}-0x`, "its flags are not 2 lowercase hex digits"],
  ];
  for (const [text, reason] of cases) {
    const error = assertThrows(() => parseTraceparent(text), SyntaxError, reason);
    assertEquals(
      error.message.endsWith(
        ': write it as "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>"',
      ),
      true,
      text,
    );
  }
  assertThrows(
    () => parseTraceparent(`ff-${TRACE_ID}-${SPAN_ID}-01`),
    SyntaxError,
    `Cannot read traceparent "ff-${TRACE_ID}-${SPAN_ID}-01" as version "ff" is invalid`,
  );
});

Deno.test("formatTraceparent() writes what parseTraceparent() reads", () => {
  assertEquals(formatTraceparent({ traceId: TRACE_ID, spanId: SPAN_ID, sampled: true }), VALID);
  assertEquals(
    formatTraceparent({ traceId: TRACE_ID.toUpperCase(), spanId: SPAN_ID, sampled: false }),
    `00-${TRACE_ID}-${SPAN_ID}-00`,
  );
  const context = { traceId: TRACE_ID, spanId: SPAN_ID, sampled: false };
  assertEquals(parseTraceparent(formatTraceparent(context)), context);
  assertThrows(
    () => formatTraceparent({ traceId: "tr-1", spanId: SPAN_ID, sampled: true }),
    TypeError,
    'Cannot write a traceparent as the trace id is not valid hex of the right length: current value is "tr-1"',
  );
  assertThrows(
    () => formatTraceparent({ traceId: TRACE_ID, spanId: "0".repeat(16), sampled: true }),
    TypeError,
    "the span id is not valid",
  );
});

/** The part of a tracer the test needs: run `fn` with a span context active. */
function withSpanContext<T>(spanContext: SpanContext, fn: () => T): T {
  return context.with(trace.setSpanContext(context.active(), spanContext), fn);
}

Deno.test("activeOtelSpanContext() reads the span a caller made active, across awaits", async () => {
  const manager = new AsyncLocalStorageContextManager();
  context.setGlobalContextManager(manager.enable());
  try {
    assertEquals(activeOtelSpanContext(), undefined);
    const seen = await withSpanContext(
      { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 },
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return activeOtelSpanContext();
      },
    );
    assertEquals(seen, { traceId: TRACE_ID, spanId: SPAN_ID, sampled: true });
    assertEquals(activeOtelSpanContext(), undefined);

    const unsampled = withSpanContext(
      { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 0, isRemote: true },
      () => activeOtelSpanContext(),
    );
    assertEquals(unsampled?.sampled, false);

    const invalid = withSpanContext(
      { traceId: "0".repeat(32), spanId: SPAN_ID, traceFlags: 1 },
      () => activeOtelSpanContext(),
    );
    assertEquals(invalid, undefined);
  } finally {
    context.disable();
  }
});

Deno.test("activeOtelSpanContext() finds nothing without a context manager", () => {
  const seen = withSpanContext(
    { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 },
    () => activeOtelSpanContext(),
  );
  assertEquals(seen, undefined);
});
