/**
 * Spans in MLflow's stored form: the dictionary Python's `Span.to_dict()` writes into the
 * `spans.content` column and into `traces.json` artifacts. Ids are base64 of the raw bytes,
 * every attribute value is itself a JSON string (`"mlflow.spanType": "\"CHAIN\""`), event
 * attributes stay native, and the status code is `STATUS_CODE_<code>`.
 *
 * @module
 */
import { pythonJsonDumps } from "./python_json.ts";
import type { SpanRecord } from "./trace_bundle.ts";

/** An event of a stored span. */
export interface StoredSpanEvent {
  /** Event name. */
  name: string;
  /** Nanoseconds since the epoch. */
  time_unix_nano: bigint;
  /** Attributes with native values. */
  attributes: Record<string, unknown>;
}

/** A span as MLflow stores it (`Span.to_dict()`). */
export interface StoredSpan {
  /** Base64 of the 16 trace id bytes. */
  trace_id: string;
  /** Base64 of the 8 span id bytes. */
  span_id: string;
  /** Base64 of the 8 parent span id bytes, `null` for the root. */
  parent_span_id: string | null;
  /** Span name. */
  name: string;
  /** Nanoseconds since the epoch. */
  start_time_unix_nano: bigint;
  /** Nanoseconds since the epoch. */
  end_time_unix_nano: bigint;
  /** Events in time order. */
  events: StoredSpanEvent[];
  /** `STATUS_CODE_UNSET`, `STATUS_CODE_OK` or `STATUS_CODE_ERROR`, with its message. */
  status: { code: string; message: string };
  /** Every value JSON-encoded as a string. */
  attributes: Record<string, string>;
}

/**
 * Converts a hexadecimal id (OpenTelemetry trace or span id) to base64 of its bytes.
 *
 * @example Usage
 * ```ts
 * import { hexIdToBase64 } from "./stored_span_json.ts";
 * if (hexIdToBase64("e39dbeb1c2e66596") !== "452+scLmZZY=") throw new Error();
 * ```
 *
 * @param hex An even number of hexadecimal digits.
 * @returns Standard base64 with padding.
 * @throws {SyntaxError} When `hex` is not an even number of hexadecimal digits.
 */
export function hexIdToBase64(hex: string): string {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) {
    throw new SyntaxError(
      `Cannot encode id "${hex}" as it is not an even number of hexadecimal digits`,
    );
  }
  let binary = "";
  for (let i = 0; i < hex.length; i += 2) {
    binary += String.fromCharCode(Number.parseInt(hex.slice(i, i + 2), 16));
  }
  return btoa(binary);
}

/**
 * Converts a span record into MLflow's stored span dictionary. Attributes keep their order;
 * each value becomes its Python-style JSON text.
 *
 * @example Usage
 * ```ts
 * import { toStoredSpan } from "./stored_span_json.ts";
 * const stored = toStoredSpan({
 *   traceId: "89d9ba1822e0a3e4e7aeb75c9d868c9d", spanId: "e39dbeb1c2e66596", parentSpanId: null,
 *   name: "workflow_demo", startTimeUnixNano: 1n, endTimeUnixNano: 2n,
 *   status: { code: "OK", message: "" }, events: [],
 *   attributes: { "mlflow.spanType": "AGENT", "node_count": 2 },
 * });
 * if (stored.attributes["mlflow.spanType"] !== '"AGENT"' || stored.span_id !== "452+scLmZZY=") {
 *   throw new Error();
 * }
 * ```
 *
 * @param span The span.
 * @returns The stored form.
 * @throws {SyntaxError} When an id is not hexadecimal.
 */
export function toStoredSpan(span: SpanRecord): StoredSpan {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    attributes[key] = pythonJsonDumps(value);
  }
  return {
    trace_id: hexIdToBase64(span.traceId),
    span_id: hexIdToBase64(span.spanId),
    parent_span_id: span.parentSpanId === null ? null : hexIdToBase64(span.parentSpanId),
    name: span.name,
    start_time_unix_nano: span.startTimeUnixNano,
    end_time_unix_nano: span.endTimeUnixNano,
    events: span.events.map((event) => ({
      name: event.name,
      time_unix_nano: event.timeUnixNano,
      attributes: { ...event.attributes },
    })),
    status: { code: `STATUS_CODE_${span.status.code}`, message: span.status.message },
    attributes,
  };
}

/**
 * The stored span JSON text, exactly as MLflow writes it into `spans.content`.
 *
 * @example Usage
 * ```ts
 * import { storedSpanJson } from "./stored_span_json.ts";
 * const text = storedSpanJson({
 *   traceId: "89d9ba1822e0a3e4e7aeb75c9d868c9d", spanId: "e39dbeb1c2e66596", parentSpanId: null,
 *   name: "root", startTimeUnixNano: 1795758413063453397n, endTimeUnixNano: 1795758413117486691n,
 *   status: { code: "OK", message: "" }, events: [], attributes: {},
 * });
 * if (!text.includes('"start_time_unix_nano": 1795758413063453397')) throw new Error(text);
 * ```
 *
 * @param span The span.
 * @returns JSON text with Python's separators and escaping.
 * @throws {SyntaxError} When an id is not hexadecimal.
 */
export function storedSpanJson(span: SpanRecord): string {
  let text = storedTexts.get(span);
  if (text === undefined) {
    text = pythonJsonDumps(toStoredSpan(span));
    storedTexts.set(span, text);
  }
  return text;
}

/**
 * The stored text of each span record seen, while the record lives: a bundle's spans are
 * written once to size the trace (`mlflow.trace.sizeStats`) and again into `spans.content`.
 * Span records are plain data that nothing changes once built.
 */
const storedTexts = new WeakMap<SpanRecord, string>();
