/**
 * Runs one node: resolve its inputs and prompt, call its model (tool loop, then the
 * structured answer), check the answer, and return the channel updates, inside a CHAIN span
 * and under the node's timeout.
 *
 * @module
 */
import { HumanMessage } from "@langchain/core/messages";
import { hostIOOf } from "../tools/tool.ts";
import { mockToolResult } from "../tools/mock_tool_result.ts";
import { ToolRegistry } from "../tools/tool_registry.ts";
import { isWorkflowError, WorkflowError } from "../errors.ts";
import { createAbortScope, raceAbort } from "./_abort_scope.ts";
import type { GraphState } from "./_langgraph.ts";
import type { ModelCallContext } from "./_model_call.ts";
import type { LoopRound, NodePlan, RunContext } from "./_node_plan.ts";
import type { LoopPosition } from "./engine_types.ts";
import type { RetryInfo } from "../llm/retry_with_backoff.ts";
import { modelOf } from "./_node_models.ts";
import { withStopReason } from "./stop_reason.ts";
import { asNodeError, attachRunningNode } from "./_node_errors.ts";
import { structuredAnswer } from "./_structured_answer.ts";
import { runToolLoop } from "./_tool_calls.ts";
import { UsageTally } from "./_usage_tally.ts";
import { ITEM_INDEX_ATTRIBUTE } from "../tracking/tracer.ts";
import { resolveInputs, resolveTemplate, TemplateReferenceError } from "./resolve_template.ts";

/**
 * Runs a node for one state.
 *
 * @param plan The node.
 * @param state Its input state (for a parallel target: the state plus its item).
 * @param run The run it is part of.
 * @returns The channel updates.
 * @throws {WorkflowError} With the node id: `TIMEOUT`, `CANCELLED`, `BUDGET_EXCEEDED`,
 * `LLM_REQUEST_FAILED`, `LLM_OUTPUT_INVALID`, `TOOL_FAILED`, `NODE_FAILED`.
 */
export async function executeNode(
  plan: NodePlan,
  state: GraphState,
  run: RunContext,
): Promise<GraphState> {
  const nodeId = plan.node.id;
  const itemIndex = plan.decorations.map((d) => d.itemIndex?.(state)).find((i) => i !== undefined);
  const item = { ...(itemIndex === undefined ? {} : { itemIndex }), ...loopPosition(plan, state) };
  const started = run.deps.now();
  const tally = new UsageTally();
  let toolCalls = 0;
  run.emit({ type: "node_started", nodeId, ...item });
  run.running.push(nodeId);
  const scope = createAbortScope({
    parent: run.signal,
    parentReason: (reason) => withNode(reason, nodeId),
    timeoutMs: plan.timeoutMs,
    timeoutReason: () => nodeTimeout(plan),
    setTimer: run.setTimer,
  });
  const record = (status: "success" | "failed") => {
    const durationMs = run.deps.now() - started;
    run.executions.push({
      nodeId,
      ...item,
      status,
      durationMs,
      usage: tally.usage,
      costUsd: tally.costUsd,
      llmCalls: tally.calls,
      toolCalls,
    });
    return durationMs;
  };
  try {
    const body = runNode(plan, state, run, {
      signal: scope.signal,
      tally,
      onToolCall: () => toolCalls++,
      onRetry: ({ attempt, delayMs, kind, status, retryAfterMs, paced }) =>
        run.emit({
          type: "llm_retry",
          nodeId,
          ...item,
          attempt,
          delayMs,
          kind,
          ...(status === undefined ? {} : { status }),
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          paced,
        }),
      itemIndex,
    });
    const updates = await raceAbort(body, scope.signal);
    const durationMs = record("success");
    run.emit({
      type: "node_finished",
      nodeId,
      ...item,
      durationMs,
      usage: tally.usage,
      costUsd: tally.costUsd,
    });
    return updates;
  } catch (thrown) {
    const error = asNodeError(scope.signal.aborted ? scope.signal.reason : thrown, nodeId);
    record("failed");
    run.emit({ type: "node_failed", nodeId, ...item, error });
    throw error;
  } finally {
    run.running.splice(run.running.indexOf(nodeId), 1);
    scope.dispose();
  }
}

interface NodeRun {
  signal: AbortSignal;
  tally: UsageTally;
  onToolCall: () => void;
  /** Told before each wait for a retry of a model call. */
  onRetry: (info: RetryInfo & { paced: boolean }) => void;
  /** The item of a parallel fan-out this execution runs on. */
  itemIndex: number | undefined;
}

async function runNode(
  plan: NodePlan,
  state: GraphState,
  run: RunContext,
  nodeRun: NodeRun,
): Promise<GraphState> {
  const { node } = plan;
  const locals = Object.assign({}, ...plan.decorations.map((d) => d.locals?.(state) ?? {}));
  let inputs: Record<string, unknown>;
  let prompt: string;
  try {
    inputs = resolveInputs(node.inputs, { state, locals });
    prompt = resolveTemplate(plan.prompt, { state, inputs, locals });
  } catch (error) {
    if (!(error instanceof TemplateReferenceError)) throw error;
    throw new WorkflowError(
      "NODE_FAILED",
      `Cannot build the prompt of node "${node.id}": ${error.message}`,
      { phase: "execute", nodeId: node.id, cause: error },
    );
  }
  return await run.trace.span({
    type: "CHAIN",
    name: node.id,
    nodeId: node.id,
    inputs: { inputs, prompt, ...locals },
    ...(nodeRun.itemIndex === undefined
      ? {}
      : { attributes: { [ITEM_INDEX_ATTRIBUTE]: nodeRun.itemIndex } }),
  }, async (scope) => {
    const { model, provider, modelName } = await modelOf(plan, run);
    const call: ModelCallContext = {
      nodeId: node.id,
      spanName: model.getName(),
      provider,
      model: modelName,
      pricedAs: { provider: plan.spec.provider, model: plan.spec.model },
      maxTokens: plan.spec.maxTokens,
      maxRetries: plan.maxRetries,
      signal: nodeRun.signal,
      trace: run.trace,
      budget: run.budget,
      tallies: [run.tally, nodeRun.tally],
      price: run.deps.price ?? (() => undefined),
      sleep: run.deps.sleep,
      random: run.deps.random,
      now: run.deps.now,
      acquire: rateLimited(plan, run, provider, modelName),
      onRetry: nodeRun.onRetry,
    };
    const messages = [new HumanMessage(prompt)];
    if (plan.tools.size > 0) {
      await runToolLoop(call, model, messages, {
        tools: plan.tools,
        mockResult: run.mock ? mockResultOf(run) : undefined,
        io: hostIOOf(run.deps),
        onToolCall: nodeRun.onToolCall,
      });
    }
    const values = await structuredAnswer(call, model, messages, plan.output);
    scope.setOutputs(values);
    return plan.decorations.reduce<GraphState>(
      (updates, d) => d.updates?.(updates, state) ?? updates,
      values,
    );
  });
}

/**
 * Waits for a call's turn under the node's rate limit (the limiter decides: a call without a
 * limit starts at once), where the run has a limiter and the model is not the mock.
 */
function rateLimited(
  plan: NodePlan,
  run: RunContext,
  provider: string,
  model: string,
): ModelCallContext["acquire"] {
  const limiter = run.deps.rateLimits;
  const limit = plan.spec.rateLimit;
  if (!limiter || provider === "mock") return undefined;
  const { baseUrl } = plan.spec;
  return (tokens, signal) => limiter.acquire({ provider, model, baseUrl, limit, tokens }, signal);
}

/** The round of the innermost loop whose rounds run the node (the loop with fewest nodes). */
function loopPosition(plan: NodePlan, state: GraphState): LoopPosition {
  let innermost: LoopRound | undefined;
  for (const decoration of plan.decorations) {
    const round = decoration.loopRound?.(state);
    if (round && (!innermost || round.bodySize < innermost.bodySize)) innermost = round;
  }
  return innermost ? { round: innermost.round, maxRounds: innermost.maxRounds } : {};
}

function mockResultOf(run: RunContext): (name: string, args: Record<string, unknown>) => unknown {
  const { mockToolResult: injected, tools } = run.deps;
  if (injected) return injected;
  const options = tools instanceof ToolRegistry ? { registry: tools } : {};
  return (name, args) => mockToolResult(name, args, options);
}

function nodeTimeout(plan: NodePlan): WorkflowError {
  const seconds = (plan.timeoutMs ?? 0) / 1000;
  return withStopReason(
    new WorkflowError(
      "TIMEOUT",
      `Cannot finish node "${plan.node.id}" as it ran longer than its timeout of ${seconds} s`,
      {
        phase: "execute",
        nodeId: plan.node.id,
        hint: "Raise the node's timeout or config.execution.node_timeout",
      },
    ),
    "node_timeout",
  );
}

function withNode(reason: unknown, nodeId: string): unknown {
  return isWorkflowError(reason) ? attachRunningNode(reason, nodeId) : reason;
}
