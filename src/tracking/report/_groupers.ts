/**
 * How each grouping of a cost report turns workflow runs (traces) into rows: by a key of the
 * trace (its workflow or its day), summing the trace's own usage and cost, or from the trace's
 * CHAT_MODEL and CHAIN spans.
 *
 * @module
 */
import type { SpanRecord } from "../trace_bundle.ts";
import type { CostGroup, CostReportRow } from "./_cost_group.ts";
import type { TracedRun } from "./_traced_run.ts";
import { llmCallOf, nodeOfSpans, type SpanLlmCall, spanTypeOf } from "../span_llm_call.ts";
import type { TrackingReader } from "./tracking_reader.ts";

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
  add(run: TracedRun, context: GroupContext): Promise<void>;
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

/** A grouping by a key of the run, summing the trace's own usage and cost. */
function byRun(key: (run: TracedRun) => string, order = chronological): Grouper {
  return {
    add: (run, context) => Promise.resolve(context.groupOf(key(run)).addRun(run)),
    perCall: false,
    order,
  };
}

/** A grouping read from the spans of each run's trace. */
function bySpans(
  addRows: (run: TracedRun, spans: readonly SpanRecord[], context: GroupContext) => void,
): Grouper {
  return {
    async add(run, context) {
      const spans = (await context.reader.readTrace(run.traceId))?.spans ?? [];
      if (spans.length > 0) addRows(run, spans, context);
      else context.groupOf("(no spans)").addRun(run);
    },
    perCall: true,
    order: byCost,
  };
}

/** The grouper of each grouping. */
export const GROUPERS: Readonly<Record<Grouping, Grouper>> = {
  workflow: byRun((run) => run.workflow, byCost),
  model: bySpans(addModelRows),
  node: bySpans(addNodeRows),
  day: byRun((run) => utcDay(run.startTimeMs)),
  week: byRun((run) => isoWeek(run.startTimeMs)),
  month: byRun((run) => utcDay(run.startTimeMs).slice(0, 7)),
};

function addModelRows(run: TracedRun, spans: readonly SpanRecord[], context: GroupContext): void {
  for (const span of spans) {
    const call = llmCallOf(span);
    if (!call) continue;
    // A mock call counts as the model it estimates, on a row of its own.
    const estimated = call.provider === "mock" && call.pricedAs !== "mock/" + call.model;
    const group = context.groupOf(estimated ? `${call.pricedAs} (mock)` : call.pricedAs);
    group.addPart(run.traceId, partOf([call]));
    group.addCost(call.cost?.total_cost);
    if (!call.cost) context.unpriced.add(call.pricedAs);
  }
}

/**
 * One row per node that ran: its calls' tokens and cost (unknown when a call had no price) and
 * the summed duration of its executions (CHAIN spans).
 */
function addNodeRows(run: TracedRun, spans: readonly SpanRecord[], context: GroupContext): void {
  const nodeOf = nodeOfSpans(spans);
  const nodes = new Map<string, { calls: SpanLlmCall[]; durationMs: number }>();
  for (const span of spans) {
    const nodeId = nodeOf.get(span.spanId);
    if (nodeId === undefined) continue;
    const node = nodes.get(nodeId) ?? { calls: [], durationMs: 0 };
    nodes.set(nodeId, node);
    const call = llmCallOf(span);
    if (call) node.calls.push(call);
    if (spanTypeOf(span) === "CHAIN" && span.name === nodeId) {
      node.durationMs += Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6;
    }
  }
  for (const [nodeId, { calls, durationMs }] of nodes) {
    const group = context.groupOf(nodeId);
    group.addPart(run.traceId, partOf(calls));
    group.addCost(
      calls.some((call) => !call.cost)
        ? undefined
        : calls.reduce((sum, call) => sum + (call.cost?.total_cost ?? 0), 0),
    );
    group.addDuration(durationMs / 1000);
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
