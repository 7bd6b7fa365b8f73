/**
 * A loopback MLflow tracking server for tests (Deno.serve on 127.0.0.1, port 0). It enforces
 * the formats a real `mlflow server` (3.11, SQL backend) accepts, answers in MLflow's shapes,
 * keeps enough state (experiments, runs, traces, artifacts, the prompt registry) for a full
 * delivery, the reads of `report costs` and prompts, and records every request in order. Faults on demand: no OTLP endpoint,
 * an error status on chosen requests, requests held until released, and a stopped server that
 * refuses connections (then `start()` again on the same port, state kept).
 *
 * @module
 */
import type { z } from "zod";
import { Schemas } from "./_fake_mlflow_schemas.ts";
import { type FakeTrace, FakeTraceStore, snakeCase } from "./_fake_mlflow_traces.ts";
import { FakeModelRegistry } from "./_fake_mlflow_registry.ts";
import { loadOtlpDecoder, type OtlpDecoder, spansOf } from "../fixtures/otlp/otlp_decoder.ts";
import { FakeGenAi } from "./_fake_mlflow_genai.ts";

export type { FakeTrace } from "./_fake_mlflow_traces.ts";

/** How the fake server behaves. */
export interface FakeMlflowServerOptions {
  /** Serve `/v1/traces`; `false` answers 404 like a file-backed server. @default true */
  otlp?: boolean;
  /** `proxy`: artifact locations `mlflow-artifacts:/<id>`; `local`: plain paths below `localArtifactRoot`. @default "proxy" */
  artifacts?: "proxy" | "local";
  /** Root of local artifact locations. @default "/srv/mlflow/artifacts" */
  localArtifactRoot?: string;
  /** Require this exact `Authorization` header (401 otherwise). */
  requireAuthorization?: string;
  /** Answer of `GET /version`. @default "3.11.2.dev0" */
  version?: string;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  /** HTTP method. */
  method: string;
  /** Path with query string. */
  path: string;
  /** The headers that matter, lowercase names. */
  headers: Record<string, string>;
  /** The JSON body, when there was one. */
  body?: unknown;
  /** The decoded OTLP body of `/v1/traces`. */
  otlp?: ReturnType<OtlpDecoder["decodeExportRequest"]>;
  /** A text body (artifact uploads). */
  text?: string;
  /** Status answered. */
  status?: number;
}

/** A fault to inject. */
export interface FaultRule {
  /** HTTP method to match. */
  method?: string;
  /** Path (without query) to match. */
  path: string | RegExp;
  /** Only requests whose JSON body contains this key. */
  bodyHas?: string;
  /** Status to answer. @default 500 */
  status?: number;
  /** How many requests to fail. @default Infinity */
  times?: number;
}

type Json = Record<string, unknown>;
interface HandlerContext {
  request: Request;
  record: RecordedRequest;
  url: URL;
  bytes: Uint8Array;
}
type Handler = (context: HandlerContext) => Response | Promise<Response>;

interface FakeRun {
  info: Json & { run_id: string; experiment_id: string; status: string };
  tags: Map<string, string>;
  params: Map<string, string>;
  metrics: { key: string; value: number | string; timestamp: number; step: number }[];
}

/** A fake MLflow tracking server on 127.0.0.1. */
export class FakeMlflowServer {
  /** Every request in order. */
  readonly requests: RecordedRequest[] = [];
  /** Experiments by id (`0` is `Default`). */
  readonly experiments = new Map<
    string,
    Json & { experiment_id: string; name: string; artifact_location: string }
  >();
  /** Runs by id. */
  readonly runs = new Map<string, FakeRun>();
  /** Traces by id. */
  readonly traces: Map<string, FakeTrace>;
  /** Uploaded artifacts by proxy path (`2/<run>/artifacts/outputs.json`). */
  readonly artifacts = new Map<string, string>();
  /** Logged models, trace→run links, assessments (in the traces) and dataset inputs. */
  readonly genai: FakeGenAi;
  /** The model registry (prompts). */
  readonly registry = new FakeModelRegistry();
  readonly #options:
    & Required<Omit<FakeMlflowServerOptions, "requireAuthorization">>
    & FakeMlflowServerOptions;
  readonly #decoder: OtlpDecoder;
  readonly #faults: (FaultRule & { left: number })[] = [];
  readonly #holds: { rule: FaultRule; waiting: (() => void)[] }[] = [];
  readonly #traces: FakeTraceStore;
  #server: Deno.HttpServer<Deno.NetAddr> | undefined;
  #port = 0;

  private constructor(options: FakeMlflowServerOptions, decoder: OtlpDecoder) {
    this.#options = {
      otlp: true,
      artifacts: "proxy",
      localArtifactRoot: "/srv/mlflow/artifacts",
      version: "3.11.2.dev0",
      ...options,
    };
    this.#decoder = decoder;
    this.experiments.set("0", this.#experiment("0", "Default"));
    this.#traces = new FakeTraceStore((id) => this.experiments.get(id)?.artifact_location ?? "");
    this.traces = this.#traces.traces;
    this.genai = new FakeGenAi({
      artifactLocation: (id) => this.experiments.get(id)?.artifact_location,
      runs: this.runs,
      traces: this.traces,
    });
  }

  /**
   * Starts a server on a free loopback port.
   *
   * @param options Behaviour.
   * @returns The running server.
   */
  static async start(options: FakeMlflowServerOptions = {}): Promise<FakeMlflowServer> {
    const server = new FakeMlflowServer(options, await loadOtlpDecoder());
    server.listen();
    return server;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** `127.0.0.1:<port>`. */
  get host(): string {
    return `127.0.0.1:${this.#port}`;
  }

  /** Starts listening (again, on the same port after `stop()`). */
  listen(): void {
    if (this.#server) return;
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: this.#port, onListen: () => {} },
      (request) => this.#handle(request),
    );
    this.#port = this.#server.addr.port;
  }

  /** Stops listening: connections are refused until `listen()`. Held requests are released. */
  async stop(): Promise<void> {
    this.release();
    const server = this.#server;
    this.#server = undefined;
    await server?.shutdown();
  }

  /** Answers matching requests with an error status (500 unless told). */
  fail(rule: FaultRule): void {
    this.#faults.push({ ...rule, left: rule.times ?? Infinity });
  }

  /** Keeps matching requests waiting until {@linkcode release} (or `stop`). */
  hold(rule: FaultRule): void {
    this.#holds.push({ rule, waiting: [] });
  }

  /** Number of requests held right now. */
  get held(): number {
    return this.#holds.reduce((sum, hold) => sum + hold.waiting.length, 0);
  }

  /** Lets held requests go on and stops holding. */
  release(): void {
    for (const hold of this.#holds.splice(0)) for (const go of hold.waiting) go();
  }

  /** The requests whose path (without query) matches. */
  requestsTo(path: string | RegExp, method?: string): RecordedRequest[] {
    return this.requests.filter((r) =>
      matches(r.path.split("?")[0] ?? "", path) && (!method || r.method === method)
    );
  }

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const record: RecordedRequest = {
      method: request.method,
      path: url.pathname + url.search,
      headers: pickHeaders(request.headers),
    };
    this.requests.push(record);
    try {
      const response = await this.#respond(request, record, url);
      record.status = response.status;
      return response;
    } catch (error) {
      // The client went away before its body arrived (it gave up on the request): nginx's 499.
      record.status = 499;
      throw error;
    }
  }

  async #respond(request: Request, record: RecordedRequest, url: URL): Promise<Response> {
    const bytes = new Uint8Array(await request.arrayBuffer());
    const type = record.headers["content-type"] ?? "";
    if (request.method === "PUT") {
      record.text = new TextDecoder().decode(bytes);
    } else if (type.startsWith("application/json") && bytes.length) {
      try {
        record.body = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        return mlflowError(400, "MALFORMED_REQUEST", "Request body is not JSON");
      }
    }
    const hold = this.#holds.find((h) => this.#matchesRule(h.rule, record));
    if (hold) await new Promise<void>((resolve) => hold.waiting.push(resolve));
    const required = this.#options.requireAuthorization;
    if (required !== undefined && request.headers.get("authorization") !== required) {
      return mlflowError(401, "UNAUTHENTICATED", "You are not authenticated");
    }
    const fault = this.#faults.find((f) => f.left > 0 && this.#matchesRule(f, record));
    if (fault) {
      fault.left--;
      return mlflowError(fault.status ?? 500, "INTERNAL_ERROR", "Injected failure");
    }
    const route = this.#route(request.method, url.pathname);
    if (!route) return mlflowError(404, "ENDPOINT_NOT_FOUND", `No endpoint ${url.pathname}`);
    try {
      return await route({ request, record, url, bytes });
    } catch (error) {
      return mlflowError(400, "INVALID_PARAMETER_VALUE", String(error));
    }
  }

  #matchesRule(rule: FaultRule, record: RecordedRequest): boolean {
    if (rule.method && rule.method !== record.method) return false;
    if (!matches(record.path.split("?")[0] ?? "", rule.path)) return false;
    return !rule.bodyHas ||
      (typeof record.body === "object" && record.body !== null && rule.bodyHas in record.body);
  }

  #route(method: string, path: string): Handler | undefined {
    const api = "/api/2.0/mlflow";
    const routes: Record<string, Handler> = {
      "GET /health": () => new Response("OK"),
      "GET /version": () => new Response(this.#options.version),
      [`GET ${api}/experiments/get-by-name`]: ({ url }) =>
        this.#getExperiment("name", url.searchParams.get("experiment_name")),
      [`GET ${api}/experiments/get`]: ({ url }) =>
        this.#getExperiment("id", url.searchParams.get("experiment_id")),
      [`POST ${api}/experiments/search`]: ({ record }) => {
        const body = (record.body ?? {}) as { max_results?: number; page_token?: string };
        const all = [...this.experiments.values()];
        return Response.json(page(all, "experiments", body.max_results ?? 1000, body.page_token));
      },
      [`POST ${api}/experiments/create`]: ({ record }) =>
        this.#createExperiment(Schemas.createExperiment.parse(record.body)),
      [`POST ${api}/runs/create`]: ({ record }) =>
        this.#createRun(Schemas.createRun.parse(record.body)),
      [`GET ${api}/runs/get`]: ({ url }) =>
        this.#getRun(url.searchParams.get("run_id") ?? url.searchParams.get("run_uuid")),
      [`POST ${api}/runs/log-batch`]: ({ record }) =>
        this.#logBatch(Schemas.logBatch.parse(record.body)),
      [`POST ${api}/runs/update`]: ({ record }) =>
        this.#updateRun(Schemas.updateRun.parse(record.body)),
      [`POST ${api}/runs/search`]: ({ record }) =>
        this.#searchRuns(Schemas.searchRuns.parse(record.body)),
      "POST /v1/traces": (context) => this.#otlp(context),
      "POST /api/3.0/mlflow/traces": ({ record }) =>
        this.#startTrace(Schemas.startTrace.parse(record.body)),
      "POST /api/3.0/mlflow/traces/search": ({ record }) =>
        this.#searchTraces(Schemas.searchTraces.parse(record.body)),
      "GET /api/3.0/mlflow/traces/get": ({ url }) =>
        this.#getTrace(url.searchParams.get("trace_id"), true),
    };
    const exact = routes[`${method} ${path}`];
    if (exact) return exact;
    const registry = this.registry.route(method, path);
    if (registry) return ({ url, record }) => registry({ url, body: record.body });
    const traceInfo = /^\/api\/3\.0\/mlflow\/traces\/(tr-[^/]+)$/.exec(path);
    if (method === "GET" && traceInfo) {
      return () => this.#getTrace(decodeURIComponent(traceInfo[1] ?? ""), false);
    }
    const genai = this.genai.route(method, path);
    if (genai) return ({ record }) => genai(record.body);
    const artifact = /^\/api\/2\.0\/mlflow-artifacts\/artifacts\/(.+)$/.exec(path);
    if (artifact && (method === "PUT" || method === "GET")) {
      const key = decodeURIComponent(artifact[1] ?? "");
      return ({ record }) => {
        if (method === "GET") {
          const content = this.artifacts.get(key);
          return content === undefined
            ? mlflowError(404, "RESOURCE_DOES_NOT_EXIST", key)
            : new Response(content);
        }
        this.artifacts.set(key, record.text ?? "");
        return Response.json({});
      };
    }
    return undefined;
  }

  #experiment(id: string, name: string) {
    const location = this.#options.artifacts === "proxy"
      ? `mlflow-artifacts:/${id}`
      : `${this.#options.localArtifactRoot}/${id}`;
    const now = Date.now();
    return {
      experiment_id: id,
      name,
      artifact_location: location,
      lifecycle_stage: "active",
      last_update_time: now,
      creation_time: now,
    };
  }

  #getExperiment(by: "name" | "id", value: string | null): Response {
    const found = [...this.experiments.values()].find((e) =>
      (by === "name" ? e.name : e.experiment_id) === value
    );
    if (!found) {
      return mlflowError(
        404,
        "RESOURCE_DOES_NOT_EXIST",
        `Could not find experiment with ${by} '${value}'`,
      );
    }
    return Response.json({ experiment: found });
  }

  #createExperiment(body: z.infer<typeof Schemas.createExperiment>): Response {
    if ([...this.experiments.values()].some((e) => e.name === body.name)) {
      return mlflowError(
        400,
        "RESOURCE_ALREADY_EXISTS",
        `Experiment '${body.name}' already exists.`,
      );
    }
    const id = String(this.experiments.size);
    this.experiments.set(id, this.#experiment(id, body.name));
    return Response.json({ experiment_id: id });
  }

  #createRun(body: z.infer<typeof Schemas.createRun>): Response {
    const experiment = this.experiments.get(body.experiment_id);
    if (!experiment) {
      return mlflowError(404, "RESOURCE_DOES_NOT_EXIST", "No such experiment");
    }
    const runId = crypto.randomUUID().replaceAll("-", "");
    const tags = new Map((body.tags ?? []).map((t) => [t.key, t.value]));
    const runName = body.run_name ?? tags.get("mlflow.runName") ?? "run";
    tags.set("mlflow.runName", runName);
    const run: FakeRun = {
      info: {
        run_uuid: runId,
        experiment_id: body.experiment_id,
        run_name: runName,
        user_id: body.user_id ?? "",
        status: "RUNNING",
        start_time: body.start_time ?? Date.now(),
        artifact_uri: `${experiment.artifact_location}/${runId}/artifacts`,
        lifecycle_stage: "active",
        run_id: runId,
      },
      tags,
      params: new Map(),
      metrics: [],
    };
    this.runs.set(runId, run);
    return Response.json({ run: runJson(run) });
  }

  #getRun(runId: string | null): Response {
    const run = this.runs.get(runId ?? "");
    return run
      ? Response.json({ run: runJson(run) })
      : mlflowError(404, "RESOURCE_DOES_NOT_EXIST", `Run '${runId}' not found`);
  }

  #logBatch(body: z.infer<typeof Schemas.logBatch>): Response {
    const run = this.runs.get(body.run_id);
    if (!run) {
      return mlflowError(404, "RESOURCE_DOES_NOT_EXIST", `Run '${body.run_id}' not found`);
    }
    for (const param of body.params ?? []) {
      const old = run.params.get(param.key);
      if (old !== undefined && old !== param.value) {
        return mlflowError(
          400,
          "INVALID_PARAMETER_VALUE",
          `Changing param values is not allowed. Param with key='${param.key}' was already logged`,
        );
      }
      run.params.set(param.key, param.value);
    }
    for (const tag of body.tags ?? []) run.tags.set(tag.key, tag.value);
    for (const metric of body.metrics ?? []) {
      const entry = {
        key: metric.key,
        value: metric.value,
        timestamp: metric.timestamp,
        step: metric.step ?? 0,
      };
      // Like MLflow's SQL store: the same (key, value, timestamp, step) is stored once.
      if (!run.metrics.some((m) => JSON.stringify(m) === JSON.stringify(entry))) {
        run.metrics.push(entry);
      }
    }
    return Response.json({});
  }

  #updateRun(body: z.infer<typeof Schemas.updateRun>): Response {
    const run = this.runs.get(body.run_id ?? body.run_uuid ?? "");
    if (!run) return mlflowError(404, "RESOURCE_DOES_NOT_EXIST", "Run not found");
    if (body.status) run.info.status = body.status;
    if (body.end_time !== undefined) run.info.end_time = body.end_time;
    return Response.json({ run_info: run.info });
  }

  #searchRuns(body: z.infer<typeof Schemas.searchRuns>): Response {
    const filter = body.filter?.trim() ?? "";
    const tag = /^tags\.(?:`([^`]+)`|"([^"]+)"|([\w.]+))\s*=\s*'([^']*)'$/.exec(filter);
    if (filter && !tag) {
      return mlflowError(400, "INVALID_PARAMETER_VALUE", `Unsupported filter '${filter}'`);
    }
    const key = tag ? (tag[1] ?? tag[2] ?? tag[3] ?? "") : "";
    const runs = [...this.runs.values()].filter((run) =>
      body.experiment_ids.includes(run.info.experiment_id) &&
      run.info.lifecycle_stage !== "deleted" &&
      (!tag || run.tags.get(key) === tag[4])
    );
    return Response.json(
      page(runs.map(runJson), "runs", body.max_results ?? 1000, body.page_token),
    );
  }

  #otlp({ request, record, bytes }: HandlerContext): Response {
    if (!this.#options.otlp) return new Response("Not Found", { status: 404 });
    if (request.headers.get("content-type") !== "application/x-protobuf") {
      return Response.json({ detail: "Invalid Content-Type" }, { status: 400 });
    }
    const experimentId = request.headers.get("x-mlflow-experiment-id");
    if (!experimentId) {
      return Response.json({ detail: "x-mlflow-experiment-id missing" }, { status: 422 });
    }
    record.otlp = this.#decoder.decodeExportRequest(bytes);
    const spans = spansOf(record.otlp);
    if (!spans.length) {
      return Response.json({ detail: "no spans found" }, { status: 400 });
    }
    for (const span of spans) this.#traces.logSpan(experimentId, span);
    return new Response(new Uint8Array(), {
      headers: { "content-type": "application/x-protobuf" },
    });
  }

  #startTrace(body: z.infer<typeof Schemas.startTrace>): Response {
    const info = this.#traces.start(body.trace.trace_info);
    return Response.json({ trace: { trace_info: info } });
  }

  #getTrace(traceId: string | null, withSpans: boolean): Response {
    const trace = this.traces.get(traceId ?? "");
    if (!trace) {
      return mlflowError(404, "RESOURCE_DOES_NOT_EXIST", `Trace with ID ${traceId} is not found.`);
    }
    return Response.json({
      trace: {
        trace_info: trace.info,
        ...(withSpans ? { spans: trace.spans.map(snakeCase) } : {}),
      },
    });
  }

  #searchTraces(body: z.infer<typeof Schemas.searchTraces>): Response {
    const infos = this.#traces.search(
      body.locations.map((l) => l.mlflow_experiment.experiment_id),
      body.filter,
      this.genai.links,
    );
    return Response.json(page(infos, "traces", body.max_results ?? 100, body.page_token));
  }
}

function runJson(run: FakeRun): Json {
  const pairs = (map: Map<string, string>) => [...map].map(([key, value]) => ({ key, value }));
  return {
    info: run.info,
    data: { metrics: run.metrics, params: pairs(run.params), tags: pairs(run.tags) },
    inputs: {},
  };
}

function page<T>(items: T[], key: string, size: number, token: string | undefined): Json {
  const start = token ? Number(token) : 0;
  const next = start + size < items.length ? String(start + size) : undefined;
  return { [key]: items.slice(start, start + size), ...(next ? { next_page_token: next } : {}) };
}

function mlflowError(status: number, code: string, message: string): Response {
  return Response.json({ error_code: code, message }, { status });
}

function matches(path: string, pattern: string | RegExp): boolean {
  return typeof pattern === "string" ? path === pattern : pattern.test(path);
}

function pickHeaders(headers: Headers): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of ["content-type", "x-mlflow-experiment-id", "authorization", "user-agent"]) {
    const value = headers.get(name);
    if (value !== null) picked[name] = value;
  }
  return picked;
}
