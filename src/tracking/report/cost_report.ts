/**
 * `report costs`: token usage and dollar cost of tracked workflow runs, filtered and grouped.
 * It reads traces, which every run records (a single run, a run of a batch or an evaluation, a
 * run with `run_per_execution`), never MLflow runs: run-level groupings (workflow, day, week,
 * month) read each trace's token usage and cost metadata; `model` and `node` read its
 * CHAT_MODEL and CHAIN spans. The totals always equal the sums over the traces, and a cost that
 * is unknown anywhere in a group is shown as unknown, never as 0.
 *
 * @module
 */
import { CostGroup, type CostReportRow } from "./_cost_group.ts";
import { type GroupContext, GROUPERS, type Grouping, GROUPINGS } from "./_groupers.ts";
import { tracedRunOf } from "./_traced_run.ts";
import { findExperimentIds } from "./find_experiment_ids.ts";
import { resolveTimeWindow, type TimeWindow } from "./time_window.ts";
import type { TrackingReader } from "./tracking_reader.ts";

export type { CostReportRow } from "./_cost_group.ts";
export { type Grouping, GROUPINGS } from "./_groupers.ts";

/** Options of {@linkcode buildCostReport}. */
export interface CostReportOptions {
  /** Only runs of this experiment (by name); all experiments when absent. */
  experiment?: string | undefined;
  /** Only runs of this workflow (trace tag `configurable_agents.workflow`). */
  workflow?: string | undefined;
  /** `today`, `yesterday`, `last_7_days`, `last_30_days` or `this_month` (UTC). */
  period?: string | undefined;
  /** Runs started at or after this ISO date or date-time (UTC when no zone is given). */
  since?: string | undefined;
  /** Runs started before this ISO date or date-time. */
  until?: string | undefined;
  /** `success` (trace state OK) or `failure` (ERROR); every state when absent. */
  status?: string | undefined;
  /**
   * Grouping of the rows.
   *
   * @default {"workflow"}
   */
  by?: string;
  /** "Now" for `period`, ms since the epoch. */
  now: number;
}

/** A cost report. */
export interface CostReport {
  /** Where the runs were read. */
  location: string;
  /** The grouping. */
  by: Grouping;
  /** The filters as given. */
  filters: Omit<CostReportOptions, "now" | "by">;
  /** The time window the filters resolved to. */
  window: TimeWindow;
  /** One row per group. */
  rows: CostReportRow[];
  /** Sums over all runs, from their traces' usage and cost. */
  totals: CostReportRow;
  /** `provider/model` of the calls that could not be priced, sorted. */
  unpricedModels: string[];
}

/**
 * Builds a cost report from a tracking store.
 *
 * @example Usage
 * ```ts
 * import { buildCostReport, type TrackingReader } from "@configurable-agents/core";
 * const reader: TrackingReader = {
 *   location: "memory",
 *   listExperiments: () => Promise.resolve([]),
 *   readRuns: () => Promise.resolve([]),
 *   readTraceInfos: () => Promise.resolve([{
 *     traceId: "tr-1", experimentId: "1", requestTimeMs: 0, executionTimeMs: 1000, state: "OK",
 *     requestPreview: "", responsePreview: "", tags: { "configurable_agents.workflow": "demo" },
 *     metadata: {
 *       "mlflow.trace.tokenUsage": '{"input_tokens": 12, "output_tokens": 30, "total_tokens": 42}',
 *       "mlflow.trace.cost": '{"input_cost": 0.0000018, "output_cost": 0.000018, "total_cost": 0.0000198}',
 *     },
 *   }]),
 *   readTrace: () => Promise.resolve(undefined),
 *   close: () => Promise.resolve(),
 * };
 * const report = await buildCostReport(reader, { now: Date.now() });
 * if (report.rows[0]?.group !== "demo" || report.totals.costUsd !== 0.0000198) throw new Error();
 * ```
 *
 * @param reader Where the traces are.
 * @param options Filters, grouping and now.
 * @returns The report.
 * @throws {RangeError} When a filter or the grouping is not valid, or no experiment has the name.
 * @throws {SyntaxError} When `since` or `until` is not an ISO date.
 */
export async function buildCostReport(
  reader: TrackingReader,
  options: CostReportOptions,
): Promise<CostReport> {
  const { by = "workflow", now, ...filters } = options;
  if (!(GROUPINGS as readonly string[]).includes(by)) {
    throw new RangeError(
      `Cannot group costs by "${by}" as it is not one of ${
        GROUPINGS.map((g) => `"${g}"`).join(", ")
      }`,
    );
  }
  const grouping = by as Grouping;
  const states = statesOf(filters.status);
  const window = resolveTimeWindow({ ...filters, now });
  const experimentIds = await findExperimentIds(reader, filters.experiment);
  const traces = await reader.readTraceInfos({
    experimentIds,
    workflowsOnly: true,
    workflow: filters.workflow,
    startedFromMs: window.fromMs,
    startedBeforeMs: window.beforeMs,
    states,
  });
  const runs = traces.map(tracedRunOf);
  const unpriced = new Set(runs.flatMap((run) => run.unpricedModels));
  const groups = new Map<string, CostGroup>();
  const context: GroupContext = {
    reader,
    unpriced,
    groupOf(key) {
      let group = groups.get(key);
      if (!group) groups.set(key, group = new CostGroup(key));
      return group;
    },
  };
  const grouper = GROUPERS[grouping];
  for (const run of runs) await grouper.add(run, context);
  const totals = new CostGroup("total");
  for (const run of runs) totals.addRun(run);
  const rows = [...groups.values()].map((group) => group.row());
  const totalsRow = totals.row();
  if (grouper.perCall) totalsRow.calls = rows.reduce((sum, row) => sum + (row.calls ?? 0), 0);
  return {
    location: reader.location,
    by: grouping,
    filters,
    window,
    rows: rows.sort(grouper.order),
    totals: totalsRow,
    unpricedModels: [...unpriced].sort(),
  };
}

/** The trace states of a status filter: a failed or cancelled run's trace is in state ERROR. */
function statesOf(status: string | undefined): string[] | undefined {
  if (status === undefined) return undefined;
  if (status === "success") return ["OK"];
  if (status === "failure") return ["ERROR"];
  throw new RangeError(
    `Cannot filter runs by status "${status}" as it is not "success" or "failure"`,
  );
}
