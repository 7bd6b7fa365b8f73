/**
 * What the graph builder prepares for each node, and the per-run context its function reads.
 *
 * @module
 */
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { NodeConfig } from "../config/schema.ts";
import type { RunTrace } from "../tracking/tracer.ts";
import type { ModelSpec } from "../llm/model_spec.ts";
import type { SetTimer } from "./_abort_scope.ts";
import type { GraphState, NodeCallConfig } from "./_langgraph.ts";
import type { RunBudget } from "./_run_budget.ts";
import type { NodeTool } from "./_tool_calls.ts";
import type { UsageTally } from "./_usage_tally.ts";
import type { EngineDeps, EngineEvent, LoopEnd, NodeExecution } from "./engine_types.ts";
import type { OutputModel, OutputTarget } from "./output_model.ts";

/**
 * A role an edge gives a node (loop source, parallel target): extra template variables, a
 * different output type, extra channel updates.
 */
export interface NodeDecoration {
  /** Template variables (`item`, `item_index`). */
  locals?(state: GraphState): Record<string, unknown>;
  /** The parallel item this execution runs for. */
  itemIndex?(state: GraphState): number | undefined;
  /** The type an output must have, when not its state field's. */
  outputTarget?(output: string): OutputTarget | undefined;
  /** Turns the node's values (by output) into channel updates. */
  updates?(values: Record<string, unknown>, state: GraphState): GraphState;
  /** The round of a loop this execution runs in, for a node a loop's rounds run. */
  loopRound?(state: GraphState): LoopRound;
}

/** The round of a loop a node execution runs in. */
export interface LoopRound {
  /** The round, from 1. */
  readonly round: number;
  /** The loop's most rounds. */
  readonly maxRounds: number;
  /** How many nodes a round of the loop may run (the innermost loop has the fewest). */
  readonly bodySize: number;
}

/** A node ready to run. */
export interface NodePlan {
  /** The node as configured. */
  readonly node: NodeConfig;
  /** Its prompt template. */
  readonly prompt: string;
  /** Its answer schema and check. */
  readonly output: OutputModel;
  /** Its tools by name. */
  readonly tools: ReadonlyMap<string, NodeTool>;
  /** The model it would call. */
  readonly spec: ModelSpec;
  /** `timeout ?? execution.node_timeout`, in milliseconds. */
  readonly timeoutMs: number | undefined;
  /** `max_retries ?? execution.max_retries`. */
  readonly maxRetries: number;
  /** Roles given by edges. */
  readonly decorations: readonly NodeDecoration[];
}

/** The chat model of a node in one run. */
export interface NodeModel {
  /** The model. */
  readonly model: BaseChatModel;
  /** Provider that answers (`mock` in mock runs). */
  readonly provider: string;
  /** Model name. */
  readonly modelName: string;
}

/** Everything a node needs from the run it is part of. */
export interface RunContext {
  /** Collaborators. */
  readonly deps: EngineDeps;
  /** The run's recording. */
  readonly trace: RunTrace;
  /** The run's budget. */
  readonly budget: RunBudget;
  /** Usage and cost of the whole run. */
  readonly tally: UsageTally;
  /** Aborts on run timeout and cancellation. */
  readonly signal: AbortSignal;
  /** Mock run. */
  readonly mock: boolean;
  /** Seed of mock models. */
  readonly seed: number;
  /** Timers for node timeouts. */
  readonly setTimer: SetTimer;
  /** Node executions so far. */
  readonly executions: NodeExecution[];
  /** Loops that ended so far. */
  readonly loops: LoopEnd[];
  /**
   * Ids of the node executions running now, once per execution (to name the node when the run
   * times out or is cancelled).
   */
  readonly running: string[];
  /** Chat models by node id, built once per run. */
  readonly models: Map<string, Promise<NodeModel>>;
  /** Emits a progress event. */
  emit(event: EngineEvent): void;
}

const RUN_CONTEXT_KEY = "configurable_agents_run";

/**
 * Puts a run context where nodes find it.
 *
 * @param run The run context.
 * @returns The `configurable` of the graph invocation.
 */
export function runConfigurable(run: RunContext): Record<string, unknown> {
  return { [RUN_CONTEXT_KEY]: run };
}

/**
 * Finds the run context of a node call.
 *
 * @param config What LangGraph passed the node.
 * @returns The run context.
 * @throws {TypeError} When the graph was invoked without one.
 */
export function runContextOf(config: NodeCallConfig): RunContext {
  const run = findRunContext(config);
  if (!run) throw new TypeError("Cannot run a node as the graph was invoked without a run");
  return run;
}

/**
 * Finds the run context of a router call, when there is one.
 *
 * @param config What LangGraph passed the router, if anything.
 * @returns The run context, or `undefined`.
 */
export function findRunContext(config: NodeCallConfig | undefined): RunContext | undefined {
  return config?.configurable?.[RUN_CONTEXT_KEY] as RunContext | undefined;
}
