/**
 * W3C Trace Context: reading and writing the `traceparent` header
 * (https://www.w3.org/TR/trace-context/), and the span a caller has made active with the
 * OpenTelemetry API, so that a run can nest under either.
 *
 * @module
 */
import { context, isSpanContextValid, trace, TraceFlags } from "@opentelemetry/api";

/** The position of a span in a distributed trace. */
export interface TraceContext {
  /** 32 lowercase hex digits, not all zero. */
  traceId: string;
  /** 16 lowercase hex digits, not all zero: the span to nest under (the parent). */
  spanId: string;
  /** Whether the caller records this trace (flag bit 0). */
  sampled: boolean;
}

const HEX2 = /^[0-9a-f]{2}$/;
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ALL_ZERO = /^0+$/;
const FORMAT = 'write it as "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>"';
/** Length of a version 00 `traceparent`. */
const LENGTH = 55;

/**
 * Reads a `traceparent` value by the rules of W3C Trace Context: version `00` is exactly
 * `00-<trace id>-<parent id>-<flags>` in lowercase hex, with neither id all zeros; a later
 * version (not `ff`) is read the same way from its first 55 characters, and may go on only
 * after a `-`. Spaces around the value are ignored.
 *
 * @example Usage
 * ```ts
 * import { parseTraceparent } from "./trace_context.ts";
 * const parent = parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
 * if (parent.spanId !== "b7ad6b7169203331" || !parent.sampled) throw new Error();
 * ```
 *
 * @param text The header or environment value.
 * @returns The trace id, parent span id and sampled flag.
 * @throws {SyntaxError} A value that breaks the rules; the message says which rule and how to
 *   write it.
 */
export function parseTraceparent(text: string): TraceContext {
  const value = text.trim();
  const fail = (reason: string): never => {
    const shown = value.length > 80 ? `${value.slice(0, 80)}...` : value;
    throw new SyntaxError(`Cannot read traceparent "${shown}" as ${reason}: ${FORMAT}`);
  };
  const version = value.slice(0, 2);
  if (!HEX2.test(version)) fail("its version is not 2 lowercase hex digits");
  if (version === "ff") fail('version "ff" is invalid');
  if (value.length < LENGTH) fail(`it is shorter than ${LENGTH} characters`);
  if (version === "00" && value.length !== LENGTH) {
    fail(`version "00" must be exactly ${LENGTH} characters long`);
  }
  if (value.length > LENGTH && value[LENGTH] !== "-") {
    fail(`the characters after the flags of version "${version}" do not start with "-"`);
  }
  const [, traceId = "", spanId = "", flags = ""] = value.slice(0, LENGTH).split("-");
  if (value[2] !== "-" || value[35] !== "-" || value[52] !== "-") {
    fail('its fields are not separated by "-" at the right places');
  }
  if (!TRACE_ID.test(traceId)) fail("its trace id is not 32 lowercase hex digits");
  if (ALL_ZERO.test(traceId)) fail("its trace id is all zeros");
  if (!SPAN_ID.test(spanId)) fail("its parent id is not 16 lowercase hex digits");
  if (ALL_ZERO.test(spanId)) fail("its parent id is all zeros");
  if (!HEX2.test(flags)) fail("its flags are not 2 lowercase hex digits");
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

/**
 * Writes a version `00` `traceparent` value.
 *
 * @example Usage
 * ```ts
 * import { formatTraceparent } from "./trace_context.ts";
 * const header = formatTraceparent({
 *   traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", sampled: true,
 * });
 * if (header !== "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01") throw new Error();
 * ```
 *
 * @param trace The trace id, the span id to send as parent, and whether it is sampled.
 * @returns `00-<trace id>-<span id>-<01 or 00>`.
 * @throws {TypeError} An id that is not hex of the right length, or is all zeros.
 */
export function formatTraceparent(trace: TraceContext): string {
  const traceId = checkedId("trace", trace.traceId, TRACE_ID);
  const spanId = checkedId("span", trace.spanId, SPAN_ID);
  return `00-${traceId}-${spanId}-${trace.sampled ? "01" : "00"}`;
}

/**
 * The span a caller has made active through the OpenTelemetry API (`@opentelemetry/api`):
 * the span context of `context.active()`, when it is valid. A caller makes a span active with
 * its tracer (`tracer.startActiveSpan`) or `context.with`, after registering a context manager
 * (such as `AsyncLocalStorageContextManager`); without one there is never an active span.
 *
 * @example Usage
 * ```ts
 * import { activeOtelSpanContext } from "./trace_context.ts";
 * // Outside any caller's span: a run starts a trace of its own.
 * if (activeOtelSpanContext() !== undefined) throw new Error();
 * ```
 *
 * @returns The trace id, span id and sampled flag, or `undefined` without a valid active span.
 */
export function activeOtelSpanContext(): TraceContext | undefined {
  const spanContext = trace.getSpanContext(context.active());
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  return {
    traceId: spanContext.traceId,
    spanId: spanContext.spanId,
    sampled: (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
  };
}

function checkedId(what: string, id: string, pattern: RegExp): string {
  const lower = id.toLowerCase();
  if (pattern.test(lower) && !ALL_ZERO.test(lower)) return lower;
  throw new TypeError(
    `Cannot write a traceparent as the ${what} id is not valid hex of the right length: current value is "${id}"`,
  );
}
