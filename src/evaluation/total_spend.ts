/**
 * `totalSpend`: the tokens and dollars of an evaluation's runs, or of its judges, summed apart
 * (a judge's cost is never the workflow's).
 *
 * @module
 */
import type { TokenUsage } from "../tracking/tracer.ts";
import type { ScoreResult } from "./scorer.ts";

/** What something spent: a run (`ScoredRun`) or a judge's verdict (`JudgeCost`) fits. */
export interface Spend {
  /** Tokens. */
  readonly usage: TokenUsage;
  /** Dollars, `undefined` when unpriced. */
  readonly costUsd: number | undefined;
}

/** A sum of {@linkcode Spend}s. */
export interface SpendTotal {
  /** How many were summed. */
  readonly count: number;
  /** Their tokens. */
  readonly usage: TokenUsage;
  /** Their dollars; `undefined` when any was unpriced (a partial sum would understate it). */
  readonly costUsd: number | undefined;
  /** The dollars of the priced ones (what is known even when `costUsd` is not). */
  readonly knownCostUsd: number;
}

/**
 * Sums what runs or judges spent. The cost stays known only while every item was priced; the
 * cache token counts appear when some item reports them.
 *
 * @example Usage
 * ```ts
 * import { judgeSpends, totalSpend } from "@configurable-agents/core";
 * const usage = { input_tokens: 100, output_tokens: 20, total_tokens: 120 };
 * const judge = { usage, costUsd: 0.001, model: "openai:/gpt-4o-mini" };
 * const source = { type: "LLM_JUDGE", id: judge.model } as const;
 * const total = totalSpend(judgeSpends([
 *   { name: "polite", value: "yes", source, judge },
 *   { name: "polite", value: "no", source, judge },
 *   { name: "exact", value: true, source: { type: "CODE", id: "exact" } },
 * ]));
 * if (total.count !== 2 || total.usage.total_tokens !== 240 || total.costUsd !== 0.002) {
 *   throw new Error();
 * }
 * ```
 *
 * @param spends What each run or judge spent.
 * @returns The sum.
 */
export function totalSpend(spends: Iterable<Spend>): SpendTotal {
  let count = 0;
  let known = 0;
  let complete = true;
  let cacheRead: number | undefined;
  let cacheWrite: number | undefined;
  const usage: TokenUsage = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
  for (const spend of spends) {
    count++;
    usage.input_tokens += spend.usage.input_tokens;
    usage.output_tokens += spend.usage.output_tokens;
    usage.total_tokens += spend.usage.total_tokens;
    if (spend.usage.cache_read_input_tokens !== undefined) {
      cacheRead = (cacheRead ?? 0) + spend.usage.cache_read_input_tokens;
    }
    if (spend.usage.cache_creation_input_tokens !== undefined) {
      cacheWrite = (cacheWrite ?? 0) + spend.usage.cache_creation_input_tokens;
    }
    if (spend.costUsd === undefined) complete = false;
    else known += spend.costUsd;
  }
  if (cacheRead !== undefined) usage.cache_read_input_tokens = cacheRead;
  if (cacheWrite !== undefined) usage.cache_creation_input_tokens = cacheWrite;
  return { count, usage, costUsd: complete ? known : undefined, knownCostUsd: known };
}

/**
 * What the judges of some results spent: one item per result that asked a model (checks, and
 * judges that never reached theirs, spent nothing).
 *
 * @example Usage
 * ```ts
 * import { judgeSpends } from "@configurable-agents/core";
 * const spends = judgeSpends([{ name: "exact", value: true, source: { type: "CODE", id: "exact" } }]);
 * if (spends.length !== 0) throw new Error();
 * ```
 *
 * @param results Score results.
 * @returns The judges' spends, in order.
 */
export function judgeSpends(results: Iterable<Partial<ScoreResult>>): Spend[] {
  const spends: Spend[] = [];
  for (const result of results) if (result.judge) spends.push(result.judge);
  return spends;
}
