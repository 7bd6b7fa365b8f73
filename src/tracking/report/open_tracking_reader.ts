/**
 * Opens the reader for a tracking URI: `sqlite:///path.db` (read straight from the file) or
 * `http(s)://host` (a tracking server's REST API).
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { errorMessage, isWorkflowError, WorkflowError } from "../../errors.ts";
import {
  defaultTrackingUri,
  parseTrackingUri,
  type TrackingDestination,
} from "../tracking_destination.ts";
import { redactUri } from "../http/mlflow_auth.ts";
import { createRestReader } from "./rest_reader.ts";
import { openSqliteReader } from "./sqlite_reader.ts";
import type { TrackingReader } from "./tracking_reader.ts";

/**
 * Picks the tracking URI: the flag, else `MLFLOW_TRACKING_URI`, else `sqlite:///mlflow.db`.
 *
 * @example Usage
 * ```ts
 * import { chooseTrackingUri } from "./open_tracking_reader.ts";
 * if (chooseTrackingUri(undefined, () => undefined) !== "sqlite:///mlflow.db") throw new Error();
 * if (chooseTrackingUri(undefined, () => "http://mlflow:5000") !== "http://mlflow:5000") throw new Error();
 * ```
 *
 * @param flag The `--tracking-uri` value, when given.
 * @param env Reads an environment variable.
 * @returns The URI to read.
 */
export function chooseTrackingUri(
  flag: string | undefined,
  env: (name: string) => string | undefined,
): string {
  return flag?.trim() || defaultTrackingUri(env);
}

/** What {@linkcode openTrackingReader} needs from outside. */
export interface OpenTrackingReaderOptions {
  /** Directory relative SQLite paths are resolved against. */
  cwd: string;
  /** Reads `MLFLOW_TRACKING_TOKEN`, `MLFLOW_TRACKING_USERNAME`/`PASSWORD`, `MLFLOW_HTTP_REQUEST_TIMEOUT`. */
  env: (name: string) => string | undefined;
  /**
   * The fetch for a tracking server.
   *
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch;
  /**
   * Tells whether a file exists; throws when it may not be read.
   *
   * @default {Deno.statSync}
   */
  fileExists?: (path: string) => boolean;
  /** Cancels requests to a tracking server. */
  signal?: AbortSignal;
}

/**
 * Opens a reader for a tracking URI.
 *
 * @example Usage
 * ```ts
 * import { openTrackingReader } from "@configurable-agents/core";
 * const reader = openTrackingReader("sqlite:///no-such-file.db", {
 *   cwd: "/tmp",
 *   env: () => undefined,
 *   fileExists: () => false,
 * });
 * if (reader !== undefined) throw new Error("a missing database has no runs");
 * ```
 *
 * @param uri `sqlite:///path.db` or `http(s)://host:port`, or a destination already parsed.
 * @param options Working directory, environment and I/O.
 * @returns The reader, or `undefined` when the SQLite file does not exist (no runs recorded).
 * @throws {TypeError} When the URI is not a tracking URI.
 * @throws {WorkflowError} `PERMISSION_DENIED` when the file may not be read,
 * `TRACKING_UNAVAILABLE` when it is not an MLflow database.
 */
export function openTrackingReader(
  uri: string | TrackingDestination,
  options: OpenTrackingReaderOptions,
): TrackingReader | undefined {
  const { cwd, env, fetch, fileExists = statExists, signal } = options;
  const location = typeof uri === "string" ? destinationOf(uri) : uri;
  if (location.kind === "http") {
    return createRestReader(location.url.href.replace(/\/$/, ""), {
      env,
      ...(fetch ? { fetch } : {}),
      ...(signal ? { signal } : {}),
    });
  }
  const path = isAbsolute(location.path) ? location.path : resolve(cwd, location.path);
  let exists: boolean;
  try {
    exists = fileExists(path);
  } catch (cause) {
    throw new WorkflowError(
      "PERMISSION_DENIED",
      `Cannot read "${path}" as Deno may not read it: ${errorMessage(cause)}`,
      { phase: "track", cause, hint: `Run with --allow-read=${path}` },
    );
  }
  return exists ? openSqliteReader(path) : undefined;
}

/** Parses a URI to read from, by the rules the sinks write with. */
function destinationOf(uri: string): TrackingDestination {
  try {
    return parseTrackingUri(uri);
  } catch (cause) {
    if (!isWorkflowError(cause)) throw cause;
    throw new TypeError(
      `Cannot read tracked runs from "${redactUri(uri.trim())}" as it is not a tracking URI: ` +
        `use sqlite:///path.db or http(s)://host:port`,
      { cause },
    );
  }
}

function statExists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
