/**
 * A finished run as plain data: its trace (info and spans) and its MLflow run. The tracer
 * builds one bundle per workflow run; a sink writes it (SQLite file, tracking server) or the
 * spool keeps it until `traces push`. Bundles are JSON-serialisable except for the `bigint`
 * nanosecond times (see `serializeBundle` in the spool). The keys that link a run and its
 * trace are here too, so the writers and the reports cannot disagree on them.
 *
 * @module
 */

/** Run tag holding the trace id of the run (how a run's own trace is found again). */
export const TRACE_ID_TAG = "configurable_agents.trace_id";

/** Run tag listing `provider/model` of the calls that could not be priced (comma-separated). */
export const COST_UNKNOWN_MODELS_TAG = "configurable_agents.cost_unknown_models";

/** Trace metadata holding the run id of the trace (added by the sink). */
export const SOURCE_RUN_METADATA = "mlflow.sourceRun";

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
  /** The run. */
  run: RunRecord;
}

/** Where a bundle ended up. */
export interface DeliveryReceipt {
  /** MLflow experiment id. */
  experimentId: string;
  /** MLflow run id. */
  runId: string;
  /** `true` when the trace was already there (a repeated push) and nothing was written. */
  alreadyPresent: boolean;
}

/** Writes bundles to one destination. */
export interface TraceSink {
  /**
   * Writes the run and the trace. Idempotent by trace id: a trace already present is not
   * written again. Throws when the destination cannot take it (the caller spools it).
   */
  deliver(bundle: TraceBundle): Promise<DeliveryReceipt>;
  /** Releases connections and files. */
  close(): Promise<void>;
}

/** What became of a submitted bundle. */
export type DeliveryOutcome =
  | { state: "delivered"; receipt: DeliveryReceipt }
  | { state: "queued" }
  | { state: "spooled"; spoolFile: string; reason: string }
  | { state: "lost"; reason: string };
