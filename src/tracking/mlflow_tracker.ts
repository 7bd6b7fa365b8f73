/**
 * `MlflowTracker`: the `Tracer` that records every workflow run as one MLflow trace (built from
 * OpenTelemetry spans on a provider of its own, never registered globally) and one MLflow run,
 * and hands the finished bundle to a `BundleDelivery`.
 *
 * @module
 */
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { TracerProvider } from "@opentelemetry/sdk-trace";
import type { Tracer as OtelTracer } from "@opentelemetry/api";
import { type ArtifactLevel, CapturePolicy, type NodeCaptureSettings } from "./capture_policy.ts";
import { buildTraceBundle } from "./bundle_builder.ts";
import { type CompletedRun, describeError, NOOP_SCOPE, OtelRunTrace } from "./_run_trace.ts";
import { SpanCollector } from "./_span_collector.ts";
import { toSpanRecord } from "./_span_record.ts";
import { renderRunName } from "../config/run_name.ts";
import type { RunRecordIds, RunStart, RunTrace, SpanOptions, SpanScope, Tracer } from "./tracer.ts";
import type { BundleDelivery } from "./trace_bundle.ts";

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

/** Options of {@linkcode MlflowTracker} and {@linkcode createMlflowTracker}. */
export interface MlflowTrackerOptions {
  /** Where bundles go (`sqlite:///...` or `http(s)://...`); recorded in each bundle. */
  trackingUri: string;
  /** MLflow experiment name. */
  experimentName: string;
  /** The workflow's `config.observability.mlflow` settings. */
  mlflow: MlflowCaptureSettings;
  /**
   * The workflow's nodes, for their `log_prompts` and `log_artifacts` overrides.
   *
   * @default {[]}
   */
  nodes?: readonly NodeCaptureSettings[];
  /** Receives every finished run's bundle. */
  delivery: BundleDelivery;
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
   * Receives a warning when a run cannot be recorded (the run itself never fails for it).
   *
   * @default {() => {}}
   */
  warn?: (message: string) => void;
}

/** Options of {@linkcode MlflowTracker.shutdown}. */
export interface ShutdownOptions {
  /**
   * How long to wait for the delivery to flush, milliseconds.
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
}

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

/**
 * Records workflow runs in MLflow: one trace per run (root AGENT span `workflow_<name>`, a
 * CHAIN span per node execution, CHAT_MODEL and TOOL spans), one MLflow run with params,
 * metrics, tags and artifacts, and the capture policy (`log_prompts`, `redact`, secrets)
 * applied to all of it. Several trackers can live in one process; concurrent runs never mix.
 *
 * @example Usage
 * ```ts
 * import { MlflowTracker, type TraceBundle } from "@configurable-agents/core";
 * const bundles: TraceBundle[] = [];
 * const tracker = new MlflowTracker({
 *   trackingUri: "sqlite:///mlflow.db", experimentName: "demo", mlflow: {},
 *   delivery: {
 *     submit: (bundle) => (bundles.push(bundle), Promise.resolve({ state: "queued" })),
 *     flush: () => Promise.resolve(),
 *   },
 * });
 * const run = tracker.startRun({
 *   workflowName: "demo", workflowVersion: undefined, nodeCount: 1, provider: "mock",
 *   model: "m", inputs: { topic: "x" },
 * });
 * await run.span({ type: "CHAIN", name: "write", nodeId: "write" }, async (scope) => {
 *   scope.setOutputs({ draft: "y" });
 * });
 * await run.finish({ status: "success", outputs: { topic: "x", draft: "y" } });
 * await tracker.shutdown();
 * if (bundles[0]?.trace.spans.length !== 2 || bundles[0].run.status !== "FINISHED") {
 *   throw new Error();
 * }
 * ```
 */
export class MlflowTracker implements Tracer {
  readonly #options: MlflowTrackerOptions;
  readonly #policy: CapturePolicy;
  readonly #now: () => number;
  readonly #warn: (message: string) => void;
  readonly #collector = new SpanCollector();
  readonly #provider: TracerProvider;
  readonly #tracer: OtelTracer;
  readonly #contextManager = new AsyncLocalStorageContextManager();
  readonly #runs = new Set<OtelRunTrace>();
  #closed = false;

  /**
   * Creates a tracker with its own OpenTelemetry provider and context manager.
   *
   * @param options Destination, settings, delivery and injected clock.
   * @throws {WorkflowError} `CONFIG_INVALID` when a `redact` entry is not a valid regular
   * expression.
   * @throws {TypeError} When the experiment name is empty.
   */
  constructor(options: MlflowTrackerOptions) {
    if (options.experimentName.trim() === "") {
      throw new TypeError("Cannot create the MLflow tracker as the experiment name is empty");
    }
    this.#options = options;
    const { mlflow, nodes = [], secrets = [] } = options;
    this.#policy = new CapturePolicy({
      logPrompts: mlflow.log_prompts ?? true,
      logArtifacts: mlflow.log_artifacts ?? true,
      artifactLevel: mlflow.artifact_level ?? "standard",
      redact: mlflow.redact ?? [],
      nodes,
      secrets,
    });
    this.#now = options.now ?? (() => performance.timeOrigin + performance.now());
    this.#warn = options.warn ?? (() => {});
    this.#provider = new TracerProvider({
      resource: resourceFromAttributes({ "service.name": "configurable-agents" }),
      spanProcessors: [this.#collector],
    });
    this.#tracer = this.#provider.getTracer("configurable-agents");
    this.#contextManager.enable();
  }

  /**
   * Starts recording one run (its root span starts now).
   *
   * @param start Workflow name, version, node count, provider, model, inputs, session, user.
   * @returns The run's trace; after {@linkcode MlflowTracker.shutdown} a trace that records
   * nothing.
   */
  startRun(start: RunStart): RunTrace {
    if (this.#closed) return NOOP_RUN;
    const run: OtelRunTrace = new OtelRunTrace(start, {
      tracer: this.#tracer,
      contextManager: this.#contextManager,
      now: this.#now,
      keepSnapshot: (nodeId) =>
        this.#policy.artifactLevel === "full" && this.#policy.logArtifactsFor(undefined) &&
        this.#policy.logArtifactsFor(nodeId),
      complete: (completed): Promise<RunRecordIds> => this.#complete(completed, run),
    });
    this.#runs.add(run);
    return run;
  }

  /** Runs that have started and not finished. */
  get openRuns(): number {
    return this.#runs.size;
  }

  /**
   * Ends every run still open as cancelled (its open spans and its trace end as ERROR, its
   * MLflow run as KILLED), waits for the delivery with a bounded wait, and stops recording.
   * For SIGINT/SIGTERM handlers and process exit. Never throws.
   *
   * @param options How long to wait for the delivery and the stop reason to record.
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { timeoutMs = 5000, reason = "interrupted" } = options;
    this.#closed = true;
    await Promise.all(
      [...this.#runs].map((run) => run.finish({ status: "cancelled", reason })),
    );
    try {
      await this.#options.delivery.flush(timeoutMs);
    } catch (error) {
      this.#warn(this.#describe("Cannot flush recorded runs", error));
    }
    this.#contextManager.disable();
    await this.#provider.shutdown().catch(() => {});
  }

  async #complete(completed: CompletedRun, run: OtelRunTrace): Promise<RunRecordIds> {
    const traceId = run.traceId;
    try {
      const spans = (this.#collector.take(completed.otelTraceId) ?? []).map(toSpanRecord);
      const bundle = buildTraceBundle({
        trackingUri: this.#options.trackingUri,
        experimentName: this.#options.experimentName,
        runName: runNameOf(this.#options.mlflow.run_name, completed),
        user: this.#options.user ?? "unknown",
        sourceName: this.#options.sourceName ?? "configurable-agents",
        policy: this.#policy,
        start: completed.start,
        end: completed.end,
        startTimeMs: completed.startTimeMs,
        endTimeMs: completed.endTimeMs,
        spans,
        nodeIds: completed.nodeIds,
        snapshots: completed.snapshots,
      });
      const outcome = await this.#options.delivery.submit(bundle);
      return {
        traceId,
        runId: outcome.state === "delivered" ? outcome.receipt.runId : undefined,
      };
    } catch (error) {
      this.#warn(this.#describe(`Cannot record run of trace "${traceId}"`, error));
      return { traceId, runId: undefined };
    } finally {
      this.#runs.delete(run);
    }
  }

  #describe(action: string, error: unknown): string {
    const { type, message } = describeError(error);
    return this.#policy.forRun([]).scrub(`${action} as ${type} was raised: ${message}`);
  }
}

/** MLflow's limit on run names (`runs.name`). */
const MAX_RUN_NAME_CHARS = 250;

/** The run name from the `run_name` template; `<flow name>-<timestamp>` without one. */
function runNameOf(template: string | undefined, run: CompletedRun): string {
  const name = renderRunName(template ?? "{flow_name}-{timestamp}", {
    flowName: run.start.workflowName,
    version: run.start.workflowVersion,
    startedAt: new Date(run.startTimeMs),
  });
  return Array.from(name).slice(0, MAX_RUN_NAME_CHARS).join("");
}

/**
 * Creates the tracker the CLI and `runWorkflow` use when MLflow tracking is enabled.
 *
 * @example Usage
 * ```ts
 * import { createMlflowTracker, type TraceBundle } from "@configurable-agents/core";
 * const bundles: TraceBundle[] = [];
 * const tracker = createMlflowTracker({
 *   trackingUri: "sqlite:///mlflow.db", experimentName: "demo",
 *   mlflow: { redact: ["ssn"] },
 *   delivery: {
 *     submit: (bundle) => (bundles.push(bundle), Promise.resolve({ state: "queued" })),
 *     flush: () => Promise.resolve(),
 *   },
 *   secrets: ["sk-test-123"],
 * });
 * const run = tracker.startRun({
 *   workflowName: "demo", workflowVersion: "1", nodeCount: 1, provider: "mock", model: "m",
 *   inputs: { ssn: "123-45-6789", note: "key sk-test-123" },
 * });
 * await run.finish({ status: "success", outputs: { ssn: "123-45-6789" } });
 * await tracker.shutdown();
 * const recorded = JSON.stringify(
 *   bundles,
 *   (_key, value) => typeof value === "bigint" ? String(value) : value,
 * );
 * if (!recorded.includes("[REDACTED]")) throw new Error("expected the ssn to be masked");
 * if (bundles.length !== 1) throw new Error("expected one bundle");
 * if (recorded.includes("123-45-6789") || recorded.includes("sk-test-123")) {
 *   throw new Error("expected the ssn redacted and the secret scrubbed");
 * }
 * ```
 *
 * @param options Destination, settings, delivery and injected clock.
 * @returns The tracker.
 * @throws {WorkflowError} `CONFIG_INVALID` when a `redact` entry is not a valid regular
 * expression.
 */
export function createMlflowTracker(options: MlflowTrackerOptions): MlflowTracker {
  return new MlflowTracker(options);
}
