/**
 * The standard OpenTelemetry environment configuration of an OTLP trace collector
 * (`OTEL_EXPORTER_OTLP_*`, `OTEL_SDK_DISABLED`, `OTEL_TRACES_EXPORTER`, `OTEL_SERVICE_NAME`,
 * `OTEL_RESOURCE_ATTRIBUTES`), read as the specification says: the `TRACES` variable of a
 * setting wins over the general one, an empty value counts as unset, and a value that cannot be
 * used falls back to the default with a warning. Header values are secrets: no message or
 * warning ever shows one.
 *
 * @module
 */
import { type EnvReader, redactUri } from "../http/mlflow_auth.ts";
import type { OtlpProtocol } from "./encode_otlp.ts";
import { OTLP_SERVICE_NAME } from "./otlp_trace_request.ts";

/** Every environment variable {@linkcode readOtlpEnv} reads (for permission requests). */
export const OTLP_ENV_NAMES: readonly string[] = [
  "OTEL_SDK_DISABLED",
  "OTEL_TRACES_EXPORTER",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
  "OTEL_EXPORTER_OTLP_HEADERS",
  "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
  "OTEL_EXPORTER_OTLP_TIMEOUT",
  "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
  "OTEL_EXPORTER_OTLP_PROTOCOL",
  "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
  "OTEL_EXPORTER_OTLP_COMPRESSION",
  "OTEL_SERVICE_NAME",
  "OTEL_RESOURCE_ATTRIBUTES",
];

/** The default export timeout of the OTLP specification: 10 seconds. */
export const DEFAULT_OTLP_TIMEOUT_MS = 10_000;

/** Where and how to send spans to an OTLP collector. */
export interface OtlpCollectorConfig {
  /** The full traces URL (`…/v1/traces`). May hold credentials: pass it through `redactUri` for messages. */
  endpoint: string;
  /** Headers to send; the values are secrets. */
  headers: Record<string, string>;
  /** Time for the whole export, in milliseconds. */
  timeoutMs: number;
  /** Wire format. */
  protocol: OtlpProtocol;
  /** Body compression. */
  compression: "gzip" | "none";
  /** Resource attributes, `service.name` first. */
  resourceAttributes: Record<string, string>;
}

/** What the environment says about an OTLP collector. */
export type OtlpEnvResult =
  | {
    ok: true;
    /** The collector. */
    config: OtlpCollectorConfig;
    /** Values that were left out or replaced by their default, one sentence each. */
    warnings: string[];
  }
  | {
    ok: false;
    /** Why spans cannot go to the configured collector ("Cannot send spans ... as ..."). */
    reason: string;
  };

const PROTOCOLS: readonly string[] = ["http/protobuf", "http/json"];
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE_FORBIDDEN = /[\r\n\0]/;

/**
 * Reads the OTLP collector configuration from the environment.
 *
 * - Endpoint: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as it is, else `OTEL_EXPORTER_OTLP_ENDPOINT`
 *   with `/v1/traces` appended to its path; it must be an `http:` or `https:` URL.
 * - Headers: `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, else `OTEL_EXPORTER_OTLP_HEADERS`, as
 *   `key=value,key2=value2` with URL-encoded keys and values.
 * - Timeout: `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT`,
 *   milliseconds, default 10000.
 * - Protocol: `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`:
 *   `http/protobuf` (default) or `http/json`; `grpc` is not supported.
 * - Compression: `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION`, else
 *   `OTEL_EXPORTER_OTLP_COMPRESSION`: `gzip` or `none` (default).
 * - Resource: `service.name` from `OTEL_SERVICE_NAME`, else from `OTEL_RESOURCE_ATTRIBUTES`,
 *   else `configurable-agents`, plus the other `OTEL_RESOURCE_ATTRIBUTES`.
 *
 * @example Usage
 * ```ts
 * import { readOtlpEnv } from "./otlp_env.ts";
 * const vars: Record<string, string> = {
 *   OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4318",
 *   OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=s3cret,x-team=ml%20ops",
 * };
 * const result = readOtlpEnv((name) => vars[name]);
 * if (!result?.ok) throw new Error();
 * if (result.config.endpoint !== "http://localhost:4318/v1/traces") throw new Error();
 * if (result.config.headers["x-team"] !== "ml ops") throw new Error();
 * if (readOtlpEnv(() => undefined) !== undefined) throw new Error();
 * ```
 *
 * @param env Reads environment variables.
 * @returns `undefined` when no endpoint is set or tracing is turned off
 *   (`OTEL_SDK_DISABLED=true`, `OTEL_TRACES_EXPORTER` without `otlp`, such as `none`); else
 *   the configuration with its warnings, or why it cannot be used.
 */
export function readOtlpEnv(env: EnvReader): OtlpEnvResult | undefined {
  const read = (name: string) => {
    const value = env(name)?.trim();
    return value ? { name, value } : undefined;
  };
  const either = (setting: string) =>
    read(`OTEL_EXPORTER_OTLP_TRACES_${setting}`) ?? read(`OTEL_EXPORTER_OTLP_${setting}`);
  if (read("OTEL_SDK_DISABLED")?.value.toLowerCase() === "true") return undefined;
  const exporters = read("OTEL_TRACES_EXPORTER")?.value.toLowerCase().split(",").map((name) =>
    name.trim()
  );
  if (exporters && (exporters.includes("none") || !exporters.includes("otlp"))) return undefined;
  const specific = read("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  const general = read("OTEL_EXPORTER_OTLP_ENDPOINT");
  const source = specific ?? general;
  if (!source) return undefined;

  const endpoint = endpointUrl(source.value, specific === undefined);
  if (endpoint === undefined) {
    return {
      ok: false,
      reason:
        `Cannot send spans to the OTLP collector as "${source.name}" is not an http or https URL: current value is "${
          redactUri(source.value)
        }"`,
    };
  }
  const protocol = either("PROTOCOL");
  if (protocol && !PROTOCOLS.includes(protocol.value)) {
    const why = protocol.value === "grpc" ? "is not supported" : "is unknown";
    return {
      ok: false,
      reason:
        `Cannot send spans to the OTLP collector as protocol "${protocol.value}" of "${protocol.name}" ${why}: use "http/protobuf" or "http/json"`,
    };
  }
  const warnings: string[] = [];
  const headersVar = either("HEADERS");
  const headers = headersVar ? parseKeyValues(headersVar, warnings, true) : {};
  const resourceVar = read("OTEL_RESOURCE_ATTRIBUTES");
  const resource = resourceVar ? parseKeyValues(resourceVar, warnings, false) : {};
  const { "service.name": listedName, ...otherResource } = resource;
  return {
    ok: true,
    config: {
      endpoint,
      headers,
      timeoutMs: timeoutOf(either("TIMEOUT"), warnings),
      protocol: (protocol?.value ?? "http/protobuf") as OtlpProtocol,
      compression: compressionOf(either("COMPRESSION"), warnings),
      resourceAttributes: {
        "service.name": read("OTEL_SERVICE_NAME")?.value ?? listedName ?? OTLP_SERVICE_NAME,
        ...otherResource,
      },
    },
    warnings,
  };
}

function endpointUrl(value: string, appendPath: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (!appendPath) return value;
  url.pathname = url.pathname.replace(/\/?$/, "/v1/traces");
  return url.href;
}

function timeoutOf(setting: { name: string; value: string } | undefined, warnings: string[]) {
  if (!setting) return DEFAULT_OTLP_TIMEOUT_MS;
  if (/^\d+$/.test(setting.value) && Number(setting.value) > 0) return Number(setting.value);
  warnings.push(
    `Cannot use "${setting.name}" as it is not a positive whole number of milliseconds: current value is "${setting.value}", using ${DEFAULT_OTLP_TIMEOUT_MS} instead`,
  );
  return DEFAULT_OTLP_TIMEOUT_MS;
}

function compressionOf(
  setting: { name: string; value: string } | undefined,
  warnings: string[],
): "gzip" | "none" {
  const value = setting?.value.toLowerCase();
  if (value === undefined || value === "none") return "none";
  if (value === "gzip") return "gzip";
  warnings.push(
    `Cannot use "${setting?.name}" as compression "${setting?.value}" is unknown: use "gzip" or "none", sending uncompressed`,
  );
  return "none";
}

/**
 * Parses `key=value,key2=value2` (keys and values URL-encoded, spaces around them ignored).
 * An entry that cannot be used is left out with a warning that gives its position, never its
 * text, since header values are secrets.
 */
function parseKeyValues(
  setting: { name: string; value: string },
  warnings: string[],
  asHeaders: boolean,
): Record<string, string> {
  const result: Record<string, string> = {};
  setting.value.split(",").forEach((entry, index) => {
    if (entry.trim() === "") return;
    const skip = (why: string) =>
      warnings.push(
        `Cannot use entry ${index + 1} of "${setting.name}" as ${why}: it is left out`,
      );
    const equals = entry.indexOf("=");
    if (equals < 0) return skip('it is not "key=value"');
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(entry.slice(0, equals).trim());
      value = decodeURIComponent(entry.slice(equals + 1).trim());
    } catch {
      return skip("it is not valid percent-encoding");
    }
    if (key === "") return skip("its key is empty");
    if (asHeaders && !HEADER_NAME.test(key)) return skip("its key is not a valid header name");
    if (asHeaders && HEADER_VALUE_FORBIDDEN.test(value)) {
      return skip("its value holds a line break or NUL");
    }
    result[key] = value;
  });
  return result;
}
