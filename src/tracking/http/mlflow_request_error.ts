/**
 * The error a request to an MLflow tracking server ends with: the server answered with an
 * error (`error_code`, `message`), could not be reached, took too long, or answered something
 * that is not what MLflow answers.
 *
 * @module
 */
import { WorkflowError } from "../../errors.ts";

/** Why a request to the tracking server failed. */
export type MlflowFailureKind =
  /** The server answered with a non-2xx status. */
  | "http"
  /** The server could not be reached (refused, reset, DNS, TLS). */
  | "network"
  /** No answer within the request timeout. */
  | "timeout"
  /** The request was aborted by the caller (a closed sink, a bounded flush). */
  | "aborted"
  /** The answer did not have MLflow's shape. */
  | "invalid_response";

/** Details of a {@linkcode MlflowRequestError}. */
export interface MlflowRequestErrorOptions {
  /** Why the request failed. */
  kind: MlflowFailureKind;
  /** HTTP status, when the server answered. */
  status?: number | undefined;
  /** MLflow's `error_code` (`RESOURCE_DOES_NOT_EXIST`, ...), when the body had one. */
  errorCode?: string | undefined;
  /** How to fix it. */
  hint?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * A failed request to an MLflow tracking server. A {@linkcode WorkflowError} with code
 * `TRACKING_UNAVAILABLE` and phase `track`, plus the HTTP status and MLflow's `error_code`.
 * Its message never contains a credential.
 *
 * @example Usage
 * ```ts
 * import { MlflowRequestError } from "./mlflow_request_error.ts";
 * const error = new MlflowRequestError("Cannot create run as the server answered 500", {
 *   kind: "http",
 *   status: 500,
 *   errorCode: "INTERNAL_ERROR",
 * });
 * if (error.code !== "TRACKING_UNAVAILABLE" || error.status !== 500) throw new Error();
 * ```
 */
export class MlflowRequestError extends WorkflowError {
  /** Why the request failed. */
  readonly kind: MlflowFailureKind;
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** MLflow's `error_code`, when the body had one. */
  readonly errorCode: string | undefined;

  /**
   * Creates the error.
   *
   * @param message What failed: "Cannot <action> as <rule>: ..."
   * @param options Kind, status, MLflow error code, hint and cause.
   */
  constructor(message: string, options: MlflowRequestErrorOptions) {
    super("TRACKING_UNAVAILABLE", message, {
      phase: "track",
      hint: options.hint,
      cause: options.cause,
    });
    this.kind = options.kind;
    this.status = options.status;
    this.errorCode = options.errorCode;
  }

  /** `true` when the server could not be reached or did not answer in time. */
  get unreachable(): boolean {
    return this.kind === "network" || this.kind === "timeout";
  }
}

/**
 * Tells whether a value is an {@linkcode MlflowRequestError}.
 *
 * @param error Any thrown value.
 * @returns `true` for an `MlflowRequestError`.
 */
export function isMlflowRequestError(error: unknown): error is MlflowRequestError {
  return error instanceof MlflowRequestError;
}
