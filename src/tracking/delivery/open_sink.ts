/**
 * Where a tracking URI leads: `sqlite:///relative.db` and `sqlite:////abs/path.db` (MLflow's
 * and SQLAlchemy's rules) to the embedded SQLite sink, `http(s)://host[:port][/prefix]` to a
 * tracking server. Anything else is a clear error.
 *
 * @module
 */
import { WorkflowError } from "../../errors.ts";
import type { SqliteSinkOptions } from "../sqlite/sqlite_sink.ts";
import type { TraceSink } from "../trace_bundle.ts";
import { type EnvReader, redactUri } from "../http/mlflow_auth.ts";

/** The tracking URI when none is configured and `MLFLOW_TRACKING_URI` is unset. */
export const DEFAULT_TRACKING_URI = "sqlite:///mlflow.db";

/** A parsed tracking URI. */
export type TrackingDestination =
  /** An MLflow SQLite database file. */
  | { kind: "sqlite"; uri: string; path: string }
  /** An MLflow tracking server. */
  | { kind: "http"; uri: string; url: URL };

/**
 * The tracking URI to use: `MLFLOW_TRACKING_URI`, else `sqlite:///mlflow.db`.
 *
 * @param env Reads environment variables.
 * @returns A tracking URI.
 */
export function defaultTrackingUri(env: EnvReader): string {
  return env("MLFLOW_TRACKING_URI")?.trim() || DEFAULT_TRACKING_URI;
}

/**
 * Parses a tracking URI.
 *
 * @example Usage
 * ```ts
 * import { parseTrackingUri } from "./open_sink.ts";
 * const destination = parseTrackingUri("sqlite:////var/lib/mlflow.db");
 * if (destination.kind !== "sqlite" || destination.path !== "/var/lib/mlflow.db") throw new Error();
 * ```
 *
 * @param uri `sqlite:///path.db`, `sqlite:////abs/path.db` or `http(s)://host[:port][/prefix]`.
 * @returns The destination.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` for any other URI.
 */
export function parseTrackingUri(uri: string): TrackingDestination {
  const trimmed = uri.trim();
  const shown = redactUri(trimmed);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === "sqlite") {
    const match = /^sqlite:\/\/([^/]*)\/([^?#]*)/i.exec(trimmed);
    const path = match?.[2] ?? "";
    if (!match || match[1] !== "" || path === "" || path === ":memory:") {
      throw unsupported(
        shown,
        "a SQLite URI names a file as sqlite:///relative.db or sqlite:////absolute/path.db",
      );
    }
    return { kind: "sqlite", uri: trimmed, path: decodeURIComponent(path) };
  }
  if (scheme === "http" || scheme === "https") {
    try {
      const url = new URL(trimmed);
      if (url.hostname) return { kind: "http", uri: trimmed, url };
    } catch {
      // Reported below.
    }
    throw unsupported(shown, "a tracking server URI reads http(s)://host[:port][/prefix]");
  }
  throw unsupported(
    shown,
    scheme
      ? `its scheme "${scheme}" is not supported: use sqlite:///path.db or http(s)://host[:port]`
      : "it has no scheme: use sqlite:///path.db or http(s)://host[:port]",
  );
}

/** What the sinks need from the outside world. */
export interface OpenSinkDeps {
  /** Fetch for the tracking-server sink. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Reads `MLFLOW_TRACKING_*` variables. @default the Deno environment where permitted */
  env?: EnvReader;
  /** Receives warnings of the sink (artifacts skipped). @default ignore them */
  warn?: (message: string) => void;
  /** Request timeout of the tracking-server sink. @default MLFLOW_HTTP_REQUEST_TIMEOUT, else 120 s */
  timeoutMs?: number;
  /** Options of the SQLite sink (artifact root, working directory, ...). @default none */
  sqlite?: SqliteSinkOptions;
  /** Opens the SQLite sink on a database file. @default `SqliteSink.open(path, sqlite)` */
  openSqliteSink?: (path: string) => TraceSink | Promise<TraceSink>;
}

/**
 * Opens the sink a tracking URI leads to: `SqliteSink` for `sqlite:` URIs, `HttpSink` for
 * http(s). Each is loaded only when used, so a SQLite run never loads OpenTelemetry's exporter.
 *
 * @example Usage
 * ```ts
 * import { openSink } from "./open_sink.ts";
 * const sink = await openSink("http://127.0.0.1:5000", { env: () => undefined });
 * await sink.close();
 * ```
 *
 * @param trackingUri `sqlite:///...` or `http(s)://...`.
 * @param deps Fetch, environment, warnings and SQLite options.
 * @returns The sink.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` for an unsupported URI, or a SQLite file
 *   that cannot be opened or has an unsupported schema.
 */
export async function openSink(trackingUri: string, deps: OpenSinkDeps = {}): Promise<TraceSink> {
  const destination = parseTrackingUri(trackingUri);
  if (destination.kind === "http") {
    const { HttpSink } = await import("../http/http_sink.ts");
    return new HttpSink({
      trackingUri: destination.uri,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.env ? { env: deps.env } : {}),
      ...(deps.warn ? { warn: deps.warn } : {}),
      ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
    });
  }
  if (deps.openSqliteSink) return await deps.openSqliteSink(destination.path);
  const { SqliteSink } = await import("../sqlite/sqlite_sink.ts");
  return await SqliteSink.open(destination.path, {
    ...deps.sqlite,
    ...(deps.warn && !deps.sqlite?.warn ? { warn: deps.warn } : {}),
  });
}

function unsupported(uri: string, rule: string): WorkflowError {
  return new WorkflowError("TRACKING_UNAVAILABLE", `Cannot use tracking URI "${uri}" as ${rule}`, {
    phase: "track",
    hint: "set config.observability.mlflow.tracking_uri, --tracking-uri or MLFLOW_TRACKING_URI",
  });
}
