/**
 * What reports read back from a tracking store (an MLflow SQLite file or a tracking server):
 * experiments, runs with their params, metrics and tags, and traces with their spans. Reports
 * work from traces: every workflow run records one, with or without an MLflow run.
 *
 * @module
 */
import type { SpanRecord } from "../trace_bundle.ts";

/** An MLflow experiment. */
export interface StoredExperiment {
  /** Experiment id (`"0"` is `Default`). */
  experimentId: string;
  /** Experiment name. */
  name: string;
}

/** An MLflow run as stored. */
export interface StoredRun {
  /** Run id (32 hex). */
  runId: string;
  /** Run name. */
  runName: string;
  /** Experiment id. */
  experimentId: string;
  /** `RUNNING`, `SCHEDULED`, `FINISHED`, `FAILED` or `KILLED`. */
  status: string;
  /** Start, milliseconds since the epoch. */
  startTimeMs: number;
  /** End, milliseconds since the epoch, or `undefined` while running. */
  endTimeMs: number | undefined;
  /** Params (`workflow_name`, `workflow_version`, `provider`, `model`, `schema_version`). */
  params: Record<string, string>;
  /** Latest value of each metric; `NaN` where MLflow stored NaN (cost unknown). */
  metrics: Record<string, number>;
  /** Run tags. */
  tags: Record<string, string>;
}

/** The information of a trace, without its spans. */
export interface StoredTraceInfo {
  /** Trace id (`tr-` + 32 hex). */
  traceId: string;
  /** Experiment id. */
  experimentId: string;
  /** Start, milliseconds since the epoch. */
  requestTimeMs: number;
  /** Duration in milliseconds. */
  executionTimeMs: number;
  /** `OK`, `ERROR` or `IN_PROGRESS`. */
  state: string;
  /** Preview of the root inputs. */
  requestPreview: string;
  /** Preview of the root outputs. */
  responsePreview: string;
  /** Trace metadata (`mlflow.sourceRun`, `mlflow.trace.tokenUsage`, `mlflow.trace.cost`, ...). */
  metadata: Record<string, string>;
  /** Trace tags (`mlflow.traceName`, ...). */
  tags: Record<string, string>;
}

/** A trace with its spans. */
export interface StoredTrace extends StoredTraceInfo {
  /** Every span, attributes decoded to native values. */
  spans: SpanRecord[];
}

/** An assessment of a trace as stored (an evaluation's feedback or expectation). */
export interface StoredAssessment {
  /** The trace it is on. */
  traceId: string;
  /** The scorer's name, or the expectation's key. */
  name: string;
  /** `feedback` or `expectation`. */
  kind: "feedback" | "expectation";
  /** The value as JSON decodes it (`null` when the scorer errored). */
  value: unknown;
  /** The error's message, when the scorer errored. */
  error?: string | undefined;
}

/** Which runs to read. Only runs recorded by this toolkit (with a `workflow_name` param). */
export interface RunQuery {
  /** Only these experiments; all when absent. */
  experimentIds?: readonly string[] | undefined;
  /** Only runs started at or after this time (ms since the epoch). */
  startedFromMs?: number | undefined;
  /** Only runs started before this time (ms since the epoch). */
  startedBeforeMs?: number | undefined;
  /** Only runs whose `workflow_name` param is this. */
  workflow?: string | undefined;
  /** Only runs with one of these statuses (`FINISHED`, `FAILED`, `KILLED`, ...). */
  statuses?: readonly string[] | undefined;
  /** Only these runs. */
  runIds?: readonly string[] | undefined;
}

/** Which traces to list, newest first. */
export interface TraceQuery {
  /** Only these experiments; all when absent. */
  experimentIds?: readonly string[] | undefined;
  /** Only the traces of this run (trace metadata `mlflow.sourceRun`). */
  runId?: string | undefined;
  /**
   * Only the traces of workflow runs this toolkit recorded (trace tag
   * `configurable_agents.workflow`), whether or not an MLflow run holds them.
   */
  workflowsOnly?: boolean | undefined;
  /** Only the traces of this workflow (trace tag `configurable_agents.workflow`). */
  workflow?: string | undefined;
  /** Only traces whose request started at or after this time (ms since the epoch). */
  startedFromMs?: number | undefined;
  /** Only traces whose request started before this time (ms since the epoch). */
  startedBeforeMs?: number | undefined;
  /** Only traces in one of these states (`OK`, `ERROR`). */
  states?: readonly string[] | undefined;
  /** At most this many; every match when absent. */
  limit?: number | undefined;
}

/** Reads runs and traces from one tracking store. */
export interface TrackingReader {
  /** Where it reads, for messages (never with credentials). */
  readonly location: string;
  /** Active experiments. */
  listExperiments(): Promise<StoredExperiment[]>;
  /** Active runs recorded by this toolkit that match the query, newest first. */
  readRuns(query: RunQuery): Promise<StoredRun[]>;
  /** Trace information matching the query, newest first. */
  readTraceInfos(query: TraceQuery): Promise<StoredTraceInfo[]>;
  /** One trace with its spans, or `undefined` when there is no such trace. */
  readTrace(traceId: string): Promise<StoredTrace | undefined>;
  /**
   * The valid assessments of these traces, in no particular order (readers written before
   * evaluations existed may lack it).
   */
  readAssessments?(traceIds: readonly string[]): Promise<StoredAssessment[]>;
  /** Releases the file or connections. */
  close(): Promise<void>;
}

export {
  COST_UNKNOWN_MODELS_TAG,
  SOURCE_RUN_METADATA,
  TRACE_ID_TAG,
  WORKFLOW_TAG,
} from "../trace_bundle.ts";
