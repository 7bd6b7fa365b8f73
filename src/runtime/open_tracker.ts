/**
 * `openTracker`: the MLflow tracker of a workflow, wired to the delivery its tracking URI
 * leads to, with one handle to close both.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { errorMessage } from "../errors.ts";
import { MlflowSchema } from "../config/schema.ts";
import { openDelivery, type OpenDeliveryOptions } from "../tracking/delivery/open_delivery.ts";
import { parseTrackingUri } from "../tracking/delivery/parse_tracking_uri.ts";
import { checkDestination, type PermissionQuery } from "../tracking/delivery/preflight.ts";
import { DEFAULT_SPOOL_DIR } from "../tracking/delivery/spool.ts";
import { createMlflowTracker } from "../tracking/mlflow_tracker.ts";
import type { TraceSink } from "../tracking/trace_bundle.ts";
import type { Tracer } from "../tracking/tracer.ts";
import { denoEnv, denoWarn, type EnvReader, secretValues } from "./deno_deps.ts";
import { trackingDestination } from "./tracking_destination.ts";

/** Longest wait of {@linkcode TrackerHandle.close} by default, in milliseconds. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5000;

/** Options of {@linkcode openTracker}. */
export interface OpenTrackerOptions {
  /**
   * A tracking URI given explicitly; it turns tracking on.
   *
   * @default {undefined: tracking follows the workflow's `mlflow.enabled`}
   */
  trackingUri?: string | undefined;
  /**
   * `false` turns tracking off whatever the workflow says.
   *
   * @default {true}
   */
  tracking?: boolean | undefined;
  /**
   * Reads `MLFLOW_*`, `USER` and credential variables.
   *
   * @default {denoEnv()}
   */
  env?: EnvReader;
  /**
   * Receives tracking warnings (each delivery warns at most once).
   *
   * @default {denoWarn: a line on standard error}
   */
  warn?: (message: string) => void;
  /**
   * Directory a relative SQLite path and the artifact root `mlruns` are resolved against.
   *
   * @default {Deno.cwd()}
   */
  cwd?: string | undefined;
  /**
   * Credential values scrubbed from everything recorded.
   *
   * @default {secretValues(env)}
   */
  secrets?: readonly string[];
  /**
   * Overrides the workflow's `async_logging`.
   *
   * @default {the workflow's setting, true without one}
   */
  async?: boolean | undefined;
  /**
   * With asynchronous logging to a SQLite file, write from a worker thread
   * (`SqliteWorkerSink`), so that the synchronous `node:sqlite` writes never hold up the
   * workflow. Starting the worker costs about 35 ms: worth it for batches and long-lived
   * processes, not for one short run.
   *
   * @default {false}
   */
  sqliteWorker?: boolean | undefined;
  /**
   * `mlflow.source.name` of traces and runs.
   *
   * @default {the workflow file, else its flow name}
   */
  sourceName?: string | undefined;
  /**
   * Anything else of the delivery: spool directory, fetch, permission query, TCP connect,
   * timers, flush bound, SQLite sink options (tests and embedders).
   *
   * @default {Deno's}
   */
  delivery?: Partial<Omit<OpenDeliveryOptions, "warn" | "async" | "env">>;
}

/** An open tracker and the delivery behind it. */
export interface TrackerHandle {
  /** Pass it to the engine as its tracer. */
  readonly tracer: Tracer;
  /** Where runs are recorded. */
  readonly trackingUri: string;
  /** Whether runs are delivered in the background (`async_logging`). */
  readonly async: boolean;
  /** Runs handed over and not yet written or spooled. */
  readonly pending: number;
  /**
   * Waits until everything handed over is written or spooled, at most `timeoutMs`; what is
   * left then goes to the spool.
   *
   * @param timeoutMs Longest wait. @default 5000
   */
  flush(timeoutMs?: number): Promise<void>;
  /**
   * Ends runs still open as cancelled (their traces end as ERROR), flushes with a bounded wait,
   * then closes the sink. Idempotent; never throws.
   *
   * @param timeoutMs Longest wait of the flush and of the sink's close. @default 5000
   */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * Opens the MLflow tracker of a workflow when tracking is on (see `trackingDestination`):
 * the delivery of its tracking URI (background or synchronous per `async_logging`, with the
 * spool and the permission and reachability checks) and a tracker with the workflow's capture
 * settings (schema defaults when it has no `mlflow` block), its nodes' overrides, the
 * environment's credential values to scrub, `USER` (or `USERNAME`) as the user and the
 * workflow file as the source.
 *
 * When neither the destination nor the spool may be written (say, a SQLite file without
 * `--allow-write`), tracking is turned off for the run with one warning that names the flags
 * to add, instead of warning once for the destination and again for every lost trace.
 *
 * @example Usage
 * ```ts
 * import { openTracker } from "./open_tracker.ts";
 * import { WorkflowSchema } from "../config/schema.ts";
 * const config = WorkflowSchema.parse({
 *   schema_version: "1.0",
 *   flow: { name: "hello" },
 *   state: { fields: { reply: { type: "str" } } },
 *   nodes: [{ id: "greet", prompt: "Say hello", outputs: ["reply"] }],
 *   edges: [{ from: "START", to: "greet" }, { from: "greet", to: "END" }],
 * });
 * const loaded = { config, prompts: { greet: "Say hello" }, file: undefined, warnings: [] };
 * // The workflow does not enable MLflow and no URI is given: nothing to open.
 * if (await openTracker(loaded) !== undefined) throw new Error();
 * ```
 *
 * @param loaded The workflow.
 * @param options Explicit URI, off switch, environment, warnings and delivery options.
 * @returns The handle, or `undefined` when tracking is off.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` for a tracking URI that is not sqlite or
 * http(s); `CONFIG_INVALID` for a `redact` entry that is not a regular expression.
 */
export async function openTracker(
  loaded: LoadedWorkflow,
  options: OpenTrackerOptions = {},
): Promise<TrackerHandle | undefined> {
  const { env = denoEnv(), warn = denoWarn, cwd, delivery: extra = {} } = options;
  const trackingUri = trackingDestination(loaded.config, { ...options, env });
  if (trackingUri === undefined) return undefined;
  const mlflow = loaded.config.config.observability?.mlflow ?? MlflowSchema.parse({});
  const async = options.async ?? mlflow.async_logging;
  const spoolDir = extra.spoolDir ?? DEFAULT_SPOOL_DIR;
  // Parsed now, so that an unsupported URI throws rather than spooling every run.
  parseTrackingUri(trackingUri);
  const blocked = await unwritable(trackingUri, spoolDir, extra);
  if (blocked) {
    warn(blocked);
    return undefined;
  }
  const sqlite = { ...(cwd === undefined ? {} : { cwd }), ...extra.sqlite };
  const inWorker = options.sqliteWorker && async && !extra.openSqliteSink;
  const delivery = openDelivery(trackingUri, {
    ...extra,
    warn,
    async,
    env,
    spoolDir,
    sqlite,
    ...(inWorker ? { openSqliteSink: (path) => openWorkerSink(path, sqlite, warn) } : {}),
  });
  const user = env("USER") || env("USERNAME");
  const tracker = createMlflowTracker({
    trackingUri,
    experimentName: mlflow.experiment_name,
    mlflow,
    nodes: loaded.config.nodes,
    delivery,
    secrets: options.secrets ?? secretValues(env),
    sourceName: options.sourceName ?? loaded.file ?? loaded.config.flow.name,
    warn,
    ...(user ? { user } : {}),
  });
  let closing: Promise<void> | undefined;
  return {
    tracer: tracker,
    trackingUri,
    async,
    get pending() {
      return delivery.pending;
    },
    flush: (timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS) => delivery.flush(timeoutMs),
    close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS) {
      closing ??= (async () => {
        await tracker.shutdown({ timeoutMs });
        try {
          await delivery.close(timeoutMs);
        } catch (error) {
          warn(`Cannot close the tracking delivery to "${trackingUri}": ${errorMessage(error)}`);
        }
      })();
      return closing;
    },
  };
}

/**
 * Why nothing could be recorded: the destination lacks a permission and so does the spool.
 * Only permissions are checked (never the network), so this costs no more than a few queries.
 */
async function unwritable(
  trackingUri: string,
  spoolDir: string,
  deps: Partial<OpenDeliveryOptions>,
): Promise<string | undefined> {
  const query: PermissionQuery = deps.queryPermission ??
    ((descriptor) => Deno.permissions.query(descriptor));
  const missing: ("read" | "write")[] = [];
  for (const name of ["read", "write"] as const) {
    const state = await query({ name, path: spoolDir }).then((s) => s.state, () => "denied");
    if (state !== "granted") missing.push(name);
  }
  if (missing.length === 0) return undefined;
  const check = await checkDestination(trackingUri, {
    ...deps,
    queryPermission: query,
    // Permissions only: whether a server answers is the delivery's business.
    connect: () => Promise.resolve({ close() {} }),
  });
  if (check.ok || check.kind !== "permission") return undefined;
  const flags = check.flag ? [check.flag] : [];
  for (const name of missing) {
    const index = flags.findIndex((flag) => flag.startsWith(`--allow-${name}=`));
    if (index === -1) flags.push(`--allow-${name}=${spoolDir}`);
    else flags[index] += `,${spoolDir}`;
  }
  return `${check.reason}, nor ${missing.join(" and ")} permission for the spool "${spoolDir}": ` +
    `runs are not recorded; add ${flags.join(" ")}, or turn tracking off`;
}

/** Opens the SQLite sink in a worker thread, loading its module only when used. */
async function openWorkerSink(
  path: string,
  sqlite: { cwd?: string; artifactRoot?: string },
  warn: (message: string) => void,
): Promise<TraceSink> {
  const { SqliteWorkerSink } = await import("../tracking/sqlite/sqlite_worker_sink.ts");
  return await SqliteWorkerSink.open(path, {
    ...(sqlite.cwd === undefined ? {} : { cwd: sqlite.cwd }),
    ...(sqlite.artifactRoot === undefined ? {} : { artifactRoot: sqlite.artifactRoot }),
    warn,
  });
}
