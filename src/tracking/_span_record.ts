/**
 * OpenTelemetry spans to plain `SpanRecord`s, and the time conversions between the tracker's
 * millisecond clock and OpenTelemetry's `HrTime`.
 *
 * @module
 */
import { type Attributes, type HrTime, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import type { SpanRecord, SpanStatusCode as RecordStatusCode } from "./trace_bundle.ts";

/**
 * Attributes the tracker stores on OpenTelemetry spans as JSON text (OpenTelemetry attribute
 * values must be primitives); a `SpanRecord` holds them as native values again.
 */
const JSON_ATTRIBUTE_KEYS: ReadonlySet<string> = new Set([
  "mlflow.spanInputs",
  "mlflow.spanOutputs",
  "mlflow.chat.tokenUsage",
  "mlflow.llm.cost",
]);

/** Orders span records by start time (for `Array.prototype.sort`). */
export function byStartTime(a: SpanRecord, b: SpanRecord): number {
  return a.startTimeUnixNano < b.startTimeUnixNano
    ? -1
    : a.startTimeUnixNano > b.startTimeUnixNano
    ? 1
    : 0;
}

/** Milliseconds since the epoch (fractions allowed) as an `HrTime`. */
export function msToHrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e6);
  let wholeSeconds = seconds;
  if (nanos >= 1e9) {
    wholeSeconds += 1;
    nanos -= 1e9;
  }
  return [wholeSeconds, nanos];
}

/** An `HrTime` as nanoseconds since the epoch. */
function hrTimeToNanos(time: HrTime): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

const STATUS_NAMES: Readonly<Record<number, RecordStatusCode>> = {
  [SpanStatusCode.UNSET]: "UNSET",
  [SpanStatusCode.OK]: "OK",
  [SpanStatusCode.ERROR]: "ERROR",
};

/**
 * Converts a finished OpenTelemetry span into a span record, parsing the JSON-encoded
 * attributes back into values. Nothing is redacted here.
 *
 * @param span A finished span.
 * @returns The record.
 */
export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    startTimeUnixNano: hrTimeToNanos(span.startTime),
    endTimeUnixNano: hrTimeToNanos(span.endTime),
    status: {
      code: STATUS_NAMES[span.status.code] ?? "UNSET",
      message: span.status.message ?? "",
    },
    attributes: restoreAttributes(span.attributes),
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: hrTimeToNanos(event.time),
      attributes: { ...(event.attributes ?? {}) },
    })),
  };
}

function restoreAttributes(attributes: Attributes): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    if (JSON_ATTRIBUTE_KEYS.has(key) && typeof value === "string") {
      try {
        result[key] = JSON.parse(value);
      } catch {
        result[key] = value;
      }
    } else {
      result[key] = value;
    }
  }
  return result;
}
