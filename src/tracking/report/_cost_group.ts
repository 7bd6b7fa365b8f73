/**
 * The sums of one row of a cost report: runs (traces), LLM calls, tokens, known and unknown
 * cost, durations.
 *
 * @module
 */
import type { TracedRun } from "./_traced_run.ts";

/** One row of a report. */
export interface CostReportRow {
  /**
   * The group: workflow name, `provider/model` (the model a call was priced as; `... (mock)` for
   * mock calls), node id, `2026-11-27`, `2026-W48` or `2026-11`.
   */
  group: string;
  /** Workflow runs (traces) in the group. */
  runs: number;
  /** LLM calls (for `model` and `node` groupings). */
  calls: number | undefined;
  /** Input tokens. */
  inputTokens: number;
  /** Output tokens. */
  outputTokens: number;
  /** Total tokens. */
  totalTokens: number;
  /** Cost in USD, or `undefined` when any part of it is unknown. */
  costUsd: number | undefined;
  /** The known part of the cost. */
  knownCostUsd: number;
  /** Runs (or, for `model`, calls) whose cost is unknown. */
  unknownCostCount: number;
  /** `costUsd` per run. */
  avgCostUsd: number | undefined;
  /** `totalTokens` per run. */
  avgTotalTokens: number;
  /** Mean duration in seconds (of the run, or of the node for `node`). */
  avgDurationSeconds: number | undefined;
}

/** Sums of one group. */
export class CostGroup {
  readonly key: string;
  #runs = new Set<string>();
  #calls: number | undefined;
  #input = 0;
  #output = 0;
  #total = 0;
  #known = 0;
  #unknown = 0;
  #durations: number[] = [];

  constructor(key: string) {
    this.key = key;
  }

  /** Adds a run by its trace's token usage, cost and duration. */
  addRun(run: TracedRun): void {
    this.#runs.add(run.traceId);
    this.#input += run.usage.input_tokens;
    this.#output += run.usage.output_tokens;
    this.#total += run.usage.total_tokens;
    this.addCost(run.costUsd);
    this.#durations.push(run.durationSeconds);
  }

  /** Adds tokens and cost of a part of a run (a node or a model's calls). */
  addPart(
    traceId: string,
    part: { calls: number; input: number; output: number; total: number },
  ): void {
    this.#runs.add(traceId);
    this.#calls = (this.#calls ?? 0) + part.calls;
    this.#input += part.input;
    this.#output += part.output;
    this.#total += part.total;
  }

  /** Adds a cost; `undefined` or NaN is unknown. */
  addCost(cost: number | undefined): void {
    const value = finite(cost);
    if (value === undefined) this.#unknown += 1;
    else this.#known += value;
  }

  /** Adds a duration in seconds. */
  addDuration(seconds: number): void {
    this.#durations.push(seconds);
  }

  /** The row of this group. */
  row(): CostReportRow {
    const runs = this.#runs.size;
    const cost = this.#unknown > 0 ? undefined : this.#known;
    return {
      group: this.key,
      runs,
      calls: this.#calls,
      inputTokens: this.#input,
      outputTokens: this.#output,
      totalTokens: this.#total,
      costUsd: cost,
      knownCostUsd: this.#known,
      unknownCostCount: this.#unknown,
      avgCostUsd: cost === undefined || runs === 0 ? undefined : cost / runs,
      avgTotalTokens: runs === 0 ? 0 : this.#total / runs,
      avgDurationSeconds: this.#durations.length === 0
        ? undefined
        : this.#durations.reduce((a, b) => a + b, 0) / this.#durations.length,
    };
  }
}

/**
 * The value when it is a finite number.
 *
 * @param value A metric or cost.
 * @returns The value, or `undefined` for NaN, infinities and absent values.
 */
export function finite(value: number | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
