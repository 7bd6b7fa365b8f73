/**
 * Reads runs and traces from an MLflow tracking server over its REST API: experiments search,
 * `runs/search` (filter and paging), `traces/search` (`locations` and paging) and `traces/get`
 * (spans).
 *
 * @module
 */
import { z } from "zod";
import { MlflowClient } from "../http/mlflow_client.ts";
import type { MlflowRun } from "../http/mlflow_entities.ts";
import { RestTransport } from "../http/_rest_transport.ts";
import { decodeOtlpJsonSpan } from "./_span_decoding.ts";
import type {
  RunQuery,
  StoredAssessment,
  StoredExperiment,
  StoredRun,
  StoredTrace,
  StoredTraceInfo,
  TraceQuery,
  TrackingReader,
} from "./tracking_reader.ts";
import { SOURCE_RUN_METADATA, WORKFLOW_TAG } from "./tracking_reader.ts";

/** Options of {@linkcode createRestReader}. */
export interface RestReaderOptions {
  /**
   * The fetch to use.
   *
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch;
  /**
   * Reads `MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD` (Basic auth), else
   * `MLFLOW_TRACKING_TOKEN` (Bearer), and `MLFLOW_HTTP_REQUEST_TIMEOUT` (seconds).
   *
   * @default {() => undefined}
   */
  env?: (name: string) => string | undefined;
  /**
   * Timeout of each request in milliseconds.
   *
   * @default {MLFLOW_HTTP_REQUEST_TIMEOUT seconds, else 120000}
   */
  timeoutMs?: number;
  /** Cancels every request. */
  signal?: AbortSignal;
  /**
   * Runs per `runs/search` page.
   *
   * @default {1000}
   */
  runPageSize?: number;
}

/** Largest page `traces/search` serves. */
const TRACE_PAGE_LIMIT = 500;

/** The answers read here are objects, decoded leniently below (MLflow 3.x shapes vary). */
const JsonObject = z.record(z.string(), z.unknown());

/**
 * Creates a reader over an MLflow tracking server's REST API. Runs are searched with
 * {@linkcode MlflowClient}; experiments, trace search and spans (which the client does not read
 * yet) through the same REST transport: base URL, credentials, timeout and errors. Credentials
 * go only into the `Authorization` header, never into a message.
 *
 * @example Usage
 * ```ts
 * import { createRestReader } from "./rest_reader.ts";
 * const fetch = (input: RequestInfo | URL) => {
 *   const path = new URL(input instanceof Request ? input.url : input).pathname;
 *   const body = path.endsWith("experiments/search")
 *     ? { experiments: [{ experiment_id: "1", name: "configurable_agents" }] }
 *     : {};
 *   return Promise.resolve(Response.json(body));
 * };
 * const reader = createRestReader("http://mlflow.test:5000/", { fetch });
 * const experiments = await reader.listExperiments();
 * if (experiments[0]?.name !== "configurable_agents") throw new Error();
 * if ((await reader.readRuns({})).length !== 0) throw new Error();
 * ```
 *
 * @param baseUrl The tracking server (`http://host:5000`).
 * @param options fetch, environment, timeout and page size.
 * @returns A reader.
 * @throws {TypeError} When `baseUrl` is not an http(s) URL.
 */
export function createRestReader(
  baseUrl: string,
  options: RestReaderOptions = {},
): TrackingReader {
  const { env = () => undefined, fetch, timeoutMs, signal, runPageSize = 1000 } = options;
  const client = new MlflowClient({
    baseUrl,
    env,
    ...(fetch ? { fetch } : {}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(signal ? { signal } : {}),
  });
  return new RestReader(client, { fetch: fetch ?? globalThis.fetch, signal, runPageSize });
}

class RestReader implements TrackingReader {
  readonly location: string;
  readonly #client: MlflowClient;
  readonly #transport: RestTransport;
  readonly #runPageSize: number;

  constructor(
    client: MlflowClient,
    options: { fetch: typeof fetch; signal: AbortSignal | undefined; runPageSize: number },
  ) {
    this.#client = client;
    this.location = client.baseUrl;
    this.#transport = new RestTransport({
      base: client.baseUrl,
      fetch: options.fetch,
      headers: client.otlpEndpoint().headers,
      timeoutMs: client.timeoutMs,
      signal: options.signal,
    });
    this.#runPageSize = options.runPageSize;
  }

  async listExperiments(): Promise<StoredExperiment[]> {
    const experiments: StoredExperiment[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.#post("search experiments", "/api/2.0/mlflow/experiments/search", {
        max_results: 1000,
        view_type: "ACTIVE_ONLY",
        ...(pageToken ? { page_token: pageToken } : {}),
      });
      for (const experiment of arrayOf(page.experiments)) {
        if (isRecord(experiment) && experiment.lifecycle_stage !== "deleted") {
          experiments.push({
            experimentId: String(experiment.experiment_id),
            name: String(experiment.name),
          });
        }
      }
      pageToken = tokenOf(page);
    } while (pageToken);
    return experiments;
  }

  async readRuns(query: RunQuery): Promise<StoredRun[]> {
    const experimentIds = query.experimentIds ??
      (await this.listExperiments()).map((e) => e.experimentId);
    if (experimentIds.length === 0 || query.runIds?.length === 0) return [];
    const filter: string[] = [];
    if (query.workflow !== undefined) {
      filter.push(`params.workflow_name = ${quote(query.workflow)}`);
    }
    if (query.startedFromMs !== undefined) {
      filter.push(`attributes.start_time >= ${Math.floor(query.startedFromMs)}`);
    }
    if (query.startedBeforeMs !== undefined) {
      filter.push(`attributes.start_time < ${Math.ceil(query.startedBeforeMs)}`);
    }
    if (query.runIds !== undefined) {
      filter.push(`attributes.run_id IN (${query.runIds.map(quote).join(", ")})`);
    }
    const runs: StoredRun[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.#client.searchRuns({
        experimentIds,
        ...(filter.length > 0 ? { filter: filter.join(" AND ") } : {}),
        maxResults: this.#runPageSize,
        orderBy: ["attributes.start_time DESC"],
        ...(pageToken ? { pageToken } : {}),
      });
      for (const value of page.runs) {
        const run = storedRun(value);
        if (
          run.params.workflow_name !== undefined && value.info.lifecycleStage !== "deleted" &&
          (query.statuses === undefined || query.statuses.includes(run.status))
        ) {
          runs.push(run);
        }
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    return runs;
  }

  async readTraceInfos(query: TraceQuery): Promise<StoredTraceInfo[]> {
    const experimentIds = query.experimentIds ??
      (await this.listExperiments()).map((e) => e.experimentId);
    const limit = query.limit === undefined ? Infinity : Math.max(0, Math.floor(query.limit));
    const filter = traceFilter(query);
    // The server filters; every condition is checked here too, so that one the filter does not
    // carry (the workflow tag's presence, several states) or a server ignores never widens it.
    const keep = (info: StoredTraceInfo) =>
      (!query.workflowsOnly || info.tags[WORKFLOW_TAG] !== undefined) &&
      (query.workflow === undefined || info.tags[WORKFLOW_TAG] === query.workflow) &&
      (query.states === undefined || query.states.includes(info.state)) &&
      (query.startedFromMs === undefined || info.requestTimeMs >= query.startedFromMs) &&
      (query.startedBeforeMs === undefined || info.requestTimeMs < query.startedBeforeMs);
    const traces: StoredTraceInfo[] = [];
    let pageToken: string | undefined;
    while (experimentIds.length > 0 && traces.length < limit) {
      const page = await this.#post("search traces", "/api/3.0/mlflow/traces/search", {
        locations: experimentIds.map((id) => ({
          type: "MLFLOW_EXPERIMENT",
          mlflow_experiment: { experiment_id: id },
        })),
        ...(filter ? { filter } : {}),
        max_results: Math.min(TRACE_PAGE_LIMIT, limit - traces.length),
        order_by: ["timestamp_ms DESC"],
        ...(pageToken ? { page_token: pageToken } : {}),
      });
      for (const value of arrayOf(page.traces)) {
        const info = decodeTraceInfo(value);
        if (info && keep(info) && traces.length < limit) traces.push(info);
      }
      pageToken = tokenOf(page);
      if (!pageToken) break;
    }
    return traces;
  }

  async readTrace(traceId: string): Promise<StoredTrace | undefined> {
    const body = await this.#transport.request({
      action: `read trace "${traceId}"`,
      method: "GET",
      path: "/api/3.0/mlflow/traces/get",
      query: { trace_id: traceId },
      schema: JsonObject,
      notFound: "undefined",
    });
    if (body === undefined) return undefined;
    const trace = isRecord(body.trace) ? body.trace : {};
    const info = decodeTraceInfo(trace.trace_info);
    if (!info) return undefined;
    const spans = arrayOf(trace.spans).flatMap((value) => {
      const span = decodeOtlpJsonSpan(value);
      return span ? [span] : [];
    });
    return { ...info, spans };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** A search: `POST` with a JSON body, the answer an object. */
  async readAssessments(traceIds: readonly string[]): Promise<StoredAssessment[]> {
    const assessments: StoredAssessment[] = [];
    for (const traceId of traceIds) {
      const body = await this.#transport.request({
        action: `read the assessments of trace "${traceId}"`,
        method: "GET",
        path: `/api/3.0/mlflow/traces/${encodeURIComponent(traceId)}`,
        query: { trace_id: traceId },
        schema: JsonObject,
        notFound: "undefined",
      });
      const trace = isRecord(body?.trace) ? body.trace : {};
      const info = isRecord(trace.trace_info) ? trace.trace_info : {};
      for (const value of arrayOf(info.assessments)) {
        if (!isRecord(value) || value.valid === false) continue;
        const feedback = isRecord(value.feedback) ? value.feedback : undefined;
        const expectation = isRecord(value.expectation) ? value.expectation : undefined;
        const error = feedback && isRecord(feedback.error) ? feedback.error : undefined;
        assessments.push({
          traceId,
          name: String(value.assessment_name ?? ""),
          kind: expectation ? "expectation" : "feedback",
          value: (feedback ?? expectation)?.value ?? null,
          ...(error ? { error: String(error.error_message ?? "") } : {}),
        });
      }
    }
    return assessments;
  }

  #post(action: string, path: string, json: unknown): Promise<Record<string, unknown>> {
    return this.#transport.request({ action, method: "POST", path, json, schema: JsonObject });
  }
}

function storedRun(run: MlflowRun): StoredRun {
  return {
    runId: run.info.runId,
    runName: run.info.runName ?? "",
    experimentId: run.info.experimentId,
    status: run.info.status,
    startTimeMs: run.info.startTime ?? 0,
    endTimeMs: run.info.endTime,
    params: run.params,
    metrics: run.metrics,
    tags: run.tags,
  };
}

function decodeTraceInfo(value: unknown): StoredTraceInfo | undefined {
  if (!isRecord(value)) return undefined;
  const traceId = String(value.trace_id ?? value.request_id ?? "");
  if (!traceId) return undefined;
  const location = isRecord(value.trace_location) ? value.trace_location : {};
  const experiment = isRecord(location.mlflow_experiment) ? location.mlflow_experiment : {};
  const requestTime = typeof value.request_time === "string"
    ? Date.parse(value.request_time)
    : numberOf(value.timestamp_ms) ?? NaN;
  const duration = typeof value.execution_duration === "string"
    ? Number.parseFloat(value.execution_duration) * 1000
    : numberOf(value.execution_time_ms) ?? 0;
  return {
    traceId,
    experimentId: String(experiment.experiment_id ?? value.experiment_id ?? ""),
    requestTimeMs: Number.isFinite(requestTime) ? requestTime : 0,
    executionTimeMs: Number.isFinite(duration) ? Math.round(duration) : 0,
    state: String(value.state ?? value.status ?? ""),
    requestPreview: String(value.request_preview ?? ""),
    responsePreview: String(value.response_preview ?? ""),
    metadata: stringMap(value.trace_metadata ?? value.request_metadata),
    tags: stringMap(value.tags),
  };
}

/** A map given as an object or as MLflow's `[{key, value}]` list. */
function stringMap(value: unknown): Record<string, string> {
  if (Array.isArray(value)) return keyValues(value);
  const result: Record<string, string> = {};
  if (isRecord(value)) {
    for (const [key, entry] of Object.entries(value)) result[key] = String(entry);
  }
  return result;
}

function keyValues(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of arrayOf(value)) {
    if (isRecord(entry) && typeof entry.key === "string") {
      result[entry.key] = String(entry.value ?? "");
    }
  }
  return result;
}

function numberOf(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function tokenOf(page: Record<string, unknown>): string | undefined {
  return typeof page.next_page_token === "string" && page.next_page_token
    ? page.next_page_token
    : undefined;
}

/**
 * The `traces/search` filter of a query, in the grammar MLflow 3.9 and later accept: clauses
 * joined by `AND` on metadata, tags and the `timestamp_ms` and `status` attributes.
 */
function traceFilter(query: TraceQuery): string {
  const clauses: string[] = [];
  if (query.runId !== undefined) {
    clauses.push(`metadata.\`${SOURCE_RUN_METADATA}\` = ${quote(query.runId)}`);
  }
  if (query.workflow !== undefined) {
    clauses.push(`tags.\`${WORKFLOW_TAG}\` = ${quote(query.workflow)}`);
  }
  if (query.startedFromMs !== undefined) {
    clauses.push(`attributes.timestamp_ms >= ${Math.floor(query.startedFromMs)}`);
  }
  if (query.startedBeforeMs !== undefined) {
    clauses.push(`attributes.timestamp_ms < ${Math.ceil(query.startedBeforeMs)}`);
  }
  if (query.states !== undefined && query.states.length === 1) {
    clauses.push(`attributes.status = ${quote(query.states[0] ?? "")}`);
  }
  return clauses.join(" AND ");
}

/** A string literal of MLflow's search filter syntax. */
function quote(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
