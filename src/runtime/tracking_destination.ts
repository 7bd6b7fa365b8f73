/**
 * Whether a run is tracked, and where: the rule the runtime, the CLI and the permission
 * report share.
 *
 * @module
 */
import type { WorkflowConfig } from "../config/schema.ts";
import { defaultTrackingUri } from "../tracking/delivery/parse_tracking_uri.ts";
import type { EnvReader } from "../tracking/http/mlflow_auth.ts";

/** Options of {@linkcode trackingDestination}. */
export interface TrackingDestinationOptions {
  /**
   * A tracking URI given explicitly (`--tracking-uri`); it turns tracking on.
   *
   * @default {undefined}
   */
  trackingUri?: string | undefined;
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
 * The tracking URI of a run, or `undefined` when the run is not tracked. Tracking is on when a
 * URI is given explicitly or the workflow sets `config.observability.mlflow.enabled: true`,
 * and off when `tracking` is `false`. The URI is the explicit one, else the workflow's
 * `tracking_uri`, else `MLFLOW_TRACKING_URI`, else `sqlite:///mlflow.db`.
 *
 * @example Usage
 * ```ts
 * import { trackingDestination } from "./tracking_destination.ts";
 * import { WorkflowSchema } from "../config/schema.ts";
 * const config = WorkflowSchema.parse({
 *   schema_version: "1.0",
 *   flow: { name: "hello" },
 *   state: { fields: { reply: { type: "str" } } },
 *   nodes: [{ id: "greet", prompt: "Say hello", outputs: ["reply"] }],
 *   edges: [{ from: "START", to: "greet" }, { from: "greet", to: "END" }],
 *   config: { observability: { mlflow: { enabled: true } } },
 * });
 * if (trackingDestination(config) !== "sqlite:///mlflow.db") throw new Error();
 * if (trackingDestination(config, { tracking: false }) !== undefined) throw new Error();
 * ```
 *
 * @param config The workflow.
 * @param options The explicit URI, the off switch and the environment.
 * @returns The tracking URI, or `undefined`.
 */
export function trackingDestination(
  config: WorkflowConfig,
  options: TrackingDestinationOptions = {},
): string | undefined {
  const { trackingUri, tracking = true, env = () => undefined } = options;
  if (!tracking) return undefined;
  const explicit = trackingUri?.trim();
  if (explicit) return explicit;
  const mlflow = config.config.observability?.mlflow;
  if (!mlflow?.enabled) return undefined;
  return mlflow.tracking_uri?.trim() || defaultTrackingUri(env);
}
