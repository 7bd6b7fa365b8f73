/**
 * zod schemas of MLflow's REST answers (field names as in `mlflow/protos/service.proto` and
 * the golden wire capture), each turning the answer into the typed data of
 * `mlflow_entities.ts`. Unknown fields are dropped; missing required ones fail the request.
 *
 * @module
 */
import { z } from "zod";
import type {
  MlflowAssessmentInfo,
  MlflowExperiment,
  MlflowModelVersion,
  MlflowModelVersionPage,
  MlflowRegisteredModel,
  MlflowRegisteredModelPage,
  MlflowRun,
  MlflowRunInfo,
  MlflowRunPage,
  MlflowRunStatus,
  MlflowTraceInfo,
  MlflowTraceState,
} from "./mlflow_entities.ts";

/** int64 fields: MLflow writes numbers; protobuf JSON may write decimal strings. */
const Int64 = z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)]);

/** double fields: numbers, or "NaN" / "Infinity" / "-Infinity" as protobuf JSON writes them. */
const Double = z.union([
  z.number(),
  z.enum(["NaN", "Infinity", "-Infinity"]).transform(Number),
]);

const KeyValueList = z.array(z.object({ key: z.string(), value: z.string().default("") }))
  .default([])
  .transform((entries) => Object.fromEntries(entries.map(({ key, value }) => [key, value])));

const ExperimentSchema = z.object({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string().optional(),
  lifecycle_stage: z.string().optional(),
}).transform((e): MlflowExperiment => ({
  experimentId: e.experiment_id,
  name: e.name,
  artifactLocation: e.artifact_location,
  lifecycleStage: e.lifecycle_stage,
}));

const RunStatus = z.enum(["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"]);

const RunInfoSchema = z.object({
  run_id: z.string().optional(),
  run_uuid: z.string().optional(),
  experiment_id: z.string(),
  run_name: z.string().optional(),
  status: RunStatus,
  start_time: Int64.optional(),
  end_time: Int64.optional(),
  artifact_uri: z.string().optional(),
  lifecycle_stage: z.string().optional(),
}).refine((info) => info.run_id ?? info.run_uuid, { message: "run_id is missing" })
  .transform((info): MlflowRunInfo => ({
    runId: info.run_id ?? info.run_uuid ?? "",
    experimentId: info.experiment_id,
    runName: info.run_name,
    status: info.status as MlflowRunStatus,
    startTime: info.start_time,
    endTime: info.end_time,
    artifactUri: info.artifact_uri,
    lifecycleStage: info.lifecycle_stage,
  }));

const RunSchema = z.object({
  info: RunInfoSchema,
  data: z.object({
    tags: KeyValueList,
    params: KeyValueList,
    metrics: z.array(z.object({ key: z.string(), value: Double })).default([]),
  }).prefault({}),
}).transform((run): MlflowRun => ({
  info: run.info,
  tags: run.data.tags,
  params: run.data.params,
  metrics: Object.fromEntries(run.data.metrics.map(({ key, value }) => [key, value])),
}));

const AssessmentSchema = z.object({
  assessment_name: z.string().default(""),
  source: z.object({
    source_type: z.string().optional(),
    source_id: z.string().optional(),
  }).optional(),
  feedback: z.unknown().optional(),
  expectation: z.unknown().optional(),
  metadata: z.record(z.string(), z.string()).default({}),
}).transform((assessment): MlflowAssessmentInfo => ({
  name: assessment.assessment_name,
  kind: assessment.feedback !== undefined
    ? "feedback"
    : assessment.expectation !== undefined
    ? "expectation"
    : "other",
  sourceType: assessment.source?.source_type,
  sourceId: assessment.source?.source_id,
  sourceRunId: assessment.metadata["mlflow.assessment.sourceRunId"],
}));

const TraceState = z.enum(["OK", "ERROR", "IN_PROGRESS", "STATE_UNSPECIFIED"]);

const TraceInfoSchema = z.object({
  trace_id: z.string(),
  trace_location: z.object({
    type: z.string(),
    mlflow_experiment: z.object({ experiment_id: z.string() }).optional(),
  }).optional(),
  request_time: z.string().optional(),
  execution_duration: z.string().optional(),
  state: TraceState.optional(),
  request_preview: z.string().optional(),
  response_preview: z.string().optional(),
  trace_metadata: z.record(z.string(), z.string()).default({}),
  tags: z.record(z.string(), z.string()).default({}),
  assessments: z.array(AssessmentSchema).default([]),
}).transform((info): MlflowTraceInfo => ({
  traceId: info.trace_id,
  experimentId: info.trace_location?.mlflow_experiment?.experiment_id,
  requestTime: info.request_time,
  executionDuration: info.execution_duration,
  state: info.state as MlflowTraceState | undefined,
  requestPreview: info.request_preview,
  responsePreview: info.response_preview,
  metadata: info.trace_metadata,
  tags: info.tags,
  assessments: info.assessments,
}));

/** `GET experiments/get-by-name`, `GET experiments/get`. */
export const GetExperimentResponse = z.object({ experiment: ExperimentSchema })
  .transform((body) => body.experiment);

/** `POST experiments/create`. */
export const CreateExperimentResponse = z.object({ experiment_id: z.string() })
  .transform((body) => body.experiment_id);

/** `POST runs/create`, `GET runs/get`. */
export const RunResponse = z.object({ run: RunSchema }).transform((body) => body.run);

/** `POST runs/update`. */
export const UpdateRunResponse = z.object({ run_info: RunInfoSchema })
  .transform((body) => body.run_info);

/** `POST runs/search`. */
export const SearchRunsResponse = z.object({
  runs: z.array(RunSchema).default([]),
  next_page_token: z.string().optional(),
}).transform((body): MlflowRunPage => ({
  runs: body.runs,
  nextPageToken: body.next_page_token || undefined,
}));

/** `POST /api/3.0/mlflow/traces` (StartTraceV3), `GET /api/3.0/mlflow/traces/{id}`. */
export const TraceInfoResponse = z.object({ trace: z.object({ trace_info: TraceInfoSchema }) })
  .transform((body) => body.trace.trace_info);

/** Answers whose content does not matter (`log-batch`: `{}`). */
export const EmptyResponse = z.unknown().transform(() => undefined);

/** MLflow's error body. */
export const ErrorBody = z.object({
  error_code: z.string().optional(),
  message: z.string().optional(),
});

const ModelVersionSchema = z.object({
  name: z.string(),
  version: z.union([z.string().regex(/^\d+$/), z.number().int()]).transform(Number),
  description: z.string().optional(),
  creation_timestamp: Int64.optional(),
  current_stage: z.string().optional(),
  tags: KeyValueList,
  aliases: z.array(z.string()).default([]),
}).transform((version): MlflowModelVersion => ({
  name: version.name,
  version: version.version,
  description: version.description,
  creationTimestamp: version.creation_timestamp,
  currentStage: version.current_stage,
  tags: version.tags,
  aliases: version.aliases,
}));

const RegisteredModelSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  creation_timestamp: Int64.optional(),
  tags: KeyValueList,
  aliases: z.array(
    z.object({
      alias: z.string(),
      version: z.union([z.string().regex(/^\d+$/), z.number().int()]).transform(Number),
    }),
  ).default([]),
  latest_versions: z.array(ModelVersionSchema).default([]),
}).transform((model): MlflowRegisteredModel => ({
  name: model.name,
  description: model.description,
  creationTimestamp: model.creation_timestamp,
  tags: model.tags,
  aliases: Object.fromEntries(model.aliases.map(({ alias, version }) => [alias, version])),
  latestVersions: model.latest_versions,
}));

/** `registered-models/get`, `registered-models/create`. */
export const RegisteredModelResponse = z.object({ registered_model: RegisteredModelSchema })
  .transform((body) => body.registered_model);

/** `model-versions/get`, `model-versions/create`, `registered-models/alias` (GET). */
export const ModelVersionResponse = z.object({ model_version: ModelVersionSchema })
  .transform((body) => body.model_version);

/** `registered-models/search`. */
export const SearchRegisteredModelsResponse = z.object({
  registered_models: z.array(RegisteredModelSchema).default([]),
  next_page_token: z.string().optional(),
}).transform((body): MlflowRegisteredModelPage => ({
  models: body.registered_models,
  nextPageToken: body.next_page_token || undefined,
}));

/** `model-versions/search`. */
export const SearchModelVersionsResponse = z.object({
  model_versions: z.array(ModelVersionSchema).default([]),
  next_page_token: z.string().optional(),
}).transform((body): MlflowModelVersionPage => ({
  versions: body.model_versions,
  nextPageToken: body.next_page_token || undefined,
}));
