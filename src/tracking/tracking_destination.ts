/**
 * Where runs are tracked, decided and parsed once: whether a run is tracked at all (the
 * explicit URI, the workflow's `mlflow.enabled`), which URI (`--tracking-uri`, the workflow's
 * `tracking_uri`, `MLFLOW_TRACKING_URI`, `sqlite:///mlflow.db`), and where that URI leads:
 * `sqlite:///relative.db` and `sqlite:////abs/path.db` (MLflow's and SQLAlchemy's rules) to an
 * MLflow SQLite file, `http(s)://host[:port][/prefix]` to a tracking server. Anything else is a
 * clear error. The sinks write and the reports read by these rules; nothing here loads a sink.
 *
 * @module
 */
import { WorkflowError } from "../errors.ts";
import { type EnvReader, redactUri } from "./http/mlflow_auth.ts";

/** The tracking URI when none is configured and `MLFLOW_TRACKING_URI` is unset. */
export const DEFAULT_TRACKING_URI = "sqlite:///mlflow.db";

/** A parsed tracking URI. */
export type TrackingDestination =
  /** An MLflow SQLite database file; `path` as the URI names it (relative to the cwd or absolute). */
  | { kind: "sqlite"; uri: string; path: string }
  /**
   * An MLflow tracking server. `uri` has no credentials (it is what messages and spool files
   * show); `url` keeps any `user:password@` for the requests.
   */
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
 * import { parseTrackingUri } from "./tracking_destination.ts";
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
      if (url.hostname) return { kind: "http", uri: redactUri(trimmed), url };
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

/** The settings of a workflow that decide tracking (`config.observability.mlflow`). */
export interface TrackingSettings {
  /** `mlflow.enabled`. */
  readonly enabled?: boolean | undefined;
  /** `mlflow.tracking_uri`. */
  readonly tracking_uri?: string | undefined;
}

/** Options of {@linkcode resolveTrackingDestination}. */
export interface ResolveTrackingDestinationOptions {
  /**
   * A tracking URI given explicitly (`--tracking-uri`, `runWorkflow({ trackingUri })`), or a
   * destination already parsed; it turns tracking on.
   *
   * @default {undefined}
   */
  trackingUri?: string | TrackingDestination | undefined;
  /**
   * `false` turns tracking off whatever the workflow says (`--no-tracking`).
   *
   * @default {true}
   */
  tracking?: boolean | undefined;
  /**
   * Reads `MLFLOW_TRACKING_URI`.
   *
   * @default {nothing is set}
   */
  env?: EnvReader | undefined;
}

/**
 * Where a run is tracked, or `undefined` when it is not. Tracking is on when a URI is given
 * explicitly or the workflow sets `mlflow.enabled: true`, and off when `tracking` is `false`. The
 * URI is the explicit one, else the workflow's `tracking_uri`, else `MLFLOW_TRACKING_URI`, else
 * `sqlite:///mlflow.db`; it is parsed here, once.
 *
 * @example Usage
 * ```ts
 * import { resolveTrackingDestination } from "./tracking_destination.ts";
 * const destination = resolveTrackingDestination({ enabled: true });
 * if (destination?.kind !== "sqlite" || destination.path !== "mlflow.db") throw new Error();
 * if (resolveTrackingDestination({ enabled: true }, { tracking: false }) !== undefined) {
 *   throw new Error();
 * }
 * ```
 *
 * @param settings The workflow's `mlflow` settings, when it has them.
 * @param options The explicit URI, the off switch and the environment.
 * @returns The destination, or `undefined`.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` for a URI that is neither sqlite nor http(s).
 */
export function resolveTrackingDestination(
  settings: TrackingSettings | undefined,
  options: ResolveTrackingDestinationOptions = {},
): TrackingDestination | undefined {
  const { trackingUri, tracking = true, env = () => undefined } = options;
  if (!tracking) return undefined;
  if (typeof trackingUri === "object") return trackingUri;
  const explicit = trackingUri?.trim();
  if (explicit) return parseTrackingUri(explicit);
  if (!settings?.enabled) return undefined;
  return parseTrackingUri(settings.tracking_uri?.trim() || defaultTrackingUri(env));
}
