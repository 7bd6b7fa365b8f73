/**
 * Finished spans as the body of an OTLP/HTTP trace export: protobuf (`http/protobuf`, what
 * MLflow's `/v1/traces` takes) or OTLP/JSON (`http/json`). Both are written from the one
 * request of {@linkcode buildOtlpTraceRequest}; the protobuf writer is a few lines of our own,
 * with no protobuf library at run time.
 *
 * @module
 */
import type { SpanRecord } from "../trace_bundle.ts";
import { ProtobufWriter, WireType } from "./_protobuf_writer.ts";
import {
  buildOtlpTraceRequest,
  type OtlpAnyValue,
  type OtlpKeyValue,
  type OtlpSpan,
  type OtlpTraceRequest,
  type OtlpTraceRequestOptions,
} from "./otlp_trace_request.ts";

/** The OTLP/HTTP encodings we send. */
export type OtlpProtocol = "http/protobuf" | "http/json";

/** Encoding, resource and scope. */
export interface EncodeOtlpOptions extends OtlpTraceRequestOptions {
  /** Wire format. @default "http/protobuf" */
  protocol?: OtlpProtocol;
}

/** A request body ready to send. */
export interface EncodedOtlpRequest {
  /** The body. */
  body: Uint8Array<ArrayBuffer>;
  /** `application/x-protobuf` or `application/json`. */
  contentType: string;
}

/** The `Content-Type` of each protocol. */
export const OTLP_CONTENT_TYPES: Readonly<Record<OtlpProtocol, string>> = {
  "http/protobuf": "application/x-protobuf",
  "http/json": "application/json",
};

/**
 * Encodes finished spans (possibly of several traces) as an export request body.
 *
 * @example Usage
 * ```ts
 * import { encodeOtlp } from "./encode_otlp.ts";
 * const spans = [{
 *   traceId: "aacef014b86e5dbb8364939c5fc5e208", spanId: "0928338a8af94d93", parentSpanId: null,
 *   name: "workflow_demo", startTimeUnixNano: 1795758455738269769n,
 *   endTimeUnixNano: 1795758455796146297n, status: { code: "OK" as const, message: "" },
 *   attributes: { "mlflow.spanType": "AGENT" }, events: [],
 * }];
 * const proto = encodeOtlp(spans);
 * const json = encodeOtlp(spans, { protocol: "http/json" });
 * if (proto.contentType !== "application/x-protobuf" || proto.body[0] !== 0x0a) throw new Error();
 * if (json.contentType !== "application/json") throw new Error();
 * ```
 *
 * @param spans Finished spans.
 * @param options Protocol, resource and scope.
 * @returns The body and its content type.
 * @throws {TypeError} A span whose ids are not hex of the right length.
 */
export function encodeOtlp(
  spans: readonly SpanRecord[],
  options: EncodeOtlpOptions = {},
): EncodedOtlpRequest {
  const { protocol = "http/protobuf", ...requestOptions } = options;
  const request = buildOtlpTraceRequest(spans, requestOptions);
  const body = protocol === "http/json"
    ? new TextEncoder().encode(otlpRequestToJson(request))
    : otlpRequestToProtobuf(request);
  return { body, contentType: OTLP_CONTENT_TYPES[protocol] };
}

/**
 * Encodes finished spans as a protobuf `ExportTraceServiceRequest`.
 *
 * @example Usage
 * ```ts
 * import { encodeOtlpProtobuf } from "./encode_otlp.ts";
 * // Field 1 (resource_spans), length-delimited: tag byte 0x0a.
 * if (encodeOtlpProtobuf([])[0] !== 0x0a) throw new Error();
 * ```
 *
 * @param spans Finished spans.
 * @param options Resource and scope.
 * @returns The protobuf bytes.
 * @throws {TypeError} A span whose ids are not hex of the right length.
 */
export function encodeOtlpProtobuf(
  spans: readonly SpanRecord[],
  options: OtlpTraceRequestOptions = {},
): Uint8Array<ArrayBuffer> {
  return otlpRequestToProtobuf(buildOtlpTraceRequest(spans, options));
}

/**
 * Encodes finished spans as OTLP/JSON: hex ids, 64-bit integers as strings, enums as
 * integers, non-finite doubles as `"NaN"`, `"Infinity"` or `"-Infinity"`.
 *
 * @example Usage
 * ```ts
 * import { encodeOtlpJson } from "./encode_otlp.ts";
 * const json = JSON.parse(encodeOtlpJson([]));
 * if (json.resourceSpans[0].scopeSpans[0].scope.name !== "configurable-agents") throw new Error();
 * ```
 *
 * @param spans Finished spans.
 * @param options Resource and scope.
 * @returns The JSON text.
 * @throws {TypeError} A span whose ids are not hex of the right length.
 */
export function encodeOtlpJson(
  spans: readonly SpanRecord[],
  options: OtlpTraceRequestOptions = {},
): string {
  return otlpRequestToJson(buildOtlpTraceRequest(spans, options));
}

/**
 * Writes a request as OTLP/JSON.
 *
 * @param request A request from {@linkcode buildOtlpTraceRequest}.
 * @returns The JSON text.
 */
export function otlpRequestToJson(request: OtlpTraceRequest): string {
  return JSON.stringify(
    request,
    (_key, value) => typeof value === "number" && !Number.isFinite(value) ? String(value) : value,
  );
}

/**
 * Writes a request as protobuf, leaving out fields that hold their default value.
 *
 * @param request A request from {@linkcode buildOtlpTraceRequest}.
 * @returns The protobuf bytes.
 */
export function otlpRequestToProtobuf(request: OtlpTraceRequest): Uint8Array<ArrayBuffer> {
  const writer = new ProtobufWriter(4096);
  for (const resourceSpans of request.resourceSpans) {
    const outer = message(writer, 1);
    const resource = message(writer, 1);
    keyValues(writer, 1, resourceSpans.resource.attributes);
    writer.end(resource);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      const scopeStart = message(writer, 2);
      const scope = message(writer, 1);
      stringField(writer, 1, scopeSpans.scope.name);
      stringField(writer, 2, scopeSpans.scope.version ?? "");
      writer.end(scope);
      for (const span of scopeSpans.spans) writeSpan(writer, span);
      writer.end(scopeStart);
    }
    writer.end(outer);
  }
  return writer.finish();
}

// Field numbers from opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto.
function writeSpan(writer: ProtobufWriter, span: OtlpSpan): void {
  const start = message(writer, 2);
  bytesField(writer, 1, hexBytes(span.traceId));
  bytesField(writer, 2, hexBytes(span.spanId));
  if (span.parentSpanId) bytesField(writer, 4, hexBytes(span.parentSpanId));
  stringField(writer, 5, span.name);
  if (span.kind) {
    writer.tag(6, WireType.VARINT);
    writer.varint(span.kind);
  }
  writer.tag(7, WireType.FIXED64);
  writer.fixed64(BigInt(span.startTimeUnixNano));
  writer.tag(8, WireType.FIXED64);
  writer.fixed64(BigInt(span.endTimeUnixNano));
  keyValues(writer, 9, span.attributes);
  for (const event of span.events) {
    const eventStart = message(writer, 11);
    writer.tag(1, WireType.FIXED64);
    writer.fixed64(BigInt(event.timeUnixNano));
    stringField(writer, 2, event.name);
    keyValues(writer, 3, event.attributes);
    writer.end(eventStart);
  }
  const status = message(writer, 15);
  stringField(writer, 2, span.status.message ?? "");
  if (span.status.code) {
    writer.tag(3, WireType.VARINT);
    writer.varint(span.status.code);
  }
  writer.end(status);
  if (span.flags) {
    writer.tag(16, WireType.FIXED32);
    writer.fixed32(span.flags);
  }
  writer.end(start);
}

function keyValues(writer: ProtobufWriter, field: number, values: readonly OtlpKeyValue[]): void {
  for (const { key, value } of values) {
    const start = message(writer, field);
    stringField(writer, 1, key);
    const valueStart = message(writer, 2);
    writeAnyValue(writer, value);
    writer.end(valueStart);
    writer.end(start);
  }
}

function writeAnyValue(writer: ProtobufWriter, value: OtlpAnyValue): void {
  if ("stringValue" in value) {
    writer.tag(1, WireType.LENGTH_DELIMITED);
    writer.string(value.stringValue);
  } else if ("boolValue" in value) {
    writer.tag(2, WireType.VARINT);
    writer.varint(value.boolValue ? 1 : 0);
  } else if ("intValue" in value) {
    writer.tag(3, WireType.VARINT);
    writer.varint64(BigInt(value.intValue));
  } else if ("doubleValue" in value) {
    writer.tag(4, WireType.FIXED64);
    writer.double(value.doubleValue);
  } else if ("arrayValue" in value) {
    const start = message(writer, 5);
    for (const item of value.arrayValue.values) {
      const itemStart = message(writer, 1);
      writeAnyValue(writer, item);
      writer.end(itemStart);
    }
    writer.end(start);
  } else if ("kvlistValue" in value) {
    const start = message(writer, 6);
    keyValues(writer, 1, value.kvlistValue.values);
    writer.end(start);
  } else if ("bytesValue" in value) {
    writer.tag(7, WireType.LENGTH_DELIMITED);
    writer.bytes(Uint8Array.from(atob(value.bytesValue), (char) => char.charCodeAt(0)));
  }
}

function message(writer: ProtobufWriter, field: number): number {
  writer.tag(field, WireType.LENGTH_DELIMITED);
  return writer.begin();
}

function stringField(writer: ProtobufWriter, field: number, value: string): void {
  if (value === "") return;
  writer.tag(field, WireType.LENGTH_DELIMITED);
  writer.string(value);
}

function bytesField(writer: ProtobufWriter, field: number, value: Uint8Array): void {
  writer.tag(field, WireType.LENGTH_DELIMITED);
  writer.bytes(value);
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
