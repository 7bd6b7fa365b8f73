/**
 * `MlflowTracker`: the `Tracer` that records every workflow run as one MLflow trace and one
 * MLflow run, and the one owner of tracking's lifecycle: it opens the sink its destination
 * leads to (at the first delivery) and the spool, hands each finished run's bundle to its
 * delivery queue, flushes once and closes.
 *
 * @module
 */
import { type ArtifactLevel, CapturePolicy, type NodeCaptureSettings } from "./capture_policy.ts";
import { buildTraceBundle } from "./build_trace_bundle.ts";
import {
  describeError,
  type FinishedRun,
  type ForeignParent,
  RunRecorder,
} from "./_run_recorder.ts";
import { renderRunName } from "../config/run_name.ts";
import type { RunRecordIds, RunStart, RunTrace, SpanOptions, SpanScope, Tracer } from "./tracer.ts";
import type { TraceSink } from "./trace_bundle.ts";
import { parseTrackingUri, type TrackingDestination } from "./tracking_destination.ts";
import { activeOtelSpanContext } from "./trace_context.ts";
import { withCollector } from "./otlp/collector_sink.ts";
import type { OtlpCollectorConfig } from "./otlp/otlp_env.ts";
import { DeliveryQueue, TRACKING_FLUSH_TIMEOUT_MS } from "./delivery/delivery_queue.ts";
import { openSink, type OpenSinkDeps } from "./delivery/open_sink.ts";
import { checkDestination, type PreflightDeps } from "./delivery/preflight.ts";
import { Spool, type SpoolOptions } from "./delivery/spool.ts";

export type { ForeignParent };

/**
 * The `config.observability.mlflow` settings the tracker reads (a workflow's `MlflowConfig`
 * fits); a missing field takes the schema default.
 */
export interface MlflowCaptureSettings {
  /**
   * Record span inputs and outputs; `false` records only sizes and hashes.
   *
   * @default {true}
   */
  log_prompts?: boolean | undefined;
  /**
   * Log run artifacts.
   *
   * @default {true}
   */
  log_artifacts?: boolean | undefined;
  /**
   * Which artifacts to log.
   *
   * @default {"standard"}
   */
  artifact_level?: ArtifactLevel | undefined;
  /**
   * State fields or regular expressions whose values are masked.
   *
   * @default {[]}
   */
  redact?: readonly string[] | undefined;
  /**
   * Run name template over `{flow_name}`, `{version}`, `{date}` and `{timestamp}`.
   *
   * @default {"{flow_name}-{timestamp}"}
   */
  run_name?: string | undefined;
}

/** Options of {@linkcode MlflowTracker}. */
export interface MlflowTrackerOptions {
  /** Where runs go: a tracking URI (`sqlite:///...`, `http(s)://...`) or a parsed destination. */
  trackingUri: string | TrackingDestination;
  /** MLflow experiment name. */
  experimentName: string;
  /**
   * The workflow's `config.observability.mlflow` settings.
   *
   * @default {{}}
   */
  mlflow?: MlflowCaptureSettings;
  /**
   * The workflow's nodes, for their `log_prompts` and `log_artifacts` overrides.
   *
   * @default {[]}
   */
  nodes?: readonly NodeCaptureSettings[];
  /**
   * Deliver in the background (`async_logging`): a run's `finish` does not wait for the export.
   * Each finished run is journaled in the spool first, so a crash cannot lose it.
   *
   * @default {true}
   */
  async?: boolean;
  /**
   * Writes the bundles instead of the sink the destination leads to (tests, embedders).
   *
   * @default {the SQLite file or tracking server of `trackingUri`, opened at the first delivery}
   */
  sink?: TraceSink;
  /**
   * How the default sink is opened: fetch, environment, SQLite options, a worker-thread sink.
   *
   * @default {Deno's}
   */
  sinkOptions?: OpenSinkDeps;
  /**
   * Where undeliverable runs (and the journal of asynchronous ones) go.
   *
   * @default {{ dir: ".mlflow-spool" }}
   */
  spool?: SpoolOptions;
  /**
   * Checks made once before the first delivery (permissions, reachability); `false` skips them.
   *
   * @default {Deno's permission query and TCP connect}
   */
  preflight?: PreflightDeps | false;
  /**
   * The span of another system every run nests under (W3C trace context). A function is asked
   * at the start of each run.
   *
   * @default {the caller's active OpenTelemetry span, when there is one}
   */
  parent?: ForeignParent | (() => ForeignParent | undefined);
  /**
   * Credential values scrubbed from everything recorded (see `secretValuesFromEnv`).
   *
   * @default {[]}
   */
  secrets?: readonly string[];
  /**
   * Clock in milliseconds since the epoch (fractions allowed).
   *
   * @default {() => performance.timeOrigin + performance.now()}
   */
  now?: () => number;
  /**
   * `mlflow.user` of traces and runs.
   *
   * @default {"unknown"}
   */
  user?: string;
  /**
   * `mlflow.source.name` of traces and runs (the workflow file, say).
   *
   * @default {"configurable-agents"}
   */
  sourceName?: string;
  /**
   * Receives the warnings of tracking (the run itself never fails for them): one for delivery
   * problems, one for traces that could not even be spooled.
   *
   * @default {() => {}}
   */
  warn?: (message: string) => void;
  /**
   * Deliveries at once.
   *
   * @default {1 for a SQLite file, 4 for a tracking server}
   */
  concurrency?: number;
  /**
   * An OTLP collector that gets every trace's spans too (see `readOtlpEnv` for the standard
   * `OTEL_EXPORTER_OTLP_*` settings), best effort.
   *
   * @default {none}
   */
  collector?: OtlpCollectorConfig;
}

/** Options of {@linkcode MlflowTracker.close}. */
export interface CloseTrackerOptions {
  /**
   * How long to wait for the deliveries, milliseconds; `Infinity` waits for all of them.
   *
   * @default {5000}
   */
  timeoutMs?: number;
  /**
   * Stop reason recorded on runs that were still open.
   *
   * @default {"interrupted"}
   */
  reason?: string;
  /**
   * Stops the wait for the deliveries early (an interrupt): what is left goes to the spool.
   *
   * @default {none}
   */
  signal?: AbortSignal | undefined;
}

const NOOP_SCOPE: SpanScope = {
  traceparent: undefined,
  setOutputs(): void {},
  setLlmCall(): void {},
  setAttributes(): void {},
};

const NOOP_RUN: RunTrace = {
  traceId: undefined,
  span<T>(_options: SpanOptions, fn: (scope: SpanScope) => Promise<T>): Promise<T> {
    return fn(NOOP_SCOPE);
  },
  snapshot(): void {},
  finish(): Promise<RunRecordIds> {
    return Promise.resolve({ traceId: undefined, runId: undefined });
  },
};

/** MLflow's limit on run names (`runs.name`). */
const MAX_RUN_NAME_CHARS = 250;

/**
 * Records workflow runs in MLflow: one trace per run (root AGENT span `workflow_<name>`, a
 * CHAIN span per node execution, CHAT_MODEL and TOOL spans), one MLflow run with params,
 * metrics, tags and artifacts, and the capture policy (`log_prompts`, `redact`, secrets)
 * applied to all of it. It owns the delivery: `flush` waits (bounded) for what is pending,
 * `close` ends open runs, flushes and closes the sink. Several trackers can live in one
 * process; concurrent runs never mix.
 *
 * @example Usage
 * ```ts
 * import { MlflowTracker, type TraceBundle } from "@configurable-agents/core";
 * const bundles: TraceBundle[] = [];
 * const tracker = new MlflowTracker({
 *   trackingUri: "sqlite:///mlflow.db", experimentName: "demo", async: false,
 *   sink: {
 *     deliver: (bundle) => {
 *       bundles.push(bundle);
 *       return Promise.resolve({ experimentId: "1", runId: "r1", alreadyPresent: false });
 *     },
 *     close: () => Promise.resolve(),
 *   },
 * });
 * const run = tracker.startRun({
 *   workflowName: "demo", workflowVersion: undefined, nodeCount: 1, provider: "mock",
 *   model: "m", inputs: { topic: "x" },
 * });
 * await run.span({ type: "CHAIN", name: "write", nodeId: "write" }, async (scope) => {
 *   scope.setOutputs({ draft: "y" });
 * });
 * const ids = await run.finish({ status: "success", outputs: { topic: "x", draft: "y" } });
 * await tracker.close();
 * if (ids.runId !== "r1" || bundles[0]?.trace.spans.length !== 2) throw new Error();
 * ```
 */
export class MlflowTracker implements Tracer {
  /** Where runs go. */
  readonly destination: TrackingDestination;
  /** Whether runs are delivered in the background (`async_logging`). */
  readonly async: boolean;
  readonly #options: MlflowTrackerOptions;
  readonly #policy: CapturePolicy;
  readonly #now: () => number;
  readonly #warn: (message: string) => void;
  readonly #queue: DeliveryQueue;
  readonly #runs = new Set<RunRecorder>();
  #closing: Promise<void> | undefined;

  /**
   * Creates a tracker; nothing is opened before the first run is delivered.
   *
   * @param options Destination, experiment, settings, delivery and injected clock.
   * @throws {WorkflowError} `CONFIG_INVALID` when a `redact` entry is not a valid regular
   * expression; `TRACKING_UNAVAILABLE` for a URI that is neither sqlite nor http(s).
   * @throws {TypeError} When the experiment name is empty.
   */
  constructor(options: MlflowTrackerOptions) {
    if (options.experimentName.trim() === "") {
      throw new TypeError("Cannot create the MLflow tracker as the experiment name is empty");
    }
    this.#options = options;
    this.destination = typeof options.trackingUri === "string"
      ? parseTrackingUri(options.trackingUri)
      : options.trackingUri;
    const { mlflow = {}, nodes = [], secrets = [], preflight = {} } = options;
    this.#policy = new CapturePolicy({
      logPrompts: mlflow.log_prompts ?? true,
      logArtifacts: mlflow.log_artifacts ?? true,
      artifactLevel: mlflow.artifact_level ?? "standard",
      redact: mlflow.redact ?? [],
      nodes,
      secrets,
    });
    this.async = options.async ?? true;
    this.#now = options.now ?? (() => performance.timeOrigin + performance.now());
    this.#warn = options.warn ?? (() => {});
    const destination = this.destination;
    const sinkOptions = { warn: this.#warn, ...options.sinkOptions };
    const { collector } = options;
    const open = async () => {
      const sink = options.sink ?? await openSink(destination, sinkOptions);
      if (collector === undefined) return sink;
      return withCollector(sink, collector, {
        warn: this.#warn,
        ...(sinkOptions.fetch ? { fetch: sinkOptions.fetch } : {}),
      });
    };
    this.#queue = new DeliveryQueue({
      openSink: open,
      spool: new Spool(options.spool),
      warn: this.#warn,
      async: this.async,
      concurrency: options.concurrency ?? (destination.kind === "http" ? 4 : 1),
      destination: destination.uri,
      ...(preflight === false || options.sink
        ? {}
        : { preflight: () => checkDestination(destination, preflight) }),
      ...(preflight && preflight.sleep ? { sleep: preflight.sleep } : {}),
    });
  }

  /**
   * Starts recording one run (its root span starts now).
   *
   * @param start Workflow name, version, node count, provider, model, inputs, session, user.
   * @returns The run's trace; after {@linkcode MlflowTracker.close} a trace that records
   * nothing.
   */
  startRun(start: RunStart): RunTrace {
    if (this.#closing) return NOOP_RUN;
    const run: RunRecorder = new RunRecorder(start, {
      now: this.#now,
      parent: this.#parent(),
      keepSnapshot: (nodeId) =>
        this.#policy.artifactLevel === "full" && this.#policy.logArtifactsFor(undefined) &&
        this.#policy.logArtifactsFor(nodeId),
      finished: (finished): Promise<RunRecordIds> => this.#record(finished, run),
    });
    this.#runs.add(run);
    return run;
  }

  /** Runs that have started and not finished. */
  get openRuns(): number {
    return this.#runs.size;
  }

  /** Runs handed over and not yet written or spooled. */
  get pending(): number {
    return this.#queue.pending;
  }

  /**
   * Resolves once at most `count` runs are waiting for delivery: a producer of many runs (a
   * batch) calls it so that it never runs far ahead of the sink. Never gives up and never spools.
   *
   * @param count The most runs that may be pending.
   * @returns When that many or fewer are pending.
   */
  pendingAtMost(count: number): Promise<void> {
    return this.#queue.pendingAtMost(count);
  }

  /**
   * Waits until every run handed over is written or spooled, at most `timeoutMs`; what is left
   * then goes to the spool. Never throws.
   *
   * @param timeoutMs Longest wait; `Infinity` waits for every delivery. @default 5000
   */
  async flush(timeoutMs: number = TRACKING_FLUSH_TIMEOUT_MS): Promise<void> {
    await this.#queue.flush(timeoutMs);
  }

  /**
   * Ends every run still open as cancelled (its open spans and its trace end as ERROR, its
   * MLflow run as KILLED), waits for the deliveries with a bounded wait, closes the sink and
   * stops recording. For the end of a process and for SIGINT/SIGTERM handlers. Idempotent;
   * never throws.
   *
   * @param options How long to wait and the stop reason to record.
   */
  close(options: CloseTrackerOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options);
    return this.#closing;
  }

  async #close(options: CloseTrackerOptions): Promise<void> {
    const { timeoutMs = TRACKING_FLUSH_TIMEOUT_MS, reason = "interrupted", signal } = options;
    await Promise.all([...this.#runs].map((run) => run.finish({ status: "cancelled", reason })));
    await this.#queue.close(timeoutMs, signal);
  }

  async #record(finished: FinishedRun, run: RunRecorder): Promise<RunRecordIds> {
    const { traceId } = finished;
    try {
      const bundle = buildTraceBundle(finished, {
        trackingUri: this.destination.uri,
        experimentName: this.#options.experimentName,
        runName: runNameOf(this.#options.mlflow?.run_name, finished),
        user: this.#options.user ?? "unknown",
        sourceName: this.#options.sourceName ?? "configurable-agents",
        policy: this.#policy,
      });
      const outcome = await this.#queue.submit(bundle);
      return {
        traceId,
        runId: outcome.state === "delivered" ? outcome.receipt.runId : undefined,
      };
    } catch (error) {
      const { type, message } = describeError(error);
      this.#warn(
        this.#policy.forRun([]).scrub(
          `Cannot record run of trace "${traceId}" as ${type} was raised: ${message}`,
        ),
      );
      return { traceId, runId: undefined };
    } finally {
      this.#runs.delete(run);
    }
  }

  #parent(): ForeignParent | undefined {
    const { parent } = this.#options;
    if (typeof parent === "function") return parent();
    if (parent !== undefined) return parent;
    const active = activeOtelSpanContext();
    return active && { traceId: active.traceId, spanId: active.spanId };
  }
}

/** The run name from the `run_name` template; `<flow name>-<timestamp>` without one. */
function runNameOf(template: string | undefined, run: FinishedRun): string {
  const name = renderRunName(template ?? "{flow_name}-{timestamp}", {
    flowName: run.start.workflowName,
    version: run.start.workflowVersion,
    startedAt: new Date(run.startTimeMs),
  });
  return Array.from(name).slice(0, MAX_RUN_NAME_CHARS).join("");
}
