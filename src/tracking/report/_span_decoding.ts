/**
 * Turns spans as MLflow stores them back into {@linkcode SpanRecord}s: the stored span JSON of
 * the `spans.content` column (Python's `Span.to_dict()`: base64 ids, every attribute value a
 * JSON string) and the OTLP JSON spans of `GET /api/3.0/mlflow/traces/get` (native values).
 *
 * @module
 */
import type { SpanEventRecord, SpanRecord, SpanStatusCode } from "../trace_bundle.ts";

/** Exact values the SQLite columns hold, preferred over the JSON numbers (which lose precision). */
export interface SpanColumns {
  /** `spans.start_time_unix_nano`. */
  startTimeUnixNano?: bigint | undefined;
  /** `spans.end_time_unix_nano`. */
  endTimeUnixNano?: bigint | undefined;
}

/**
 * Decodes one stored span JSON (`spans.content`, or an entry of `traces.json`).
 *
 * @param content The JSON text.
 * @param columns Exact times from the row, when read from SQLite.
 * @returns The span, or `undefined` when the text is not a span.
 */
export function decodeStoredSpan(
  content: string,
  columns: SpanColumns = {},
): SpanRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch {
    return undefined;
  }
  if (!isRecord(data) || typeof data.name !== "string") return undefined;
  const rawAttributes = isRecord(data.attributes) ? data.attributes : {};
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rawAttributes)) {
    attributes[key] = parseJsonString(value);
  }
  const traceId = typeof data.otel_trace_id === "string" ? data.otel_trace_id : data.trace_id;
  return {
    traceId: toHex(traceId),
    spanId: toHex(data.span_id),
    parentSpanId: data.parent_span_id ? toHex(data.parent_span_id) : null,
    name: data.name,
    startTimeUnixNano: columns.startTimeUnixNano ?? toBigInt(data.start_time_unix_nano),
    endTimeUnixNano: columns.endTimeUnixNano ?? toBigInt(data.end_time_unix_nano),
    status: decodeStatus(data.status),
    attributes,
    events: decodeEvents(data.events, (value) => isRecord(value) ? value : {}),
  };
}

/**
 * Decodes one span of a `GetTrace` response: OTLP JSON with snake_case or camelCase fields,
 * base64 ids and `AnyValue` attributes.
 *
 * @param value One element of `trace.spans`.
 * @returns The span, or `undefined` when the value is not a span.
 */
export function decodeOtlpJsonSpan(value: unknown): SpanRecord | undefined {
  if (!isRecord(value) || typeof value.name !== "string") return undefined;
  const field = (snake: string, camel: string): unknown => value[snake] ?? value[camel];
  const parent = field("parent_span_id", "parentSpanId");
  return {
    traceId: toHex(field("trace_id", "traceId")),
    spanId: toHex(field("span_id", "spanId")),
    parentSpanId: parent ? toHex(parent) : null,
    name: value.name,
    startTimeUnixNano: toBigInt(field("start_time_unix_nano", "startTimeUnixNano")),
    endTimeUnixNano: toBigInt(field("end_time_unix_nano", "endTimeUnixNano")),
    status: decodeStatus(value.status),
    attributes: decodeKeyValues(value.attributes),
    events: decodeEvents(value.events, decodeKeyValues),
  };
}

function decodeEvents(
  value: unknown,
  attributes: (value: unknown) => Record<string, unknown>,
): SpanEventRecord[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((event) => ({
    name: typeof event.name === "string" ? event.name : "",
    timeUnixNano: toBigInt(event.time_unix_nano ?? event.timeUnixNano),
    attributes: attributes(event.attributes),
  }));
}

function decodeStatus(value: unknown): { code: SpanStatusCode; message: string } {
  const status = isRecord(value) ? value : {};
  const code = String(status.code ?? status.status_code ?? "");
  const message = typeof status.message === "string"
    ? status.message
    : typeof status.description === "string"
    ? status.description
    : "";
  if (/ERROR$/.test(code) || code === "2") return { code: "ERROR", message };
  if (/OK$/.test(code) || code === "1") return { code: "OK", message };
  return { code: "UNSET", message };
}

function decodeKeyValues(value: unknown): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (!Array.isArray(value)) return result;
  for (const entry of value) {
    if (isRecord(entry) && typeof entry.key === "string") {
      result[entry.key] = parseJsonString(decodeAnyValue(entry.value));
    }
  }
  return result;
}

function decodeAnyValue(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const pick = (snake: string, camel: string): unknown => value[snake] ?? value[camel];
  const text = pick("string_value", "stringValue");
  if (text !== undefined) return text;
  const integer = pick("int_value", "intValue");
  if (integer !== undefined) return Number(integer);
  const double = pick("double_value", "doubleValue");
  if (double !== undefined) return Number(double);
  const bool = pick("bool_value", "boolValue");
  if (bool !== undefined) return bool === true || bool === "true";
  const array = pick("array_value", "arrayValue");
  if (array !== undefined) {
    return isRecord(array) && Array.isArray(array.values) ? array.values.map(decodeAnyValue) : [];
  }
  const list = pick("kvlist_value", "kvlistValue");
  if (list !== undefined) return decodeKeyValues(isRecord(list) ? list.values : undefined);
  return undefined;
}

/** MLflow stores attribute values as JSON strings; native values pass through. */
function parseJsonString(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const first = value.trimStart()[0];
  if (
    first !== "{" && first !== "[" && first !== '"' && !/^-?\d/.test(value) && value !== "true" &&
    value !== "false" && value !== "null"
  ) {
    return value;
  }
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Hex of an id given as base64 bytes (`Span.to_dict()`, OTLP JSON), hex, or `tr-` + hex. */
function toHex(value: unknown): string {
  if (typeof value !== "string") return "";
  if (value.startsWith("tr-")) return value.slice(3);
  if (/^[0-9a-f]{16}$|^[0-9a-f]{32}$/.test(value)) return value;
  try {
    return Array.from(atob(value), (char) => char.charCodeAt(0).toString(16).padStart(2, "0"))
      .join("");
  } catch {
    return value;
  }
}

function toBigInt(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isFinite(value)) return BigInt(Math.trunc(value));
  if (typeof value === "string" && /^\d+$/.test(value)) return BigInt(value);
  return 0n;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
