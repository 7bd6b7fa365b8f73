/**
 * The budget of a run (`config.execution.budget`): checked before every LLM call against what
 * the run has spent, what calls in flight may spend, and an estimate of the call.
 *
 * @module
 */
import type { WorkflowConfig } from "../config/schema.ts";
import { WorkflowError } from "../errors.ts";
import type { UsageTally } from "./_usage_tally.ts";

/** Limits of a run. */
export type Budget = NonNullable<WorkflowConfig["config"]["execution"]["budget"]>;

/** What a call is expected to cost. */
export interface CallEstimate {
  /** Prompt tokens plus the most output tokens it may produce. */
  tokens: number;
  /** Dollars, `undefined` when the model is unpriced (then only tokens are checked). */
  usd: number | undefined;
}

/** A slot held by a call in flight; release it once the call is recorded or failed. */
export interface Reservation {
  /** Frees the slot (idempotent). */
  release(): void;
}

/** Checks calls against the budget of one run. */
export class RunBudget {
  readonly #budget: Budget | undefined;
  readonly #spent: UsageTally;
  #heldTokens = 0;
  #heldUsd = 0;

  /**
   * Creates the budget of a run.
   *
   * @param budget The limits, or `undefined` for none.
   * @param spent The run's tally of recorded calls.
   */
  constructor(budget: Budget | undefined, spent: UsageTally) {
    this.#budget = budget;
    this.#spent = spent;
  }

  /**
   * Reserves room for a call, or stops the run when the call would exceed the budget.
   *
   * @param estimate What the call may cost.
   * @param nodeId The node about to call.
   * @returns The reservation to release after the call.
   * @throws {WorkflowError} `BUDGET_EXCEEDED` when the call would exceed a limit.
   */
  reserve(estimate: CallEstimate, nodeId: string): Reservation {
    const { max_tokens: maxTokens, max_usd: maxUsd } = this.#budget ?? {};
    const tokens = this.#spent.usage.total_tokens + this.#heldTokens;
    if (maxTokens !== undefined && tokens + estimate.tokens > maxTokens) {
      throw exceeded(
        nodeId,
        `${tokens} tokens used and about ${estimate.tokens} more for this call is over max_tokens ${maxTokens}`,
        "max_tokens",
      );
    }
    const usd = this.#spent.knownCostUsd + this.#heldUsd;
    if (maxUsd !== undefined && usd + (estimate.usd ?? 0) > maxUsd) {
      throw exceeded(
        nodeId,
        `$${usd.toFixed(6)} spent and about $${
          (estimate.usd ?? 0).toFixed(6)
        } more for this call is over max_usd ${maxUsd}`,
        "max_usd",
      );
    }
    this.#heldTokens += estimate.tokens;
    this.#heldUsd += estimate.usd ?? 0;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.#heldTokens -= estimate.tokens;
        this.#heldUsd -= estimate.usd ?? 0;
      },
    };
  }
}

function exceeded(nodeId: string, detail: string, limit: string): WorkflowError {
  return new WorkflowError(
    "BUDGET_EXCEEDED",
    `Cannot call the model of node "${nodeId}" as the run would exceed its budget: ${detail}`,
    {
      phase: "execute",
      nodeId,
      hint: `Raise config.execution.budget.${limit} or shorten the prompts`,
    },
  );
}
