/**
 * `traces show`: a trace as a tree of spans with type, duration, tokens and cost (per LLM call,
 * summed over each CHAIN and the root) and errors marked.
 *
 * @module
 */
import { LINKED_PROMPTS_KEY } from "../linked_prompts.ts";
import { ITEM_INDEX_ATTRIBUTE, type TokenUsage } from "../tracer.ts";
import { formatCount, formatSeconds, formatUsd } from "./_format.ts";
import { roundUsd } from "./round_numbers.ts";
import { llmCallOf, type SpanLlmCall, spanTypeOf } from "../span_llm_call.ts";
import { SOURCE_RUN_METADATA, type StoredTrace } from "./tracking_reader.ts";

/** One span of the tree. */
export interface SpanTreeNode {
  /** Span id (16 hex). */
  spanId: string;
  /** Span name (node id for CHAIN spans). */
  name: string;
  /** The item of a parallel fan-out a node's CHAIN span ran on. */
  itemIndex: number | undefined;
  /** MLflow span type. */
  type: string;
  /** `OK`, `ERROR` or `UNSET`. */
  status: string;
  /** The error: the exception event's type and message, else the status message. */
  error: string | undefined;
  /** Start, ns since the epoch. */
  startTimeUnixNano: bigint;
  /** Duration in ms. */
  durationMs: number;
  /** The LLM call, for CHAT_MODEL and LLM spans. */
  llm: SpanLlmCall | undefined;
  /** LLM calls in this span and below. */
  llmCalls: number;
  /** Token usage of those calls. */
  usage: TokenUsage;
  /** Their cost in USD, or `undefined` when any of them has no cost. */
  costUsd: number | undefined;
  /** Span inputs (`mlflow.spanInputs`). */
  inputs: unknown;
  /** Span outputs (`mlflow.spanOutputs`). */
  outputs: unknown;
  /** Child spans by start time. */
  children: SpanTreeNode[];
}

/**
 * Builds the span tree of a trace. A span whose parent is missing becomes a root.
 *
 * @example Usage
 * ```ts
 * import { buildSpanTree } from "./span_tree.ts";
 * const span = (spanId: string, parentSpanId: string | null, type: string, extra = {}) => ({
 *   traceId: "0".repeat(32), spanId, parentSpanId, name: spanId, startTimeUnixNano: 0n,
 *   endTimeUnixNano: 1_000_000n, status: { code: "OK" as const, message: "" }, events: [],
 *   attributes: { "mlflow.spanType": type, ...extra },
 * });
 * const [root] = buildSpanTree({
 *   traceId: "tr-1", experimentId: "1", requestTimeMs: 0, executionTimeMs: 1, state: "OK",
 *   requestPreview: "", responsePreview: "", metadata: {}, tags: {},
 *   spans: [span("a", null, "AGENT"), span("b", "a", "CHAIN"), span("c", "b", "CHAT_MODEL", {
 *     "mlflow.chat.tokenUsage": { input_tokens: 12, output_tokens: 30, total_tokens: 42 },
 *     "mlflow.llm.cost": { input_cost: 0.0000018, output_cost: 0.000018, total_cost: 0.0000198 },
 *   })],
 * });
 * if (root?.usage.total_tokens !== 42 || root.children[0]?.costUsd !== 0.0000198) throw new Error();
 * ```
 *
 * @param trace A trace with its spans.
 * @returns The root spans.
 */
export function buildSpanTree(trace: StoredTrace): SpanTreeNode[] {
  const nodes = new Map<string, SpanTreeNode>();
  for (const span of trace.spans) {
    const exception = span.events.find((event) => event.name === "exception");
    const type = exception?.attributes["exception.type"];
    const message = exception?.attributes["exception.message"];
    const error = exception
      ? [type, message].filter((part) => typeof part === "string" && part).join(": ")
      : span.status.code === "ERROR"
      ? span.status.message
      : undefined;
    nodes.set(span.spanId, {
      spanId: span.spanId,
      name: span.name,
      itemIndex: itemIndexOf(span.attributes),
      type: spanTypeOf(span),
      status: span.status.code,
      error: error || (span.status.code === "ERROR" ? "error" : undefined),
      startTimeUnixNano: span.startTimeUnixNano,
      durationMs: Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6,
      llm: llmCallOf(span),
      llmCalls: 0,
      usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
      costUsd: 0,
      inputs: span.attributes["mlflow.spanInputs"],
      outputs: span.attributes["mlflow.spanOutputs"],
      children: [],
    });
  }
  const roots: SpanTreeNode[] = [];
  for (const span of trace.spans) {
    const node = nodes.get(span.spanId);
    const parent = span.parentSpanId === null ? undefined : nodes.get(span.parentSpanId);
    if (!node) continue;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const byStart = (a: SpanTreeNode, b: SpanTreeNode) =>
    a.startTimeUnixNano < b.startTimeUnixNano
      ? -1
      : a.startTimeUnixNano > b.startTimeUnixNano
      ? 1
      : 0;
  const visiting = new Set<SpanTreeNode>();
  const sum = (node: SpanTreeNode): void => {
    visiting.add(node);
    node.children.sort(byStart);
    if (node.llm) add(node, 1, node.llm.usage, node.llm.cost?.total_cost);
    for (const child of node.children) {
      if (visiting.has(child)) continue;
      sum(child);
      add(node, child.llmCalls, child.usage, child.costUsd);
    }
  };
  roots.sort(byStart).forEach(sum);
  return roots;
}

/**
 * The trace as indented text: a heading, then one line per span with its type, duration and,
 * where LLM calls are below it, tokens and cost; errors are marked with `✗`.
 *
 * @param trace The trace.
 * @param roots Its tree from {@linkcode buildSpanTree}.
 * @returns Text ending with a newline.
 */
export function renderSpanTree(trace: StoredTrace, roots: readonly SpanTreeNode[]): string {
  const run = trace.metadata[SOURCE_RUN_METADATA];
  const lines = [
    [
      `Trace ${trace.traceId}`,
      trace.tags["mlflow.traceName"],
      `${new Date(trace.requestTimeMs).toISOString().slice(0, 19).replace("T", " ")} UTC`,
      formatSeconds(trace.executionTimeMs / 1000),
      trace.state,
      run ? `run ${run}` : undefined,
    ].filter(Boolean).join(" · "),
  ];
  const prompts = describeLinkedPrompts(trace.tags[LINKED_PROMPTS_KEY]);
  if (prompts) lines.push(`prompts: ${prompts}`);
  const walk = (node: SpanTreeNode, prefix: string, childPrefix: string): void => {
    lines.push(`${prefix}${describeSpan(node)}`);
    node.children.forEach((child, index) => {
      const last = index === node.children.length - 1;
      walk(child, `${childPrefix}${last ? "└─ " : "├─ "}`, `${childPrefix}${last ? "   " : "│  "}`);
    });
  };
  for (const root of roots) walk(root, "", "");
  if (roots.length === 0) lines.push("(no spans recorded)");
  return lines.join("\n") + "\n";
}

/**
 * The trace and its tree as a JSON value (times as ISO text, nanoseconds as strings).
 *
 * @param trace The trace.
 * @param roots Its tree.
 * @returns A JSON-serialisable value.
 */
export function spanTreeToJson(
  trace: StoredTrace,
  roots: readonly SpanTreeNode[],
): Record<string, unknown> {
  const node = (value: SpanTreeNode): Record<string, unknown> => ({
    span_id: value.spanId,
    name: value.name,
    ...(value.itemIndex === undefined ? {} : { item_index: value.itemIndex }),
    type: value.type,
    status: value.status,
    error: value.error ?? null,
    start_time_unix_nano: String(value.startTimeUnixNano),
    duration_ms: value.durationMs,
    ...(value.llm
      ? { provider: value.llm.provider, model: value.llm.model, priced_as: value.llm.pricedAs }
      : {}),
    llm_calls: value.llmCalls,
    input_tokens: value.usage.input_tokens,
    output_tokens: value.usage.output_tokens,
    total_tokens: value.usage.total_tokens,
    cost_usd: value.costUsd === undefined ? null : roundUsd(value.costUsd),
    inputs: value.inputs ?? null,
    outputs: value.outputs ?? null,
    children: value.children.map(node),
  });
  return {
    trace_id: trace.traceId,
    experiment_id: trace.experimentId,
    run_id: trace.metadata[SOURCE_RUN_METADATA] ?? null,
    state: trace.state,
    request_time: new Date(trace.requestTimeMs).toISOString(),
    execution_time_ms: trace.executionTimeMs,
    metadata: trace.metadata,
    tags: trace.tags,
    spans: roots.map(node),
  };
}

function describeSpan(node: SpanTreeNode): string {
  const name = node.itemIndex === undefined ? node.name : `${node.name}[${node.itemIndex}]`;
  const parts = [name, node.type, formatSeconds(node.durationMs / 1000)];
  if (node.llmCalls > 0) {
    parts.push(
      `${formatCount(node.usage.input_tokens)} in / ${formatCount(node.usage.output_tokens)} out`,
      formatUsd(node.costUsd),
    );
  }
  if (node.llm) {
    const model = `${node.llm.provider}/${node.llm.model}`;
    parts.push(node.llm.pricedAs === model ? model : `${model} priced as ${node.llm.pricedAs}`);
  }
  if (node.error !== undefined) parts.push(`✗ ${node.error}`);
  return parts.join("  ");
}

/**
 * The fan-out item of a CHAIN span: its `configurable_agents.item_index` attribute, else (traces
 * recorded before that attribute) the `item_index` among its inputs.
 */
function itemIndexOf(attributes: Readonly<Record<string, unknown>>): number | undefined {
  const recorded = attributes[ITEM_INDEX_ATTRIBUTE];
  if (typeof recorded === "number" && Number.isInteger(recorded)) return recorded;
  const inputs = attributes["mlflow.spanInputs"];
  const fromInputs = typeof inputs === "object" && inputs !== null && !Array.isArray(inputs)
    ? (inputs as Record<string, unknown>)["item_index"]
    : undefined;
  return typeof fromInputs === "number" && Number.isInteger(fromInputs) ? fromInputs : undefined;
}

function add(node: SpanTreeNode, calls: number, usage: TokenUsage, cost: number | undefined): void {
  node.llmCalls += calls;
  node.usage.input_tokens += usage.input_tokens;
  node.usage.output_tokens += usage.output_tokens;
  node.usage.total_tokens += usage.total_tokens;
  node.costUsd = node.costUsd === undefined || cost === undefined ? undefined : node.costUsd + cost;
}

/** `summarizer v2, reviewer v1` from a `mlflow.linkedPrompts` tag; `undefined` without one. */
function describeLinkedPrompts(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  try {
    const linked: unknown = JSON.parse(tag);
    if (!Array.isArray(linked)) return tag;
    return linked.map((entry) =>
      entry !== null && typeof entry === "object" && "name" in entry && "version" in entry
        ? `${String(entry.name)} v${String(entry.version)}`
        : JSON.stringify(entry)
    ).join(", ");
  } catch {
    return tag;
  }
}
