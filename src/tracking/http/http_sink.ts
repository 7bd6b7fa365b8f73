/**
 * The tracking-server sink: writes a bundle to an MLflow tracking server in the order MLflow's
 * own client uses (golden wire capture): experiment → run → spans over OTLP/protobuf →
 * params → StartTraceV3 (after the spans) → metrics → artifacts → run end. Servers without
 * `/v1/traces` get StartTraceV3 and a `traces.json` artifact instead. Idempotent by trace id:
 * a trace already complete on the server is not written again, and a delivery that stopped
 * half-way is completed without duplicates.
 *
 * @module
 */
import { errorMessage, WorkflowError } from "../../errors.ts";
import { storedSpanJson } from "../stored_span_json.ts";
import {
  type DeliveryReceipt,
  SOURCE_RUN_METADATA,
  TRACE_ID_TAG,
  type TraceBundle,
  type TraceSink,
} from "../trace_bundle.ts";
import { denoEnv, type EnvReader, redactUri } from "./mlflow_auth.ts";
import { MlflowClient } from "./mlflow_client.ts";
import type { MlflowRun, MlflowTraceInfo } from "./mlflow_entities.ts";
import { MlflowRequestError } from "./mlflow_request_error.ts";
import {
  denoLocalArtifactFiles,
  type LocalArtifactFiles,
  localArtifactPath,
} from "./local_artifact_files.ts";
import { type EncodedOtlpRequest, encodeOtlp } from "../otlp/encode_otlp.ts";
import { exportOtlp, type ExportOtlpOptions, type OtlpExportResult } from "../otlp/otlp_export.ts";
import { startTraceInput } from "./_trace_info.ts";
import { artifactDestination } from "./_wire_format.ts";

/** Statuses of `/v1/traces` that mean "this server has no OTLP endpoint". */
const OTLP_UNSUPPORTED = new Set([404, 405, 501]);

/** How to reach the server and the world. */
export interface HttpSinkOptions {
  /** `http(s)://host[:port][/prefix]`. */
  trackingUri: string;
  /** The fetch to use for REST calls. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Reads `MLFLOW_TRACKING_*` and `MLFLOW_HTTP_REQUEST_TIMEOUT`. @default the Deno environment where permitted */
  env?: EnvReader;
  /** Timeout of each request. @default MLFLOW_HTTP_REQUEST_TIMEOUT seconds, else 120 s */
  timeoutMs?: number;
  /** Receives warnings (artifacts skipped). @default ignore them */
  warn?: (message: string) => void;
  /** File access for servers whose artifact location is a local path. @default Deno's */
  localFiles?: LocalArtifactFiles;
  /** Sends spans over OTLP. @default {@linkcode exportOtlp} */
  exportSpans?: (
    request: EncodedOtlpRequest,
    options: ExportOtlpOptions,
  ) => Promise<OtlpExportResult>;
}

/**
 * Writes bundles to an MLflow tracking server (3.4+).
 *
 * @example Usage
 * ```ts
 * import { HttpSink } from "./http_sink.ts";
 * const sink = new HttpSink({ trackingUri: "http://127.0.0.1:5000", env: () => undefined });
 * await sink.close();
 * ```
 */
export class HttpSink implements TraceSink {
  readonly #client: MlflowClient;
  readonly #controller = new AbortController();
  readonly #warn: (message: string) => void;
  readonly #localFiles: LocalArtifactFiles;
  readonly #exportSpans: NonNullable<HttpSinkOptions["exportSpans"]>;
  readonly #experiments = new Map<string, string>();
  readonly #warned = new Set<string>();
  readonly #uri: string;

  /**
   * Creates a sink for one tracking server; nothing is sent before `deliver`.
   *
   * @param options Tracking URI, fetch, environment, timeout, warnings and file access.
   * @throws {TypeError} A tracking URI that is not http(s).
   */
  constructor(options: HttpSinkOptions) {
    const env = options.env ?? denoEnv();
    this.#uri = redactUri(options.trackingUri);
    this.#client = new MlflowClient({
      baseUrl: options.trackingUri,
      env,
      signal: this.#controller.signal,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    this.#warn = options.warn ?? (() => {});
    this.#localFiles = options.localFiles ?? denoLocalArtifactFiles();
    const fetcher = options.fetch;
    this.#exportSpans = options.exportSpans ??
      ((request, exportOptions) =>
        exportOtlp(request, { ...exportOptions, ...(fetcher ? { fetch: fetcher } : {}) }));
  }

  /**
   * Writes the run and the trace, or completes an earlier partial delivery of them.
   *
   * @param bundle The finished run.
   * @returns Experiment and run ids; `alreadyPresent` when the trace and its finished run were
   *   already on the server (nothing written).
   * @throws {MlflowRequestError} The server is unreachable or refused a request.
   * @throws {WorkflowError} The spans cannot be stored (no OTLP endpoint and no reachable
   *   artifact location) or the OTLP exporter may not read its environment.
   */
  async deliver(bundle: TraceBundle): Promise<DeliveryReceipt> {
    if (this.#controller.signal.aborted) {
      throw new MlflowRequestError(`Cannot deliver to "${this.#uri}" as the sink is closed`, {
        kind: "aborted",
      });
    }
    const { trace, run } = bundle;
    if (!/^tr-[0-9a-f]{32}$/.test(trace.traceId)) {
      throw new TypeError(
        `Cannot deliver trace "${trace.traceId}" as trace ids are "tr-" and 32 lowercase hex digits`,
      );
    }
    const client = this.#client;
    const experimentId = await this.#experimentId(bundle.experimentName);
    const existingTrace = await client.getTraceInfo(trace.traceId);
    const existingRun = await this.#findRun(experimentId, trace.traceId);
    const recorded = existingTrace?.metadata[SOURCE_RUN_METADATA] !== undefined;
    if (recorded && existingRun && existingRun.info.status !== "RUNNING") {
      return { experimentId, runId: existingRun.info.runId, alreadyPresent: true };
    }

    const runInfo = existingRun?.info ?? (await client.createRun({
      experimentId,
      runName: run.runName,
      startTime: run.startTimeMs,
      userId: run.tags["mlflow.user"],
      tags: { "mlflow.runName": run.runName, ...run.tags, [TRACE_ID_TAG]: trace.traceId },
    })).info;
    const runId = runInfo.runId;

    // A trace from an earlier, partial delivery keeps where its spans went.
    const spansAsArtifact = existingTrace
      ? existingTrace.tags["mlflow.trace.spansLocation"] !== "TRACKING_STORE"
      : !(await this.#sendSpans(bundle, experimentId));

    await client.logBatch(runId, { params: run.params });
    const traceInfo = recorded
      ? existingTrace
      : await client.startTrace(startTraceInput(bundle, experimentId, runId));
    if (spansAsArtifact) await this.#uploadSpans(bundle, traceInfo);
    await client.logBatch(runId, {
      metrics: Object.entries(run.metrics).map(([key, value]) => ({
        key,
        value,
        timestamp: run.endTimeMs,
        step: 0,
      })),
    });
    await this.#logArtifacts(bundle, runInfo.artifactUri);
    await client.updateRun(runId, { status: run.status, endTime: run.endTimeMs });
    return { experimentId, runId, alreadyPresent: false };
  }

  /** Aborts requests in flight; later deliveries fail. */
  close(): Promise<void> {
    this.#controller.abort();
    return Promise.resolve();
  }

  async #experimentId(name: string): Promise<string> {
    const cached = this.#experiments.get(name);
    if (cached !== undefined) return cached;
    let experiment = await this.#client.getExperimentByName(name);
    let id = experiment?.experimentId;
    if (id === undefined) {
      try {
        id = await this.#client.createExperiment(name);
      } catch (error) {
        // Another process created it in between.
        if (
          !(error instanceof MlflowRequestError) || error.errorCode !== "RESOURCE_ALREADY_EXISTS"
        ) {
          throw error;
        }
        experiment = await this.#client.getExperimentByName(name);
        if (!experiment) throw error;
        id = experiment.experimentId;
      }
    }
    this.#experiments.set(name, id);
    return id;
  }

  async #findRun(experimentId: string, traceId: string): Promise<MlflowRun | undefined> {
    const page = await this.#client.searchRuns({
      experimentIds: [experimentId],
      filter: `tags.\`${TRACE_ID_TAG}\` = '${traceId}'`,
      maxResults: 10,
      orderBy: ["attributes.start_time ASC"],
    });
    return page.runs.find((run) => run.info.status !== "RUNNING") ?? page.runs[0];
  }

  /** Sends the spans over OTLP; `false` when the server has no OTLP endpoint. */
  async #sendSpans(bundle: TraceBundle, experimentId: string): Promise<boolean> {
    const { url, headers } = this.#client.otlpEndpoint();
    const result = await this.#exportSpans(encodeOtlp(bundle.trace.spans), {
      url,
      headers: { ...headers, "x-mlflow-experiment-id": experimentId },
      timeoutMs: this.#client.timeoutMs,
      signal: this.#controller.signal,
    });
    if (result.ok) return true;
    if (result.status !== undefined && OTLP_UNSUPPORTED.has(result.status)) return false;
    const action = `send the spans of trace "${bundle.trace.traceId}" to "${url}"`;
    if (result.status !== undefined) {
      const detail = result.body?.trim().slice(0, 200);
      throw new MlflowRequestError(
        `Cannot ${action} as the server answered ${result.status}${detail ? `: ${detail}` : ""}`,
        { kind: "http", status: result.status, cause: result.error },
      );
    }
    const { timedOut } = result;
    throw new MlflowRequestError(
      `Cannot ${action} as the MLflow tracking server ${
        timedOut ? "did not answer in time" : `is unreachable: ${result.error.message}`
      }`,
      {
        kind: timedOut ? "timeout" : this.#controller.signal.aborted ? "aborted" : "network",
        cause: result.error,
      },
    );
  }

  /** Fallback for servers without OTLP: the spans as `traces.json` at the trace's artifact location. */
  async #uploadSpans(bundle: TraceBundle, traceInfo: MlflowTraceInfo | undefined): Promise<void> {
    const { traceId, spans } = bundle.trace;
    const location = traceInfo?.tags["mlflow.artifactLocation"];
    const content = `{"spans": [${spans.map(storedSpanJson).join(", ")}]}`;
    const destination = location === undefined ? undefined : artifactDestination(location);
    if (location !== undefined && destination?.kind === "proxy") {
      await this.#client.uploadArtifact(location, "traces.json", content);
      return;
    }
    if (destination?.kind === "local" && await this.#localFiles.canWrite(destination.path)) {
      await this.#localFiles.writeTextFile(
        localArtifactPath(destination.path, "traces.json"),
        content,
      );
      return;
    }
    throw new WorkflowError(
      "TRACKING_UNAVAILABLE",
      `Cannot store the spans of trace "${traceId}" on "${this.#uri}" as it has no OTLP endpoint and its artifact location "${
        location ?? "(none)"
      }" is neither served by its artifact proxy nor writable here`,
      {
        phase: "track",
        hint:
          "run the server with a SQL backend (mlflow server --backend-store-uri sqlite:///mlflow.db) or with --serve-artifacts",
      },
    );
  }

  async #logArtifacts(bundle: TraceBundle, artifactUri: string | undefined): Promise<void> {
    const { artifacts } = bundle.run;
    if (!artifacts.length) return;
    const destination = artifactUri === undefined ? undefined : artifactDestination(artifactUri);
    if (artifactUri !== undefined && destination?.kind === "proxy") {
      for (const artifact of artifacts) {
        await this.#client.uploadArtifact(artifactUri, artifact.path, artifact.content);
      }
      return;
    }
    if (destination?.kind === "local") {
      if (!(await this.#localFiles.canWrite(destination.path))) {
        this.#warnOnce(
          `local:${destination.path}`,
          `Cannot write the artifacts of run "${bundle.run.runName}" to "${destination.path}" as Deno may not write there (the tracking server keeps artifacts in a local directory): artifacts skipped; add --allow-write=${destination.path} or run the server with --serve-artifacts`,
        );
        return;
      }
      try {
        for (const artifact of artifacts) {
          await this.#localFiles.writeTextFile(
            localArtifactPath(destination.path, artifact.path),
            artifact.content,
          );
        }
      } catch (error) {
        this.#warnOnce(
          `local-error:${destination.path}`,
          `Cannot write the artifacts of run "${bundle.run.runName}" to "${destination.path}": ${
            errorMessage(error)
          }; artifacts skipped`,
        );
      }
      return;
    }
    this.#warnOnce(
      `other:${artifactUri}`,
      `Cannot upload the artifacts of run "${bundle.run.runName}" to "${
        artifactUri ?? "(none)"
      }" as only mlflow-artifacts: and local artifact locations are supported: artifacts skipped; run the server with --serve-artifacts`,
    );
  }

  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#warn(message);
  }
}
