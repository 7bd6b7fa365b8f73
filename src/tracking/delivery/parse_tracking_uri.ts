/**
 * Where a tracking URI leads: `sqlite:///relative.db` and `sqlite:////abs/path.db` (MLflow's
 * and SQLAlchemy's rules) to an MLflow SQLite file, `http(s)://host[:port][/prefix]` to a
 * tracking server. Anything else is a clear error. The sinks write and the reports read by
 * these rules; nothing here loads a sink.
 *
 * @module
 */
import { WorkflowError } from "../../errors.ts";
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
 * import { parseTrackingUri } from "./parse_tracking_uri.ts";
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
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      throw unsupported(shown, 'its path is not percent-encoded correctly: write "%25" for "%"');
    }
    return { kind: "sqlite", uri: trimmed, path: decoded };
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

function unsupported(uri: string, rule: string): WorkflowError {
  return new WorkflowError("TRACKING_UNAVAILABLE", `Cannot use tracking URI "${uri}" as ${rule}`, {
    phase: "track",
    hint: "set config.observability.mlflow.tracking_uri, --tracking-uri or MLFLOW_TRACKING_URI",
  });
}
