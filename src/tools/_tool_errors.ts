/**
 * The errors built-in tools raise, and helpers to keep secrets and aborts out of them.
 *
 * @module
 */
import { errorMessage, WorkflowError } from "../errors.ts";

/**
 * A failed tool call.
 *
 * @param message "Cannot <action> as <rule>: ..."
 * @param cause The underlying error, when there is one.
 * @returns A `TOOL_FAILED` error of the execute phase.
 */
export function toolFailed(message: string, cause?: unknown): WorkflowError {
  return new WorkflowError("TOOL_FAILED", message, { phase: "execute", cause });
}

/**
 * A call refused by the tool's own limits (hosts, roots).
 *
 * @param message "Cannot <action> as <rule>: ..."
 * @param hint How to allow it, when the user may want to.
 * @returns A `PERMISSION_DENIED` error of the execute phase.
 */
export function toolRefused(message: string, hint: string): WorkflowError {
  return new WorkflowError("PERMISSION_DENIED", message, { phase: "execute", hint });
}

/**
 * Tells whether a file system error means "no such file or directory" (`Deno.errors.NotFound`
 * or a Node-style `ENOENT`), without touching `Deno`.
 *
 * @param error Any thrown value.
 * @returns `true` for a not-found error.
 */
export function isNotFound(error: unknown): boolean {
  return error instanceof Error &&
    (error.name === "NotFound" || (error as { code?: unknown }).code === "ENOENT");
}

/**
 * The error of a failed file read or write, after the path was accepted.
 *
 * @param action `read` or `write`.
 * @param requested The path the model passed.
 * @param error What the file system threw.
 * @param signal The call's signal: an abort is rethrown as its reason.
 * @returns A `TOOL_FAILED` error, saying what is missing when the file system says not found.
 * @throws The signal's reason when it is aborted.
 */
export function fileFailure(
  action: "read" | "write",
  requested: string,
  error: unknown,
  signal: AbortSignal,
): WorkflowError {
  signal.throwIfAborted();
  if (isNotFound(error)) {
    return toolFailed(
      action === "read"
        ? `Cannot read file "${requested}" as it does not exist`
        : `Cannot write file "${requested}" as its directory does not exist: write_file does not create directories`,
      error,
    );
  }
  return toolFailed(`Cannot ${action} file "${requested}": ${errorMessage(error)}`, error);
}
