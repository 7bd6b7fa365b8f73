/**
 * `SqliteWorkerSink`: the `SqliteSink` in a worker thread. `node:sqlite` is synchronous, so a
 * sink on the main thread blocks the runs in flight for every write — with asynchronous
 * logging too, since the background queue drains on the same thread. Here the database, its
 * transactions and the artifact files live in a worker with the process's permissions; the
 * main thread only posts each bundle (a structured clone) and waits for the receipt.
 *
 * @module
 */
import { errorMessage, WorkflowError } from "../../errors.ts";
import type { DeliveryReceipt, TraceBundle, TraceSink } from "../trace_bundle.ts";
import type { MlflowSchemaInfo } from "./schema_check.ts";
import {
  deserializeError,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSinkSettings,
} from "./_worker_protocol.ts";

/** Options of {@linkcode SqliteWorkerSink.open}. */
export interface SqliteWorkerSinkOptions {
  /**
   * Working directory that relative paths are resolved against.
   *
   * @default {Deno.cwd()}
   */
  cwd?: string;
  /**
   * Artifact root of experiments this sink creates (absolute path or `file://` URI).
   *
   * @default {"<cwd>/mlruns"}
   */
  artifactRoot?: string;
  /**
   * SQLite busy timeout, milliseconds.
   *
   * @default {10000}
   */
  busyTimeoutMs?: number;
  /**
   * Retries when a transaction cannot start because the database is locked.
   *
   * @default {10}
   */
  maxRetries?: number;
  /**
   * Receives warnings of the sink (artifacts that cannot be written here).
   *
   * @default {() => {}}
   */
  warn?: (message: string) => void;
}

interface Pending {
  resolve: (receipt: DeliveryReceipt) => void;
  reject: (error: unknown) => void;
}

const WORKER_URL = new URL("./_sqlite_worker.ts", import.meta.url);

/**
 * A `TraceSink` that writes into an MLflow SQLite database from a worker thread: the same rows,
 * files, idempotence and errors as {@linkcode SqliteSink}, without blocking the thread that
 * runs workflows. Close it to stop the worker.
 *
 * @example Usage
 * ```ts
 * import { SqliteWorkerSink } from "./sqlite_worker_sink.ts";
 * const dir = await Deno.makeTempDir();
 * const sink = await SqliteWorkerSink.open(`${dir}/mlflow.db`, { artifactRoot: `${dir}/mlruns` });
 * if (sink.schema.revision !== "c3d6457b6d8a") throw new Error();
 * await sink.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class SqliteWorkerSink implements TraceSink {
  /** The database's schema revision and optional parts. */
  readonly schema: MlflowSchemaInfo;
  /** The database path as given. */
  readonly path: string;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #warn: (message: string) => void;
  #nextId = 1;
  #closing: Promise<void> | undefined;
  #failure: WorkflowError | undefined;
  #onClosed: (() => void) | undefined;

  private constructor(
    path: string,
    worker: Worker,
    schema: MlflowSchemaInfo,
    warn: (message: string) => void,
  ) {
    this.path = path;
    this.#worker = worker;
    this.schema = schema;
    this.#warn = warn;
    worker.onmessage = (event: MessageEvent<WorkerReply>) => this.#receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#fail(`its worker stopped: ${event.message}`);
    };
  }

  /**
   * Starts the worker, which opens (creating when new or empty) the database and checks its
   * schema.
   *
   * @param path The database file (relative to `cwd` or absolute).
   * @param options Working directory, artifact root, lock settings and warnings.
   * @returns The sink.
   * @throws {WorkflowError} `TRACKING_UNAVAILABLE` when the file cannot be opened, is not an
   * MLflow database, has an unsupported revision or lacks a table or column we write, or when
   * the worker cannot start.
   */
  static async open(
    path: string,
    options: SqliteWorkerSinkOptions = {},
  ): Promise<SqliteWorkerSink> {
    const warn = options.warn ?? (() => {});
    const settings: WorkerSinkSettings = {
      cwd: options.cwd ?? Deno.cwd(),
      ...(options.artifactRoot === undefined ? {} : { artifactRoot: options.artifactRoot }),
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
      ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
    };
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL, { type: "module" });
    } catch (error) {
      throw unavailable(path, `its worker cannot start: ${errorMessage(error)}`, error);
    }
    const opened = new Promise<MlflowSchemaInfo>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<WorkerReply>) => {
        const reply = event.data;
        if (reply.type === "opened") resolve(reply.schema);
        else if (reply.type === "open_failed") reject(deserializeError(reply.error));
        else if (reply.type === "warn") warn(reply.message);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        reject(unavailable(path, `its worker stopped: ${event.message}`, undefined));
      };
    });
    const request: WorkerRequest = { type: "open", path, settings };
    worker.postMessage(request);
    try {
      return new SqliteWorkerSink(path, worker, await opened, warn);
    } catch (error) {
      worker.terminate();
      throw error;
    }
  }

  /**
   * Writes a bundle's run, trace and artifacts in one transaction, in the worker. A bundle
   * whose trace is already in the database is not written again.
   *
   * @param bundle The bundle (copied to the worker).
   * @returns The experiment id, run id and whether the trace was already present.
   * @throws {WorkflowError} `TRACKING_UNAVAILABLE` when the database or an artifact cannot be
   * written (nothing is committed then), or when the sink is closed or its worker stopped.
   */
  deliver(bundle: TraceBundle): Promise<DeliveryReceipt> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closing) return Promise.reject(unavailable(this.path, "the sink is closed"));
    const id = this.#nextId++;
    return new Promise<DeliveryReceipt>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      try {
        this.#worker.postMessage({ type: "deliver", id, bundle } satisfies WorkerRequest);
      } catch (error) {
        this.#pending.delete(id);
        reject(unavailable(this.path, `the bundle cannot be sent: ${errorMessage(error)}`, error));
      }
    });
  }

  /**
   * Waits for pending deliveries, closes the database and stops the worker.
   *
   * @returns When closed.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (!this.#failure) {
      const closed = new Promise<void>((resolve) => this.#onClosed = resolve);
      this.#worker.postMessage({ type: "close" } satisfies WorkerRequest);
      await closed;
    }
    this.#worker.terminate();
  }

  #receive(reply: WorkerReply): void {
    if (reply.type === "warn") {
      this.#warn(reply.message);
    } else if (reply.type === "closed") {
      this.#onClosed?.();
    } else if (reply.type === "delivered" || reply.type === "failed") {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.type === "delivered") pending?.resolve(reply.receipt);
      else pending?.reject(deserializeError(reply.error));
    }
  }

  #fail(reason: string): void {
    this.#failure ??= unavailable(this.path, reason);
    for (const pending of this.#pending.values()) pending.reject(this.#failure);
    this.#pending.clear();
    this.#onClosed?.();
  }
}

function unavailable(path: string, reason: string, cause?: unknown): WorkflowError {
  return new WorkflowError(
    "TRACKING_UNAVAILABLE",
    `Cannot write to MLflow database "${path}" as ${reason}`,
    { phase: "track", ...(cause === undefined ? {} : { cause }) },
  );
}
