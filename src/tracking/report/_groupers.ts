/**
 * How each grouping of a cost report turns runs into rows: by a key of the run (its own
 * metrics) or from the CHAT_MODEL and CHAIN spans of the run's own trace.
 *
 * @module
 */
import type { SpanRecord } from "../trace_bundle.ts";
import { type CostGroup, type CostReportRow, finite } from "./_cost_group.ts";
import { llmCallOf, nodeOfSpans, type SpanLlmCall } from "../span_llm_call.ts";
import {
  type StoredRun,
  type StoredTrace,
  TRACE_ID_TAG,
  type TrackingReader,
} from "./tracking_reader.ts";

/** How rows are grouped. */
export const GROUPINGS = ["workflow", "model", "node", "day", "week", "month"] as const;

/** A grouping. */
export type Grouping = typeof GROUPINGS[number];

/** What a grouper adds rows with. */
export interface GroupContext {
  reader: TrackingReader;
  /** `provider/model` of unpriced calls seen. */
  unpriced: Set<string>;
  groupOf(key: string): CostGroup;
}

/** How one grouping turns runs into rows. */
export interface Grouper {
  /** Adds one run to its row or rows. */
  add(run: StoredRun, context: GroupContext): Promise<void>;
  /** Rows count LLM calls (read from spans). */
  perCall: boolean;
  /** Row order. */
  order(a: CostReportRow, b: CostReportRow): number;
}

/** Most expensive first (by the known part), then by name. */
function byCost(a: CostReportRow, b: CostReportRow): number {
  return b.knownCostUsd - a.knownCostUsd || a.group.localeCompare(b.group);
}

function chronological(a: CostReportRow, b: CostReportRow): number {
  return a.group.localeCompare(b.group);
}

/** A grouping by a key of the run, summing the run's own metrics. */
function byRun(key: (run: StoredRun) => string, order = chronological): Grouper {
  return {
    add: (run, context) => Promise.resolve(context.groupOf(key(run)).addRun(run)),
    perCall: false,
    order,
  };
}

/** A grouping read from the spans of each run's own trace. */
function bySpans(
  addRows: (run: StoredRun, spans: readonly SpanRecord[], context: GroupContext) => void,
): Grouper {
  return {
    async add(run, context) {
      const trace = await traceOfRun(context.reader, run);
      if (trace) addRows(run, trace.spans, context);
      else context.groupOf("(no trace)").addRun(run);
    },
    perCall: true,
    order: byCost,
  };
}

/** The grouper of each grouping. */
export const GROUPERS: Readonly<Record<Grouping, Grouper>> = {
  workflow: byRun((run) => run.params.workflow_name ?? "", byCost),
  model: bySpans(addModelRows),
  node: bySpans(addNodeRows),
  day: byRun((run) => utcDay(run.startTimeMs)),
  week: byRun((run) => isoWeek(run.startTimeMs)),
  month: byRun((run) => utcDay(run.startTimeMs).slice(0, 7)),
};

function addModelRows(run: StoredRun, spans: readonly SpanRecord[], context: GroupContext): void {
  for (const span of spans) {
    const call = llmCallOf(span);
    if (!call) continue;
    // A mock call counts as the model it estimates, on a row of its own.
    const estimated = call.provider === "mock" && call.pricedAs !== "mock/" + call.model;
    const group = context.groupOf(estimated ? `${call.pricedAs} (mock)` : call.pricedAs);
    group.addPart(run.runId, partOf([call]));
    group.addCost(call.cost?.total_cost);
    if (!call.cost) context.unpriced.add(call.pricedAs);
  }
}

function addNodeRows(run: StoredRun, spans: readonly SpanRecord[], context: GroupContext): void {
  const nodeOf = nodeOfSpans(spans);
  const callsByNode = new Map<string, SpanLlmCall[]>();
  for (const span of spans) {
    const node = nodeOf.get(span.spanId);
    if (node === undefined) continue;
    const calls = callsByNode.get(node) ?? [];
    callsByNode.set(node, calls);
    const call = llmCallOf(span);
    if (call) calls.push(call);
  }
  for (const key of Object.keys(run.metrics)) {
    const node = /^node_(.+)_(?:cost_usd|duration_ms)$/.exec(key)?.[1];
    if (node !== undefined && !callsByNode.has(node)) callsByNode.set(node, []);
  }
  for (const [node, calls] of callsByNode) {
    const group = context.groupOf(node);
    group.addPart(run.runId, partOf(calls));
    const metricCost = run.metrics[`node_${node}_cost_usd`];
    group.addCost(
      metricCost !== undefined
        ? metricCost
        : calls.some((call) => !call.cost)
        ? undefined
        : calls.reduce((sum, call) => sum + (call.cost?.total_cost ?? 0), 0),
    );
    const durationMs = finite(run.metrics[`node_${node}_duration_ms`]);
    if (durationMs !== undefined) group.addDuration(durationMs / 1000);
  }
}

function partOf(calls: readonly SpanLlmCall[]) {
  return {
    calls: calls.length,
    input: calls.reduce((sum, call) => sum + call.usage.input_tokens, 0),
    output: calls.reduce((sum, call) => sum + call.usage.output_tokens, 0),
    total: calls.reduce((sum, call) => sum + call.usage.total_tokens, 0),
  };
}

/** The run's own trace: by the run's trace-id tag, else by the trace's `mlflow.sourceRun`. */
async function traceOfRun(
  reader: TrackingReader,
  run: StoredRun,
): Promise<StoredTrace | undefined> {
  const tagged = run.tags[TRACE_ID_TAG];
  if (tagged) {
    const trace = await reader.readTrace(tagged);
    if (trace) return trace;
  }
  const [info] = await reader.readTraceInfos({ runId: run.runId, limit: 1 });
  return info ? await reader.readTrace(info.traceId) : undefined;
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** ISO week (`2026-W48`): a week belongs to the year of its Thursday. */
function isoWeek(ms: number): string {
  const date = new Date(ms);
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}
