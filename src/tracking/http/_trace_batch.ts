/**
 * Several traces of one experiment written together (see `HttpSink.deliverMany`): one existence
 * check for all of them (none for fresh traces), one OTLP export, one run link per group run,
 * then each trace's StartTraceV3 and assessments. Servers that finalize trace info at
 * StartTraceV3 (MLflow 3.11.2 and later) get StartTraceV3 before the spans, which is the order
 * they store fastest; older ones get the spans first (3.9 would count tokens twice otherwise).
 * Each trace succeeds or fails on its own; an unreachable server fails the rest at once.
 *
 * @module
 */
import {
  ASSESSMENT_SOURCE_RUN_METADATA,
  type AssessmentRecord,
  type DeliveryResult,
  type SpanRecord,
  type TraceBundle,
  WORKFLOW_TAG,
} from "../trace_bundle.ts";
import type { MlflowClient } from "./mlflow_client.ts";
import type { MlflowAssessmentInfo, MlflowTraceInfo } from "./mlflow_entities.ts";
import { MlflowRequestError } from "./mlflow_request_error.ts";
import type { OtlpExportResult } from "../otlp/otlp_export.ts";
import { startTraceInput } from "./_trace_info.ts";
import { type GenAiRequests, MAX_TRACE_LINKS } from "./_genai_requests.ts";
import type { HttpGroupRuns } from "./_http_group_runs.ts";
import type { HttpAgentVersions } from "./_http_agent_versions.ts";

/** Statuses of `/v1/traces` that mean "this server has no OTLP endpoint". */
export const OTLP_UNSUPPORTED: ReadonlySet<number> = new Set([404, 405, 501]);

const TRACE_ID = /^tr-[0-9a-f]{32}$/;

/** The oldest server version that finalizes trace info at StartTraceV3. */
const FINALIZING_VERSION = [3, 11, 2] as const;

/** What the writer needs from its sink. */
export interface TraceBatchDeps {
  client: MlflowClient;
  genai: GenAiRequests;
  groups: HttpGroupRuns;
  versions: HttpAgentVersions;
  /** One OTLP export of these spans. */
  exportSpans(spans: readonly SpanRecord[], experimentId: string): Promise<OtlpExportResult>;
  /** The error of a failed export. */
  exportError(result: Exclude<OtlpExportResult, { ok: true }>, what: string): Error;
  /** The spans as `traces.json` at the trace's artifact location (servers without OTLP). */
  uploadSpans(bundle: TraceBundle, traceInfo: MlflowTraceInfo | undefined): Promise<void>;
}

/** A trace on its way: what the server has and what is left to send. */
interface TracePlan {
  bundle: TraceBundle;
  /** The trace on the server, when it was looked up and found. */
  existing: MlflowTraceInfo | undefined;
  runId?: string | undefined;
  modelId?: string | undefined;
  /** StartTraceV3 is done (the trace info as the server has it, when known). */
  recorded?: boolean;
  traceInfo?: MlflowTraceInfo | undefined;
  missing?: AssessmentRecord[];
  /** The spans are still to be sent. */
  needsSpans?: boolean;
  /** Something is left to write. */
  active?: boolean;
  spansAsArtifact?: boolean;
  /** Why it failed. */
  error?: unknown;
}

/**
 * Throws for a trace id of another form than MLflow's.
 *
 * @param traceId The id.
 * @throws {TypeError} Not `tr-` and 32 lowercase hex digits.
 */
export function assertTraceId(traceId: string): void {
  if (TRACE_ID.test(traceId)) return;
  throw new TypeError(
    `Cannot deliver trace "${traceId}" as trace ids are "tr-" and 32 lowercase hex digits`,
  );
}

/**
 * Whether an error means the server cannot be reached (nothing more should be tried).
 *
 * @param error The error.
 * @returns `true` for a network failure, a timeout or an abort.
 */
export function isUnreachable(error: unknown): boolean {
  return error instanceof MlflowRequestError && error.unreachable;
}

/** Writes traces of one experiment together; see the module documentation. */
export class TraceBatchWriter {
  readonly #deps: TraceBatchDeps;
  /** The server answered a span export of several traces with an error. */
  #oneTracePerExport = false;
  #finalizes: Promise<boolean> | undefined;

  /**
   * A writer for one server.
   *
   * @param deps Requests of the sink.
   */
  constructor(deps: TraceBatchDeps) {
    this.#deps = deps;
  }

  /**
   * Writes the traces, or completes what an earlier delivery left.
   *
   * @param bundles Traces of one experiment, without runs of their own.
   * @param experimentId Their experiment.
   * @param fresh Made by this process and never sent: not looked up first.
   * @returns In order, the receipt or the error of each.
   */
  async write(
    bundles: readonly TraceBundle[],
    experimentId: string,
    fresh: boolean,
  ): Promise<DeliveryResult[]> {
    let plans: TracePlan[];
    let startFirst: boolean;
    try {
      startFirst = await this.#serverFinalizes();
      const existing = await this.#existingTraces(
        bundles
          .filter((bundle) => !fresh || bundle.trace.remoteParentSpanId)
          .map((bundle) => bundle.trace.traceId),
      );
      plans = bundles.map((bundle) => ({ bundle, existing: existing.get(bundle.trace.traceId) }));
    } catch (error) {
      return bundles.map(() => ({ ok: false, error }));
    }
    for (const plan of plans) await this.#prepare(plan, experimentId, startFirst);
    const toSend = () => plans.filter((plan) => usable(plan) && plan.needsSpans);
    if (startFirst) {
      await this.#startAll(plans, experimentId);
      await this.#sendSpansOf(toSend(), experimentId);
    } else {
      await this.#sendSpansOf(toSend(), experimentId);
      await this.#startAll(plans, experimentId);
    }
    await this.#link(plans);
    await this.#forEach(plans, (plan) => this.#finish(plan));
    return plans.map((plan): DeliveryResult =>
      plan.error !== undefined ? { ok: false, error: plan.error } : {
        ok: true,
        receipt: { experimentId, runId: plan.runId, alreadyPresent: plan.active !== true },
      }
    );
  }

  /** Whether the server finalizes trace info at StartTraceV3 (read once from `/version`). */
  #serverFinalizes(): Promise<boolean> {
    this.#finalizes ??= this.#deps.client.version().then(
      (version) => atLeast(version, FINALIZING_VERSION),
      (error) => {
        if (!isUnreachable(error)) return false;
        this.#finalizes = undefined;
        throw error;
      },
    );
    return this.#finalizes;
  }

  /** The traces of these ids the server has. */
  async #existingTraces(traceIds: string[]): Promise<Map<string, MlflowTraceInfo>> {
    const found = new Map<string, MlflowTraceInfo>();
    for (const traceId of traceIds) {
      if (!TRACE_ID.test(traceId)) continue; // refused by `#prepare`
      const info = await this.#deps.client.getTraceInfo(traceId);
      if (info) found.set(traceId, info);
    }
    return found;
  }

  /** Finds a trace's group run, agent version and what is missing on the server. */
  async #prepare(plan: TracePlan, experimentId: string, startFirst: boolean): Promise<void> {
    const { bundle, existing } = plan;
    try {
      assertTraceId(bundle.trace.traceId);
      const groupRun = bundle.group
        ? await this.#deps.groups.runOf(experimentId, bundle.group)
        : undefined;
      plan.runId = groupRun?.info.runId;
      plan.modelId = bundle.agentVersion
        ? await this.#deps.versions.modelIdOf(experimentId, bundle.agentVersion)
        : undefined;
    } catch (error) {
      plan.error = error;
      return;
    }
    // StartTraceV3 is what sets the workflow tag: a trace that has it is recorded.
    plan.recorded = existing?.tags[WORKFLOW_TAG] !== undefined;
    plan.traceInfo = existing;
    plan.missing = missingAssessments(bundle.assessments ?? [], existing, plan.runId);
    const inStore = existing?.tags["mlflow.trace.spansLocation"] === "TRACKING_STORE";
    // A trace recorded before its spans (the order of finalizing servers) may lack them. Runs
    // under one foreign parent share its trace: a later run's spans join the stored ones (MLflow
    // merges spans by id, so sending a run's spans again adds nothing).
    const shared = inStore && bundle.trace.remoteParentSpanId !== undefined;
    plan.needsSpans = !existing || (startFirst && !inStore) || shared;
    plan.active = !plan.recorded || plan.missing.length > 0 || plan.needsSpans;
    // A trace from an earlier, partial delivery keeps where its spans went.
    if (existing && !plan.needsSpans) plan.spansAsArtifact = !inStore;
  }

  /** StartTraceV3 of every trace not recorded yet. */
  async #startAll(plans: TracePlan[], experimentId: string): Promise<void> {
    await this.#forEach(plans, async (plan) => {
      if (plan.recorded) return;
      const { bundle, runId, modelId } = plan;
      plan.traceInfo = await this.#deps.client.startTrace(
        startTraceInput(bundle, experimentId, runId, modelId),
      );
      plan.recorded = true;
    });
  }

  /**
   * Sends the spans of several traces in one OTLP export; a server that takes one trace per
   * request (MLflow before 3.6 answers an error) gets one export per trace from then on. Sets
   * where each trace's spans went, or its error.
   */
  async #sendSpansOf(plans: TracePlan[], experimentId: string): Promise<void> {
    const deps = this.#deps;
    if (plans.length > 1 && !this.#oneTracePerExport) {
      const result = await deps.exportSpans(
        plans.flatMap((p) => p.bundle.trace.spans),
        experimentId,
      );
      const unsupported = !result.ok && result.status !== undefined &&
        OTLP_UNSUPPORTED.has(result.status);
      if (result.ok || unsupported) {
        for (const plan of plans) plan.spansAsArtifact = unsupported;
        return;
      }
      if (result.status === undefined) {
        const error = deps.exportError(result, `${plans.length} traces`);
        for (const plan of plans) plan.error = error;
        return;
      }
    }
    let sentOne = false;
    await this.#forEach(plans, async (plan) => {
      const result = await deps.exportSpans(plan.bundle.trace.spans, experimentId);
      if (!result.ok && !(result.status !== undefined && OTLP_UNSUPPORTED.has(result.status))) {
        throw deps.exportError(result, `trace "${plan.bundle.trace.traceId}"`);
      }
      plan.spansAsArtifact = !result.ok;
      sentOne = true;
    });
    if (plans.length > 1 && sentOne) this.#oneTracePerExport = true;
  }

  /** Links the traces to their group runs, one request per run (and per 100 traces). */
  async #link(plans: TracePlan[]): Promise<void> {
    const byRun = new Map<string, TracePlan[]>();
    for (const plan of plans) {
      if (!usable(plan) || plan.runId === undefined) continue;
      byRun.set(plan.runId, [...(byRun.get(plan.runId) ?? []), plan]);
    }
    for (const [runId, linked] of byRun) {
      for (let at = 0; at < linked.length; at += MAX_TRACE_LINKS) {
        const chunk = linked.slice(at, at + MAX_TRACE_LINKS);
        try {
          const ids = chunk.map((plan) => plan.bundle.trace.traceId);
          await this.#deps.genai.linkTracesToRun(ids, runId);
        } catch (error) {
          for (const plan of chunk) plan.error = error;
        }
      }
    }
  }

  /** The spans artifact where there is no OTLP, then the missing assessments. */
  async #finish(plan: TracePlan): Promise<void> {
    const { bundle, runId } = plan;
    const { trace } = bundle;
    if (plan.spansAsArtifact) await this.#deps.uploadSpans(bundle, plan.traceInfo);
    const spanId = trace.spans.find((span) => span.parentSpanId === null)?.spanId;
    for (const assessment of plan.missing ?? []) {
      const metadata: Record<string, string> = runId === undefined
        ? { ...assessment.metadata }
        : { [ASSESSMENT_SOURCE_RUN_METADATA]: runId, ...assessment.metadata };
      await this.#deps.genai.createAssessment(trace.traceId, assessment, { spanId, metadata });
    }
  }

  /**
   * Runs `step` for each plan still on its way, one after the other; a failure is that plan's,
   * and an unreachable server fails the rest without trying them.
   */
  async #forEach(plans: TracePlan[], step: (plan: TracePlan) => Promise<void>): Promise<void> {
    let stop: unknown;
    for (const plan of plans) {
      if (!usable(plan)) continue;
      if (stop !== undefined) {
        plan.error = stop;
        continue;
      }
      try {
        await step(plan);
      } catch (error) {
        plan.error = error;
        if (isUnreachable(error)) stop = error;
      }
    }
  }
}

/** A plan with something left to write and no error. */
function usable(plan: TracePlan): boolean {
  return plan.active === true && plan.error === undefined;
}

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

/** Whether `version` (`3.11.2`, `3.11.2.dev0`) is at least `minimum`. */
function atLeast(version: string, minimum: readonly number[]): boolean {
  const parts = /^(\d+)\.(\d+)\.(\d+)/.exec(version.trim())?.slice(1).map(Number);
  if (!parts) return false;
  for (const [index, wanted] of minimum.entries()) {
    const part = parts[index]!;
    if (part !== wanted) return part > wanted;
  }
  return true;
}
