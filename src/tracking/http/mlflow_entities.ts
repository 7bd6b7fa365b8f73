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

/** A model version of the model registry (`model-versions/get`, `model-versions/create`). */
export interface MlflowModelVersion {
  /** Registered model name. */
  name: string;
  /** Version number. */
  version: number;
  /** Description (a prompt's commit message). */
  description: string | undefined;
  /** Milliseconds since the epoch. */
  creationTimestamp: number | undefined;
  /** `None`, `Staging`, `Production`, `Archived`. */
  currentStage: string | undefined;
  /** Version tags by key (a prompt's template is `mlflow.prompt.text`). */
  tags: Record<string, string>;
  /** Aliases pointing at this version, when the server lists them. */
  aliases: string[];
}

/** A registered model of the model registry (`registered-models/get`). */
export interface MlflowRegisteredModel {
  /** Unique name. */
  name: string;
  /** Description. */
  description: string | undefined;
  /** Milliseconds since the epoch. */
  creationTimestamp: number | undefined;
  /** Tags by key (a prompt has `mlflow.prompt.is_prompt=true`). */
  tags: Record<string, string>;
  /** Aliases by name, each to its version. */
  aliases: Record<string, number>;
  /** The newest version of each stage. */
  latestVersions: MlflowModelVersion[];
}

/** One page of `registered-models/search`. */
export interface MlflowRegisteredModelPage {
  /** The models of the page. */
  models: MlflowRegisteredModel[];
  /** Token of the next page; `undefined` on the last. */
  nextPageToken: string | undefined;
}

/** One page of `model-versions/search`. */
export interface MlflowModelVersionPage {
  /** The versions of the page. */
  versions: MlflowModelVersion[];
  /** Token of the next page; `undefined` on the last. */
  nextPageToken: string | undefined;
}
