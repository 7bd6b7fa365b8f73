/**
 * `MlflowTracker`: the `Tracer` that records every workflow run as one MLflow trace, linked to
 * its agent version (an MLflow LoggedModel) and, for a batch or an evaluation, to the one MLflow
 * run of the group (`startGroupRun`); with `runPerExecution`, each run also gets an MLflow run of
 * its own. It is the one owner of tracking's lifecycle: it opens the sink its destination leads
 * to (at the first delivery) and the spool, hands each finished run's bundle to its delivery
 * queue, flushes once and closes.
 *
 * @module
 */
import { MAX_KEY_CHARS } from "./mlflow_limits.ts";
import { CapturePolicy } from "./capture_policy.ts";
import { summarizeTraceBundle } from "./build_trace_bundle.ts";
import { GroupRun, groupRunSettings } from "./group_run.ts";
import { annotateBundle } from "./_annotate_bundle.ts";
import {
  describeError,
  type FinishedRun,
  type ForeignParent,
  RunRecorder,
} from "./_run_recorder.ts";
import { renderRunName } from "../config/run_name.ts";
import type { RunRecordIds, RunStart, RunTrace, SpanOptions, SpanScope, Tracer } from "./tracer.ts";
import type { RunBundle } from "./trace_bundle.ts";
import { parseTrackingUri, type TrackingDestination } from "./tracking_destination.ts";
import { activeOtelSpanContext } from "./trace_context.ts";
import { withCollector } from "./otlp/collector_sink.ts";
import { DeliveryQueue, TRACKING_FLUSH_TIMEOUT_MS } from "./delivery/delivery_queue.ts";
import { openSink } from "./delivery/open_sink.ts";
import { checkDestination } from "./delivery/preflight.ts";
import { Spool } from "./delivery/spool.ts";
import type {
  CloseTrackerOptions,
  MlflowTrackerOptions,
  StartGroupRunOptions,
  StartRunOptions,
} from "./tracker_options.ts";

export type { ForeignParent };
export type {
  CloseTrackerOptions,
  MlflowCaptureSettings,
  MlflowTrackerOptions,
  StartGroupRunOptions,
  StartRunOptions,
  TraceAnnotations,
} from "./tracker_options.ts";

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

/** The most traces one delivery to a tracking server takes (one span export, one run link). */
const HTTP_BATCH_SIZE = 25;

/**
 * Records workflow runs in MLflow: one trace per run (root AGENT span `workflow_<name>`, a
 * CHAIN span per node execution, CHAT_MODEL and TOOL spans) linked to its agent version; an
 * MLflow run with params, metrics, tags and artifacts only for a group (batch, evaluation) or,
 * with `run_per_execution`, for each execution; and the capture policy (`log_prompts`,
 * `redact`, secrets) applied to all of it. It owns the delivery: `flush` waits (bounded) for
 * what is pending, `close` ends open runs, flushes and closes the sink. Several trackers can
 * live in one process; concurrent runs never mix.
 *
 * @example Usage
 * ```ts
 * import { MlflowTracker, type TraceBundle } from "@configurable-agents/core";
 * const bundles: TraceBundle[] = [];
 * const tracker = new MlflowTracker({
 *   trackingUri: "sqlite:///mlflow.db", experimentName: "demo", async: false,
 *   sink: {
 *     deliver: (bundle) => {
 *       if ("trace" in bundle) bundles.push(bundle);
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
  /** Whether each run outside a group gets an MLflow run of its own (`run_per_execution`). */
  readonly runPerExecution: boolean;
  readonly #options: MlflowTrackerOptions;
  readonly #policy: CapturePolicy;
  readonly #now: () => number;
  readonly #warn: (message: string) => void;
  readonly #queue: DeliveryQueue;
  readonly #runs = new Set<RunRecorder>();
  /** Traces waiting for their annotations before delivery. */
  readonly #deferred = new Set<Promise<void>>();
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
    this.runPerExecution = options.runPerExecution ?? false;
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
      concurrency: options.concurrency ?? (destination.kind === "http" ? 8 : 1),
      batchSize: destination.kind === "http" ? HTTP_BATCH_SIZE : 1,
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
   * @param options The group run it belongs to, and annotations to wait for.
   * @returns The run's trace; after {@linkcode MlflowTracker.close} a trace that records
   * nothing.
   */
  startRun(start: RunStart, options: StartRunOptions = {}): RunTrace {
    if (this.#closing) return NOOP_RUN;
    const run: RunRecorder = new RunRecorder(start, {
      now: this.#now,
      parent: this.#parent(),
      keepSnapshot: (nodeId) =>
        this.#policy.artifactLevel === "full" && this.#policy.logArtifactsFor(undefined) &&
        this.#policy.logArtifactsFor(nodeId),
      finished: (finished): Promise<RunRecordIds> => this.#record(finished, run, options),
    });
    this.#runs.add(run);
    return run;
  }

  /**
   * Starts the one MLflow run of a batch or an evaluation: runs started through its `tracer`
   * link their traces to it, and it counts them; its `finish` delivers its params and metrics.
   * Nothing is written before its first trace or its end.
   *
   * @param options Kind, workflow, name and tags.
   * @returns The group run.
   */
  startGroupRun(options: StartGroupRunOptions): GroupRun {
    const settings = groupRunSettings(options, {
      now: this.#now(),
      runNameTemplate: this.#options.mlflow?.run_name,
      user: this.#options.user ?? "unknown",
      sourceName: this.#options.sourceName ?? "configurable-agents",
      ...(this.#options.newRunKey ? { newRunKey: this.#options.newRunKey } : {}),
      scrub: (text) => this.#policy.forRun([]).scrubSecrets(text),
    });
    return new GroupRun({
      ...settings,
      trackingUri: this.destination.uri,
      experimentName: this.#options.experimentName,
      startRun: (start, group) => this.startRun(start, { group }),
      submit: (bundle) => this.#submitRun(bundle),
      now: this.#now,
    });
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
    await this.#queue.flush(await this.#deferredSettled(timeoutMs));
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
    await this.#queue.close(await this.#deferredSettled(timeoutMs, signal), signal);
  }

  /**
   * Waits (bounded) for the traces that wait for their annotations to be handed over.
   *
   * @returns What is left of the bound: all of it when no trace waits (so the delivery's own
   * bound, and its message, stay the one the caller gave).
   */
  async #deferredSettled(timeoutMs: number, signal?: AbortSignal): Promise<number> {
    if (this.#deferred.size === 0 || timeoutMs === 0) return timeoutMs;
    const started = performance.now();
    const controller = new AbortController();
    const waits: Promise<unknown>[] = [Promise.all([...this.#deferred])];
    if (Number.isFinite(timeoutMs)) {
      waits.push(
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          controller.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
        }),
      );
    }
    if (signal) {
      waits.push(
        new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          signal.addEventListener("abort", () => resolve(), {
            once: true,
            signal: controller.signal,
          });
        }),
      );
    }
    await Promise.race(waits);
    controller.abort();
    return Number.isFinite(timeoutMs)
      ? Math.max(0, timeoutMs - (performance.now() - started))
      : timeoutMs;
  }

  async #record(
    finished: FinishedRun,
    run: RunRecorder,
    options: StartRunOptions,
  ): Promise<RunRecordIds> {
    const { traceId } = finished;
    const { group, annotations } = options;
    try {
      const { bundle, summary } = summarizeTraceBundle(finished, {
        trackingUri: this.destination.uri,
        experimentName: this.#options.experimentName,
        runName: runNameOf(this.#options.mlflow?.run_name, finished),
        user: this.#options.user ?? "unknown",
        sourceName: this.#options.sourceName ?? "configurable-agents",
        policy: this.#policy,
        withRun: group === undefined && this.runPerExecution,
      });
      if (this.#options.agentVersion) bundle.agentVersion = this.#options.agentVersion;
      if (group) {
        bundle.group = group.link;
        group.add({ trace: bundle.trace, summary });
      }
      if (annotations) {
        const handOver = annotations.catch(() => ({}))
          .then((extra) => annotateBundle(bundle, extra, this.#policy.forRun([])))
          .then((annotated) => this.#queue.submit(annotated))
          .then(() => {}, (error) => this.#warnFailed(traceId, error));
        this.#deferred.add(handOver);
        handOver.finally(() => this.#deferred.delete(handOver));
        return { traceId, runId: undefined };
      }
      const outcome = await this.#queue.submit(bundle);
      return {
        traceId,
        runId: outcome.state === "delivered" ? outcome.receipt.runId : undefined,
      };
    } catch (error) {
      this.#warnFailed(traceId, error);
      return { traceId, runId: undefined };
    } finally {
      this.#runs.delete(run);
    }
  }

  async #submitRun(bundle: RunBundle): Promise<void> {
    try {
      await this.#queue.submit(bundle);
    } catch (error) {
      this.#warnFailed(bundle.group.runName, error);
    }
  }

  #warnFailed(id: string, error: unknown): void {
    const { type, message } = describeError(error);
    this.#warn(
      this.#policy.forRun([]).scrub(
        `Cannot record "${id}" as ${type} was raised: ${message}`,
      ),
    );
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
  return Array.from(name).slice(0, MAX_KEY_CHARS).join("");
}
