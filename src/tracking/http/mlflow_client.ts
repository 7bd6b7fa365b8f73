/**
 * A plain fetch wrapper over MLflow's tracking-server REST API: experiments, runs, log-batch,
 * StartTraceV3, trace info, runs search, the artifact proxy, `/health` and `/version`. Every
 * answer is checked against MLflow's shapes and returned as typed data; every failure is an
 * `MlflowRequestError` whose message names what failed and never a credential.
 *
 * @module
 */
import type { EnvReader } from "./mlflow_auth.ts";
import { openConnection } from "./_client_connection.ts";
import type {
  MlflowExperiment,
  MlflowRun,
  MlflowRunInfo,
  MlflowRunPage,
  MlflowTraceInfo,
} from "./mlflow_entities.ts";
import {
  CreateExperimentResponse,
  EmptyResponse,
  GetExperimentResponse,
  RunResponse,
  SearchRunsResponse,
  TraceInfoResponse,
  UpdateRunResponse,
} from "./_mlflow_schemas.ts";
import { type LogBatchInput, planLogBatches } from "./_log_batch.ts";
import type { RestTransport } from "./_rest_transport.ts";
import { artifactProxyPath, formatDuration } from "./_wire_format.ts";

export { encodeMetricValue, type LogBatchInput, type MetricInput } from "./_log_batch.ts";

/** How to reach the tracking server. */
export interface MlflowClientOptions {
  /**
   * `http(s)://host[:port][/prefix]`. User info in the URL (`http://user:pass@host`) is removed
   * from every request and used as Basic credentials when the environment has none.
   */
  baseUrl: string;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Reads `MLFLOW_TRACKING_*` and `MLFLOW_HTTP_REQUEST_TIMEOUT`. @default the Deno environment where permitted */
  env?: EnvReader;
  /** Timeout of each request. @default MLFLOW_HTTP_REQUEST_TIMEOUT seconds, else 120 s */
  timeoutMs?: number;
  /** Aborts every request of this client. */
  signal?: AbortSignal;
}

/** A new run. */
export interface CreateRunInput {
  /** Experiment id. */
  experimentId: string;
  /** Run name. */
  runName: string;
  /** Milliseconds since the epoch. */
  startTime: number;
  /** Run tags, `mlflow.runName` included. */
  tags: Readonly<Record<string, string>>;
  /** `user_id` of the run (MLflow's client sends `mlflow.user`). */
  userId?: string | undefined;
}

/** End state of a run. */
export interface UpdateRunInput {
  /** Final status. */
  status: "RUNNING" | "FINISHED" | "FAILED" | "KILLED";
  /** Milliseconds since the epoch. */
  endTime: number;
}

/** A `runs/search` query. */
export interface SearchRunsInput {
  /** Experiments to search. */
  experimentIds: readonly string[];
  /** MLflow search filter, e.g. ``tags.`configurable_agents.trace_id` = 'tr-...'``. */
  filter?: string;
  /** Page size (MLflow allows up to 50000). */
  maxResults?: number;
  /** Order, e.g. `["attributes.start_time DESC"]`. */
  orderBy?: readonly string[];
  /** Token of the page to read. */
  pageToken?: string;
  /** Which runs. @default "ACTIVE_ONLY" */
  runViewType?: "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";
}

/** The trace info StartTraceV3 records. */
export interface StartTraceInput {
  /** `tr-` + 32 hex digits. */
  traceId: string;
  /** Experiment of the trace. */
  experimentId: string;
  /** Start, milliseconds since the epoch. */
  requestTimeMs: number;
  /** Duration in milliseconds. */
  executionTimeMs: number;
  /** Trace state. */
  state: "OK" | "ERROR" | "IN_PROGRESS";
  /** First characters of the root inputs. */
  requestPreview?: string | undefined;
  /** First characters of the root outputs. */
  responsePreview?: string | undefined;
  /** Trace metadata. */
  metadata: Readonly<Record<string, string>>;
  /** Trace tags. */
  tags: Readonly<Record<string, string>>;
}

/** Where OTLP spans go and with which credentials. */
export interface OtlpEndpoint {
  /** `<base>/v1/traces`. */
  url: string;
  /** Auth headers (secret: never log them). */
  headers: Record<string, string>;
}

/**
 * A client of one MLflow tracking server.
 *
 * @example Usage
 * ```ts
 * import { MlflowClient } from "@configurable-agents/core";
 * const fakeFetch: typeof fetch = () =>
 *   Promise.resolve(Response.json({ experiment_id: "7" }));
 * const client = new MlflowClient({ baseUrl: "http://mlflow:5000", fetch: fakeFetch, env: () => undefined });
 * if (await client.createExperiment("demo") !== "7") throw new Error();
 * ```
 */
export class MlflowClient {
  readonly #base: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #transport: RestTransport;

  /**
   * Creates a client; credentials and the timeout are read from the environment once, here.
   *
   * @param options Base URL, fetch, environment, timeout and an abort signal.
   * @throws {TypeError} A base URL that is not http(s).
   */
  constructor(options: MlflowClientOptions) {
    const connection = openConnection(options);
    this.#base = connection.base;
    this.#headers = connection.headers;
    this.#timeoutMs = connection.timeoutMs;
    this.#transport = connection.transport;
  }

  /** The server's base URL, without credentials. */
  get baseUrl(): string {
    return this.#base;
  }

  /** Timeout of each request in milliseconds. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /**
   * Where OTLP spans go: `<base>/v1/traces` with the same auth headers as REST calls.
   *
   * @returns URL and headers (the headers hold the credential: never log them).
   */
  otlpEndpoint(): OtlpEndpoint {
    return { url: `${this.#base}/v1/traces`, headers: { ...this.#headers } };
  }

  /**
   * `GET /health`.
   *
   * @returns The body, `OK` on a healthy server.
   * @throws {MlflowRequestError} The server is unreachable or unhealthy.
   */
  async health(): Promise<string> {
    return await this.#transport.request({
      action: "check health",
      method: "GET",
      path: "/health",
      text: true,
    });
  }

  /**
   * `GET /version`.
   *
   * @returns The server's MLflow version, e.g. `3.11.1`.
   * @throws {MlflowRequestError} The server is unreachable or failed.
   */
  async version(): Promise<string> {
    const version = await this.#transport.request({
      action: "read the server version",
      method: "GET",
      path: "/version",
      text: true,
    });
    return version.trim();
  }

  /**
   * `GET experiments/get-by-name`.
   *
   * @param name Experiment name.
   * @returns The experiment, or `undefined` when none has that name.
   * @throws {MlflowRequestError} Any other failure.
   */
  async getExperimentByName(name: string): Promise<MlflowExperiment | undefined> {
    return await this.#transport.request({
      action: `find experiment "${name}"`,
      method: "GET",
      path: "/api/2.0/mlflow/experiments/get-by-name",
      query: { experiment_name: name },
      schema: GetExperimentResponse,
      notFound: "undefined",
    });
  }

  /**
   * `GET experiments/get`.
   *
   * @param experimentId Experiment id.
   * @returns The experiment, or `undefined` when it does not exist.
   * @throws {MlflowRequestError} Any other failure.
   */
  async getExperiment(experimentId: string): Promise<MlflowExperiment | undefined> {
    return await this.#transport.request({
      action: `read experiment "${experimentId}"`,
      method: "GET",
      path: "/api/2.0/mlflow/experiments/get",
      query: { experiment_id: experimentId },
      schema: GetExperimentResponse,
      notFound: "undefined",
    });
  }

  /**
   * `POST experiments/create`.
   *
   * @param name Experiment name.
   * @returns The new experiment's id.
   * @throws {MlflowRequestError} Name taken (`RESOURCE_ALREADY_EXISTS`) or any failure.
   */
  async createExperiment(name: string): Promise<string> {
    return await this.#transport.request({
      action: `create experiment "${name}"`,
      method: "POST",
      path: "/api/2.0/mlflow/experiments/create",
      json: { name },
      schema: CreateExperimentResponse,
    });
  }

  /**
   * `POST runs/create`.
   *
   * @param input Experiment, name, start time and tags.
   * @returns The new run.
   * @throws {MlflowRequestError} Any failure.
   */
  async createRun(input: CreateRunInput): Promise<MlflowRun> {
    return await this.#transport.request({
      action: `create run "${input.runName}"`,
      method: "POST",
      path: "/api/2.0/mlflow/runs/create",
      json: {
        experiment_id: input.experimentId,
        ...(input.userId === undefined ? {} : { user_id: input.userId }),
        run_name: input.runName,
        start_time: Math.trunc(input.startTime),
        tags: Object.entries(input.tags).map(([key, value]) => ({ key, value })),
      },
      schema: RunResponse,
    });
  }

  /**
   * `GET runs/get`.
   *
   * @param runId The run.
   * @returns The run, or `undefined` when it does not exist.
   * @throws {MlflowRequestError} Any other failure.
   */
  async getRun(runId: string): Promise<MlflowRun | undefined> {
    return await this.#transport.request({
      action: `read run "${runId}"`,
      method: "GET",
      path: "/api/2.0/mlflow/runs/get",
      query: { run_id: runId },
      schema: RunResponse,
      notFound: "undefined",
    });
  }

  /**
   * `POST runs/log-batch`, split into as many calls as MLflow's limits need (1000 metrics,
   * 100 params plus tags per call; long values cut to MLflow's maximum).
   *
   * @param runId The run.
   * @param input Metrics, params and tags.
   * @throws {MlflowRequestError} Any failure (earlier chunks stay logged).
   * @throws {RangeError} A key longer than 250 characters.
   */
  async logBatch(runId: string, input: LogBatchInput): Promise<void> {
    for (const body of planLogBatches(runId, input)) {
      await this.#transport.request({
        action: `log ${describeBatch(body)} of run "${runId}"`,
        method: "POST",
        path: "/api/2.0/mlflow/runs/log-batch",
        json: body,
        schema: EmptyResponse,
      });
    }
  }

  /**
   * `POST runs/update`.
   *
   * @param runId The run.
   * @param input Final status and end time.
   * @returns The updated run info.
   * @throws {MlflowRequestError} Any failure.
   */
  async updateRun(runId: string, input: UpdateRunInput): Promise<MlflowRunInfo> {
    return await this.#transport.request({
      action: `end run "${runId}"`,
      method: "POST",
      path: "/api/2.0/mlflow/runs/update",
      json: {
        run_id: runId,
        run_uuid: runId,
        status: input.status,
        end_time: Math.trunc(input.endTime),
      },
      schema: UpdateRunResponse,
    });
  }

  /**
   * `POST runs/search`: one page.
   *
   * @param input Experiments, filter, order and paging.
   * @returns The runs of the page and the next page's token.
   * @throws {MlflowRequestError} Any failure (a bad filter is `INVALID_PARAMETER_VALUE`).
   */
  async searchRuns(input: SearchRunsInput): Promise<MlflowRunPage> {
    return await this.#transport.request({
      action: "search runs",
      method: "POST",
      path: "/api/2.0/mlflow/runs/search",
      json: {
        experiment_ids: [...input.experimentIds],
        ...(input.filter === undefined ? {} : { filter: input.filter }),
        run_view_type: input.runViewType ?? "ACTIVE_ONLY",
        max_results: input.maxResults ?? 1000,
        ...(input.orderBy === undefined ? {} : { order_by: [...input.orderBy] }),
        ...(input.pageToken === undefined ? {} : { page_token: input.pageToken }),
      },
      schema: SearchRunsResponse,
    });
  }

  /**
   * StartTraceV3 (`POST /api/3.0/mlflow/traces`): records trace info, metadata and tags. Send
   * it after the spans (see MLFLOW.md: on 3.9 the other order counts tokens twice).
   *
   * @param input The trace info.
   * @returns The trace info as stored, with `mlflow.artifactLocation` added by the server.
   * @throws {MlflowRequestError} Any failure.
   */
  async startTrace(input: StartTraceInput): Promise<MlflowTraceInfo> {
    const traceInfo: Record<string, unknown> = {
      trace_id: input.traceId,
      trace_location: {
        type: "MLFLOW_EXPERIMENT",
        mlflow_experiment: { experiment_id: input.experimentId },
      },
      request_time: new Date(input.requestTimeMs).toISOString(),
      execution_duration: formatDuration(input.executionTimeMs),
      state: input.state,
      trace_metadata: { ...input.metadata },
      tags: { ...input.tags },
    };
    if (input.requestPreview !== undefined) traceInfo.request_preview = input.requestPreview;
    if (input.responsePreview !== undefined) traceInfo.response_preview = input.responsePreview;
    return await this.#transport.request({
      action: `record trace "${input.traceId}"`,
      method: "POST",
      path: "/api/3.0/mlflow/traces",
      json: { trace: { trace_info: traceInfo } },
      schema: TraceInfoResponse,
    });
  }

  /**
   * GetTraceInfoV3 (`GET /api/3.0/mlflow/traces/{trace_id}`).
   *
   * @param traceId `tr-` + 32 hex digits.
   * @returns The trace info, or `undefined` when the server has no such trace.
   * @throws {MlflowRequestError} Any other failure.
   */
  async getTraceInfo(traceId: string): Promise<MlflowTraceInfo | undefined> {
    return await this.#transport.request({
      action: `look up trace "${traceId}"`,
      method: "GET",
      path: `/api/3.0/mlflow/traces/${encodeURIComponent(traceId)}`,
      schema: TraceInfoResponse,
      notFound: "undefined",
    });
  }

  /**
   * Uploads one file through the server's artifact proxy
   * (`PUT /api/2.0/mlflow-artifacts/artifacts/<path>`).
   *
   * @param artifactUri An `mlflow-artifacts:` URI (a run's `artifact_uri` or a trace's
   *   `mlflow.artifactLocation`).
   * @param path Relative path below it, such as `traces.json` or `nodes/write/prompt.txt`.
   * @param content File content.
   * @throws {TypeError} `artifactUri` is not an `mlflow-artifacts:` URI or `path` leaves it.
   * @throws {MlflowRequestError} Any failure.
   */
  async uploadArtifact(artifactUri: string, path: string, content: string): Promise<void> {
    const target = artifactProxyPath(artifactUri, path);
    await this.#transport.request({
      action: `upload artifact "${path}"`,
      method: "PUT",
      path: `/api/2.0/mlflow-artifacts/artifacts/${target}`,
      body: content,
      contentType: path.endsWith(".json") ? "application/json" : "text/plain; charset=utf-8",
      schema: EmptyResponse,
    });
  }
}

function describeBatch(body: { metrics?: unknown[]; params?: unknown[]; tags?: unknown[] }) {
  const parts = [
    body.params?.length ? `${body.params.length} params` : "",
    body.tags?.length ? `${body.tags.length} tags` : "",
    body.metrics?.length ? `${body.metrics.length} metrics` : "",
  ].filter(Boolean);
  return parts.join(" and ") || "nothing";
}
