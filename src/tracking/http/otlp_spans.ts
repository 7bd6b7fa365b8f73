/**
 * Spans over OTLP/protobuf, the way MLflow's own client sends them to `/v1/traces`: the
 * finished {@linkcode SpanRecord}s become `ReadableSpan`-shaped objects whose attributes are
 * native values, so that `@opentelemetry/exporter-trace-otlp-proto` writes `mlflow.spanType`
 * and `mlflow.traceRequestId` as plain strings, objects as key-value lists, arrays as arrays
 * and integers as ints (compare `golden-http-wire.jsonl`).
 *
 * @module
 */
import { type HrTime, SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import type { SpanRecord, SpanStatusCode as RecordStatus } from "../trace_bundle.ts";

/** Resource and scope the spans are sent under. */
export interface ReadableSpanOptions {
  /** Resource attributes. @default { "service.name": "configurable-agents" } */
  resourceAttributes?: Record<string, string>;
  /** Instrumentation scope. @default { name: "configurable-agents" } */
  scope?: { name: string; version?: string };
}

const STATUS_CODES: Record<RecordStatus, SpanStatusCode> = {
  UNSET: SpanStatusCode.UNSET,
  OK: SpanStatusCode.OK,
  ERROR: SpanStatusCode.ERROR,
};

/**
 * Turns finished spans into `ReadableSpan` objects for the OTLP exporter.
 * `mlflow.traceRequestId` (the `tr-` id) is put first on every span, `mlflow.spanType` second.
 *
 * @example Usage
 * ```ts
 * import { toReadableSpans } from "./otlp_spans.ts";
 * const [span] = toReadableSpans([{
 *   traceId: "aacef014b86e5dbb8364939c5fc5e208", spanId: "0928338a8af94d93", parentSpanId: null,
 *   name: "workflow_demo", startTimeUnixNano: 1795758455738269769n,
 *   endTimeUnixNano: 1795758455796146297n, status: { code: "OK", message: "" },
 *   attributes: { "mlflow.spanType": "AGENT", "mlflow.spanInputs": { topic: "tide pools" } },
 *   events: [],
 * }]);
 * if (span?.attributes["mlflow.traceRequestId"] !== "tr-aacef014b86e5dbb8364939c5fc5e208") {
 *   throw new Error();
 * }
 * ```
 *
 * @param spans Finished spans of one trace.
 * @param options Resource and scope.
 * @returns One `ReadableSpan` per span, in the same order.
 */
export function toReadableSpans(
  spans: readonly SpanRecord[],
  options: ReadableSpanOptions = {},
): ReadableSpan[] {
  const {
    resourceAttributes = { "service.name": "configurable-agents" },
    scope = { name: "configurable-agents" },
  } = options;
  const resource = resourceFromAttributes(resourceAttributes);
  return spans.map((span): ReadableSpan => {
    const spanContext = {
      traceId: span.traceId,
      spanId: span.spanId,
      traceFlags: TraceFlags.SAMPLED,
    };
    const startTime = hrTimeFromNanos(span.startTimeUnixNano);
    const endTime = hrTimeFromNanos(span.endTimeUnixNano);
    const { "mlflow.traceRequestId": _ignored, "mlflow.spanType": spanType, ...rest } =
      span.attributes;
    const attributes: Record<string, unknown> = { "mlflow.traceRequestId": `tr-${span.traceId}` };
    if (spanType !== undefined) attributes["mlflow.spanType"] = otlpValue(spanType);
    for (const [key, value] of Object.entries(rest)) {
      if (value !== undefined) attributes[key] = otlpValue(value);
    }
    return {
      name: span.name,
      kind: SpanKind.INTERNAL,
      spanContext: () => spanContext,
      ...(span.parentSpanId === null ? {} : {
        parentSpanContext: {
          traceId: span.traceId,
          spanId: span.parentSpanId,
          traceFlags: TraceFlags.SAMPLED,
        },
      }),
      startTime,
      endTime,
      duration: hrTimeFromNanos(span.endTimeUnixNano - span.startTimeUnixNano),
      status: span.status.message
        ? { code: STATUS_CODES[span.status.code], message: span.status.message }
        : { code: STATUS_CODES[span.status.code] },
      attributes,
      links: [],
      events: span.events.map((event) => ({
        name: event.name,
        time: hrTimeFromNanos(event.timeUnixNano),
        attributes: Object.fromEntries(
          Object.entries(event.attributes)
            .filter(([, value]) => value !== undefined)
            .map(([key, value]) => [key, otlpValue(value)]),
        ),
        droppedAttributesCount: 0,
      })),
      ended: true,
      resource,
      instrumentationScope: scope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  });
}

/**
 * Nanoseconds since the epoch as an OpenTelemetry `HrTime`, exactly.
 *
 * @param nanos Nanoseconds.
 * @returns `[seconds, nanoseconds]`.
 */
export function hrTimeFromNanos(nanos: bigint): HrTime {
  return [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];
}

/** Where and how to export. */
export interface OtlpExportOptions {
  /** `<tracking uri>/v1/traces`. */
  url: string;
  /** Headers: `x-mlflow-experiment-id` and auth (secret). */
  headers: Record<string, string>;
  /** Timeout of the export (retries of 429/502/503/504 included). */
  timeoutMs: number;
}

/** How an export ended. */
export type OtlpExportResult =
  | { ok: true }
  | {
    ok: false;
    /** HTTP status when the server answered. */
    status: number | undefined;
    /** The server's answer body, when it sent one. */
    body: string | undefined;
    /** What went wrong. */
    error: Error;
  };

/**
 * Sends spans to an OTLP/HTTP endpoint as protobuf with `OTLPTraceExporter`.
 *
 * @param spans Spans from {@linkcode toReadableSpans}.
 * @param options URL, headers and timeout.
 * @returns Success, or the status and error of the failure (never throws for an HTTP or
 *   network failure).
 * @throws {Error} The exporter cannot be created (Deno refused to read its `OTEL_*`
 *   environment variables, see `OTLP_EXPORTER_ENV_NAMES`: add `--allow-env`).
 */
export async function exportSpansOtlp(
  spans: ReadableSpan[],
  options: OtlpExportOptions,
): Promise<OtlpExportResult> {
  const exporter = new OTLPTraceExporter({
    url: options.url,
    headers: options.headers,
    timeoutMillis: options.timeoutMs,
    httpAgentOptions: { keepAlive: false },
  });
  try {
    const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) =>
      exporter.export(spans, resolve)
    );
    if (result.code === ExportResultCode.SUCCESS) return { ok: true };
    const error = result.error ?? new Error("the OTLP export failed");
    const status = "code" in error && typeof error.code === "number" ? error.code : undefined;
    const body = "data" in error && typeof error.data === "string" ? error.data : undefined;
    return { ok: false, status, body, error };
  } finally {
    await exporter.shutdown();
  }
}

function otlpValue(value: unknown): unknown {
  if (value === null || typeof value === "string" || typeof value === "number") return value;
  if (typeof value === "boolean") return value;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map((item) => item === undefined ? null : otlpValue(item));
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, otlpValue(item)]),
    );
  }
  return String(value);
}
