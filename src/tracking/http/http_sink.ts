/**
 * The tracking-server sink: writes a bundle to an MLflow tracking server in the order MLflow's
 * own client uses (golden wire captures): experiment → the agent version (LoggedModel, found
 * or created) → the group run (found by its key or created), or the run of one execution →
 * spans over OTLP/protobuf → the trace linked to its group run → StartTraceV3 (after the
 * spans, with `mlflow.sourceRun` and `mlflow.modelId`) → assessments → a run's params,
 * metrics, artifacts and end. Servers without `/v1/traces` get StartTraceV3 and a
 * `traces.json` artifact instead. The end of a group run logs its params, metrics and dataset
 * and ends it. Idempotent: a trace already complete on the server is not written again, a
 * delivery that stopped half-way is completed without duplicates, and a group run that has
 * ended is left as it is.
 *
 * @module
 */
import { errorMessage, WorkflowError } from "../../errors.ts";
import { storedSpanJson } from "../stored_span_json.ts";
import {
  type ArtifactRecord,
  ASSESSMENT_SOURCE_RUN_METADATA,
  type AssessmentRecord,
  type DeliveryReceipt,
  isRunBundle,
  type RunRecord,
  SOURCE_RUN_METADATA,
  TRACE_ID_TAG,
  type TraceBundle,
  type TraceSink,
  type TrackingBundle,
  WORKFLOW_TAG,
} from "../trace_bundle.ts";
import { denoEnv, type EnvReader, redactUri } from "./mlflow_auth.ts";
import { MlflowClient } from "./mlflow_client.ts";
import type { MlflowAssessmentInfo, MlflowRun, MlflowTraceInfo } from "./mlflow_entities.ts";
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
import { GenAiRequests } from "./_genai_requests.ts";
import { RestTransport } from "./_rest_transport.ts";
import { HttpGroupRuns } from "./_http_group_runs.ts";
import { HttpAgentVersions } from "./_http_agent_versions.ts";

/**
 * The assessments of a bundle the server does not have yet: one with the same name, kind,
 * source and evaluation run is there already.
 */
function missingAssessments(
  assessments: readonly AssessmentRecord[],
  existing: MlflowTraceInfo | undefined,
  runId: string | undefined,
): AssessmentRecord[] {
  const present = existing?.assessments ?? [];
  const same = (a: AssessmentRecord, b: MlflowAssessmentInfo) =>
    a.name === b.name && a.kind === b.kind && a.source.type === b.sourceType &&
    a.source.id === b.sourceId && runId === b.sourceRunId;
  return assessments.filter((assessment) => !present.some((info) => same(assessment, info)));
}

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
  /** Clock, milliseconds since the epoch (logged model files). @default Date.now */
  now?: () => number;
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
  readonly #genai: GenAiRequests;
  readonly #groups: HttpGroupRuns;
  readonly #versions: HttpAgentVersions;

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
    this.#genai = new GenAiRequests(
      new RestTransport({
        base: this.#client.baseUrl,
        fetch: fetcher ?? globalThis.fetch,
        headers: this.#client.otlpEndpoint().headers,
        timeoutMs: this.#client.timeoutMs,
        signal: this.#controller.signal,
      }),
    );
    this.#groups = new HttpGroupRuns(this.#client, this.#genai);
    this.#versions = new HttpAgentVersions(
      this.#genai,
      (uri, artifacts, what) => this.#writeArtifacts(uri, artifacts, what),
      options.now ?? Date.now,
    );
    this.#exportSpans = options.exportSpans ??
      ((request, exportOptions) =>
        exportOtlp(request, { ...exportOptions, ...(fetcher ? { fetch: fetcher } : {}) }));
  }

  /**
   * Writes a trace (with its agent version, group run link, assessments or run of its own) or
   * the end of a group run, or completes an earlier partial delivery of them.
   *
   * @param bundle The bundle.
   * @returns Experiment and run ids; `alreadyPresent` when it was all on the server already
   *   (nothing written).
   * @throws {MlflowRequestError} The server is unreachable or refused a request.
   * @throws {WorkflowError} The spans cannot be stored (no OTLP endpoint and no reachable
   *   artifact location) or the OTLP exporter may not read its environment.
   */
  async deliver(bundle: TrackingBundle): Promise<DeliveryReceipt> {
    if (this.#controller.signal.aborted) {
      throw new MlflowRequestError(`Cannot deliver to "${this.#uri}" as the sink is closed`, {
        kind: "aborted",
      });
    }
    const experimentId = await this.#experimentId(bundle.experimentName);
    if (isRunBundle(bundle)) {
      const { runId, alreadyPresent } = await this.#groups.finish(
        experimentId,
        bundle,
        (uri, artifacts, what) => this.#writeArtifacts(uri, artifacts, what),
      );
      return { experimentId, runId, alreadyPresent };
    }
    const { trace, run } = bundle;
    if (!/^tr-[0-9a-f]{32}$/.test(trace.traceId)) {
      throw new TypeError(
        `Cannot deliver trace "${trace.traceId}" as trace ids are "tr-" and 32 lowercase hex digits`,
      );
    }
    const existingTrace = await this.#client.getTraceInfo(trace.traceId);
    return run
      ? await this.#deliverWithRun(bundle, run, experimentId, existingTrace)
      : await this.#deliverTrace(bundle, experimentId, existingTrace);
  }

  /** A trace alone, or in a group run: no run of its own. */
  async #deliverTrace(
    bundle: TraceBundle,
    experimentId: string,
    existingTrace: MlflowTraceInfo | undefined,
  ): Promise<DeliveryReceipt> {
    const { trace, group, agentVersion } = bundle;
    const groupRun = group ? await this.#groups.runOf(experimentId, group) : undefined;
    const runId = groupRun?.info.runId;
    const modelId = agentVersion
      ? await this.#versions.modelIdOf(experimentId, agentVersion)
      : undefined;
    // StartTraceV3 is what sets the workflow tag: a trace that has it is recorded.
    const recorded = existingTrace?.tags[WORKFLOW_TAG] !== undefined;
    const missing = missingAssessments(bundle.assessments ?? [], existingTrace, runId);
    if (recorded && missing.length === 0) return { experimentId, runId, alreadyPresent: true };
    const spansAsArtifact = existingTrace
      ? existingTrace.tags["mlflow.trace.spansLocation"] !== "TRACKING_STORE"
      : !(await this.#sendSpans(bundle, experimentId));
    if (runId !== undefined) await this.#genai.linkTracesToRun([trace.traceId], runId);
    const traceInfo = recorded
      ? existingTrace
      : await this.#client.startTrace(startTraceInput(bundle, experimentId, runId, modelId));
    if (spansAsArtifact) await this.#uploadSpans(bundle, traceInfo);
    const spanId = trace.spans.find((span) => span.parentSpanId === null)?.spanId;
    for (const assessment of missing) {
      const metadata: Record<string, string> = runId === undefined
        ? { ...assessment.metadata }
        : { [ASSESSMENT_SOURCE_RUN_METADATA]: runId, ...assessment.metadata };
      await this.#genai.createAssessment(trace.traceId, assessment, { spanId, metadata });
    }
    return { experimentId, runId, alreadyPresent: false };
  }

  /** A trace with a run of its own (one run per execution). */
  async #deliverWithRun(
    bundle: TraceBundle,
    run: RunRecord,
    experimentId: string,
    existingTrace: MlflowTraceInfo | undefined,
  ): Promise<DeliveryReceipt> {
    const { trace, agentVersion } = bundle;
    const client = this.#client;
    const existingRun = await this.#findRun(experimentId, trace.traceId);
    const recorded = existingTrace?.metadata[SOURCE_RUN_METADATA] !== undefined;
    if (recorded && existingRun && existingRun.info.status !== "RUNNING") {
      return { experimentId, runId: existingRun.info.runId, alreadyPresent: true };
    }
    const modelId = agentVersion
      ? await this.#versions.modelIdOf(experimentId, agentVersion)
      : undefined;

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
      : await client.startTrace(startTraceInput(bundle, experimentId, runId, modelId));
    if (spansAsArtifact) await this.#uploadSpans(bundle, traceInfo);
    await client.logBatch(runId, {
      metrics: Object.entries(run.metrics).map(([key, value]) => ({
        key,
        value,
        timestamp: run.endTimeMs,
        step: 0,
      })),
    });
    await this.#writeArtifacts(runInfo.artifactUri, run.artifacts, `run "${run.runName}"`);
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

  /** Writes artifacts through the artifact proxy, or into a local artifact directory. */
  async #writeArtifacts(
    artifactUri: string | undefined,
    artifacts: readonly ArtifactRecord[],
    what: string,
  ): Promise<void> {
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
          `Cannot write the artifacts of ${what} to "${destination.path}" as Deno may not write there (the tracking server keeps artifacts in a local directory): artifacts skipped; add --allow-write=${destination.path} or run the server with --serve-artifacts`,
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
          `Cannot write the artifacts of ${what} to "${destination.path}": ${
            errorMessage(error)
          }; artifacts skipped`,
        );
      }
      return;
    }
    this.#warnOnce(
      `other:${artifactUri}`,
      `Cannot upload the artifacts of ${what} to "${
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
