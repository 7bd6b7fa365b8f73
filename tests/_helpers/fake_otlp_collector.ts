/**
 * A loopback OTLP/HTTP trace collector for tests (Deno.serve on 127.0.0.1, port 0). It takes
 * `POST /v1/traces` in protobuf (`application/x-protobuf`) and OTLP/JSON (`application/json`),
 * gzip-compressed or not, decodes every body with protobufjs and the `.proto` files of
 * `tests/fixtures/otlp/` into the JSON form of `otlp_decoder.ts` (base64 ids, int64 as decimal
 * strings, enum names), and records each request in order. It rejects what a real collector
 * rejects: other paths (404), other methods (405), other content types (415) and bodies that do
 * not decode, JSON with unknown fields included (400). Faults on demand: answer the next
 * requests with an error status and an optional `Retry-After`.
 *
 * @module
 */
import protobuf from "protobufjs";
import { type OtlpExportRequest, type OtlpSpan, spansOf } from "../fixtures/otlp/otlp_decoder.ts";

export type { OtlpExportRequest, OtlpSpan } from "../fixtures/otlp/otlp_decoder.ts";

/** One request as the collector saw it. */
export interface CollectedRequest {
  /** HTTP method. */
  method: string;
  /** Path with query string. */
  path: string;
  /** Every header, lowercase names. */
  headers: Record<string, string>;
  /** The body as sent, after gzip decompression. */
  body?: Uint8Array;
  /** The decoded request, when the body decoded. */
  request?: OtlpExportRequest;
  /** Why the body did not decode. */
  error?: string;
  /** Status answered. */
  status: number;
}

/** A fault to inject. */
export interface CollectorFault {
  /** Status to answer. */
  status: number;
  /** `Retry-After` header to send. */
  retryAfter?: string;
  /** Body to send. @default "" */
  body?: string;
  /** How many requests to fail. @default 1 */
  times?: number;
}

/** How to decode. */
export interface DecodeOptions {
  /** Fill in fields that hold their default value (so that encodings that leave them out or
   * write them compare equal). @default false */
  defaults?: boolean;
}

/** Decodes OTLP export requests, strictly. */
export interface OtlpCodec {
  /**
   * Decodes a protobuf `ExportTraceServiceRequest`.
   *
   * @throws {Error} Bytes that are not one.
   */
  decodeProtobuf(bytes: Uint8Array, options?: DecodeOptions): OtlpExportRequest;
  /**
   * Decodes an OTLP/JSON `ExportTraceServiceRequest` (hex ids) into the same form as
   * {@linkcode OtlpCodec.decodeProtobuf}.
   *
   * @throws {Error} Text that is not JSON, an unknown field, or an id that is not hex.
   */
  decodeJson(text: string, options?: DecodeOptions): OtlpExportRequest;
}

const PROTO_FILES = ["common.proto", "resource.proto", "trace.proto", "trace_service.proto"];
const ID_FIELDS = new Set(["traceId", "spanId", "parentSpanId"]);

/**
 * Loads the OTLP definitions of `tests/fixtures/otlp/` (needs read permission there).
 *
 * @returns A codec.
 */
export async function loadOtlpCodec(): Promise<OtlpCodec> {
  const root = new protobuf.Root();
  for (const file of PROTO_FILES) {
    const url = new URL(`../fixtures/otlp/${file}`, import.meta.url);
    protobuf.parse(await Deno.readTextFile(url), root, { keepCase: false });
  }
  root.resolveAll();
  const type = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");
  const toObject = (message: protobuf.Message, options: DecodeOptions) =>
    type.toObject(message, {
      longs: String,
      enums: String,
      bytes: String,
      defaults: options.defaults ?? false,
    }) as OtlpExportRequest;
  return {
    decodeProtobuf(bytes, options = {}) {
      return toObject(type.decode(bytes), options);
    },
    decodeJson(text, options = {}) {
      const json: unknown = JSON.parse(text);
      const converted = jsonToProtobufJs(json, type, "ExportTraceServiceRequest");
      return toObject(type.fromObject(converted as Record<string, unknown>), options);
    },
  };
}

/** A fake OTLP collector on 127.0.0.1. */
export class FakeOtlpCollector {
  /** Every request in order. */
  readonly requests: CollectedRequest[] = [];
  readonly #codec: OtlpCodec;
  readonly #faults: (CollectorFault & { left: number })[] = [];
  #server: Deno.HttpServer<Deno.NetAddr> | undefined;

  private constructor(codec: OtlpCodec) {
    this.#codec = codec;
  }

  /**
   * Starts a collector on a free loopback port.
   *
   * @returns The running collector.
   */
  static async start(): Promise<FakeOtlpCollector> {
    const collector = new FakeOtlpCollector(await loadOtlpCodec());
    collector.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) => collector.#handle(request),
    );
    return collector;
  }

  /** `http://127.0.0.1:<port>` (what `OTEL_EXPORTER_OTLP_ENDPOINT` would hold). */
  get url(): string {
    return `http://127.0.0.1:${this.#server?.addr.port ?? 0}`;
  }

  /** `http://127.0.0.1:<port>/v1/traces` (what `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` would hold). */
  get tracesUrl(): string {
    return `${this.url}/v1/traces`;
  }

  /** Every span of every request that decoded, in order. */
  get spans(): OtlpSpan[] {
    return this.requests.flatMap((request) => request.request ? spansOf(request.request) : []);
  }

  /** Answers the next requests with an error status. */
  fail(fault: CollectorFault): void {
    this.#faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.shutdown();
  }

  async #handle(incoming: Request): Promise<Response> {
    const url = new URL(incoming.url);
    const headers = Object.fromEntries(incoming.headers);
    const record: CollectedRequest = {
      method: incoming.method,
      path: url.pathname + url.search,
      headers,
      status: 0,
    };
    this.requests.push(record);
    const response = await this.#respond(incoming, record, url);
    record.status = response.status;
    return response;
  }

  async #respond(incoming: Request, record: CollectedRequest, url: URL): Promise<Response> {
    const raw = new Uint8Array(await incoming.arrayBuffer());
    if (url.pathname !== "/v1/traces") return new Response("Not Found", { status: 404 });
    if (incoming.method !== "POST") return new Response("Method Not Allowed", { status: 405 });
    const contentType = (record.headers["content-type"] ?? "").split(";")[0]?.trim();
    if (contentType !== "application/x-protobuf" && contentType !== "application/json") {
      return new Response(`Unsupported content type "${contentType}"`, { status: 415 });
    }
    try {
      const bytes = record.headers["content-encoding"] === "gzip" ? await gunzip(raw) : raw;
      record.body = bytes;
      record.request = contentType === "application/json"
        ? this.#codec.decodeJson(new TextDecoder().decode(bytes))
        : this.#codec.decodeProtobuf(bytes);
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      return new Response(record.error, { status: 400 });
    }
    const fault = this.#faults.find((candidate) => candidate.left > 0);
    if (fault) {
      fault.left--;
      const faultHeaders: Record<string, string> = fault.retryAfter === undefined
        ? {}
        : { "retry-after": fault.retryAfter };
      return new Response(fault.body ?? "", { status: fault.status, headers: faultHeaders });
    }
    return contentType === "application/json"
      ? new Response("{}", { headers: { "content-type": "application/json" } })
      : new Response(new Uint8Array(), { headers: { "content-type": "application/x-protobuf" } });
  }
}

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Checks OTLP/JSON against the message definitions (unknown fields are errors, as in
 * protobuf's JSON parsing) and turns its hex ids into the base64 that protobufjs expects.
 */
function jsonToProtobufJs(value: unknown, type: protobuf.Type, path: string): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${path} is not a JSON object`);
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const field = type.fields[key];
    if (!field) throw new Error(`Unknown field "${key}" in ${type.name} at ${path}`);
    const at = `${path}.${key}`;
    if (field.type === "bytes" && ID_FIELDS.has(key)) {
      result[key] = hexToBase64(item, at);
    } else if (field.resolvedType instanceof protobuf.Type) {
      const nested = field.resolvedType;
      result[key] = field.repeated
        ? arrayOf(item, at).map((entry, i) => jsonToProtobufJs(entry, nested, `${at}[${i}]`))
        : jsonToProtobufJs(item, nested, at);
    } else {
      result[key] = item;
    }
  }
  return result;
}

function arrayOf(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${path} is not a JSON array`);
  return value;
}

function hexToBase64(value: unknown, path: string): string {
  if (typeof value !== "string" || !/^([0-9a-f]{2})*$/i.test(value)) {
    throw new Error(`${path} is not hex: ${JSON.stringify(value)}`);
  }
  let binary = "";
  for (let i = 0; i < value.length; i += 2) {
    binary += String.fromCharCode(parseInt(value.slice(i, i + 2), 16));
  }
  return btoa(binary);
}
