/**
 * Finished spans as an OTLP `ExportTraceServiceRequest` in the official OTLP/JSON mapping
 * (lowerCamelCase field names, trace and span ids as lowercase hex, 64-bit integers as decimal
 * strings, enums as integers). The protobuf and JSON encoders in `encode_otlp.ts` both write
 * this one structure, so the two wire formats cannot disagree.
 *
 * Attribute values follow what MLflow's own client sends: `mlflow.traceRequestId` as the plain
 * `tr-…` string first, `mlflow.spanType` second, then the other attributes in their order, each
 * as a native OTLP value (strings, ints, doubles, bools, objects as key-value lists, arrays as
 * arrays).
 *
 * @module
 */
import type { SpanRecord, SpanStatusCode } from "../trace_bundle.ts";

/** An OTLP `AnyValue`; the empty object is an empty value (a `null`). */
export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } }
  | { kvlistValue: { values: OtlpKeyValue[] } }
  | { bytesValue: string }
  | Record<string, never>;

/** An OTLP `KeyValue`. */
export interface OtlpKeyValue {
  /** Attribute name. */
  key: string;
  /** Attribute value. */
  value: OtlpAnyValue;
}

/** An OTLP span event. */
export interface OtlpEvent {
  /** Nanoseconds since the epoch, as a decimal string. */
  timeUnixNano: string;
  /** Event name. */
  name: string;
  /** Event attributes. */
  attributes: OtlpKeyValue[];
}

/** An OTLP span. */
export interface OtlpSpan {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  /** 16 lowercase hex digits; absent for a root span. */
  parentSpanId?: string;
  /**
   * W3C trace flags (bits 0–7, always sampled here) plus OTLP's `HAS_IS_REMOTE` (bit 8) and
   * `IS_REMOTE` (bit 9, set when the parent is not in the request, such as a caller's span).
   */
  flags: number;
  /** Span name. */
  name: string;
  /** `SPAN_KIND_INTERNAL` (1). */
  kind: number;
  /** Nanoseconds since the epoch, as a decimal string. */
  startTimeUnixNano: string;
  /** Nanoseconds since the epoch, as a decimal string. */
  endTimeUnixNano: string;
  /** Attributes, `mlflow.traceRequestId` and `mlflow.spanType` first. */
  attributes: OtlpKeyValue[];
  /** Events in time order. */
  events: OtlpEvent[];
  /** `code`: 0 unset, 1 ok, 2 error; `message` only when there is one. */
  status: { code: number; message?: string };
}

/** An OTLP `ExportTraceServiceRequest`. */
export interface OtlpTraceRequest {
  /** One resource holding one scope holding every span. */
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version?: string }; spans: OtlpSpan[] }[];
  }[];
}

/** Resource and scope the spans are sent under. */
export interface OtlpTraceRequestOptions {
  /** Resource attributes. @default { "service.name": "configurable-agents" } */
  resourceAttributes?: Readonly<Record<string, string>>;
  /** Instrumentation scope. @default { name: "configurable-agents" } */
  scope?: { name: string; version?: string };
}

/** The `service.name` and scope name spans are sent under by default. */
export const OTLP_SERVICE_NAME = "configurable-agents";

/** OTLP `SPAN_KIND_INTERNAL`. */
export const SPAN_KIND_INTERNAL = 1;

const STATUS_CODES: Record<SpanStatusCode, number> = { UNSET: 0, OK: 1, ERROR: 2 };
const SAMPLED = 0x01;
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;
const INT64_MIN = -(2 ** 63);
const INT64_LIMIT = 2 ** 63;
const TRACE_ID = /^[0-9a-f]{32}$/i;
const SPAN_ID = /^[0-9a-f]{16}$/i;

/**
 * Builds the export request of finished spans, possibly of several traces, in their order.
 *
 * @example Usage
 * ```ts
 * import { buildOtlpTraceRequest } from "./otlp_trace_request.ts";
 * const request = buildOtlpTraceRequest([{
 *   traceId: "aacef014b86e5dbb8364939c5fc5e208", spanId: "0928338a8af94d93", parentSpanId: null,
 *   name: "workflow_demo", startTimeUnixNano: 1795758455738269769n,
 *   endTimeUnixNano: 1795758455796146297n, status: { code: "OK", message: "" },
 *   attributes: { "mlflow.spanType": "AGENT", node_count: 2 }, events: [],
 * }]);
 * const span = request.resourceSpans[0]?.scopeSpans[0]?.spans[0];
 * if (JSON.stringify(span?.attributes) !== JSON.stringify([
 *   { key: "mlflow.traceRequestId", value: { stringValue: "tr-aacef014b86e5dbb8364939c5fc5e208" } },
 *   { key: "mlflow.spanType", value: { stringValue: "AGENT" } },
 *   { key: "node_count", value: { intValue: "2" } },
 * ])) throw new Error();
 * ```
 *
 * @param spans Finished spans.
 * @param options Resource and scope.
 * @returns The request.
 * @throws {TypeError} A trace or span id that is not lowercase or uppercase hex of the right
 *   length.
 */
export function buildOtlpTraceRequest(
  spans: readonly SpanRecord[],
  options: OtlpTraceRequestOptions = {},
): OtlpTraceRequest {
  const {
    resourceAttributes = { "service.name": OTLP_SERVICE_NAME },
    scope = { name: OTLP_SERVICE_NAME },
  } = options;
  const present = new Set(spans.map((span) => `${span.traceId}/${span.spanId}`.toLowerCase()));
  return {
    resourceSpans: [{
      resource: {
        attributes: Object.entries(resourceAttributes).map(([key, value]) => ({
          key,
          value: { stringValue: value },
        })),
      },
      scopeSpans: [{
        scope: scope.version ? { name: scope.name, version: scope.version } : { name: scope.name },
        spans: spans.map((span) => otlpSpan(span, present)),
      }],
    }],
  };
}

/**
 * A native value as an OTLP `AnyValue`, by the rules of MLflow's client: integers within int64
 * as `intValue`, other numbers as `doubleValue`, objects as key-value lists (keys whose value is
 * `undefined` left out), arrays as arrays (`undefined` items empty), `null` empty, dates as ISO
 * strings, bigints as decimal strings, bytes as base64 `bytesValue`, anything else as its string.
 * A value that contains itself is cut with the string `"[Circular]"`.
 *
 * @example Usage
 * ```ts
 * import { otlpAnyValue } from "./otlp_trace_request.ts";
 * const value = otlpAnyValue({ ok: true, ratio: 0.5 });
 * if (JSON.stringify(value) !== JSON.stringify({ kvlistValue: { values: [
 *   { key: "ok", value: { boolValue: true } },
 *   { key: "ratio", value: { doubleValue: 0.5 } },
 * ] } })) throw new Error();
 * ```
 *
 * @param value Any value.
 * @returns Its `AnyValue`.
 */
export function otlpAnyValue(value: unknown): OtlpAnyValue {
  return anyValue(value, new Set());
}

function otlpSpan(span: SpanRecord, present: ReadonlySet<string>): OtlpSpan {
  checkId(span, "trace id", span.traceId, TRACE_ID);
  checkId(span, "span id", span.spanId, SPAN_ID);
  const { "mlflow.traceRequestId": _replaced, "mlflow.spanType": spanType, ...rest } =
    span.attributes;
  const attributes: OtlpKeyValue[] = [
    { key: "mlflow.traceRequestId", value: { stringValue: `tr-${span.traceId.toLowerCase()}` } },
  ];
  if (spanType !== undefined) {
    attributes.push({ key: "mlflow.spanType", value: otlpAnyValue(spanType) });
  }
  attributes.push(...keyValues(rest));
  let flags = SAMPLED | HAS_IS_REMOTE;
  let parent: { parentSpanId: string } | undefined;
  if (span.parentSpanId !== null) {
    checkId(span, "parent span id", span.parentSpanId, SPAN_ID);
    parent = { parentSpanId: span.parentSpanId.toLowerCase() };
    if (!present.has(`${span.traceId}/${span.parentSpanId}`.toLowerCase())) flags |= IS_REMOTE;
  }
  return {
    traceId: span.traceId.toLowerCase(),
    spanId: span.spanId.toLowerCase(),
    ...parent,
    flags,
    name: span.name,
    kind: SPAN_KIND_INTERNAL,
    startTimeUnixNano: span.startTimeUnixNano.toString(),
    endTimeUnixNano: span.endTimeUnixNano.toString(),
    attributes,
    events: span.events.map((event) => ({
      timeUnixNano: event.timeUnixNano.toString(),
      name: event.name,
      attributes: keyValues(event.attributes),
    })),
    status: span.status.message
      ? { code: STATUS_CODES[span.status.code], message: span.status.message }
      : { code: STATUS_CODES[span.status.code] },
  };
}

function checkId(span: SpanRecord, what: string, id: string, pattern: RegExp): void {
  if (pattern.test(id)) return;
  const digits = pattern === TRACE_ID ? 32 : 16;
  throw new TypeError(
    `Cannot encode span "${span.name}" as OTLP as its ${what} is not ${digits} hex digits: current value is "${id}"`,
  );
}

function keyValues(attributes: Readonly<Record<string, unknown>>): OtlpKeyValue[] {
  const result: OtlpKeyValue[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) result.push({ key, value: otlpAnyValue(value) });
  }
  return result;
}

function anyValue(value: unknown, ancestors: Set<object>): OtlpAnyValue {
  switch (typeof value) {
    case "string":
      return { stringValue: value };
    case "boolean":
      return { boolValue: value };
    case "number":
      return Number.isInteger(value) && value >= INT64_MIN && value < INT64_LIMIT
        ? { intValue: BigInt(value).toString() }
        : { doubleValue: value };
    case "bigint":
      return { stringValue: value.toString() };
    case "undefined":
      return {};
    case "object":
      return value === null ? {} : objectValue(value, ancestors);
    default:
      return { stringValue: String(value) };
  }
}

function objectValue(value: object, ancestors: Set<object>): OtlpAnyValue {
  if (value instanceof Date) {
    return { stringValue: Number.isNaN(value.getTime()) ? String(value) : value.toISOString() };
  }
  if (value instanceof Uint8Array) return { bytesValue: base64(value) };
  if (ancestors.has(value)) return { stringValue: "[Circular]" };
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return { arrayValue: { values: value.map((item) => anyValue(item, ancestors)) } };
    }
    const values: OtlpKeyValue[] = [];
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) values.push({ key, value: anyValue(item, ancestors) });
    }
    return { kvlistValue: { values } };
  } finally {
    ancestors.delete(value);
  }
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
