/**
 * The MLflow tracking-server side: a REST client, the OTLP span export and the `HttpSink`.
 *
 * @module
 */
export { HttpSink, type HttpSinkOptions } from "./http_sink.ts";
export { denoLocalArtifactFiles, type LocalArtifactFiles } from "./local_artifact_files.ts";
export {
  authHeaders,
  DEFAULT_REQUEST_TIMEOUT_MS,
  denoEnv,
  type EnvReader,
  redactUri,
  requestTimeoutMs,
} from "./mlflow_auth.ts";
export {
  type CreateRunInput,
  encodeMetricValue,
  type LogBatchInput,
  type MetricInput,
  MlflowClient,
  type MlflowClientOptions,
  type OtlpEndpoint,
  type SearchRunsInput,
  type StartTraceInput,
  type UpdateRunInput,
} from "./mlflow_client.ts";
export type {
  MlflowAssessmentInfo,
  MlflowExperiment,
  MlflowRun,
  MlflowRunInfo,
  MlflowRunPage,
  MlflowRunStatus,
  MlflowTraceInfo,
  MlflowTraceState,
} from "./mlflow_entities.ts";
export {
  isMlflowRequestError,
  type MlflowFailureKind,
  MlflowRequestError,
  type MlflowRequestErrorOptions,
} from "./mlflow_request_error.ts";
