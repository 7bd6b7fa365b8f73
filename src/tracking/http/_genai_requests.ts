/**
 * The requests of MLflow 3's GenAI model that `MlflowClient` does not make, with the bodies
 * MLflow's own client sends (golden wire captures `golden-wire-eval.jsonl` and
 * `golden-wire-model.jsonl`): logged models (agent versions) searched, created, given params,
 * finalised and deleted; assessments; traces linked to a run; a run's dataset input; and runs
 * deleted (a duplicate group run).
 *
 * @module
 */
import { z } from "zod";
import type { RestTransport } from "./_rest_transport.ts";
import { EmptyResponse } from "./_mlflow_schemas.ts";
import type { JsonValue } from "../python_json.ts";
import type { AssessmentRecord, DatasetRecord } from "../trace_bundle.ts";

/** A logged model as the server describes it. */
export interface MlflowLoggedModel {
  /** `m-` + 32 hex digits. */
  modelId: string;
  /** Its name. */
  name: string;
  /** Where its artifacts go. */
  artifactUri: string | undefined;
  /** Creation time, milliseconds since the epoch. */
  createdMs: number;
  /** `LOGGED_MODEL_PENDING`, `LOGGED_MODEL_READY`, ... */
  status: string | undefined;
}

const Int64 = z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)]);

const LoggedModelSchema = z.object({
  info: z.object({
    model_id: z.string(),
    name: z.string().default(""),
    artifact_uri: z.string().optional(),
    creation_timestamp_ms: Int64.optional(),
    status: z.string().optional(),
  }),
}).transform((model): MlflowLoggedModel => ({
  modelId: model.info.model_id,
  name: model.info.name,
  artifactUri: model.info.artifact_uri,
  createdMs: model.info.creation_timestamp_ms ?? 0,
  status: model.info.status,
}));

const ModelResponse = z.object({ model: LoggedModelSchema }).transform((body) => body.model);

const SearchModelsResponse = z.object({
  models: z.array(LoggedModelSchema).default([]),
}).transform((body) => body.models);

/** MLflow's limit on traces per `link-to-run` request. */
export const MAX_TRACE_LINKS = 100;

/**
 * The GenAI requests of one server, over the transport of an `MlflowClient` (same base URL,
 * auth, timeout and abort signal).
 */
export class GenAiRequests {
  readonly #transport: RestTransport;

  /** @param transport The transport of the server. */
  constructor(transport: RestTransport) {
    this.#transport = transport;
  }

  /**
   * `POST logged-models/search` by name in one experiment.
   *
   * @param experimentId The experiment.
   * @param name The model name.
   * @returns The active models of that name, oldest first.
   */
  async searchLoggedModels(experimentId: string, name: string): Promise<MlflowLoggedModel[]> {
    const models = await this.#transport.request({
      action: `find logged model "${name}"`,
      method: "POST",
      path: "/api/2.0/mlflow/logged-models/search",
      json: {
        experiment_ids: [experimentId],
        filter: `name='${name.replaceAll("'", "\\'")}'`,
        max_results: 50,
      },
      schema: SearchModelsResponse,
    });
    return models.filter((model) => model.name === name).sort(byAge);
  }

  /**
   * `POST logged-models`: a new model, `PENDING` until finalised.
   *
   * @param experimentId The experiment.
   * @param name The model name.
   * @param tags Its tags.
   * @returns The model.
   */
  async createLoggedModel(
    experimentId: string,
    name: string,
    tags: Readonly<Record<string, string>>,
  ): Promise<MlflowLoggedModel> {
    return await this.#transport.request({
      action: `create logged model "${name}"`,
      method: "POST",
      path: "/api/2.0/mlflow/logged-models",
      json: {
        experiment_id: experimentId,
        name,
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      },
      schema: ModelResponse,
    });
  }

  /**
   * `POST logged-models/{id}/params`.
   *
   * @param modelId The model.
   * @param params Its params.
   */
  async logLoggedModelParams(
    modelId: string,
    params: Readonly<Record<string, string>>,
  ): Promise<void> {
    if (Object.keys(params).length === 0) return;
    await this.#transport.request({
      action: `log the params of logged model "${modelId}"`,
      method: "POST",
      path: `/api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}/params`,
      json: {
        model_id: modelId,
        params: Object.entries(params).map(([key, value]) => ({ key, value })),
      },
      schema: EmptyResponse,
    });
  }

  /**
   * `PATCH logged-models/{id}`: status `LOGGED_MODEL_READY`.
   *
   * @param modelId The model.
   */
  async finalizeLoggedModel(modelId: string): Promise<void> {
    await this.#transport.request({
      action: `finalize logged model "${modelId}"`,
      method: "PATCH",
      path: `/api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}`,
      json: { model_id: modelId, status: "LOGGED_MODEL_READY" },
      schema: EmptyResponse,
    });
  }

  /**
   * `DELETE logged-models/{id}` (a duplicate made by a concurrent process).
   *
   * @param modelId The model.
   */
  async deleteLoggedModel(modelId: string): Promise<void> {
    await this.#transport.request({
      action: `delete logged model "${modelId}"`,
      method: "DELETE",
      path: `/api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}`,
      schema: EmptyResponse,
    });
  }

  /**
   * `POST runs/delete` (a duplicate group run made by a concurrent process).
   *
   * @param runId The run.
   */
  async deleteRun(runId: string): Promise<void> {
    await this.#transport.request({
      action: `delete run "${runId}"`,
      method: "POST",
      path: "/api/2.0/mlflow/runs/delete",
      json: { run_id: runId },
      schema: EmptyResponse,
    });
  }

  /**
   * `POST traces/link-to-run` (at most {@linkcode MAX_TRACE_LINKS} traces).
   *
   * @param traceIds The traces.
   * @param runId The run.
   */
  async linkTracesToRun(traceIds: readonly string[], runId: string): Promise<void> {
    await this.#transport.request({
      action: `link ${traceIds.length} trace${traceIds.length === 1 ? "" : "s"} to run "${runId}"`,
      method: "POST",
      path: "/api/2.0/mlflow/traces/link-to-run",
      json: { trace_ids: [...traceIds], run_id: runId },
      schema: EmptyResponse,
    });
  }

  /**
   * `POST /api/3.0/mlflow/traces/{id}/assessments`.
   *
   * @param traceId The trace.
   * @param assessment The assessment.
   * @param options The span it is on and its metadata (the evaluation run included).
   */
  async createAssessment(
    traceId: string,
    assessment: AssessmentRecord,
    options: { spanId: string | undefined; metadata: Record<string, string> },
  ): Promise<void> {
    const time = new Date(assessment.createdMs).toISOString();
    const value: { value: JsonValue; error?: Record<string, string> } = {
      value: assessment.value,
    };
    if (assessment.error) {
      value.error = { error_code: assessment.error.code, error_message: assessment.error.message };
    }
    await this.#transport.request({
      action: `record assessment "${assessment.name}" of trace "${traceId}"`,
      method: "POST",
      path: `/api/3.0/mlflow/traces/${encodeURIComponent(traceId)}/assessments`,
      json: {
        assessment: {
          assessment_name: assessment.name,
          trace_id: traceId,
          ...(options.spanId === undefined ? {} : { span_id: options.spanId }),
          source: { source_type: assessment.source.type, source_id: assessment.source.id },
          create_time: time,
          last_update_time: time,
          [assessment.kind]: value,
          ...(assessment.rationale === undefined ? {} : { rationale: assessment.rationale }),
          ...(Object.keys(options.metadata).length === 0 ? {} : { metadata: options.metadata }),
          ...(assessment.kind === "feedback" ? { valid: true } : {}),
        },
      },
      schema: EmptyResponse,
    });
  }

  /**
   * `POST runs/log-inputs`: the dataset a run used.
   *
   * @param runId The run.
   * @param dataset The dataset.
   */
  async logDatasetInput(runId: string, dataset: DatasetRecord): Promise<void> {
    await this.#transport.request({
      action: `log dataset "${dataset.name}" of run "${runId}"`,
      method: "POST",
      path: "/api/2.0/mlflow/runs/log-inputs",
      json: {
        run_id: runId,
        datasets: [{
          dataset: {
            name: dataset.name,
            digest: dataset.digest,
            source_type: dataset.sourceType,
            source: dataset.source,
            profile: dataset.profile,
          },
        }],
      },
      schema: EmptyResponse,
    });
  }
}

function byAge(a: MlflowLoggedModel, b: MlflowLoggedModel): number {
  return a.createdMs - b.createdMs || a.modelId.localeCompare(b.modelId);
}
