/**
 * One LLM call of a node: the budget check, a CHAT_MODEL span with messages, response, usage
 * and cost, and retries of retryable provider errors with backoff.
 *
 * @module
 */
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { errorMessage, isWorkflowError, WorkflowError } from "../errors.ts";
import type { RunTrace } from "../tracking/tracer.ts";
import {
  classifyProviderError,
  type ClassifyProviderErrorOptions,
  type ProviderErrorInfo,
} from "../llm/classify_provider_error.ts";
import { estimateTokens } from "../llm/estimate_tokens.ts";
import { readTokenUsage } from "../llm/read_token_usage.ts";
import { retryWithBackoff } from "../llm/retry_with_backoff.ts";
import type { RateLimitPermit } from "../llm/rate_limits.ts";
import type { RetryInfo } from "../llm/retry_with_backoff.ts";
import { raceAbort } from "./_abort_scope.ts";
import { attachNodeId } from "./_node_errors.ts";
import { messageText, toChatMessage } from "./_chat_messages.ts";
import type { CallEstimate, RunBudget } from "./_run_budget.ts";
import { type UsageTally, zeroUsage } from "./_usage_tally.ts";
import type { PricedAs } from "./engine_types.ts";
import type { CostBreakdown, TokenUsage } from "../tracking/tracer.ts";

/** Something that answers a list of messages (a chat model, bound or structured). */
export interface MessageRunnable<T> {
  /** Calls the model. */
  invoke(messages: BaseMessage[], options: { signal: AbortSignal }): Promise<T>;
}

/** Everything a call needs to know about its node and run. */
export interface ModelCallContext {
  /** The calling node. */
  nodeId: string;
  /** Span name: the model class (the span's attributes name the model). */
  spanName: string;
  /** Provider that answers (`mock` in mock runs). */
  provider: string;
  /** Model that answers. */
  model: string;
  /** What the call is priced as. */
  pricedAs: PricedAs;
  /** The node's `max_tokens`, counted in the budget estimate. */
  maxTokens: number | undefined;
  /** Extra attempts on retryable provider errors. */
  maxRetries: number;
  /** The node's signal. */
  signal: AbortSignal;
  /** The run's recording. */
  trace: RunTrace;
  /** The run's budget. */
  budget: RunBudget;
  /** Tallies the call is added to (run and node). */
  tallies: readonly UsageTally[];
  /** Prices a call. */
  price: (pricedAs: PricedAs, usage: TokenUsage) => CostBreakdown | undefined;
  /** Waits between retries. */
  sleep: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** Jitter. */
  random: (() => number) | undefined;
  /** The clock (to read a `Retry-After` date). */
  now: () => number;
  /**
   * Waits for the call's turn under its model's rate limit (absent: no pacing).
   *
   * @param tokens The call's estimated tokens.
   * @param signal Cancels the wait.
   */
  acquire: ((tokens: number, signal: AbortSignal) => Promise<RateLimitPermit>) | undefined;
  /** Told before each wait for a retry, and whether a rate limit paced the failed attempt. */
  onRetry: ((info: RetryInfo & { paced: boolean }) => void) | undefined;
}

/**
 * Calls a model once per attempt, each attempt checked against the budget and recorded as a
 * CHAT_MODEL span.
 *
 * @param context The node, model and run.
 * @param runnable The model to call.
 * @param messages The conversation.
 * @param rawOf Picks the model's message out of the runnable's result (`undefined` when the
 * result has none: usage is then unknown and counted as zero).
 * @returns The runnable's result.
 * @throws {WorkflowError} `BUDGET_EXCEEDED`, `LLM_REQUEST_FAILED`, or the signal's reason.
 */
export async function callModel<T>(
  context: ModelCallContext,
  runnable: MessageRunnable<T>,
  messages: readonly BaseMessage[],
  rawOf: (result: T) => unknown,
): Promise<T> {
  const { signal } = context;
  const estimate = estimateCall(context, messages);
  const classify = (error: unknown, options?: ClassifyProviderErrorOptions): ProviderErrorInfo =>
    isWorkflowError(error)
      ? { retryable: false, kind: "other" }
      : classifyProviderError(error, options);
  const last = { paced: false };
  const { onRetry } = context;
  try {
    return await retryWithBackoff(
      (attempt) => attemptCall(context, runnable, messages, rawOf, { estimate, attempt, last }),
      {
        maxRetries: context.maxRetries,
        signal,
        classify,
        nodeId: context.nodeId,
        now: context.now,
        ...(context.sleep ? { sleep: context.sleep } : {}),
        ...(context.random ? { random: context.random } : {}),
        ...(onRetry
          ? { onRetry: (info: RetryInfo) => onRetry({ ...info, paced: last.paced }) }
          : {}),
      },
    );
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw asCallError(unwrapOwnError(error), context);
  }
}

async function attemptCall<T>(
  context: ModelCallContext,
  runnable: MessageRunnable<T>,
  messages: readonly BaseMessage[],
  rawOf: (result: T) => unknown,
  { estimate, attempt, last }: {
    estimate: CallEstimate;
    attempt: number;
    last: { paced: boolean };
  },
): Promise<T> {
  const reservation = context.budget.reserve(estimate, context.nodeId);
  let permit: RateLimitPermit | undefined;
  try {
    permit = await context.acquire?.(estimate.tokens, context.signal);
    last.paced = permit?.paced ?? false;
    return await context.trace.span({
      type: "CHAT_MODEL",
      name: context.spanName,
      nodeId: context.nodeId,
      inputs: { messages: messages.map(toChatMessage) },
      attributes: { ...callAttributes(context), attempt },
    }, async (scope) => {
      context.signal.throwIfAborted();
      const result = await raceAbort(
        runnable.invoke([...messages], { signal: context.signal }),
        context.signal,
      );
      const raw = rawOf(result);
      const message = AIMessage.isInstance(raw) ? raw : undefined;
      const usage = message ? readTokenUsage(message) : zeroUsage();
      permit?.settle({ usage });
      permit = undefined;
      const cost = context.price(context.pricedAs, usage);
      for (const tally of context.tallies) tally.add(usage, cost);
      scope.setLlmCall({
        provider: context.provider,
        model: context.model,
        pricedAs: context.pricedAs,
        usage,
        cost,
      });
      scope.setOutputs(message ? toChatMessage(message) : result);
      return result;
    });
  } catch (error) {
    permit?.settle({ error });
    throw error;
  } finally {
    reservation.release();
  }
}

/**
 * The provider and model of a call from the node's configuration, set when its span starts, so
 * that a call that fails before answering is still known as its model (a failed call has no
 * tokens, and reports count it at zero cost). The same keys as `setLlmCall` writes.
 */
function callAttributes(context: ModelCallContext): Record<string, string> {
  const { provider, model, pricedAs } = context;
  return {
    "mlflow.llm.provider": provider,
    "mlflow.llm.model": model,
    ...(pricedAs.provider !== provider || pricedAs.model !== model
      ? { "configurable_agents.priced_as": `${pricedAs.provider}/${pricedAs.model}` }
      : {}),
  };
}

function estimateCall(context: ModelCallContext, messages: readonly BaseMessage[]): CallEstimate {
  const prompt = estimateTokens(messages.map(messageText).join("\n"));
  const output = context.maxTokens ?? 0;
  const usd = context.price(context.pricedAs, {
    input_tokens: prompt,
    output_tokens: output,
    total_tokens: prompt + output,
  })?.total_cost;
  return { tokens: prompt + output, usd };
}

/**
 * The retry loop wraps every failure it does not retry, our own errors included (a budget
 * stop), in an `LLM_REQUEST_FAILED`; give those back as they were.
 */
function unwrapOwnError(error: unknown): unknown {
  if (
    isWorkflowError(error) && error.code === "LLM_REQUEST_FAILED" && isWorkflowError(error.cause)
  ) {
    return error.cause;
  }
  return error;
}

function asCallError(error: unknown, context: ModelCallContext): WorkflowError {
  if (isWorkflowError(error)) return attachNodeId(error, context.nodeId);
  const message = errorMessage(error);
  return new WorkflowError(
    "LLM_REQUEST_FAILED",
    `Cannot get an answer from model "${context.model}" for node "${context.nodeId}" as the provider call failed: ${message}`,
    { phase: "execute", nodeId: context.nodeId, cause: error },
  );
}
