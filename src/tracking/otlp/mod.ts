/**
 * Spans to any OTLP/HTTP collector without the OpenTelemetry SDK: encode finished
 * `SpanRecord`s as an `ExportTraceServiceRequest` (protobuf or OTLP/JSON), read the
 * collector from the standard `OTEL_*` environment, and send with `fetch`.
 *
 * @example Usage
 * ```ts
 * import { encodeOtlp, exportOtlp, readOtlpEnv } from "./mod.ts";
 * const vars: Record<string, string> = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector.test:4318" };
 * const collector = readOtlpEnv((name) => vars[name]);
 * if (!collector?.ok) throw new Error();
 * const { config } = collector;
 * const sent: Request[] = [];
 * const result = await exportOtlp(
 *   encodeOtlp([{
 *     traceId: "aacef014b86e5dbb8364939c5fc5e208", spanId: "0928338a8af94d93",
 *     parentSpanId: null, name: "workflow_demo", startTimeUnixNano: 1795758455738269769n,
 *     endTimeUnixNano: 1795758455796146297n, status: { code: "OK", message: "" },
 *     attributes: { "mlflow.spanType": "AGENT" }, events: [],
 *   }], { protocol: config.protocol, resourceAttributes: config.resourceAttributes }),
 *   {
 *     url: config.endpoint,
 *     headers: config.headers,
 *     timeoutMs: config.timeoutMs,
 *     compression: config.compression,
 *     fetch: (input, init) => {
 *       sent.push(new Request(input, init));
 *       return Promise.resolve(new Response(null, { status: 200 }));
 *     },
 *   },
 * );
 * if (!result.ok || sent[0]?.url !== "http://collector.test:4318/v1/traces") throw new Error();
 * ```
 *
 * @module
 */
export {
  type EncodedOtlpRequest,
  encodeOtlp,
  encodeOtlpJson,
  type EncodeOtlpOptions,
  encodeOtlpProtobuf,
  OTLP_CONTENT_TYPES,
  type OtlpProtocol,
  otlpRequestToJson,
  otlpRequestToProtobuf,
} from "./encode_otlp.ts";
export {
  buildOtlpTraceRequest,
  OTLP_SERVICE_NAME,
  type OtlpAnyValue,
  otlpAnyValue,
  type OtlpEvent,
  type OtlpKeyValue,
  type OtlpSpan,
  type OtlpTraceRequest,
  type OtlpTraceRequestOptions,
  SPAN_KIND_INTERNAL,
} from "./otlp_trace_request.ts";
export {
  exportOtlp,
  type ExportOtlpOptions,
  OTLP_RETRYABLE_STATUSES,
  type OtlpExportResult,
  type OtlpSleep,
  parseRetryAfter,
} from "./otlp_export.ts";
export {
  DEFAULT_OTLP_TIMEOUT_MS,
  OTLP_ENV_NAMES,
  type OtlpCollectorConfig,
  type OtlpEnvResult,
  readOtlpEnv,
} from "./otlp_env.ts";
