/**
 * The error type every part of the toolkit throws for a domain condition callers may catch.
 *
 * @module
 */
import type { Diagnostic } from "./config/diagnostic.ts";

/** Stable codes of {@linkcode WorkflowError}. */
export type WorkflowErrorCode =
  | "CONFIG_LOAD_FAILED"
  | "CONFIG_INVALID"
  | "INPUT_INVALID"
  | "GRAPH_BUILD_FAILED"
  | "NODE_FAILED"
  | "LLM_REQUEST_FAILED"
  | "LLM_OUTPUT_INVALID"
  | "MISSING_CREDENTIALS"
  | "PERMISSION_DENIED"
  | "TOOL_FAILED"
  | "TIMEOUT"
  | "BUDGET_EXCEEDED"
  | "CANCELLED"
  | "TRACKING_UNAVAILABLE"
  | "PROMPT_NOT_FOUND";

/** The phase of a run in which an error happened. */
export type WorkflowPhase =
  | "load"
  | "validate"
  | "input"
  | "build"
  | "execute"
  | "track";

/** Extra data of a {@linkcode WorkflowError}. */
export interface WorkflowErrorOptions extends ErrorOptions {
  /** The phase the error happened in. */
  phase: WorkflowPhase;
  /** The node that failed, when a node did. */
  nodeId?: string | undefined;
  /** How to fix it, shown under the message. */
  hint?: string | undefined;
  /** Every problem found, for `CONFIG_INVALID` and `INPUT_INVALID`. */
  diagnostics?: readonly Diagnostic[] | undefined;
}

/**
 * An error of the workflow toolkit with a stable `code`, the `phase` it happened in and,
 * where one failed, the `nodeId`.
 *
 * @example Usage
 * ```ts
 * import { parseWorkflow, WorkflowError } from "@configurable-agents/core";
 * try {
 *   parseWorkflow("schema_version: '1.0'\nflow: {name: x}\n", { file: "broken.yaml" });
 *   throw new Error("expected a WorkflowError");
 * } catch (error) {
 *   if (!(error instanceof WorkflowError) || error.code !== "CONFIG_INVALID") throw error;
 *   if (error.phase !== "validate" || error.diagnostics.length === 0) throw error;
 * }
 * ```
 */
export class WorkflowError extends Error {
  /** Stable code of the condition. */
  readonly code: WorkflowErrorCode;
  /** The phase the error happened in. */
  readonly phase: WorkflowPhase;
  /** The node that failed, when a node did. */
  readonly nodeId: string | undefined;
  /** How to fix it. */
  readonly hint: string | undefined;
  /** Every problem found, for configuration and input errors. */
  readonly diagnostics: readonly Diagnostic[];

  /**
   * Creates the error.
   *
   * @param code Stable code of the condition.
   * @param message What failed: "Cannot <action> as <rule>: ..."
   * @param options Phase, node, hint, diagnostics and cause.
   */
  constructor(code: WorkflowErrorCode, message: string, options: WorkflowErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WorkflowError";
    this.code = code;
    this.phase = options.phase;
    this.nodeId = options.nodeId;
    this.hint = options.hint;
    this.diagnostics = options.diagnostics ?? [];
  }
}

/**
 * Tells whether a value is a {@linkcode WorkflowError}, by name so that it works across
 * copies of this package.
 *
 * @example Usage
 * ```ts
 * import { isWorkflowError, WorkflowError } from "@configurable-agents/core";
 * const error = new WorkflowError("BUDGET_EXCEEDED", "Cannot call the model", {
 *   phase: "execute",
 * });
 * if (!isWorkflowError(error) || error.code !== "BUDGET_EXCEEDED") throw new Error();
 * if (isWorkflowError(new Error("other"))) throw new Error();
 * ```
 *
 * @param error Any thrown value.
 * @returns `true` for a `WorkflowError`.
 */
export function isWorkflowError(error: unknown): error is WorkflowError {
  return error instanceof Error && error.name === "WorkflowError" && "code" in error &&
    "phase" in error;
}

/**
 * The message of a thrown value, for quoting it in another message: an `Error`'s `message`,
 * anything else as a string.
 *
 * @example Usage
 * ```ts
 * import { errorMessage } from "./errors.ts";
 * if (errorMessage(new Error("boom")) !== "boom" || errorMessage(42) !== "42") throw new Error();
 * ```
 *
 * @param error Any thrown value.
 * @returns Its message, without the stack.
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
