/**
 * Why a run stopped, as a machine-readable reason (`budget_exceeded`, `node_timeout`,
 * `run_timeout`, `cancelled`, `recursion_limit`, `error`), recorded in the trace and reported
 * in run metadata.
 *
 * @module
 */
import { isWorkflowError, type WorkflowErrorCode } from "../errors.ts";

const REASONS = new WeakMap<object, string>();

const REASON_BY_CODE: Partial<Record<WorkflowErrorCode, string>> = {
  BUDGET_EXCEEDED: "budget_exceeded",
  CANCELLED: "cancelled",
  TIMEOUT: "timeout",
  INPUT_INVALID: "input_invalid",
  GRAPH_BUILD_FAILED: "build_failed",
};

/**
 * Marks an error with the reason it stopped a run.
 *
 * @param error The error.
 * @param reason The reason, such as `node_timeout`.
 * @returns The same error.
 */
export function withStopReason<E extends object>(error: E, reason: string): E {
  REASONS.set(error, reason);
  return error;
}

/**
 * Tells why an error stopped a run.
 *
 * @example Usage
 * ```ts
 * import { stopReasonOf } from "./stop_reason.ts";
 * import { WorkflowError } from "../errors.ts";
 * const error = new WorkflowError("BUDGET_EXCEEDED", "Cannot call", { phase: "execute" });
 * if (stopReasonOf(error) !== "budget_exceeded") throw new Error();
 * ```
 *
 * @param error A thrown value.
 * @returns The reason: the one it was marked with, else one derived from its code, else
 * `error`.
 */
export function stopReasonOf(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const marked = REASONS.get(error);
    if (marked) return marked;
  }
  return (isWorkflowError(error) ? REASON_BY_CODE[error.code] : undefined) ?? "error";
}
