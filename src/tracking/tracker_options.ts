/**
 * The options of `MlflowTracker`: where runs go, the workflow's capture settings, delivery,
 * the runs policy (one MLflow run per execution or per group) and the agent version; and those
 * of its `startRun`, `startGroupRun` and `close`.
 *
 * @module
 */
import type { ArtifactLevel, NodeCaptureSettings } from "./capture_policy.ts";
import type { ForeignParent } from "./_run_recorder.ts";
import type { RunStart } from "./tracer.ts";
import type { AgentVersionRecord, AssessmentRecord, TraceSink } from "./trace_bundle.ts";
import type { TrackingDestination } from "./tracking_destination.ts";
import type { OtlpCollectorConfig } from "./otlp/otlp_env.ts";
import type { OpenSinkDeps } from "./delivery/open_sink.ts";
import type { PreflightDeps } from "./delivery/preflight.ts";
import type { SpoolOptions } from "./delivery/spool.ts";
import type { GroupRun } from "./group_run.ts";

/**
 * The `config.observability.mlflow` settings the tracker reads (a workflow's `MlflowConfig`
 * fits); a missing field takes the schema default.
 */
export interface MlflowCaptureSettings {
  /**
   * Record span inputs and outputs; `false` records only sizes and hashes.
   *
   * @default {true}
   */
  log_prompts?: boolean | undefined;
  /**
   * Log run artifacts.
   *
   * @default {true}
   */
  log_artifacts?: boolean | undefined;
  /**
   * Which artifacts to log.
   *
   * @default {"standard"}
   */
  artifact_level?: ArtifactLevel | undefined;
  /**
   * State fields or regular expressions whose values are masked.
   *
   * @default {[]}
   */
  redact?: readonly string[] | undefined;
  /**
   * Run name template over `{flow_name}`, `{version}`, `{date}` and `{timestamp}`.
   *
   * @default {"{flow_name}-{timestamp}"}
   */
  run_name?: string | undefined;
}

/** What an evaluation adds to a trace once its run is scored. */
export interface TraceAnnotations {
  /** Trace tags (`mlflow.eval.requestId`, ...). */
  tags?: Record<string, string>;
  /** Assessments of the trace. */
  assessments?: AssessmentRecord[];
}

/** Options of {@linkcode MlflowTracker.startRun}. */
export interface StartRunOptions {
  /**
   * The group run (a batch or an evaluation) the run belongs to.
   *
   * @default {none: the trace is recorded alone, or with its own run under `runPerExecution`}
   */
  group?: GroupRun | undefined;
  /**
   * Tags and assessments to add once known (an evaluation scores a run after it ended): the
   * trace is delivered when this settles (a rejection delivers it without them), and `finish`
   * does not wait for it.
   *
   * @default {none: the trace is delivered as soon as the run ends}
   */
  annotations?: Promise<TraceAnnotations> | undefined;
}

/** Options of {@linkcode MlflowTracker.startGroupRun}. */
export interface StartGroupRunOptions {
  /** `batch` or `evaluation`: the run's {@linkcode RUN_KIND_TAG}. */
  kind: "batch" | "evaluation";
  /** The workflow, for the run's name and params. */
  workflow: Pick<RunStart, "workflowName" | "workflowVersion" | "provider" | "model"> & {
    nodeCount?: number;
    schemaVersion?: string;
  };
  /**
   * Run name.
   *
   * @default {the `run_name` template with `-batch` or `-evaluation` after it}
   */
  runName?: string;
  /**
   * Tags besides the user, source, kind and key (`mlflow.runType` for an evaluation).
   *
   * @default {{}}
   */
  tags?: Record<string, string>;
}

/** Options of {@linkcode MlflowTracker}. */
export interface MlflowTrackerOptions {
  /** Where runs go: a tracking URI (`sqlite:///...`, `http(s)://...`) or a parsed destination. */
  trackingUri: string | TrackingDestination;
  /** MLflow experiment name. */
  experimentName: string;
  /**
   * The workflow's `config.observability.mlflow` settings.
   *
   * @default {{}}
   */
  mlflow?: MlflowCaptureSettings;
  /**
   * The workflow's nodes, for their `log_prompts` and `log_artifacts` overrides.
   *
   * @default {[]}
   */
  nodes?: readonly NodeCaptureSettings[];
  /**
   * Deliver in the background (`async_logging`): a run's `finish` does not wait for the export.
   * Each finished run is journaled in the spool first, so a crash cannot lose it.
   *
   * @default {true}
   */
  async?: boolean;
  /**
   * Writes the bundles instead of the sink the destination leads to (tests, embedders).
   *
   * @default {the SQLite file or tracking server of `trackingUri`, opened at the first delivery}
   */
  sink?: TraceSink;
  /**
   * How the default sink is opened: fetch, environment, SQLite options, a worker-thread sink.
   *
   * @default {Deno's}
   */
  sinkOptions?: OpenSinkDeps;
  /**
   * Where undeliverable runs (and the journal of asynchronous ones) go.
   *
   * @default {{ dir: ".mlflow-spool" }}
   */
  spool?: SpoolOptions;
  /**
   * Checks made once before the first delivery (permissions, reachability); `false` skips them.
   *
   * @default {Deno's permission query and TCP connect}
   */
  preflight?: PreflightDeps | false;
  /**
   * The span of another system every run nests under (W3C trace context). A function is asked
   * at the start of each run.
   *
   * @default {the caller's active OpenTelemetry span, when there is one}
   */
  parent?: ForeignParent | (() => ForeignParent | undefined);
  /**
   * Credential values scrubbed from everything recorded (see `secretValuesFromEnv`).
   *
   * @default {[]}
   */
  secrets?: readonly string[];
  /**
   * Clock in milliseconds since the epoch (fractions allowed).
   *
   * @default {() => performance.timeOrigin + performance.now()}
   */
  now?: () => number;
  /**
   * `mlflow.user` of traces and runs.
   *
   * @default {"unknown"}
   */
  user?: string;
  /**
   * `mlflow.source.name` of traces and runs (the workflow file, say).
   *
   * @default {"configurable-agents"}
   */
  sourceName?: string;
  /**
   * Receives the warnings of tracking (the run itself never fails for them): one for delivery
   * problems, one for traces that could not even be spooled.
   *
   * @default {() => {}}
   */
  warn?: (message: string) => void;
  /**
   * Deliveries at once.
   *
   * @default {1 for a SQLite file, 4 for a tracking server}
   */
  concurrency?: number;
  /**
   * An OTLP collector that gets every trace's spans too (see `readOtlpEnv` for the standard
   * `OTEL_EXPORTER_OTLP_*` settings), best effort.
   *
   * @default {none}
   */
  collector?: OtlpCollectorConfig;
  /**
   * Give every run outside a group an MLflow run of its own with its params, metrics and
   * artifacts (`run_per_execution`); otherwise a run records its trace only, and MLflow runs are
   * made for batches and evaluations (see {@linkcode MlflowTracker.startGroupRun}).
   *
   * @default {false}
   */
  runPerExecution?: boolean;
  /**
   * The workflow version every trace links to (`mlflow.modelId`, "Agent versions" in MLflow's
   * UI).
   *
   * @default {none}
   */
  agentVersion?: AgentVersionRecord;
  /**
   * New group run keys (32 hex digits).
   *
   * @default {random}
   */
  newRunKey?: () => string;
}

/** Options of {@linkcode MlflowTracker.close}. */
export interface CloseTrackerOptions {
  /**
   * How long to wait for the deliveries, milliseconds; `Infinity` waits for all of them.
   *
   * @default {5000}
   */
  timeoutMs?: number;
  /**
   * Stop reason recorded on runs that were still open.
   *
   * @default {"interrupted"}
   */
  reason?: string;
  /**
   * Stops the wait for the deliveries early (an interrupt): what is left goes to the spool.
   *
   * @default {none}
   */
  signal?: AbortSignal | undefined;
}
