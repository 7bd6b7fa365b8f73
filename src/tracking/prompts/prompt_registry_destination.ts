/**
 * Where a workflow's prompts are registered: the same place its runs are tracked, whether or
 * not tracking is on for a given run.
 *
 * @module
 */
import type { EnvReader } from "../http/mlflow_auth.ts";
import {
  defaultTrackingUri,
  parseTrackingUri,
  type TrackingDestination,
  type TrackingSettings,
} from "../tracking_destination.ts";

/** Options of {@linkcode resolvePromptRegistryDestination}. */
export interface ResolvePromptRegistryOptions {
  /**
   * A URI given explicitly (`--tracking-uri`), or a destination already parsed.
   *
   * @default {undefined}
   */
  trackingUri?: string | TrackingDestination | undefined;
  /**
   * Reads `MLFLOW_TRACKING_URI`.
   *
   * @default {nothing is set}
   */
  env?: EnvReader | undefined;
}

/**
 * The prompt registry of a workflow: the explicit URI, else the workflow's `tracking_uri`,
 * else `MLFLOW_TRACKING_URI`, else `sqlite:///mlflow.db` — the tracking destination's rules,
 * except that `mlflow.enabled: false` and `--no-tracking` do not turn it off (a run that
 * records nothing still needs its prompts).
 *
 * @example Usage
 * ```ts
 * import { resolvePromptRegistryDestination } from "./prompt_registry_destination.ts";
 * const destination = resolvePromptRegistryDestination({ tracking_uri: "http://mlflow:5000" });
 * if (destination.kind !== "http") throw new Error();
 * ```
 *
 * @param settings The workflow's `mlflow` settings, when it has them.
 * @param options The explicit URI and the environment.
 * @returns The destination.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` for a URI that is neither sqlite nor http(s).
 */
export function resolvePromptRegistryDestination(
  settings: TrackingSettings | undefined,
  options: ResolvePromptRegistryOptions = {},
): TrackingDestination {
  const { trackingUri, env = () => undefined } = options;
  if (typeof trackingUri === "object") return trackingUri;
  return parseTrackingUri(
    trackingUri?.trim() || settings?.tracking_uri?.trim() || defaultTrackingUri(env),
  );
}
