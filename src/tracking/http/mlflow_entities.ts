/**
 * What an MLflow tracking server answers, as typed data (camelCase, numbers as numbers). The
 * client checks every answer against MLflow's REST shapes before turning it into these.
 *
 * @module
 */

/** An experiment (`experiments/get-by-name`, `experiments/get`). */
export interface MlflowExperiment {
  /** Experiment id (a decimal string on SQL stores). */
  experimentId: string;
  /** Unique name. */
  name: string;
  /** Where its artifacts go (`mlflow-artifacts:/2`, `/srv/mlruns/2`, `s3://...`). */
  artifactLocation: string | undefined;
  /** `active` or `deleted`. */
  lifecycleStage: string | undefined;
}

/** Status of an MLflow run. */
export type MlflowRunStatus = "RUNNING" | "SCHEDULED" | "FINISHED" | "FAILED" | "KILLED";

/** The info part of a run. */
export interface MlflowRunInfo {
  /** 32 hex digits. */
  runId: string;
  /** Experiment id. */
  experimentId: string;
  /** Run name (`mlflow.runName`). */
  runName: string | undefined;
  /** Run status. */
  status: MlflowRunStatus;
  /** Milliseconds since the epoch. */
  startTime: number | undefined;
  /** Milliseconds since the epoch, once ended. */
  endTime: number | undefined;
  /** Root of the run's artifacts (`mlflow-artifacts:/...`, a path, `file://...`, `s3://...`). */
  artifactUri: string | undefined;
  /** `active` or `deleted`. */
  lifecycleStage: string | undefined;
}

/** A run with its data. */
export interface MlflowRun {
  /** Identity and status. */
  info: MlflowRunInfo;
  /** Run tags. */
  tags: Record<string, string>;
  /** Params. */
  params: Record<string, string>;
  /** Latest value of each metric (`NaN` where MLflow holds NaN). */
  metrics: Record<string, number>;
}

/** One page of `runs/search`. */
export interface MlflowRunPage {
  /** Runs of this page. */
  runs: MlflowRun[];
  /** Token of the next page, when there is one. */
  nextPageToken: string | undefined;
}

/** State of a trace. */
export type MlflowTraceState = "OK" | "ERROR" | "IN_PROGRESS" | "STATE_UNSPECIFIED";

/** Trace info V3 (`StartTraceV3`, `GetTraceInfoV3`). */
export interface MlflowTraceInfo {
  /** `tr-` + 32 hex digits. */
  traceId: string;
  /** Experiment of the trace location, when it is an MLflow experiment. */
  experimentId: string | undefined;
  /** ISO-8601 start time. */
  requestTime: string | undefined;
  /** Protobuf duration such as `"0.057s"`. */
  executionDuration: string | undefined;
  /** Trace state. */
  state: MlflowTraceState | undefined;
  /** First characters of the root inputs. */
  requestPreview: string | undefined;
  /** First characters of the root outputs. */
  responsePreview: string | undefined;
  /** Immutable metadata (`mlflow.sourceRun`, `mlflow.trace.tokenUsage`, ...). */
  metadata: Record<string, string>;
  /** Mutable tags (`mlflow.traceName`, `mlflow.artifactLocation`, ...). */
  tags: Record<string, string>;
  /** The trace's assessments, as far as telling them apart needs. */
  assessments: MlflowAssessmentInfo[];
}

/** An assessment of a trace: who made it, on what, in which evaluation run. */
export interface MlflowAssessmentInfo {
  /** Assessment name. */
  name: string;
  /** `feedback` or `expectation`. */
  kind: "feedback" | "expectation" | "other";
  /** `CODE`, `LLM_JUDGE`, `HUMAN`. */
  sourceType: string | undefined;
  /** The scorer, judge model or user. */
  sourceId: string | undefined;
  /** `mlflow.assessment.sourceRunId` of its metadata. */
  sourceRunId: string | undefined;
}
