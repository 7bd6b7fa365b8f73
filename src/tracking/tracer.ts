/**
 * The contract between the engine and whatever records a run. The engine only ever sees these
 * types; `MlflowTracker` implements them with OpenTelemetry and MLflow, `NoopTracer` with
 * nothing.
 *
 * @module
 */

/** MLflow span types we emit (the ones MLflow 3.9 readers know). */
export type SpanType = "AGENT" | "CHAIN" | "CHAT_MODEL" | "TOOL" | "PARSER" | "UNKNOWN";

/** Token usage of one LLM call, with MLflow's key names. */
export interface TokenUsage {
  /** Prompt tokens, cache reads included. */
  input_tokens: number;
  /** Completion tokens. */
  output_tokens: number;
  /** `input_tokens + output_tokens`. */
  total_tokens: number;
  /** Prompt tokens served from the provider's cache, when reported. */
  cache_read_input_tokens?: number;
  /** Prompt tokens written to the provider's cache, when reported. */
  cache_creation_input_tokens?: number;
}

/** Dollar cost of one call or a sum of calls, with MLflow's key names (`mlflow.llm.cost`). */
export interface CostBreakdown {
  /** USD for input tokens (cache reads and writes included). */
  input_cost: number;
  /** USD for output tokens. */
  output_cost: number;
  /** `input_cost + output_cost`. */
  total_cost: number;
}

/** What the engine knows about one LLM call once it returned. */
export interface LlmCallRecord {
  /** Provider that answered (`mock` for mock runs). */
  provider: string;
  /** Model that answered. */
  model: string;
  /** Provider and model the call is priced as (a mock call is priced as the real model). */
  pricedAs: { provider: string; model: string };
  /** Token usage read from the response. */
  usage: TokenUsage;
  /** Cost, or `undefined` when the model is not in the price table (cost unknown, never 0). */
  cost: CostBreakdown | undefined;
}

/** A span attribute value, as OpenTelemetry allows. */
export type AttributeValue = string | number | boolean;

/**
 * Attribute of the CHAIN span of a parallel fan-out's target: the index of the item it ran on
 * (`traces show` prints `answer[0]`, `answer[1]`).
 */
export const ITEM_INDEX_ATTRIBUTE = "configurable_agents.item_index";

/** What a span is when it starts. */
export interface SpanOptions {
  /** MLflow span type. */
  type: SpanType;
  /** Span name: the node id for CHAIN, the model class for CHAT_MODEL, the tool name for TOOL. */
  name: string;
  /** The node the span belongs to, for per-node settings (`log_prompts`, `redact`) and metrics. */
  nodeId?: string;
  /** Span inputs (`mlflow.spanInputs`). */
  inputs?: unknown;
  /** Extra attributes. */
  attributes?: Record<string, AttributeValue>;
}

/** The open span handed to the function a span wraps. */
export interface SpanScope {
  /**
   * The span's W3C `traceparent` (`00-<trace id>-<span id>-01`), to send with a request the span
   * makes; `undefined` when nothing is recorded.
   */
  readonly traceparent: string | undefined;
  /** Sets the span outputs (`mlflow.spanOutputs`). */
  setOutputs(outputs: unknown): void;
  /** Records the LLM call of a CHAT_MODEL span: usage, model, provider and cost. */
  setLlmCall(call: LlmCallRecord): void;
  /** Adds attributes. */
  setAttributes(attributes: Record<string, AttributeValue>): void;
}

/** How a run ended. */
export interface RunEnd {
  /** `success`, `failed`, or `cancelled` (a signal or an abort). */
  status: "success" | "failed" | "cancelled";
  /** Final state, when there is one. */
  outputs?: Record<string, unknown>;
  /** The error that ended the run. */
  error?: unknown;
  /** Machine-readable stop reason: `budget_exceeded`, `node_timeout`, `run_timeout`, ... */
  reason?: string;
}

/** Ids of what a run was recorded as. */
export interface RunRecordIds {
  /** MLflow trace id (`tr-` + 32 hex). */
  traceId: string | undefined;
  /** MLflow run id, when known (an asynchronous export to a server learns it later). */
  runId: string | undefined;
}

/** What the tracer needs to know when a run starts. */
export interface RunStart {
  /** Flow name; the root span is `workflow_<name>`. */
  workflowName: string;
  /** Flow version, or `undefined` (shown as "unversioned"). */
  workflowVersion: string | undefined;
  /** Number of nodes of the workflow. */
  nodeCount: number;
  /** Workflow-level provider and model (MLflow run params). */
  provider: string;
  /** Workflow-level model (MLflow run params). */
  model: string;
  /** The workflow file's `schema_version` (MLflow run param); `"1.0"` when absent. */
  schemaVersion?: string;
  /** The run's inputs (root span inputs). */
  inputs: Record<string, unknown>;
  /** Session id (`mlflow.trace.session`), when given. */
  sessionId?: string;
  /** User id (`mlflow.trace.user`), when given. */
  userId?: string;
  /**
   * The MLflow registry prompt each node uses, resolved when the run started (recorded on the
   * node's span, in the trace tag `mlflow.linkedPrompts` and as run params).
   */
  prompts?: readonly RunPrompt[];
}

/** A registry prompt version a node of the run uses. */
export interface RunPrompt {
  /** The node. */
  nodeId: string;
  /** The URI the node names (`prompts:/summarizer@production`). */
  uri: string;
  /** The prompt's name. */
  name: string;
  /** The version the URI resolved to. */
  version: number;
}

/** One run being recorded. */
export interface RunTrace {
  /** MLflow trace id of this run (`tr-...`), or `undefined` when nothing is recorded. */
  readonly traceId: string | undefined;
  /**
   * Runs `fn` inside a child span of the innermost open span of this run (the root when none
   * is open). A throw ends the span as ERROR with an exception event and is rethrown.
   */
  span<T>(options: SpanOptions, fn: (scope: SpanScope) => Promise<T>): Promise<T>;
  /** Records the full state after a node (an artifact at `artifact_level: full`). */
  snapshot(nodeId: string, state: Readonly<Record<string, unknown>>): void;
  /**
   * Ends the root span and records the run. With asynchronous logging it only queues the
   * export; it never throws for a tracking problem.
   */
  finish(end: RunEnd): Promise<RunRecordIds>;
}

/** Records workflow runs. */
export interface Tracer {
  /** Starts recording one run. */
  startRun(start: RunStart): RunTrace;
}
