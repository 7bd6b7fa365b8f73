/**
 * The messages between `SqliteWorkerSink` and its worker, and errors as plain data so they
 * cross the thread boundary with their code, phase and hint.
 *
 * @module
 */
import { isWorkflowError, WorkflowError, type WorkflowErrorCode } from "../../errors.ts";
import type { DeliveryReceipt, TrackingBundle } from "../trace_bundle.ts";
import type { MlflowSchemaInfo } from "./schema_check.ts";
import type { MlflowSchemaChoice } from "./mlflow_schema_choice.ts";

/** The options of `SqliteSink.open` that can be sent to a worker (no functions). */
export interface WorkerSinkSettings {
  /** Working directory relative paths are resolved against. */
  cwd: string;
  /** Artifact root of new experiments. */
  artifactRoot?: string;
  /** The MLflow release line whose schema a new file gets. */
  mlflowSchema?: MlflowSchemaChoice;
  /** SQLite busy timeout, milliseconds. */
  busyTimeoutMs?: number;
  /** Retries while the database is locked. */
  maxRetries?: number;
}

/** A request to the worker. */
export type WorkerRequest =
  | { type: "open"; path: string; settings: WorkerSinkSettings }
  | { type: "deliver"; id: number; bundle: TrackingBundle }
  | { type: "close" };

/** An error as plain data. */
export interface SerializedError {
  /** `name` of the error. */
  name: string;
  /** Its message. */
  message: string;
  /** The `WorkflowError` code, when it is one. */
  code?: WorkflowErrorCode;
  /** Its hint, when it has one. */
  hint?: string;
}

/** A reply of the worker. */
export type WorkerReply =
  | { type: "opened"; schema: MlflowSchemaInfo }
  | { type: "open_failed"; error: SerializedError }
  | { type: "delivered"; id: number; receipt: DeliveryReceipt }
  | { type: "failed"; id: number; error: SerializedError }
  | { type: "warn"; message: string }
  | { type: "closed" };

/**
 * An error as plain data.
 *
 * @param error Anything thrown.
 * @returns Its name, message and, for a `WorkflowError`, code and hint.
 */
export function serializeError(error: unknown): SerializedError {
  if (isWorkflowError(error)) {
    return {
      name: error.name,
      message: error.message,
      code: error.code,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

/**
 * The error again on this side: a `WorkflowError` (phase `track`) with its code and hint, or a
 * `TRACKING_UNAVAILABLE` one wrapping anything else.
 *
 * @param error The error as data.
 * @returns The error.
 */
export function deserializeError(error: SerializedError): WorkflowError {
  return new WorkflowError(error.code ?? "TRACKING_UNAVAILABLE", error.message, {
    phase: "track",
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  });
}
