/**
 * Turns a finished run (its raw spans and what it started and ended with) into a `TraceBundle`:
 * spans redacted and scrubbed per the capture policy, the trace record (tagged with its workflow
 * and, when some call had no price, the unpriced models), and, when one MLflow run per
 * execution is asked for, that run with params, metrics, tags and artifacts.
 *
 * @module
 */
import { cutTo, MAX_PARAM_VALUE_CHARS, MAX_TAG_VALUE_CHARS } from "./mlflow_limits.ts";
import { workflowParams } from "./_workflow_params.ts";
import type { CapturePolicy, RunRedactor } from "./capture_policy.ts";
import { buildRunArtifacts } from "./_run_artifacts.ts";
import { type RunSummary, summarizeRun } from "./run_summary.ts";
import { buildTraceRecord } from "./_trace_record.ts";
import { LINKED_PROMPTS_KEY, linkedPromptsTag } from "./linked_prompts.ts";
import type { JsonValue } from "./python_json.ts";
import type { FinishedRun } from "./_run_recorder.ts";
import {
  byStartTime,
  COST_UNKNOWN_MODELS_TAG,
  type RunRecord,
  type SpanRecord,
  TRACE_ID_TAG,
  type TraceBundle,
  WORKFLOW_TAG,
} from "./trace_bundle.ts";

/** The state of a run after one node, kept for `artifact_level: full`. */
export interface StateSnapshot {
  /** 1-based order of the snapshot within the run. */
  seq: number;
  /** The node that just ran. */
  nodeId: string;
  /** The full state, as JSON data. */
  state: JsonValue;
}

/** Where a bundle goes and how the run is named and sanitised. */
export interface BundleSettings {
  /** Where the bundle goes (`sqlite:///...` or `http(s)://...`, without credentials). */
  trackingUri: string;
  /** Experiment name. */
  experimentName: string;
  /** MLflow run name. */
  runName: string;
  /** `mlflow.user`. */
  user: string;
  /** `mlflow.source.name`. */
  sourceName: string;
  /** The capture policy of the workflow. */
  policy: CapturePolicy;
  /**
   * Give the trace an MLflow run of its own (params, metrics, artifacts), as one run per
   * execution does; `false` records the trace alone.
   *
   * @default {true}
   */
  withRun?: boolean;
}

/** A bundle and the cost summary of its spans. */
export interface SummarizedBundle {
  /** The bundle. */
  bundle: TraceBundle;
  /** The run's cost summary, computed from the bundle's own spans. */
  summary: RunSummary;
}

/**
 * Attributes that name things rather than carry content: `redact` patterns leave them alone
 * (credentials are still scrubbed).
 */
const STRUCTURAL_ATTRIBUTES: ReadonlySet<string> = new Set([
  "mlflow.spanType",
  "mlflow.traceRequestId",
  "mlflow.llm.model",
  "mlflow.llm.provider",
  "mlflow.message.format",
  "configurable_agents.priced_as",
  "configurable_agents.stop_reason",
  "workflow_name",
  "workflow_version",
  "session.id",
  "user.id",
  "mlflow.linkedPrompts",
  "configurable_agents.prompt_uri",
]);

/** Applies the redactor (and `log_prompts`) to one span. */
function sanitizeSpan(
  span: SpanRecord,
  redactor: RunRedactor,
  nodeId: string | undefined,
): SpanRecord {
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (key === "mlflow.spanInputs" || key === "mlflow.spanOutputs") {
      attributes[key] = redactor.capture(value, nodeId);
    } else if (typeof value === "string") {
      attributes[key] = STRUCTURAL_ATTRIBUTES.has(key)
        ? redactor.scrubSecrets(value)
        : redactor.scrub(value);
    } else {
      attributes[key] = value;
    }
  }
  return {
    ...span,
    name: redactor.scrubSecrets(span.name),
    status: { code: span.status.code, message: redactor.scrub(span.status.message) },
    attributes,
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: event.timeUnixNano,
      attributes: Object.fromEntries(
        Object.entries(event.attributes).map((
          [key, value],
        ) => [key, typeof value === "string" ? redactor.scrub(value) : redactor.sanitize(value)]),
      ),
    })),
  };
}

function runMetrics(summary: RunSummary, input: FinishedRun): Record<string, number> {
  const { totals } = summary;
  const metrics: Record<string, number> = {
    total_cost_usd: totals.cost?.total_cost ?? Number.NaN,
    total_input_tokens: totals.usage.input_tokens,
    total_output_tokens: totals.usage.output_tokens,
    total_tokens: totals.usage.total_tokens,
    duration_seconds: (input.endTimeMs - input.startTimeMs) / 1000,
    node_count: input.start.nodeCount,
    status: input.end.status === "success" ? 1 : 0,
  };
  const nodeIds = new Set([...Object.keys(summary.nodes), ...Object.keys(summary.byNode)]);
  for (const nodeId of nodeIds) {
    const calls = summary.byNode[nodeId];
    metrics[`node_${nodeId}_duration_ms`] = summary.nodes[nodeId]?.durationMs ?? 0;
    metrics[`node_${nodeId}_cost_usd`] = calls === undefined
      ? 0
      : calls.cost?.total_cost ?? Number.NaN;
  }
  return metrics;
}

const RUN_STATUS = { success: "FINISHED", failed: "FAILED", cancelled: "KILLED" } as const;

/**
 * Builds the bundle of a finished run. Span inputs and outputs are redacted (or reduced to sizes
 * and hashes where `log_prompts` is off), credentials are scrubbed from every string, and the
 * run's cost summary is computed from these spans alone.
 *
 * @param input The finished run: what it started and ended with, and its raw spans.
 * @param settings Destination, experiment, run name, user, source and capture policy.
 * @returns The bundle.
 * @throws {RangeError} When the spans have no root.
 */
export function buildTraceBundle(input: FinishedRun, settings: BundleSettings): TraceBundle {
  return summarizeTraceBundle(input, settings).bundle;
}

/**
 * Builds the bundle of a finished run, as {@linkcode buildTraceBundle} does, and returns the cost
 * summary it computed from the sanitised spans with it (what a group run adds up).
 *
 * @param input The finished run.
 * @param settings Destination, experiment, run name, user, source, capture policy, run or not.
 * @returns The bundle and its summary.
 * @throws {RangeError} When the spans have no root.
 */
export function summarizeTraceBundle(
  input: FinishedRun,
  settings: BundleSettings,
): SummarizedBundle {
  const { start, end } = input;
  const { policy } = settings;
  const samples: unknown[] = [start.inputs, end.outputs, ...input.snapshots.map((s) => s.state)];
  for (const span of input.spans) {
    samples.push(span.attributes["mlflow.spanInputs"], span.attributes["mlflow.spanOutputs"]);
  }
  const redactor = policy.forRun(samples);
  const spans = [...input.spans].sort(byStartTime).map((span) =>
    sanitizeSpan(
      span,
      redactor,
      span.parentSpanId === null ? undefined : input.nodeIds.get(span.spanId),
    )
  );
  const summary = summarizeRun(spans, input.nodeIds);
  const trace = buildTraceRecord(spans, {
    user: redactor.scrubSecrets(settings.user),
    sourceName: redactor.scrubSecrets(settings.sourceName),
    sessionId: start.sessionId === undefined ? undefined : redactor.scrubSecrets(start.sessionId),
    userId: start.userId === undefined ? undefined : redactor.scrubSecrets(start.userId),
    cost: summary.totals.calls > 0 ? summary.totals.cost : undefined,
    stopReason: end.reason === undefined ? undefined : redactor.scrubSecrets(end.reason),
  });
  trace.tags[WORKFLOW_TAG] = redactor.scrubSecrets(start.workflowName);
  if (summary.unpricedModels.length > 0) {
    trace.tags[COST_UNKNOWN_MODELS_TAG] = redactor.scrubSecrets(summary.unpricedModels.join(","));
  }
  const prompts = promptsThatRan(input);
  if (prompts.length > 0) trace.tags[LINKED_PROMPTS_KEY] = linkedPromptsTag(prompts);
  if (input.remoteParentSpanId !== undefined) trace.remoteParentSpanId = input.remoteParentSpanId;
  const bundle: TraceBundle = {
    version: 1,
    trackingUri: settings.trackingUri,
    experimentName: settings.experimentName,
    trace,
  };
  if (settings.withRun !== false) {
    bundle.run = buildRun(input, settings, { redactor, spans, summary });
  }
  return { bundle, summary };
}

/** The registry prompts of the nodes that ran, as MLflow links them to traces and runs. */
function promptsThatRan(input: FinishedRun): NonNullable<FinishedRun["start"]["prompts"]> {
  const ran = new Set(input.nodeIds.values());
  return (input.start.prompts ?? []).filter((prompt) => ran.has(prompt.nodeId));
}

/** The MLflow run of one execution: params, metrics, tags and artifacts. */
function buildRun(
  input: FinishedRun,
  settings: BundleSettings,
  parts: { redactor: RunRedactor; spans: SpanRecord[]; summary: RunSummary },
): RunRecord {
  const { start, end } = input;
  const { redactor, spans, summary } = parts;
  const params = workflowParams(start);
  const tags: Record<string, string> = {
    "mlflow.user": settings.user,
    "mlflow.source.name": settings.sourceName,
    "mlflow.source.type": "LOCAL",
    "mlflow.runName": settings.runName,
    [TRACE_ID_TAG]: input.traceId,
  };
  if (summary.unpricedModels.length > 0) {
    tags[COST_UNKNOWN_MODELS_TAG] = summary.unpricedModels.join(",");
  }
  const prompts = promptsThatRan(input);
  if (prompts.length > 0) {
    tags[LINKED_PROMPTS_KEY] = linkedPromptsTag(prompts);
    for (const prompt of prompts) {
      params[`node_${prompt.nodeId}_prompt`] = `prompts:/${prompt.name}/${prompt.version}`;
    }
  }
  if (end.reason !== undefined) tags["configurable_agents.stop_reason"] = end.reason;
  return {
    runName: redactor.scrubSecrets(settings.runName),
    startTimeMs: Math.floor(input.startTimeMs),
    endTimeMs: Math.floor(input.endTimeMs),
    status: RUN_STATUS[end.status],
    params: Object.fromEntries(
      Object.entries(params).map((
        [key, value],
      ) => [key, cutTo(redactor.scrubSecrets(value), MAX_PARAM_VALUE_CHARS)]),
    ),
    metrics: runMetrics(summary, input),
    tags: Object.fromEntries(
      Object.entries(tags).map((
        [key, value],
      ) => [key, cutTo(redactor.scrubSecrets(value), MAX_TAG_VALUE_CHARS)]),
    ),
    artifacts: buildRunArtifacts({
      redactor,
      spans,
      nodeIds: input.nodeIds,
      inputs: start.inputs,
      end,
      snapshots: input.snapshots,
      summary,
    }),
  };
}
