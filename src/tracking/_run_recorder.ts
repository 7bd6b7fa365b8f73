/**
 * One run recorded as plain span records: the root AGENT span, child spans parented through an
 * `AsyncLocalStorage` (never to another run's spans), exceptions as events, and an interrupted
 * run that closes every open span as ERROR. Attribute values are kept as JSON values from the
 * start; only a sink turns them into bytes (MLflow span JSON, OTLP). When the run finishes, its
 * spans are handed over whole: nothing calls back to fetch them.
 *
 * @module
 */
import { LINKED_PROMPTS_KEY, linkedPrompts } from "./linked_prompts.ts";
import { AsyncLocalStorage } from "node:async_hooks";
import { pythonJsonDumps, toJsonValue } from "./python_json.ts";
import type { SpanEventRecord, SpanRecord, SpanStatusCode } from "./trace_bundle.ts";
import type { StateSnapshot } from "./build_trace_bundle.ts";
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
import { newSpanId, newTraceId } from "./_ids.ts";
import { formatTraceparent } from "./trace_context.ts";

/** A run whose root span has ended: everything a bundle is built from. */
export interface FinishedRun {
  /** What the run started with. */
  start: RunStart;
  /** How it ended. */
  end: RunEnd;
  /** MLflow trace id (`tr-` + the 32-hex trace id). */
  traceId: string;
  /** Start of the root span, milliseconds since the epoch. */
  startTimeMs: number;
  /** End of the root span, milliseconds since the epoch. */
  endTimeMs: number;
  /** Every span of the run in start order, the root first, not yet redacted. */
  spans: SpanRecord[];
  /** The node of each span that belongs to one (inherited from the parent when not given). */
  nodeIds: ReadonlyMap<string, string>;
  /** Snapshots taken with `RunTrace.snapshot`. */
  snapshots: readonly StateSnapshot[];
  /**
   * The span of another system the run nests under (its root's parent there); the root's own
   * `parentSpanId` stays `null`, so the run is a whole trace wherever it is stored.
   */
  remoteParentSpanId?: string | undefined;
}

/** What a {@linkcode RunRecorder} is given by its tracker. */
export interface RunRecorderDeps {
  /** Milliseconds since the epoch (fractions allowed). */
  now: () => number;
  /** Whether to keep state snapshots of a node. */
  keepSnapshot: (nodeId: string) => boolean;
  /** Takes the finished run; resolves with the ids it was recorded as. Never throws. */
  finished: (run: FinishedRun) => Promise<RunRecordIds>;
  /**
   * A span of another system the root nests under (W3C trace context): the run takes its
   * trace id and the root span its parent.
   */
  parent?: ForeignParent | undefined;
}

/** A span of another system (W3C trace context) that a run nests under. */
export interface ForeignParent {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** 16 lowercase hex digits. */
  readonly spanId: string;
}

/** An open span: its record under construction, its parent and the run it belongs to. */
interface OpenSpan {
  readonly record: SpanRecord;
  readonly parent: OpenSpan | undefined;
  readonly run: RunRecorder;
}

/** The innermost span open in the current async context, of any run. */
const activeSpan = new AsyncLocalStorage<OpenSpan>();

const MESSAGE_FORMAT = "mlflow.message.format";
/** The chat format of CHAT_MODEL inputs unless the engine says otherwise. */
const DEFAULT_MESSAGE_FORMAT = "langchain";
/** Prefix of MLflow trace ids. */
const TRACE_ID_PREFIX = "tr-";

/** What an `exception` event records. */
export interface ErrorDetails {
  /** `exception.type`: the error's name. */
  type: string;
  /** `exception.message`. */
  message: string;
  /** `exception.stacktrace`. */
  stacktrace: string;
}

/**
 * A thrown value as exception type, message and stack trace.
 *
 * @param error Anything thrown.
 * @returns Its type, message and stack trace.
 */
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

/** The details of an error the recorder records itself (no thrown value, no stack). */
function errorDetails(type: string, message: string): ErrorDetails {
  return { type, message, stacktrace: `${type}: ${message}` };
}

/**
 * Milliseconds since the epoch (fractions allowed) as nanoseconds, rounded to the nanosecond.
 *
 * @param ms Milliseconds.
 * @returns Nanoseconds.
 */
export function msToNanos(ms: number): bigint {
  const seconds = Math.floor(ms / 1000);
  return BigInt(seconds) * 1_000_000_000n + BigInt(Math.round((ms - seconds * 1000) * 1e6));
}

/**
 * An attribute value as JSON data, copied so that later changes to the object do not leak in
 * (numbers as JSON can hold them: non-finite ones become `null`, a `bigint` a number).
 */
function jsonAttribute(value: unknown): unknown {
  return toJsonValue(value, { bigIntAsNumber: true });
}

/** A `RunTrace` that builds span records directly. */
export class RunRecorder implements RunTrace {
  /** MLflow trace id (`tr-` + the 32-hex trace id). */
  readonly traceId: string;
  readonly #deps: RunRecorderDeps;
  readonly #start: RunStart;
  readonly #startTimeMs: number;
  readonly #root: OpenSpan;
  /** Spans not yet ended, in start order (the root first). */
  readonly #open = new Set<OpenSpan>();
  /** Every span, in start order. */
  readonly #spans: SpanRecord[] = [];
  readonly #nodeIds = new Map<string, string>();
  readonly #snapshots: StateSnapshot[] = [];
  #finishing: Promise<RunRecordIds> | undefined;

  /**
   * Starts the root span.
   *
   * @param start What the run starts with.
   * @param deps The tracker's clock, snapshot rule, hand-over and foreign parent.
   */
  constructor(start: RunStart, deps: RunRecorderDeps) {
    this.#deps = deps;
    this.#start = start;
    this.#startTimeMs = deps.now();
    const hexTraceId = deps.parent?.traceId ?? newTraceId();
    this.traceId = TRACE_ID_PREFIX + hexTraceId;
    const attributes: Record<string, unknown> = {
      "mlflow.traceRequestId": this.traceId,
      "mlflow.spanType": "AGENT",
      "mlflow.spanInputs": jsonAttribute(start.inputs),
      workflow_name: start.workflowName,
      workflow_version: start.workflowVersion ?? "unversioned",
      node_count: start.nodeCount,
    };
    if (start.sessionId !== undefined) attributes["session.id"] = start.sessionId;
    if (start.userId !== undefined) attributes["user.id"] = start.userId;
    this.#root = this.#startSpan(
      `workflow_${start.workflowName}`,
      undefined,
      attributes,
      this.#startTimeMs,
    );
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
    const parent = this.#parentFor(activeSpan.getStore());
    const attributes: Record<string, unknown> = {
      "mlflow.traceRequestId": this.traceId,
      "mlflow.spanType": options.type,
    };
    if (options.inputs !== undefined) {
      attributes["mlflow.spanInputs"] = jsonAttribute(options.inputs);
    }
    const nodeId = options.nodeId ?? this.#nodeIds.get(parent.record.spanId) ??
      (options.type === "CHAIN" ? options.name : undefined);
    // Extra attributes come after ours but cannot replace the id or the type.
    const open = this.#startSpan(options.name, parent, {
      ...attributes,
      ...options.attributes,
      ...(options.type === "CHAIN" ? promptAttributes(this.#start, nodeId) : {}),
      ...attributes,
    });
    if (nodeId !== undefined) this.#nodeIds.set(open.record.spanId, nodeId);
    try {
      const result = await activeSpan.run(open, () => fn(scopeOf(open.record, options.attributes)));
      if (this.#open.has(open)) {
        open.record.status = { code: "OK", message: "" };
        this.#end(open);
      }
      return result;
    } catch (error) {
      if (this.#open.has(open)) {
        this.#recordException(open.record, describeError(error));
        this.#end(open);
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
   * the root, and hands the finished run over. A second call returns the first call's result.
   *
   * @param end How the run ended.
   * @returns The trace id, and the run id when the bundle was written synchronously.
   */
  finish(end: RunEnd): Promise<RunRecordIds> {
    this.#finishing ??= this.#finish(end);
    return this.#finishing;
  }

  #finish(end: RunEnd): Promise<RunRecordIds> {
    const cancelled = end.status === "cancelled";
    const because = end.reason ? ` (${end.reason})` : "";
    const leftOpen = [...this.#open].filter((span) => span !== this.#root).reverse();
    for (const span of leftOpen) {
      this.#recordException(
        span.record,
        cancelled
          ? errorDetails("Cancelled", `The run was cancelled${because}`)
          : errorDetails("Interrupted", "The span was still open when the run ended"),
      );
      this.#end(span);
    }
    const root = this.#root.record;
    if (end.outputs !== undefined) {
      root.attributes["mlflow.spanOutputs"] = jsonAttribute(end.outputs);
    }
    if (end.reason !== undefined) root.attributes["configurable_agents.stop_reason"] = end.reason;
    if (end.status === "success") {
      root.status = { code: "OK", message: "" };
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
    this.#open.delete(this.#root);
    root.endTimeUnixNano = msToNanos(endTimeMs);
    return this.#deps.finished({
      start: this.#start,
      end,
      traceId: this.traceId,
      startTimeMs: this.#startTimeMs,
      endTimeMs,
      spans: this.#spans,
      nodeIds: this.#nodeIds,
      snapshots: this.#snapshots,
      remoteParentSpanId: this.#deps.parent?.spanId,
    });
  }

  #startSpan(
    name: string,
    parent: OpenSpan | undefined,
    attributes: Record<string, unknown>,
    startTimeMs: number = this.#deps.now(),
  ): OpenSpan {
    const startTimeUnixNano = msToNanos(startTimeMs);
    const record: SpanRecord = {
      traceId: this.traceId.slice(TRACE_ID_PREFIX.length),
      spanId: newSpanId(),
      parentSpanId: parent?.record.spanId ?? null,
      name,
      startTimeUnixNano,
      endTimeUnixNano: startTimeUnixNano,
      status: { code: "UNSET", message: "" },
      attributes,
      events: [],
    };
    const open: OpenSpan = { record, parent, run: this };
    this.#spans.push(record);
    this.#open.add(open);
    return open;
  }

  /** The innermost open span of this run at or above `active`, else the root. */
  #parentFor(active: OpenSpan | undefined): OpenSpan {
    if (active?.run !== this) return this.#root;
    for (let candidate: OpenSpan | undefined = active; candidate; candidate = candidate.parent) {
      if (this.#open.has(candidate)) return candidate;
    }
    return this.#root;
  }

  #recordException(record: SpanRecord, error: ErrorDetails): void {
    const { type, message, stacktrace } = error;
    const event: SpanEventRecord = {
      name: "exception",
      timeUnixNano: msToNanos(this.#deps.now()),
      attributes: {
        "exception.message": message,
        "exception.type": type,
        "exception.stacktrace": stacktrace,
      },
    };
    record.events.push(event);
    record.status = { code: "ERROR" satisfies SpanStatusCode, message: `${type}: ${message}` };
  }

  #end(span: OpenSpan): void {
    this.#open.delete(span);
    span.record.endTimeUnixNano = msToNanos(this.#deps.now());
  }
}

function scopeOf(
  record: SpanRecord,
  initial: Record<string, AttributeValue> | undefined,
): SpanScope {
  let hasMessageFormat = initial?.[MESSAGE_FORMAT] !== undefined;
  const attributes = record.attributes;
  return {
    traceparent: formatTraceparent({
      traceId: record.traceId,
      spanId: record.spanId,
      sampled: true,
    }),
    setOutputs(outputs: unknown): void {
      attributes["mlflow.spanOutputs"] = jsonAttribute(outputs);
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
      attributes["mlflow.chat.tokenUsage"] = jsonAttribute(usage);
      attributes["mlflow.llm.model"] = call.model;
      attributes["mlflow.llm.provider"] = call.provider;
      if (call.cost !== undefined) {
        attributes["mlflow.llm.cost"] = jsonAttribute({
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
    },
    setAttributes(extra: Record<string, AttributeValue>): void {
      if (extra[MESSAGE_FORMAT] !== undefined) hasMessageFormat = true;
      Object.assign(attributes, extra);
    },
  };
}

/** A scope that records nothing (for spans of a run that already finished, or of no run). */
export const NOOP_SCOPE: SpanScope = {
  traceparent: undefined,
  setOutputs(): void {},
  setLlmCall(): void {},
  setAttributes(): void {},
};

/**
 * The registry prompt a node's span records: `mlflow.linkedPrompts` as MLflow's
 * `load_prompt` sets it on the active span, and the URI the node names.
 */
function promptAttributes(start: RunStart, nodeId: string | undefined): Record<string, unknown> {
  const used = start.prompts?.find((prompt) => prompt.nodeId === nodeId);
  if (used === undefined) return {};
  return {
    [LINKED_PROMPTS_KEY]: linkedPrompts([used]),
    "configurable_agents.prompt_uri": used.uri,
  };
}
