/**
 * `GroupRun`: the one MLflow run of a batch or an evaluation. Its traces link to it (the
 * `mlflow.sourceRun` of each, and MLflow's trace→run association); it counts them as they
 * finish (items, successes, failures, tokens, cost, durations) and, when it ends, hands its
 * `RunBundle` (params, aggregate metrics plus the caller's, status, dataset) to the tracker's
 * delivery, which journals and spools it like any trace.
 *
 * @module
 */
import { cutTo, MAX_KEY_CHARS, MAX_PARAM_VALUE_CHARS } from "./mlflow_limits.ts";
import { workflowParams } from "./_workflow_params.ts";
import type { CostSummary } from "./pricing/summarize_costs.ts";
import {
  type ArtifactRecord,
  type DatasetRecord,
  type GroupRunLink,
  RUN_KEY_TAG,
  RUN_KIND_TAG,
  type RunBundle,
  type RunRecord,
  type TraceRecord,
} from "./trace_bundle.ts";
import type { RunStart, RunTrace, Tracer } from "./tracer.ts";
import type { StartGroupRunOptions } from "./tracker_options.ts";
import { renderRunName } from "../config/run_name.ts";
import { newTraceId } from "./_ids.ts";

/** How a group run ends. */
export interface GroupRunEnd {
  /**
   * `FINISHED`, `FAILED` or `KILLED` (an interrupt).
   *
   * @default {"FINISHED"}
   */
  status?: RunRecord["status"];
  /**
   * Params besides the workflow's (the dataset, the scorers, ...).
   *
   * @default {{}}
   */
  params?: Record<string, string>;
  /**
   * Metrics besides the aggregates (`<scorer>/mean`, judge cost, ...).
   *
   * @default {{}}
   */
  metrics?: Record<string, number>;
  /**
   * Tags besides those the run was created with.
   *
   * @default {{}}
   */
  tags?: Record<string, string>;
  /**
   * Artifacts of the run.
   *
   * @default {[]}
   */
  artifacts?: ArtifactRecord[];
  /** The dataset an evaluation ran over. */
  dataset?: DatasetRecord;
}

/** What the tracker gives a group run. */
export interface GroupRunDeps {
  /** The run's key, name, start and creation tags. */
  link: GroupRunLink;
  /** Params every group run of the workflow has (`workflow_name`, `provider`, ...). */
  params: Record<string, string>;
  /** Where the bundle is going and its experiment. */
  trackingUri: string;
  /** Experiment name. */
  experimentName: string;
  /** Starts one run of the group (the tracker's `startRun` with the group). */
  startRun: (start: RunStart, group: GroupRun) => RunTrace;
  /** Hands the end of the run over for delivery. */
  submit: (bundle: RunBundle) => Promise<void>;
  /** Clock, milliseconds since the epoch. */
  now: () => number;
}

/** A finished trace of the group, as counted. */
export interface GroupTraceSummary {
  /** The trace. */
  trace: TraceRecord;
  /** Its cost summary. */
  summary: CostSummary;
}

/** What {@linkcode groupRunSettings} needs from the tracker. */
export interface GroupRunContext {
  /** Now, milliseconds since the epoch. */
  now: number;
  /** The workflow's `run_name` template. */
  runNameTemplate: string | undefined;
  /** `mlflow.user`. */
  user: string;
  /** `mlflow.source.name`. */
  sourceName: string;
  /** New run keys (32 hex digits). @default random */
  newRunKey?: () => string;
  /** Scrubs credentials from names and values. */
  scrub: (text: string) => string;
}

/**
 * The link and params of a new group run: its key, its name (the `run_name` template with
 * `-batch` or `-evaluation` after it, unless given), its creation tags (user, source, kind,
 * key and the caller's) and the workflow's params.
 *
 * @param options Kind, workflow, name and tags.
 * @param context Clock, template, user, source, key maker and scrubber.
 * @returns The link and the params.
 */
export function groupRunSettings(
  options: StartGroupRunOptions,
  context: GroupRunContext,
): Pick<GroupRunDeps, "link" | "params"> {
  const { workflow } = options;
  const { scrub } = context;
  const startTimeMs = Math.floor(context.now);
  const key = context.newRunKey?.() ?? newTraceId();
  const runName = options.runName ??
    `${
      renderRunName(context.runNameTemplate ?? "{flow_name}-{timestamp}", {
        flowName: workflow.workflowName,
        version: workflow.workflowVersion,
        startedAt: new Date(startTimeMs),
      })
    }-${options.kind}`;
  const tags: Record<string, string> = {
    "mlflow.user": context.user,
    "mlflow.source.name": context.sourceName,
    "mlflow.source.type": "LOCAL",
    ...options.tags,
    [RUN_KIND_TAG]: options.kind,
    [RUN_KEY_TAG]: key,
  };
  const params = workflowParams(workflow);
  const scrubbed = (record: Record<string, string>) =>
    Object.fromEntries(Object.entries(record).map(([k, v]) => [k, scrub(v)]));
  return {
    link: {
      key,
      runName: Array.from(scrub(runName)).slice(0, MAX_KEY_CHARS).join(""),
      startTimeMs,
      tags: scrubbed(tags),
    },
    params: scrubbed(params),
  };
}

/** The run of a batch or an evaluation; see the module documentation. */
export class GroupRun {
  /** The key the run is found by (its run id in a SQLite file). */
  readonly key: string;
  /** The link every trace of the group carries. */
  readonly link: GroupRunLink;
  /** A tracer whose runs belong to this group. */
  readonly tracer: Tracer;
  readonly #deps: GroupRunDeps;
  #items = 0;
  #failed = 0;
  #input = 0;
  #output = 0;
  #total = 0;
  #knownCost = 0;
  #unpriced = 0;
  #durationMs = 0;
  #finished: Promise<void> | undefined;

  /**
   * Creates the group; nothing is written before its first trace or its end.
   *
   * @param deps The link, params, destination, hand-over and clock.
   */
  constructor(deps: GroupRunDeps) {
    this.#deps = deps;
    this.link = deps.link;
    this.key = deps.link.key;
    this.tracer = { startRun: (start) => deps.startRun(start, this) };
  }

  /** Whether the run has ended. */
  get finished(): boolean {
    return this.#finished !== undefined;
  }

  /**
   * Counts a finished trace of the group.
   *
   * @param finished The trace and its cost summary.
   */
  add(finished: GroupTraceSummary): void {
    const { trace, summary } = finished;
    this.#items++;
    if (trace.state === "ERROR") this.#failed++;
    this.#input += summary.totals.usage.input_tokens;
    this.#output += summary.totals.usage.output_tokens;
    this.#total += summary.totals.usage.total_tokens;
    this.#knownCost += summary.totals.knownCost.total_cost;
    this.#unpriced += summary.totals.unpricedCalls;
    this.#durationMs += trace.executionTimeMs;
  }

  /**
   * The aggregate metrics so far: `runs` (the traces of the group), `succeeded`, `failed`,
   * token totals, `total_cost_usd` (NaN when a call had no price), `avg_run_duration_seconds`.
   *
   * @returns Metrics by key.
   */
  aggregates(): Record<string, number> {
    return {
      runs: this.#items,
      succeeded: this.#items - this.#failed,
      failed: this.#failed,
      total_input_tokens: this.#input,
      total_output_tokens: this.#output,
      total_tokens: this.#total,
      total_cost_usd: this.#unpriced > 0 ? Number.NaN : this.#knownCost,
      avg_run_duration_seconds: this.#items === 0 ? 0 : this.#durationMs / this.#items / 1000,
    };
  }

  /**
   * Ends the run: its bundle (the workflow's params and the caller's, the aggregates plus the
   * caller's metrics and `duration_seconds`, the status) goes to the tracker's delivery. A
   * second call returns the first one's promise.
   *
   * @param end Status, params, metrics, tags, artifacts and dataset.
   * @returns When the bundle is handed over (written, queued or spooled); never throws.
   */
  finish(end: GroupRunEnd = {}): Promise<void> {
    this.#finished ??= this.#finish(end);
    return this.#finished;
  }

  async #finish(end: GroupRunEnd): Promise<void> {
    const { link } = this;
    const endTimeMs = Math.floor(this.#deps.now());
    const params = Object.fromEntries(
      Object.entries({ ...this.#deps.params, ...end.params }).map((
        [key, value],
      ) => [key, cutTo(value, MAX_PARAM_VALUE_CHARS)]),
    );
    const bundle: RunBundle = {
      version: 1,
      kind: "run",
      trackingUri: this.#deps.trackingUri,
      experimentName: this.#deps.experimentName,
      group: link,
      run: {
        runName: link.runName,
        startTimeMs: link.startTimeMs,
        endTimeMs,
        status: end.status ?? "FINISHED",
        params,
        metrics: {
          ...this.aggregates(),
          duration_seconds: (endTimeMs - link.startTimeMs) / 1000,
          ...end.metrics,
        },
        tags: { ...link.tags, ...end.tags, "mlflow.runName": link.runName },
        artifacts: end.artifacts ?? [],
      },
      ...(end.dataset ? { dataset: end.dataset } : {}),
    };
    await this.#deps.submit(bundle);
  }
}
