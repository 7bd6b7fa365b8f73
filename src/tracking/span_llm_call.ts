/**
 * Reads the LLM calls of a trace back from its spans: model, provider, token usage and cost of
 * each CHAT_MODEL (or LLM) span, and the node (CHAIN span) each call belongs to. The tracker's
 * run summary and the reports both read calls through here, so they cannot disagree. No
 * OpenTelemetry imports: reports load this without the tracer.
 *
 * @module
 */
import type { CostBreakdown, TokenUsage } from "./tracer.ts";
import type { SpanRecord } from "./trace_bundle.ts";

/**
 * The MLflow span type of a span (`mlflow.spanType`), `UNKNOWN` when absent.
 *
 * @param span A span.
 * @returns Its type, such as `CHAIN` or `CHAT_MODEL`.
 */
export function spanTypeOf(span: SpanRecord): string {
  const type = span.attributes["mlflow.spanType"];
  return typeof type === "string" ? type : "UNKNOWN";
}

/** One LLM call as its span recorded it. */
export interface SpanLlmCall {
  /** `mlflow.llm.provider` (else the older `provider`), `unknown` when absent. */
  provider: string;
  /** `mlflow.llm.model` (else the older `model`), else the span name. */
  model: string;
  /**
   * `provider/model` the call was priced as (`configurable_agents.priced_as`, written when it
   * differs, as for a mock call), else `provider/model`: the key the tracker's cost summary and
   * the `configurable_agents.cost_unknown_models` tag use.
   */
  pricedAs: string;
  /** `mlflow.chat.tokenUsage`, zeros when absent. */
  usage: TokenUsage;
  /**
   * `mlflow.llm.cost`, or `undefined` when the call was not priced; zero for a call that failed
   * (ERROR status) before any token usage was recorded.
   */
  cost: CostBreakdown | undefined;
}

const LLM_SPAN_TYPES = new Set(["CHAT_MODEL", "LLM"]);

/**
 * The LLM call a span records, or `undefined` for spans that are not LLM calls.
 *
 * @param span A span.
 * @returns The call.
 */
export function llmCallOf(span: SpanRecord): SpanLlmCall | undefined {
  if (!LLM_SPAN_TYPES.has(spanTypeOf(span))) return undefined;
  const attributes = span.attributes;
  // Traces written before the `mlflow.llm.*` keys were set at the start of a call carry the
  // node's provider and model under plain `provider` and `model`.
  const provider = text(attributes["mlflow.llm.provider"]) ?? text(attributes["provider"]) ??
    "unknown";
  const model = text(attributes["mlflow.llm.model"]) ?? text(attributes["model"]) ?? span.name;
  const usage = attributes["mlflow.chat.tokenUsage"];
  // A call that failed before any usage was recorded produced no tokens: it cost nothing.
  const failedUnused = span.status.code === "ERROR" && usage === undefined;
  return {
    provider,
    model,
    pricedAs: text(attributes["configurable_agents.priced_as"]) ?? `${provider}/${model}`,
    usage: usageOf(usage),
    cost: costOf(attributes["mlflow.llm.cost"]) ??
      (failedUnused ? { input_cost: 0, output_cost: 0, total_cost: 0 } : undefined),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Maps each span id to the name of its nearest CHAIN ancestor (itself for a CHAIN span): the
 * node an LLM call belongs to.
 *
 * @param spans The spans of one trace.
 * @returns Span id → node id.
 */
export function nodeOfSpans(spans: readonly SpanRecord[]): Map<string, string> {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const nodes = new Map<string, string>();
  const find = (span: SpanRecord, depth: number): string | undefined => {
    if (nodes.has(span.spanId)) return nodes.get(span.spanId);
    if (spanTypeOf(span) === "CHAIN") return span.name;
    const parent = span.parentSpanId === null ? undefined : byId.get(span.parentSpanId);
    return parent && depth < spans.length ? find(parent, depth + 1) : undefined;
  };
  for (const span of spans) {
    const node = find(span, 0);
    if (node !== undefined) nodes.set(span.spanId, node);
  }
  return nodes;
}

/**
 * Token usage from `mlflow.chat.tokenUsage` or `mlflow.trace.tokenUsage` (object or JSON text).
 *
 * @param value The attribute or metadata value.
 * @returns The usage; zeros when absent or malformed.
 */
export function usageOf(value: unknown): TokenUsage {
  const data = parsed(value);
  const count = (key: string): number => {
    const number = Number(data?.[key]);
    return Number.isFinite(number) && number > 0 ? number : 0;
  };
  const usage: TokenUsage = {
    input_tokens: count("input_tokens"),
    output_tokens: count("output_tokens"),
    total_tokens: count("total_tokens") || count("input_tokens") + count("output_tokens"),
  };
  if (data?.cache_read_input_tokens !== undefined) {
    usage.cache_read_input_tokens = count("cache_read_input_tokens");
  }
  if (data?.cache_creation_input_tokens !== undefined) {
    usage.cache_creation_input_tokens = count("cache_creation_input_tokens");
  }
  return usage;
}

/**
 * Cost from `mlflow.llm.cost` or `mlflow.trace.cost` (object or JSON text).
 *
 * @param value The attribute or metadata value.
 * @returns The cost, or `undefined` when absent or not a finite number.
 */
export function costOf(value: unknown): CostBreakdown | undefined {
  const data = parsed(value);
  if (!data) return undefined;
  const input = Number(data.input_cost ?? 0);
  const output = Number(data.output_cost ?? 0);
  const total = Number(data.total_cost ?? input + output);
  return Number.isFinite(input) && Number.isFinite(output) && Number.isFinite(total)
    ? { input_cost: input, output_cost: output, total_cost: total }
    : undefined;
}

function parsed(value: unknown): Record<string, unknown> | undefined {
  let data = value;
  if (typeof data === "string") {
    try {
      data = JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  return typeof data === "object" && data !== null && !Array.isArray(data)
    ? data as Record<string, unknown>
    : undefined;
}
