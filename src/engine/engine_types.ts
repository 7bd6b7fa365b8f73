/**
 * The engine's surface: its collaborators (`EngineDeps`), the options of a run, the progress
 * events it emits, the result it returns, and its fixed limits.
 *
 * @module
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { WorkflowError } from "../errors.ts";
import type { HostIO, ToolLookup } from "../tools/tool.ts";
import type { CostBreakdown, TokenUsage, Tracer } from "../tracking/tracer.ts";
import type { PricedAs } from "../tracking/pricing/price_call.ts";
import type { CreateChatModelOptions } from "../llm/create_chat_model.ts";
import type { MockChatModelOptions } from "../llm/mock_chat_model.ts";
import type { ModelSpec } from "../llm/model_spec.ts";
import type { ProviderErrorKind } from "../llm/classify_provider_error.ts";
import type { RateLimiter } from "../llm/rate_limits.ts";
import type { MockAnswers } from "./mock_answers.ts";

/**
 * Most rounds of tool calls a node makes before it asks for its structured answer; a round is
 * one model call plus the tool calls that call asked for.
 */
export const MAX_TOOL_ROUNDS = 8;

// The tools of a run, by name: the tools area's contract, named here for the engine's users.
export type { ToolLookup };

// One type for the provider and model a call is priced as, shared with the pricing module.
export type { PricedAs };

/**
 * Everything the engine reaches outside itself. Nothing in the engine touches `Deno`,
 * `fetch`, `console` or the clock directly.
 */
export interface EngineDeps extends RunDeps {
  /**
   * Builds the chat model of a node (throws `MISSING_CREDENTIALS` when a key is missing).
   *
   * @default {createChatModel of the llm area}
   */
  createChatModel?: (spec: ModelSpec, options: CreateChatModelOptions) => Promise<BaseChatModel>;
  /**
   * Builds the model of a node in mock runs.
   *
   * @default {new MockChatModel(options)}
   */
  createMockChatModel?: (options: MockChatModelOptions) => BaseChatModel;
  /**
   * Scripted answers of the mock model by node id (see `checkMockAnswers`), used in order with
   * the last repeating; nodes not listed get generated answers.
   *
   * @default {no scripted answers}
   */
  mockAnswers?: MockAnswers | undefined;
}

/**
 * The collaborators of a run other than its chat models: the host's I/O (environment, HTTP,
 * files, working directory; handed on to tools), the clock, timers, tools and prices. Its
 * types are the toolkit's own (the model factories of {@linkcode EngineDeps} are LangChain's),
 * so public options can accept it.
 */
export interface RunDeps extends HostIO {
  /**
   * The tools nodes may call.
   *
   * @default {no tools}
   */
  tools?: ToolLookup;
  /**
   * The placeholder result of a tool in mock runs (tools are never called for real there).
   *
   * @default {mockToolResult of the tools area}
   */
  mockToolResult?: (name: string, args: Record<string, unknown>) => unknown;
  /**
   * Prices one call; `undefined` means the model is not in the price table (cost unknown).
   *
   * @default {every call unpriced}
   */
  price?: (pricedAs: PricedAs, usage: TokenUsage) => CostBreakdown | undefined;
  /** Milliseconds since the epoch. */
  now: () => number;
  /**
   * Waits between retries; rejects when the signal aborts.
   *
   * @default {a timer}
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Random numbers in [0, 1) for retry jitter.
   *
   * @default {Math.random}
   */
  random?: () => number;
  /**
   * Starts a timer for a timeout and returns its cancel function.
   *
   * @default {setTimeout / clearTimeout}
   */
  setTimer?: (callback: () => void, ms: number) => () => void;
  /**
   * Paces the model calls of nodes whose settings give a `rate_limit` (calls of the mock model
   * are never paced). Share one across runs so that their calls count against one limit.
   *
   * @default {no pacing; runWorkflow and runBatch pass one registry for the whole process}
   */
  rateLimits?: RateLimiter;
}

/** Options of one run of a compiled workflow (`CompiledWorkflow.run`). */
export interface RunOptions {
  /**
   * Records the run (spans, metrics).
   *
   * @default {nothing is recorded}
   */
  tracer?: Tracer;
  /**
   * Switch every node to the mock model (priced as the model it would use) and never call
   * tools for real.
   *
   * @default {false}
   */
  mock?: boolean;
  /**
   * Seed of the mock model (each node's model is seeded with it and the node id).
   *
   * @default {0}
   */
  seed?: number;
  /** Cancels the run (`CANCELLED`). */
  signal?: AbortSignal;
  /** Told of progress (a throwing listener is ignored). */
  onEvent?: (event: EngineEvent) => void;
}

/**
 * Where a node execution stands in a loop: the round of the innermost loop whose rounds run
 * the node (absent for a node in no loop).
 */
export interface LoopPosition {
  /** The round it runs in, from 1. */
  round?: number;
  /** The loop's `max_iterations`: its most rounds. */
  maxRounds?: number;
}

/** How a loop ended. */
export interface LoopEnd {
  /** The node the loop edge leaves, where each round ends. */
  nodeId: string;
  /** The node each round starts at (`nodeId` itself for a one-node loop). */
  backTo: string;
  /** The bool state field that ends it when true. */
  conditionField: string;
  /** The rounds it ran. */
  rounds: number;
  /** Its `max_iterations`. */
  maxRounds: number;
  /**
   * `condition` when its bool field became true; `max_iterations` when its rounds ran out
   * first (the run then goes on to `exit_to` without the condition met).
   */
  stoppedBy: "condition" | "max_iterations";
}

/** Progress of a run, as the CLI's live line needs it. */
export type EngineEvent =
  | { type: "run_started"; workflowName: string; nodeCount: number }
  | ({ type: "node_started"; nodeId: string; itemIndex?: number } & LoopPosition)
  | ({
    type: "node_finished";
    nodeId: string;
    itemIndex?: number;
    durationMs: number;
    usage: TokenUsage;
    /** `undefined` when a call of the node was unpriced. */
    costUsd: number | undefined;
  } & LoopPosition)
  | (
    & { type: "node_failed"; nodeId: string; itemIndex?: number; error: WorkflowError }
    & LoopPosition
  )
  | ({
    type: "llm_retry";
    nodeId: string;
    itemIndex?: number;
    /** The attempt that failed, from 1. */
    attempt: number;
    /** Milliseconds waited before the next attempt. */
    delayMs: number;
    /** Why: `rate_limit` (HTTP 429), `server`, `timeout`, `connection`. */
    kind: ProviderErrorKind;
    /** The HTTP status of the failed attempt, when it had one. */
    status?: number;
    /** The wait the provider asked for (`Retry-After` of a 429 or a 503), when it said. */
    retryAfterMs?: number;
    /**
     * Whether a rate limit paced the failed attempt (`deps.rateLimits` with a limit for its
     * model): the limiter then answers a 429 by pausing the model.
     */
    paced: boolean;
  } & LoopPosition)
  | ({ type: "loop_ended" } & LoopEnd)
  | {
    type: "run_finished";
    status: RunStatus;
    durationMs: number;
    usage: TokenUsage;
    costUsd: number | undefined;
    stopReason?: string;
    /** The MLflow trace of the run, when it is recorded (a failed run's too). */
    traceId?: string;
  };

/** How a run ended. */
export type RunStatus = "success" | "failed" | "cancelled";

/** One execution of a node. */
export interface NodeExecution extends LoopPosition {
  /** The node. */
  nodeId: string;
  /** The item of a parallel run. */
  itemIndex?: number;
  /** `success` or `failed`. */
  status: "success" | "failed";
  /** Wall time of the node. */
  durationMs: number;
  /** Token usage of its calls. */
  usage: TokenUsage;
  /** Its cost, `undefined` when a call was unpriced. */
  costUsd: number | undefined;
  /** Number of LLM calls it made. */
  llmCalls: number;
  /** Number of tool calls it made. */
  toolCalls: number;
}

/** What a run reports beside its state. */
export interface RunMetadata {
  /** How it ended (a failed run throws, so a result is always `success`). */
  status: RunStatus;
  /** Why it stopped, when not by reaching the end. */
  stopReason?: string;
  /** Wall time of the run. */
  durationMs: number;
  /** Token usage of every call. */
  usage: TokenUsage;
  /** Dollar cost, `undefined` when any call was unpriced. */
  costUsd: number | undefined;
  /** `false` when some call was unpriced. */
  costComplete: boolean;
  /** Dollar cost of the priced calls only. */
  knownCostUsd: number;
  /** MLflow trace id, when recorded. */
  traceId?: string;
  /** MLflow run id, when known. */
  runId?: string;
  /** Every node execution in the order they finished. */
  nodeExecutions: NodeExecution[];
  /**
   * Every loop that ended, in the order they ended, with its rounds and whether its condition
   * or `max_iterations` stopped it.
   */
  loops: LoopEnd[];
}

/** The result of a run: the final state (plain JSON) and its metadata, kept apart. */
export interface RunResult {
  /** Every declared state field. */
  state: Record<string, unknown>;
  /** Duration, usage, cost, ids. */
  metadata: RunMetadata;
}
