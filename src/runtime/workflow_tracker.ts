/**
 * `createWorkflowTracker`: the MLflow tracker of a workflow, with its settings, the Deno
 * environment's user and credentials, and the destination resolved and parsed once.
 *
 * @module
 */
import { join } from "node:path";
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { MlflowSchema } from "../config/schema.ts";
import { type ForeignParent, MlflowTracker } from "../tracking/mlflow_tracker.ts";
import type { OpenSinkDeps } from "../tracking/delivery/open_sink.ts";
import {
  checkDestination,
  type PermissionQuery,
  type PreflightDeps,
} from "../tracking/delivery/preflight.ts";
import { DEFAULT_SPOOL_DIR, type SpoolOptions } from "../tracking/delivery/spool.ts";
import type { TraceSink } from "../tracking/trace_bundle.ts";
import {
  resolveTrackingDestination,
  type TrackingDestination,
} from "../tracking/tracking_destination.ts";
import { readOtlpEnv } from "../tracking/otlp/otlp_env.ts";
import type { SqliteSinkOptions } from "../tracking/sqlite/sqlite_sink.ts";
import { denoCwd, denoEnv, denoWarn, type EnvReader, secretValues } from "./deno_deps.ts";
import { describeAgentVersion } from "./agent_version.ts";

/** Options of {@linkcode createWorkflowTracker}. */
export interface WorkflowTrackerOptions {
  /**
   * A tracking URI given explicitly (or a destination already parsed); it turns tracking on.
   *
   * @default {undefined: tracking follows the workflow's `mlflow.enabled`}
   */
  trackingUri?: string | TrackingDestination | undefined;
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
   * Receives tracking warnings.
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
   * The span of another system runs nest under (a W3C `traceparent`, parsed), or a function
   * that gives it at each run's start (`() => undefined`: none, not even an active span).
   *
   * @default {the caller's active OpenTelemetry span, when there is one}
   */
  parent?: ForeignParent | (() => ForeignParent | undefined) | undefined;
  /**
   * Writes bundles instead of the destination's sink (tests, embedders).
   *
   * @default {the destination's sink}
   */
  sink?: TraceSink | undefined;
  /**
   * How the destination's sink is opened: fetch, SQLite options (tests, embedders).
   *
   * @default {Deno's}
   */
  sinkOptions?: OpenSinkDeps | undefined;
  /**
   * The spool.
   *
   * @default {{ dir: ".mlflow-spool" }}
   */
  spool?: SpoolOptions | undefined;
  /**
   * Permission query, TCP connect and timers of the checks before the first delivery.
   *
   * @default {Deno's}
   */
  preflight?: PreflightDeps | undefined;
  /**
   * Overrides the workflow's `run_per_execution`: one MLflow run per execution.
   *
   * @default {the workflow's setting, false without one}
   */
  runPerExecution?: boolean | undefined;
  /**
   * Reads the workflow file, logged with its agent version.
   *
   * @default {Deno.readTextFile; the normalised workflow when it cannot be read}
   */
  readTextFile?: ((path: string) => Promise<string>) | undefined;
}

/**
 * The MLflow tracker of a workflow when tracking is on (see `resolveTrackingDestination`):
 * background or synchronous delivery per `async_logging`, the workflow's capture settings
 * (schema defaults when it has no `mlflow` block), its nodes' overrides, its agent version (see
 * `describeAgentVersion`), one MLflow run per execution or not (`run_per_execution`), the
 * environment's credential values to scrub, `USER` (or `USERNAME`) as the user and the workflow
 * file as the source. With the standard `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) set, the
 * spans also go to that OTLP collector.
 *
 * When neither the destination nor the spool may be written (say, a SQLite file without
 * `--allow-write`), tracking is turned off for the run with one warning that names the flags
 * to add, instead of warning once for the destination and again for every lost trace.
 *
 * @example Usage
 * ```ts
 * import { createWorkflowTracker } from "./workflow_tracker.ts";
 * import { prepareWorkflow } from "../config/prepare_workflow.ts";
 * const loaded = prepareWorkflow({
 *   schema_version: "1.0",
 *   flow: { name: "hello" },
 *   state: { fields: { reply: { type: "str" } } },
 *   nodes: [{ id: "greet", prompt: "Say hello", outputs: ["reply"] }],
 *   edges: [{ from: "START", to: "greet" }, { from: "greet", to: "END" }],
 * });
 * // The workflow does not enable MLflow and no URI is given: nothing to open.
 * if (await createWorkflowTracker(loaded) !== undefined) throw new Error();
 * ```
 *
 * @param loaded The workflow.
 * @param options Explicit URI, off switch, environment, warnings and delivery options.
 * @returns The tracker, or `undefined` when tracking is off.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` for a tracking URI that is not sqlite or
 * http(s); `CONFIG_INVALID` for a `redact` entry that is not a regular expression.
 */
export async function createWorkflowTracker(
  loaded: LoadedWorkflow,
  options: WorkflowTrackerOptions = {},
): Promise<MlflowTracker | undefined> {
  const { env = denoEnv(), warn = denoWarn, cwd } = options;
  const mlflow = loaded.config.config.observability?.mlflow ?? MlflowSchema.parse({});
  const destination = resolveTrackingDestination(mlflow, { ...options, env });
  if (destination === undefined) return undefined;
  // The spool sits beside a relative SQLite file: both are resolved against the same directory
  // (named relative to the process's own, as the flags are).
  const spoolDir = cwd === undefined || cwd === denoCwd()
    ? DEFAULT_SPOOL_DIR
    : join(cwd, DEFAULT_SPOOL_DIR);
  const spool = { dir: spoolDir, ...options.spool };
  const blocked = await unwritable(destination, spool.dir, options.preflight);
  if (blocked) {
    warn(blocked);
    return undefined;
  }
  const async = options.async ?? mlflow.async_logging;
  const sqlite = { ...(cwd === undefined ? {} : { cwd }), ...options.sinkOptions?.sqlite };
  const inWorker = options.sqliteWorker && async && !options.sinkOptions?.openSqliteSink;
  const user = env("USER") || env("USERNAME");
  const sourceName = options.sourceName ?? loaded.file ?? loaded.config.flow.name;
  const readTextFile = options.readTextFile ?? ((path: string) => Deno.readTextFile(path));
  const fileText = loaded.file === undefined
    ? undefined
    : await readTextFile(loaded.file).catch(() => undefined);
  const agentVersion = await describeAgentVersion(loaded, {
    fileText,
    sourceName,
    ...(user ? { user } : {}),
  });
  const otlp = readOtlpEnv(env);
  if (otlp?.ok === false) warn(`${otlp.reason}: spans go to MLflow only`);
  for (const message of otlp?.ok ? otlp.warnings : []) warn(message);
  return new MlflowTracker({
    trackingUri: destination,
    experimentName: mlflow.experiment_name,
    mlflow,
    nodes: loaded.config.nodes,
    async,
    spool,
    sinkOptions: {
      env,
      ...options.sinkOptions,
      sqlite,
      ...(inWorker ? { openSqliteSink: (path) => openWorkerSink(path, sqlite, warn) } : {}),
    },
    ...(options.sink ? { sink: options.sink } : {}),
    ...(options.preflight ? { preflight: options.preflight } : {}),
    ...(options.parent ? { parent: options.parent } : {}),
    ...(otlp?.ok ? { collector: otlp.config } : {}),
    secrets: options.secrets ?? secretValues(env),
    sourceName,
    runPerExecution: options.runPerExecution ?? mlflow.run_per_execution,
    agentVersion,
    warn,
    ...(user ? { user } : {}),
  });
}

/**
 * Why nothing could be recorded: the destination lacks a permission and so does the spool.
 * Only permissions are checked (never the network), so this costs no more than a few queries.
 */
async function unwritable(
  destination: TrackingDestination,
  spoolDir: string,
  deps: PreflightDeps = {},
): Promise<string | undefined> {
  const query: PermissionQuery = deps.queryPermission ??
    ((descriptor) => Deno.permissions.query(descriptor));
  const missing: ("read" | "write")[] = [];
  for (const name of ["read", "write"] as const) {
    const state = await query({ name, path: spoolDir }).then((s) => s.state, () => "denied");
    if (state !== "granted") missing.push(name);
  }
  if (missing.length === 0) return undefined;
  const check = await checkDestination(destination, {
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

/**
 * Opens the SQLite sink in a worker thread (on the main thread when the worker cannot start),
 * loading its module only when used.
 */
async function openWorkerSink(
  path: string,
  sqlite: Pick<SqliteSinkOptions, "cwd" | "artifactRoot" | "mlflowSchema">,
  warn: (message: string) => void,
): Promise<TraceSink> {
  const { openSqliteSinkOffThread } = await import("../tracking/sqlite/sqlite_worker_sink.ts");
  return await openSqliteSinkOffThread(path, {
    ...(sqlite.cwd === undefined ? {} : { cwd: sqlite.cwd }),
    ...(sqlite.artifactRoot === undefined ? {} : { artifactRoot: sqlite.artifactRoot }),
    ...(sqlite.mlflowSchema === undefined ? {} : { mlflowSchema: sqlite.mlflowSchema }),
    warn,
  });
}
