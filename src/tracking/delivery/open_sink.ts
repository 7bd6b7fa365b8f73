/**
 * The sink a tracking URI leads to: the embedded SQLite sink for `sqlite:` URIs, a tracking
 * server for `http(s)://` (see `tracking_destination.ts`).
 *
 * @module
 */
import type { SqliteSinkOptions } from "../sqlite/sqlite_sink.ts";
import type { TraceSink } from "../trace_bundle.ts";
import type { EnvReader } from "../http/mlflow_auth.ts";
import type { TrackingDestination } from "../tracking_destination.ts";

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
 * import { parseTrackingUri } from "../tracking_destination.ts";
 * const sink = await openSink(parseTrackingUri("http://127.0.0.1:5000"), { env: () => undefined });
 * await sink.close();
 * ```
 *
 * @param destination A SQLite file or a tracking server.
 * @param deps Fetch, environment, warnings and SQLite options.
 * @returns The sink.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` for a SQLite file that cannot be opened or has
 *   an unsupported schema.
 */
export async function openSink(
  destination: TrackingDestination,
  deps: OpenSinkDeps = {},
): Promise<TraceSink> {
  if (destination.kind === "http") {
    const { HttpSink } = await import("../http/http_sink.ts");
    return new HttpSink({
      trackingUri: destination.url.href.replace(/\/$/, ""),
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
