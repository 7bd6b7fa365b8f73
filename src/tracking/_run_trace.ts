/**
 * One run recorded with OpenTelemetry spans: the root AGENT span, child spans parented through
 * the AsyncLocalStorage context (never to another run's spans), exceptions as events, and an
 * interrupted run that closes every open span as ERROR.
 *
 * @module
 */
import {
  type Attributes,
  type Context,
  type ContextManager,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  trace,
  type Tracer as OtelTracer,
} from "@opentelemetry/api";
import type { StateSnapshot } from "./bundle_builder.ts";
import { pythonJsonDumps, toJsonValue } from "./python_json.ts";
import { msToHrTime } from "./_span_record.ts";
import type {
  AttributeValue,
  LlmCallRecord,
  RunEnd,
  RunRecordIds,
  RunStart,
  RunTrace,
  SpanOptions,
  SpanScope,
} from "./tracer.ts";

/** Everything the tracker needs to build the bundle of a finished run. */
export interface CompletedRun {
  /** What the run started with. */
  start: RunStart;
  /** How it ended. */
  end: RunEnd;
  /** The 32-hex OpenTelemetry trace id. */
  otelTraceId: string;
  /** Start of the root span, milliseconds since the epoch. */
  startTimeMs: number;
  /** End of the root span, milliseconds since the epoch. */
  endTimeMs: number;
  /** The node of each span that belongs to one (inherited from the parent when not given). */
  nodeIds: ReadonlyMap<string, string>;
  /** Snapshots taken with `RunTrace.snapshot`. */
  snapshots: readonly StateSnapshot[];
}

/** What an {@linkcode OtelRunTrace} is given by its tracker. */
export interface RunTraceDeps {
  /** OpenTelemetry tracer of the tracker's own provider. */
  tracer: OtelTracer;
  /** The tracker's context manager (AsyncLocalStorage). */
  contextManager: ContextManager;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Whether to keep state snapshots of a node. */
  keepSnapshot: (nodeId: string) => boolean;
  /** Builds and delivers the run once its root has ended; never throws. */
  complete: (run: CompletedRun) => Promise<RunRecordIds>;
}

const MESSAGE_FORMAT = "mlflow.message.format";
/** The chat format of CHAT_MODEL inputs unless the engine says otherwise. */
const DEFAULT_MESSAGE_FORMAT = "langchain";

/** Prefix of MLflow trace ids. */
const TRACE_ID_PREFIX = "tr-";

/** JSON text of a value for an OpenTelemetry attribute (attributes must be primitives). */
function encodeJsonAttribute(value: unknown): string {
  return pythonJsonDumps(value, { keepNonFinite: false });
}

/** What an `exception` event records. */
export interface ErrorDetails {
  /** `exception.type`: the error's name. */
  type: string;
  /** `exception.message`. */
  message: string;
  /** `exception.stacktrace`. */
  stacktrace: string;
}

/** A thrown value as exception type, message and stack trace. */
export function describeError(error: unknown): ErrorDetails {
  if (error instanceof Error) {
    const type = error.name || "Error";
    return { type, message: error.message, stacktrace: error.stack ?? `${type}: ${error.message}` };
  }
  const message = typeof error === "string"
    ? error
    : pythonJsonDumps(error, { keepNonFinite: false });
  return errorDetails("Error", message);
}

/** The details of an error the tracer records itself (no thrown value, no stack). */
function errorDetails(type: string, message: string): ErrorDetails {
  return { type, message, stacktrace: `${type}: ${message}` };
}

/** A `RunTrace` on OpenTelemetry spans. */
export class OtelRunTrace implements RunTrace {
  /** MLflow trace id (`tr-` + the OpenTelemetry trace id). */
  readonly traceId: string;
  readonly #deps: RunTraceDeps;
  readonly #start: RunStart;
  readonly #startTimeMs: number;
  readonly #root: Span;
  /** Spans not yet ended, in start order (the root first). */
  readonly #open = new Set<Span>();
  readonly #parents = new Map<Span, Span>();
  readonly #nodeIds = new Map<string, string>();
  readonly #snapshots: StateSnapshot[] = [];
  #finishing: Promise<RunRecordIds> | undefined;

  /**
   * Starts the root span.
   *
   * @param start What the run starts with.
   * @param deps The tracker's tracer, context, clock and completion.
   */
  constructor(start: RunStart, deps: RunTraceDeps) {
    this.#deps = deps;
    this.#start = start;
    this.#startTimeMs = deps.now();
    this.#root = deps.tracer.startSpan(
      `workflow_${start.workflowName}`,
      { startTime: msToHrTime(this.#startTimeMs), root: true },
      ROOT_CONTEXT,
    );
    this.traceId = TRACE_ID_PREFIX + this.#root.spanContext().traceId;
    const attributes: Attributes = {
      "mlflow.traceRequestId": this.traceId,
      "mlflow.spanType": "AGENT",
      "mlflow.spanInputs": encodeJsonAttribute(start.inputs),
      workflow_name: start.workflowName,
      workflow_version: start.workflowVersion ?? "unversioned",
      node_count: start.nodeCount,
    };
    if (start.sessionId !== undefined) attributes["session.id"] = start.sessionId;
    if (start.userId !== undefined) attributes["user.id"] = start.userId;
    this.#root.setAttributes(attributes);
    this.#open.add(this.#root);
  }

  /** Whether the run has not finished yet. */
  get isOpen(): boolean {
    return this.#finishing === undefined;
  }

  /**
   * Runs `fn` inside a child span of the innermost open span of this run.
   *
   * @param options Type, name, node, inputs and attributes of the span.
   * @param fn The work; its scope sets outputs, the LLM call and attributes.
   * @returns What `fn` returns.
   * @throws What `fn` throws, after recording it on the span.
   */
  async span<T>(options: SpanOptions, fn: (scope: SpanScope) => Promise<T>): Promise<T> {
    if (!this.isOpen) return await fn(NOOP_SCOPE);
    const manager = this.#deps.contextManager;
    const parent = this.#parentFor(trace.getSpan(manager.active()));
    const parentContext: Context = trace.setSpan(ROOT_CONTEXT, parent);
    const span = this.#deps.tracer.startSpan(
      options.name,
      { startTime: msToHrTime(this.#deps.now()) },
      parentContext,
    );
    this.#open.add(span);
    this.#parents.set(span, parent);
    const nodeId = options.nodeId ?? this.#nodeIds.get(parent.spanContext().spanId) ??
      (options.type === "CHAIN" ? options.name : undefined);
    if (nodeId !== undefined) this.#nodeIds.set(span.spanContext().spanId, nodeId);
    const attributes: Attributes = {
      "mlflow.traceRequestId": this.traceId,
      "mlflow.spanType": options.type,
    };
    if (options.inputs !== undefined) {
      attributes["mlflow.spanInputs"] = encodeJsonAttribute(options.inputs);
    }
    // Extra attributes come after ours but cannot replace the id or the type.
    span.setAttributes({ ...attributes, ...options.attributes, ...attributes });
    try {
      const result = await manager.with(
        trace.setSpan(parentContext, span),
        () => fn(scopeOf(span, options.attributes)),
      );
      if (this.#open.has(span)) {
        span.setStatus({ code: SpanStatusCode.OK });
        this.#end(span);
      }
      return result;
    } catch (error) {
      if (this.#open.has(span)) {
        this.#recordException(span, describeError(error));
        this.#end(span);
      }
      throw error;
    }
  }

  /**
   * Keeps the state after a node when the tracker wants snapshots of it.
   *
   * @param nodeId The node that just ran.
   * @param state The full state.
   */
  snapshot(nodeId: string, state: Readonly<Record<string, unknown>>): void {
    if (!this.isOpen || !this.#deps.keepSnapshot(nodeId)) return;
    this.#snapshots.push({ seq: this.#snapshots.length + 1, nodeId, state: toJsonValue(state) });
  }

  /**
   * Ends every open span (as ERROR when the run did not succeed or a span was left open), ends
   * the root, and hands the run to the tracker. A second call returns the first call's result.
   *
   * @param end How the run ended.
   * @returns The trace id, and the run id when the bundle was written synchronously.
   */
  finish(end: RunEnd): Promise<RunRecordIds> {
    this.#finishing ??= this.#finish(end);
    return this.#finishing;
  }

  async #finish(end: RunEnd): Promise<RunRecordIds> {
    const cancelled = end.status === "cancelled";
    const because = end.reason ? ` (${end.reason})` : "";
    const leftOpen = [...this.#open].filter((span) => span !== this.#root).reverse();
    for (const span of leftOpen) {
      this.#recordException(
        span,
        cancelled
          ? errorDetails("Cancelled", `The run was cancelled${because}`)
          : errorDetails("Interrupted", "The span was still open when the run ended"),
      );
      this.#end(span);
    }
    const root = this.#root;
    if (end.outputs !== undefined) {
      root.setAttribute("mlflow.spanOutputs", encodeJsonAttribute(end.outputs));
    }
    if (end.reason !== undefined) root.setAttribute("configurable_agents.stop_reason", end.reason);
    if (end.status === "success") {
      root.setStatus({ code: SpanStatusCode.OK });
    } else if (end.error !== undefined) {
      this.#recordException(root, describeError(end.error));
    } else {
      this.#recordException(
        root,
        cancelled
          ? errorDetails("Cancelled", `The run was cancelled${because}`)
          : errorDetails("Failed", `The run failed${because}`),
      );
    }
    const endTimeMs = this.#deps.now();
    this.#open.delete(root);
    root.end(msToHrTime(endTimeMs));
    return await this.#deps.complete({
      start: this.#start,
      end,
      otelTraceId: root.spanContext().traceId,
      startTimeMs: this.#startTimeMs,
      endTimeMs,
      nodeIds: this.#nodeIds,
      snapshots: this.#snapshots,
    });
  }

  /** The innermost open span of this run at or above `active`, else the root. */
  #parentFor(active: Span | undefined): Span {
    let candidate = active;
    while (candidate !== undefined && candidate !== this.#root) {
      if (!this.#parents.has(candidate)) return this.#root;
      if (this.#open.has(candidate)) return candidate;
      candidate = this.#parents.get(candidate);
    }
    return this.#root;
  }

  #recordException(span: Span, error: ErrorDetails): void {
    const { type, message, stacktrace } = error;
    span.addEvent("exception", {
      "exception.message": message,
      "exception.type": type,
      "exception.stacktrace": stacktrace,
    }, msToHrTime(this.#deps.now()));
    span.setStatus({ code: SpanStatusCode.ERROR, message: `${type}: ${message}` });
  }

  #end(span: Span): void {
    this.#open.delete(span);
    span.end(msToHrTime(this.#deps.now()));
  }
}

function scopeOf(span: Span, initial: Record<string, AttributeValue> | undefined): SpanScope {
  let hasMessageFormat = initial?.[MESSAGE_FORMAT] !== undefined;
  return {
    setOutputs(outputs: unknown): void {
      span.setAttribute("mlflow.spanOutputs", encodeJsonAttribute(outputs));
    },
    setLlmCall(call: LlmCallRecord): void {
      const usage: Record<string, number> = {
        input_tokens: call.usage.input_tokens,
        output_tokens: call.usage.output_tokens,
        total_tokens: call.usage.total_tokens,
      };
      if (call.usage.cache_read_input_tokens !== undefined) {
        usage.cache_read_input_tokens = call.usage.cache_read_input_tokens;
      }
      if (call.usage.cache_creation_input_tokens !== undefined) {
        usage.cache_creation_input_tokens = call.usage.cache_creation_input_tokens;
      }
      const attributes: Attributes = {
        "mlflow.chat.tokenUsage": encodeJsonAttribute(usage),
        "mlflow.llm.model": call.model,
        "mlflow.llm.provider": call.provider,
      };
      if (call.cost !== undefined) {
        attributes["mlflow.llm.cost"] = encodeJsonAttribute({
          input_cost: call.cost.input_cost,
          output_cost: call.cost.output_cost,
          total_cost: call.cost.total_cost,
        });
      }
      if (call.pricedAs.provider !== call.provider || call.pricedAs.model !== call.model) {
        attributes["configurable_agents.priced_as"] =
          `${call.pricedAs.provider}/${call.pricedAs.model}`;
      }
      if (!hasMessageFormat) attributes[MESSAGE_FORMAT] = DEFAULT_MESSAGE_FORMAT;
      hasMessageFormat = true;
      span.setAttributes(attributes);
    },
    setAttributes(attributes: Record<string, AttributeValue>): void {
      if (attributes[MESSAGE_FORMAT] !== undefined) hasMessageFormat = true;
      span.setAttributes(attributes);
    },
  };
}

/** A scope that records nothing (for spans of a run that already finished, or of no run). */
export const NOOP_SCOPE: SpanScope = {
  setOutputs(): void {},
  setLlmCall(): void {},
  setAttributes(): void {},
};
