/**
 * Node ids on errors: a `WorkflowError` thrown below a node gets the node's id, and anything
 * else becomes a `NODE_FAILED` of that node.
 *
 * @module
 */
import { errorMessage, isWorkflowError, WorkflowError } from "../errors.ts";
import { stopReasonOf, withStopReason } from "./stop_reason.ts";

/**
 * Returns the error with the node's id: the same error when it already has one, else a copy
 * (same code, phase, hint and stop reason, the original as `cause`).
 *
 * @param error A `WorkflowError`.
 * @param nodeId The node it happened in.
 * @param message The message of the copy.
 * @returns An error with a node id.
 */
export function attachNodeId(
  error: WorkflowError,
  nodeId: string,
  message: string = error.message,
): WorkflowError {
  if (error.nodeId !== undefined) return error;
  return withStopReason(
    new WorkflowError(error.code, message, {
      phase: error.phase,
      nodeId,
      hint: error.hint,
      diagnostics: error.diagnostics,
      cause: error,
    }),
    stopReasonOf(error),
  );
}

/**
 * Names the node that was running when a limit of the run or the node fired (a timeout, a
 * cancellation): the error with the node's id and `(node "<id>" was running)` after its message.
 *
 * @param error The error of the limit.
 * @param nodeId The node that was running.
 * @returns An error with a node id (the same error when it has one already).
 */
export function attachRunningNode(error: WorkflowError, nodeId: string): WorkflowError {
  return attachNodeId(error, nodeId, `${error.message} (node "${nodeId}" was running)`);
}

/**
 * Turns anything thrown in a node into a `WorkflowError` with the node's id.
 *
 * @param error The thrown value.
 * @param nodeId The node.
 * @returns The error.
 */
export function asNodeError(error: unknown, nodeId: string): WorkflowError {
  if (isWorkflowError(error)) return attachNodeId(error, nodeId);
  const message = errorMessage(error);
  return new WorkflowError("NODE_FAILED", `Cannot finish node "${nodeId}" as ${message}`, {
    phase: "execute",
    nodeId,
    cause: error,
  });
}
