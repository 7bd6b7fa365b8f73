/**
 * What tracking writes, as plain data. A `TraceBundle` is one finished workflow run: its trace
 * (info and spans), the agent version (MLflow LoggedModel) it links to, the group run (a batch
 * or an evaluation) it belongs to, the assessments of an evaluation, and, only when one MLflow
 * run per execution is asked for, its own MLflow run. A `RunBundle` is the end of a group run:
 * its params, aggregate metrics, status and dataset. A sink writes either (SQLite file,
 * tracking server) or the spool keeps it until `traces push`. Bundles are JSON-serialisable
 * except for the `bigint` nanosecond times (see `serializeBundle` in the spool). The keys that
 * link runs, traces and versions are here too, so the writers and the reports cannot disagree
 * on them.
 *
 * @module
 */

import type { JsonValue } from "./python_json.ts";

/** Run tag holding the trace id of the run (how a run's own trace is found again). */
export const TRACE_ID_TAG = "configurable_agents.trace_id";

/**
 * Trace tag (and run tag of a run of one execution) listing `provider/model` of the calls that
 * could not be priced (comma-separated).
 */
export const COST_UNKNOWN_MODELS_TAG = "configurable_agents.cost_unknown_models";

/** Trace metadata holding the run id of the trace (added by the sink). */
export const SOURCE_RUN_METADATA = "mlflow.sourceRun";

/** Trace metadata holding the id of the LoggedModel (agent version) of the trace. */
export const MODEL_ID_METADATA = "mlflow.modelId";

/** Trace tag naming the workflow: it marks the traces this toolkit recorded. */
export const WORKFLOW_TAG = "configurable_agents.workflow";

/** Run tag of a group run: `batch` or `evaluation` (a run of one execution has none). */
export const RUN_KIND_TAG = "configurable_agents.run_kind";

/**
 * Run tag holding the key of a group run: its run id in a SQLite file, and how a tracking
 * server's run (whose id the server chooses) is found again.
 */
export const RUN_KEY_TAG = "configurable_agents.run_key";

/** Run tag MLflow's own evaluation sets, and the UI reads. */
export const RUN_TYPE_TAG = "mlflow.runType";

/** `mlflow.runType` of an evaluation run. */
export const EVALUATION_RUN_TYPE = "genai_evaluate";

/** Trace tag MLflow's evaluation gives each row's trace. */
export const EVAL_REQUEST_ID_TAG = "mlflow.eval.requestId";

/**
 * Trace tag of this toolkit holding an evaluation record's key (a hash of its inputs), by which
 * a later evaluation of the same dataset is compared with this one.
 */
export const EVAL_RECORD_KEY_TAG = "configurable_agents.eval.recordKey";

/** Assessment metadata holding the evaluation run an assessment was made in. */
export const ASSESSMENT_SOURCE_RUN_METADATA = "mlflow.assessment.sourceRunId";

/** OpenTelemetry span status, as MLflow names it. */
export type SpanStatusCode = "UNSET" | "OK" | "ERROR";

/** A span event, such as an `exception`. */
export interface SpanEventRecord {
  /** Event name (`exception` for errors). */
  name: string;
  /** Nanoseconds since the Unix epoch. */
  timeUnixNano: bigint;
  /** Attributes as native values. */
  attributes: Record<string, unknown>;
}

/** A finished span as plain data. */
export interface SpanRecord {
  /** 32 lowercase hex digits (the OpenTelemetry trace id, without `tr-`). */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  /** 16 hex digits, or `null` for the root span. */
  parentSpanId: string | null;
  /** Span name. */
  name: string;
  /** Nanoseconds since the Unix epoch. */
  startTimeUnixNano: bigint;
  /** Nanoseconds since the Unix epoch. */
  endTimeUnixNano: bigint;
  /** Status and its message (`"<Type>: <message>"` for errors, `""` otherwise). */
  status: { code: SpanStatusCode; message: string };
  /**
   * Attributes as native JSON values: `mlflow.spanType` is the plain string `"CHAIN"`,
   * `mlflow.spanInputs` the inputs object itself, `mlflow.chat.tokenUsage` an object.
   * Stored span JSON encodes each value as a JSON string; OTLP sends them as native values.
   */
  attributes: Record<string, unknown>;
  /** Events in time order. */
  events: SpanEventRecord[];
}

/**
 * Orders span records by start time (for `Array.prototype.sort`).
 *
 * @param a A span.
 * @param b Another span.
 * @returns Negative when `a` started first, positive when `b` did, 0 for the same time.
 */
export function byStartTime(a: SpanRecord, b: SpanRecord): number {
  return a.startTimeUnixNano < b.startTimeUnixNano
    ? -1
    : a.startTimeUnixNano > b.startTimeUnixNano
    ? 1
    : 0;
}

/** The trace of one run. */
export interface TraceRecord {
  /** MLflow trace id: `tr-` + the 32-hex OpenTelemetry trace id. */
  traceId: string;
  /** Start of the root span, milliseconds since the epoch. */
  requestTimeMs: number;
  /** Duration of the root span in milliseconds. */
  executionTimeMs: number;
  /** `OK` unless the root span ended with ERROR. */
  state: "OK" | "ERROR";
  /** First 1000 characters of the root inputs as JSON. */
  requestPreview: string;
  /** First 1000 characters of the root outputs as JSON. */
  responsePreview: string;
  /**
   * Trace metadata (`trace_request_metadata`): `mlflow.trace_schema.version`,
   * `mlflow.trace.tokenUsage`, `mlflow.trace.cost`, `mlflow.traceInputs`, ...
   * `mlflow.sourceRun` is added by the sink once the run id is known.
   */
  metadata: Record<string, string>;
  /**
   * Trace tags: `mlflow.traceName`, ... The sink adds `mlflow.artifactLocation` and
   * `mlflow.trace.spansLocation`.
   */
  tags: Record<string, string>;
  /** Every span of the trace, the root included. */
  spans: SpanRecord[];
  /**
   * The span of another system (W3C trace context) this trace nests under: the parent of the
   * root span there. The root's own `parentSpanId` is `null`.
   */
  remoteParentSpanId?: string | undefined;
}

/** A file logged as a run artifact, relative to the run's artifact root. */
export interface ArtifactRecord {
  /** Relative path such as `outputs.json` or `nodes/write/prompt.txt`. */
  path: string;
  /** File content (UTF-8 text). */
  content: string;
}

/** The MLflow run of one workflow run. */
export interface RunRecord {
  /** Run name (`mlflow.runName`). */
  runName: string;
  /** Milliseconds since the epoch. */
  startTimeMs: number;
  /** Milliseconds since the epoch. */
  endTimeMs: number;
  /** Final status. */
  status: "FINISHED" | "FAILED" | "KILLED";
  /** Params (values at most 6000 characters). */
  params: Record<string, string>;
  /** Metrics, each logged once at step 0 with `endTimeMs` as its timestamp. */
  metrics: Record<string, number>;
  /** Run tags (`mlflow.runName`, `mlflow.user`, `mlflow.source.name`, `mlflow.source.type`, ...). */
  tags: Record<string, string>;
  /** Artifacts per `artifact_level`. */
  artifacts: ArtifactRecord[];
}

/**
 * A version of a workflow (an "agent version" in MLflow's UI): one LoggedModel per experiment,
 * found by its name (the flow name and a short hash of the normalised workflow) and created
 * when missing.
 */
export interface AgentVersionRecord {
  /** `<flow name>-<first 8 hex digits of the hash>`. */
  name: string;
  /** Params of the LoggedModel (`workflow`, `workflow_sha256`, `models`, ...). */
  params: Record<string, string>;
  /** Tags of the LoggedModel (`mlflow.user`, `mlflow.source.name`, ...). */
  tags: Record<string, string>;
  /** Files logged with it where the store has artifacts (the workflow file). */
  artifacts: ArtifactRecord[];
}

/**
 * The group run (a batch or an evaluation) a trace belongs to: enough to create the run when
 * the trace arrives first, and the key it is found by.
 */
export interface GroupRunLink {
  /** 32 hex digits: the run id in a SQLite file; tag {@linkcode RUN_KEY_TAG} on a server. */
  key: string;
  /** Run name. */
  runName: string;
  /** Milliseconds since the epoch. */
  startTimeMs: number;
  /** Tags the run is created with (`mlflow.runType`, {@linkcode RUN_KIND_TAG}, ...). */
  tags: Record<string, string>;
}

/** Where an assessment comes from, as MLflow names it. */
export interface AssessmentSourceRecord {
  /** `CODE` for checks, `LLM_JUDGE` for judges, `HUMAN` for expectations. */
  type: "CODE" | "LLM_JUDGE" | "HUMAN";
  /** The scorer's name, the judge's model, or the user. */
  id: string;
}

/** A feedback or an expectation on a trace, as MLflow's evaluation writes it. */
export interface AssessmentRecord {
  /** `a-` + 32 hex digits (the id in a SQLite file; a server chooses its own). */
  assessmentId: string;
  /** The scorer's name, or the expectation's key. */
  name: string;
  /** A scorer's verdict (`feedback`) or an expected value (`expectation`). */
  kind: "feedback" | "expectation";
  /** The value: `true`/`false`, a number, a label, any JSON for an expectation; `null` on error. */
  value: JsonValue;
  /** Why the scorer could not give a value. */
  error?: { code: string; message: string } | undefined;
  /** The scorer's explanation. */
  rationale?: string | undefined;
  /** Who made it. */
  source: AssessmentSourceRecord;
  /** Milliseconds since the epoch. */
  createdMs: number;
  /**
   * Metadata besides {@linkcode ASSESSMENT_SOURCE_RUN_METADATA} (added by the sink): a judge's
   * tokens and cost.
   */
  metadata: Record<string, string>;
}

/** One finished workflow run, ready to be written anywhere. */
export interface TraceBundle {
  /** Format version of this structure. */
  version: 1;
  /** Where it was meant to go (`sqlite:///...` or `http(s)://...`). */
  trackingUri: string;
  /** Experiment name; the sink finds or creates it. */
  experimentName: string;
  /** The trace. */
  trace: TraceRecord;
  /**
   * The MLflow run of this execution alone (the opt-in one run per execution); absent by
   * default: the trace is recorded without a run, or in its group's.
   */
  run?: RunRecord | undefined;
  /** The group run (batch or evaluation) the trace belongs to. */
  group?: GroupRunLink | undefined;
  /** The workflow version the trace links to (`mlflow.modelId`). */
  agentVersion?: AgentVersionRecord | undefined;
  /** Assessments of the trace (an evaluation's feedback and expectations). */
  assessments?: AssessmentRecord[] | undefined;
}

/** A dataset an evaluation ran over (MLflow's `datasets` and `inputs` of the run). */
export interface DatasetRecord {
  /** Dataset name (the file's base name). */
  name: string;
  /** Short content hash (8 hex digits), as MLflow's digests are. */
  digest: string;
  /** MLflow's source type (`local`). */
  sourceType: string;
  /** The source as JSON text (`{"uri": "..."}`). */
  source: string;
  /** The profile as JSON text (`{"num_rows": 20}`). */
  profile: string;
}

/** The end of a group run (batch or evaluation): its params, aggregates and status. */
export interface RunBundle {
  /** Format version of this structure. */
  version: 1;
  /** What this is. */
  kind: "run";
  /** Where it was meant to go. */
  trackingUri: string;
  /** Experiment name. */
  experimentName: string;
  /** The run's key, name, start and creation tags. */
  group: GroupRunLink;
  /** The run as it ended: params, metrics, tags, artifacts, status and end time. */
  run: RunRecord;
  /** The dataset of an evaluation. */
  dataset?: DatasetRecord | undefined;
}

/** Anything a sink delivers and the spool keeps. */
export type TrackingBundle = TraceBundle | RunBundle;

/**
 * Whether a bundle is the end of a group run.
 *
 * @param bundle A bundle.
 * @returns `true` for a {@linkcode RunBundle}.
 */
export function isRunBundle(bundle: TrackingBundle): bundle is RunBundle {
  return "kind" in bundle && bundle.kind === "run";
}

/**
 * The id a bundle is delivered and spooled under: its trace id, or `run-<key>` for the end of a
 * group run.
 *
 * @param bundle A bundle.
 * @returns The id.
 */
export function bundleId(bundle: TrackingBundle): string {
  return isRunBundle(bundle) ? `run-${bundle.group.key}` : bundle.trace.traceId;
}

/**
 * How messages name a bundle: `trace "tr-..."` or `run "<name>"`.
 *
 * @param bundle A bundle.
 * @returns The words.
 */
export function describeBundle(bundle: TrackingBundle): string {
  return isRunBundle(bundle) ? `run "${bundle.group.runName}"` : `trace "${bundle.trace.traceId}"`;
}

/** Where a bundle ended up. */
export interface DeliveryReceipt {
  /** MLflow experiment id. */
  experimentId: string;
  /** MLflow run id of the trace (its own or its group's), or of the group run; none without. */
  runId: string | undefined;
  /** `true` when it was already there (a repeated push) and nothing was written. */
  alreadyPresent: boolean;
}

/** Writes bundles to one destination. */
export interface TraceSink {
  /**
   * Writes a trace (with its run, version, group link and assessments) or the end of a group
   * run. Idempotent by {@linkcode bundleId}: what is already present is not written again.
   * Throws when the destination cannot take it (the caller spools it).
   */
  deliver(bundle: TrackingBundle): Promise<DeliveryReceipt>;
  /** Releases connections and files. */
  close(): Promise<void>;
}

/** What became of a submitted bundle. */
export type DeliveryOutcome =
  | { state: "delivered"; receipt: DeliveryReceipt }
  | { state: "queued" }
  | { state: "spooled"; spoolFile: string; reason: string }
  | { state: "lost"; reason: string };
