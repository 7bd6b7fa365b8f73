/**
 * A loopback MLflow tracking server (Deno.serve on 127.0.0.1, port 0) answering the reads of
 * `report costs` and `traces` in MLflow's REST shapes: `experiments/search`, `runs/search`
 * (the filter clauses the reader sends, `max_results`, `page_token`), `traces/search`
 * (`locations`, filters on metadata, tags, `timestamp_ms` and `status`, at most 500 per page) and
 * `traces/get` (trace info plus OTLP JSON spans, as `message_to_json` writes them). Every
 * request is recorded.
 *
 * @module
 */
import type {
  StoredExperiment,
  StoredRun,
  StoredTrace,
  StoredTraceInfo,
  TrackingReader,
} from "../../../src/tracking/report/tracking_reader.ts";

/** What the server holds. */
export interface FakeSearchData {
  experiments: StoredExperiment[];
  runs: StoredRun[];
  traces: StoredTrace[];
}

/**
 * Everything a reader holds (experiments, runs, traces with spans), to serve it again.
 *
 * @param reader A reader, typically of a test SQLite file.
 * @returns The data.
 */
export async function readAll(reader: TrackingReader): Promise<FakeSearchData> {
  const traces: StoredTrace[] = [];
  for (const info of await reader.readTraceInfos({ limit: 1000 })) {
    const trace = await reader.readTrace(info.traceId);
    if (trace) traces.push(trace);
  }
  return { experiments: await reader.listExperiments(), runs: await reader.readRuns({}), traces };
}

/** Behaviour of the fake server. */
export interface FakeSearchOptions {
  /** Most items per page whatever `max_results` asks (to force paging). */
  pageSize?: number;
  /** Answer 401 unless the request has exactly this `Authorization` header. */
  requireAuthorization?: string;
}

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  authorization: string | null;
}

/** The fake server. */
export class FakeSearchServer {
  readonly requests: SeenRequest[] = [];
  readonly #data: FakeSearchData;
  readonly #options: FakeSearchOptions;
  readonly #server: Deno.HttpServer<Deno.NetAddr>;

  private constructor(data: FakeSearchData, options: FakeSearchOptions) {
    this.#data = data;
    this.#options = options;
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) => this.#handle(request),
    );
  }

  /**
   * Starts a server.
   *
   * @param data What it serves.
   * @param options Paging and auth.
   * @returns The running server.
   */
  static start(data: FakeSearchData, options: FakeSearchOptions = {}): FakeSearchServer {
    return new FakeSearchServer(data, options);
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** The requests to a path. */
  requestsTo(path: string): SeenRequest[] {
    return this.requests.filter((request) => request.path.split("?")[0] === path);
  }

  /** Stops the server. */
  async close(): Promise<void> {
    await this.#server.shutdown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const text = await request.text();
    const body = text ? JSON.parse(text) as Record<string, unknown> : undefined;
    this.requests.push({
      method: request.method,
      path: url.pathname + url.search,
      body,
      authorization: request.headers.get("authorization"),
    });
    const required = this.#options.requireAuthorization;
    if (required !== undefined && request.headers.get("authorization") !== required) {
      return error(401, "UNAUTHENTICATED", "You are not authenticated");
    }
    const route = `${request.method} ${url.pathname}`;
    try {
      switch (route) {
        case "POST /api/2.0/mlflow/experiments/search":
          return Response.json(this.#page(
            "experiments",
            this.#data.experiments.map((e) => ({
              experiment_id: e.experimentId,
              name: e.name,
              lifecycle_stage: "active",
            })),
            body,
          ));
        case "POST /api/2.0/mlflow/runs/search":
          return this.#searchRuns(body ?? {});
        case "POST /api/3.0/mlflow/traces/search":
          return this.#searchTraces(body ?? {});
        case "GET /api/3.0/mlflow/traces/get": {
          const trace = this.#data.traces.find((t) =>
            t.traceId === url.searchParams.get("trace_id")
          );
          if (!trace) return error(404, "RESOURCE_DOES_NOT_EXIST", "Trace not found");
          return Response.json({
            trace: { trace_info: traceInfoJson(trace), spans: trace.spans.map(otlpSpanJson) },
          });
        }
      }
    } catch (cause) {
      return error(400, "INVALID_PARAMETER_VALUE", String(cause));
    }
    return error(404, "ENDPOINT_NOT_FOUND", `No endpoint ${url.pathname}`);
  }

  #searchRuns(body: Record<string, unknown>): Response {
    const experimentIds = body.experiment_ids as string[];
    const clauses = String(body.filter ?? "").split(" AND ").filter((c) => c.trim());
    const tests = clauses.map(runClause);
    const runs = this.#data.runs
      .filter((run) => experimentIds.includes(run.experimentId) && tests.every((t) => t(run)))
      .sort((a, b) => b.startTimeMs - a.startTimeMs)
      .map(runJson);
    return Response.json(this.#page("runs", runs, body));
  }

  #searchTraces(body: Record<string, unknown>): Response {
    const max = Number(body.max_results ?? 100);
    if (max > 500) throw new Error("max_results must be at most 500");
    const locations = body.locations as { mlflow_experiment: { experiment_id: string } }[];
    const ids = locations.map((l) => l.mlflow_experiment.experiment_id);
    const clauses = String(body.filter ?? "").split(" AND ").filter((c) => c.trim());
    const tests = clauses.map(traceClause);
    const traces = this.#data.traces
      .filter((t) => ids.includes(t.experimentId) && tests.every((test) => test(t)))
      .sort((a, b) => b.requestTimeMs - a.requestTimeMs)
      .map(traceInfoJson);
    return Response.json(this.#page("traces", traces, body));
  }

  #page(key: string, items: unknown[], body: Record<string, unknown> | undefined) {
    const asked = Number(body?.max_results ?? 1000);
    const size = Math.min(asked, this.#options.pageSize ?? asked);
    const offset = Number(body?.page_token ?? 0);
    const next = offset + size < items.length ? String(offset + size) : undefined;
    return {
      [key]: items.slice(offset, offset + size),
      ...(next ? { next_page_token: next } : {}),
    };
  }
}

/** The filter clauses `traces/search` accepts here (a subset of MLflow's grammar). */
function traceClause(clause: string): (trace: StoredTraceInfo) => boolean {
  const text = clause.trim();
  let match = /^(metadata|tags)\.`([^`]+)` = '((?:[^'\\]|\\.)*)'$/.exec(text);
  if (match) {
    const [, scope, key = "", quoted = ""] = match;
    const value = quoted.replace(/\\(.)/g, "$1");
    return scope === "tags"
      ? (trace) => trace.tags[key] === value
      : (trace) => trace.metadata[key] === value;
  }
  match = /^attributes\.timestamp_ms (>=|<) (\d+)$/.exec(text);
  if (match) {
    const bound = Number(match[2]);
    return match[1] === ">="
      ? (trace) => trace.requestTimeMs >= bound
      : (trace) => trace.requestTimeMs < bound;
  }
  match = /^attributes\.status = '(OK|ERROR|IN_PROGRESS)'$/.exec(text);
  if (match) return (trace) => trace.state === match?.[1];
  throw new Error(`Unsupported filter '${text}'`);
}

/** The filter clauses `runs/search` accepts here (a subset of MLflow's grammar). */
function runClause(clause: string): (run: StoredRun) => boolean {
  const text = clause.trim();
  let match = /^params\.workflow_name = '((?:[^'\\]|\\.)*)'$/.exec(text);
  if (match) {
    const value = (match[1] ?? "").replace(/\\(.)/g, "$1");
    return (run) => run.params.workflow_name === value;
  }
  match = /^attributes\.start_time (>=|<) (\d+)$/.exec(text);
  if (match) {
    const bound = Number(match[2]);
    return match[1] === ">=" ? (run) => run.startTimeMs >= bound : (run) => run.startTimeMs < bound;
  }
  match = /^attributes\.run_id IN \((.*)\)$/.exec(text);
  if (match) {
    const ids = [...(match[1] ?? "").matchAll(/'([^']*)'/g)].map((m) => m[1]);
    return (run) => ids.includes(run.runId);
  }
  throw new Error(`Unsupported filter clause '${text}'`);
}

function runJson(run: StoredRun) {
  const pairs = (record: Record<string, string>) =>
    Object.entries(record).map(([key, value]) => ({ key, value }));
  return {
    info: {
      run_uuid: run.runId,
      run_id: run.runId,
      run_name: run.runName,
      experiment_id: run.experimentId,
      user_id: "root",
      status: run.status,
      start_time: run.startTimeMs,
      ...(run.endTimeMs === undefined ? {} : { end_time: run.endTimeMs }),
      artifact_uri: `mlflow-artifacts:/${run.experimentId}/${run.runId}/artifacts`,
      lifecycle_stage: "active",
    },
    data: {
      metrics: Object.entries(run.metrics).map(([key, value]) => ({
        key,
        value: Number.isNaN(value) ? "NaN" : value,
        timestamp: run.endTimeMs ?? run.startTimeMs,
        step: 0,
      })),
      params: pairs(run.params),
      tags: pairs(run.tags),
    },
  };
}

function traceInfoJson(trace: StoredTrace) {
  return {
    trace_id: trace.traceId,
    trace_location: {
      type: "MLFLOW_EXPERIMENT",
      mlflow_experiment: { experiment_id: trace.experimentId },
    },
    request_time: new Date(trace.requestTimeMs).toISOString(),
    execution_duration: `${(trace.executionTimeMs / 1000).toFixed(3)}s`,
    state: trace.state,
    request_preview: trace.requestPreview,
    response_preview: trace.responsePreview,
    trace_metadata: trace.metadata,
    tags: trace.tags,
  };
}

/** A span as `message_to_json` writes an OTLP span: snake_case, base64 ids, AnyValues. */
function otlpSpanJson(span: StoredTrace["spans"][number]) {
  return {
    trace_id: base64(span.traceId),
    span_id: base64(span.spanId),
    parent_span_id: span.parentSpanId === null ? "" : base64(span.parentSpanId),
    name: span.name,
    start_time_unix_nano: String(span.startTimeUnixNano),
    end_time_unix_nano: String(span.endTimeUnixNano),
    attributes: keyValues(span.attributes),
    events: span.events.map((event) => ({
      time_unix_nano: String(event.timeUnixNano),
      name: event.name,
      attributes: keyValues(event.attributes),
    })),
    status: {
      code: `STATUS_CODE_${span.status.code}`,
      ...(span.status.message ? { message: span.status.message } : {}),
    },
  };
}

function keyValues(record: Record<string, unknown>) {
  return Object.entries(record).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function anyValue(value: unknown): Record<string, unknown> {
  if (typeof value === "string") return { string_value: value };
  if (typeof value === "boolean") return { bool_value: value };
  if (typeof value === "number") {
    return Number.isInteger(value) ? { int_value: String(value) } : { double_value: value };
  }
  if (Array.isArray(value)) return { array_value: { values: value.map(anyValue) } };
  if (typeof value === "object" && value !== null) {
    return { kvlist_value: { values: keyValues(value as Record<string, unknown>) } };
  }
  return {};
}

function base64(hex: string): string {
  return btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((byte) => parseInt(byte, 16))));
}

function error(status: number, code: string, message: string): Response {
  return Response.json({ error_code: code, message }, { status });
}
