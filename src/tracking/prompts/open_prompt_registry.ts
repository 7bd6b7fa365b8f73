/**
 * Opens the prompt registry of a tracking destination: the MLflow SQLite file or the tracking
 * server a workflow records its runs in.
 *
 * @module
 */
import type { EnvReader } from "../http/mlflow_auth.ts";
import { parseTrackingUri, type TrackingDestination } from "../tracking_destination.ts";
import type { PromptRegistry } from "./prompt_registry.ts";
import { RestPromptRegistry } from "./rest_prompt_registry.ts";
import { SqlitePromptRegistry } from "./sqlite_prompt_registry.ts";

/** Options of {@linkcode openPromptRegistry}. */
export interface OpenPromptRegistryOptions {
  /**
   * `read` never creates or changes a SQLite file (a missing file has no prompts); `write`
   * creates it with MLflow's schema when missing.
   *
   * @default {"read"}
   */
  mode?: "read" | "write";
  /**
   * Directory a relative SQLite path is resolved against.
   *
   * @default {Deno.cwd()}
   */
  cwd?: string;
  /**
   * Reads `MLFLOW_TRACKING_TOKEN`, `MLFLOW_TRACKING_USERNAME`/`PASSWORD` and
   * `MLFLOW_HTTP_REQUEST_TIMEOUT` for a server.
   *
   * @default {the Deno environment where permitted}
   */
  env?: EnvReader;
  /**
   * The fetch for a server.
   *
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch;
  /** Cancels requests to a server. */
  signal?: AbortSignal;
  /**
   * Clock of a SQLite registry, milliseconds since the epoch.
   *
   * @default {Date.now}
   */
  now?: () => number;
}

/**
 * Opens the prompt registry at a tracking URI.
 *
 * @example Usage
 * ```ts
 * import { openPromptRegistry } from "@configurable-agents/core";
 * const registry = await openPromptRegistry("sqlite:///no-such-file.db", { cwd: "/tmp" });
 * if ((await registry.list()).length !== 0) throw new Error("a missing file has no prompts");
 * await registry.close();
 * ```
 *
 * @param destination `sqlite:///path.db` or `http(s)://host[:port]`, or a parsed destination.
 * @param options Read or write, working directory, environment and fetch.
 * @returns The registry; close it when done.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` for a URI that is neither sqlite nor http(s)
 * or a file that is not an MLflow database, `PERMISSION_DENIED` when Deno may not use the file.
 */
export async function openPromptRegistry(
  destination: string | TrackingDestination,
  options: OpenPromptRegistryOptions = {},
): Promise<PromptRegistry> {
  const parsed = typeof destination === "string" ? parseTrackingUri(destination) : destination;
  const { mode = "read", cwd, env, fetch, signal, now } = options;
  if (parsed.kind === "http") {
    return new RestPromptRegistry(parsed.url.href.replace(/\/$/, ""), {
      ...(env ? { env } : {}),
      ...(fetch ? { fetch } : {}),
      ...(signal ? { signal } : {}),
    });
  }
  return await SqlitePromptRegistry.open(parsed.path, {
    mode,
    location: parsed.uri,
    ...(cwd === undefined ? {} : { cwd }),
    ...(now ? { now } : {}),
  });
}
