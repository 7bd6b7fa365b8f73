/**
 * Sums of token usage and cost, where an unpriced call makes the cost unknown rather than 0.
 *
 * @module
 */
import type { CostBreakdown, TokenUsage } from "../tracking/tracer.ts";

/** Token usage of nothing. */
export function zeroUsage(): TokenUsage {
  return { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
}

/** Adds usage and cost of calls; the cost stays known only while every call was priced. */
export class UsageTally {
  #usage: TokenUsage = zeroUsage();
  #knownCost = 0;
  #complete = true;
  #calls = 0;

  /**
   * Adds one call.
   *
   * @param usage Its token usage.
   * @param cost Its cost, `undefined` when unpriced.
   */
  add(usage: TokenUsage, cost: CostBreakdown | undefined): void {
    this.#usage = addUsage(this.#usage, usage);
    if (cost) this.#knownCost += cost.total_cost;
    else this.#complete = false;
    this.#calls++;
  }

  /** Token usage so far (a copy). */
  get usage(): TokenUsage {
    return { ...this.#usage };
  }

  /** Cost of the priced calls. */
  get knownCostUsd(): number {
    return this.#knownCost;
  }

  /** Cost of every call, `undefined` when any was unpriced. */
  get costUsd(): number | undefined {
    return this.#complete ? this.#knownCost : undefined;
  }

  /** `false` once an unpriced call was added. */
  get costComplete(): boolean {
    return this.#complete;
  }

  /** Number of calls added. */
  get calls(): number {
    return this.#calls;
  }
}

function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  const sum: TokenUsage = {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
  const cacheRead = optionalSum(a.cache_read_input_tokens, b.cache_read_input_tokens);
  if (cacheRead !== undefined) sum.cache_read_input_tokens = cacheRead;
  const cacheWrite = optionalSum(a.cache_creation_input_tokens, b.cache_creation_input_tokens);
  if (cacheWrite !== undefined) sum.cache_creation_input_tokens = cacheWrite;
  return sum;
}

function optionalSum(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
}
