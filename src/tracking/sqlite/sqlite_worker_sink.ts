/**
 * `SqliteWorkerSink`: the `SqliteSink` in a worker thread. `node:sqlite` is synchronous, so a
 * sink on the main thread blocks the runs in flight for every write — with asynchronous
 * logging too, since the background queue drains on the same thread. Here the database, its
 * transactions and the artifact files live in a worker with the process's permissions; the
 * main thread only posts each bundle (a structured clone) and waits for the receipt.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { errorMessage, WorkflowError } from "../../errors.ts";
import type { DeliveryReceipt, TraceSink, TrackingBundle } from "../trace_bundle.ts";
import type { MlflowSchemaInfo } from "./schema_check.ts";
import type { MlflowSchemaChoice } from "./mlflow_schema_choice.ts";
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
   * The MLflow release line whose schema a new (or empty) file gets; an existing file keeps its
   * own (see `SqliteSinkOptions.mlflowSchema`).
   *
   * @default {"3.9"}
   */
  mlflowSchema?: MlflowSchemaChoice;
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

/** The folder of the package's source files (`src/`), which holds every module of the worker. */
const SOURCE_ROOT = new URL("../../", import.meta.url);

/**
 * The folder Deno must be allowed to read for the worker to start: the package's `src/` when it
 * runs from local files (a checkout: a worker's modules are loaded under the program's read
 * permission, unlike the main program's), `undefined` when it runs from JSR or another remote
 * host (loaded under the import permission, which allows jsr.io by default).
 */
function sqliteWorkerReadPath(): string | undefined {
  return SOURCE_ROOT.protocol === "file:"
    ? fileURLToPath(SOURCE_ROOT).replace(/[\\/]$/, "")
    : undefined;
}

/**
 * Opens the SQLite sink for a batch: {@linkcode SqliteWorkerSink} when its worker can start,
 * else the main-thread `SqliteSink` with one warning that says why and how to get the worker
 * back (a missing read permission for the package's source files is checked before the worker
 * is started, so Deno prints nothing of its own).
 *
 * @param path The database file (relative to `cwd` or absolute).
 * @param options Working directory, artifact root, lock settings and warnings.
 * @returns The sink.
 * @throws {WorkflowError} `TRACKING_UNAVAILABLE` when the file cannot be opened, is not an
 * MLflow database, has an unsupported revision or lacks a table or column we write.
 */
export async function openSqliteSinkOffThread(
  path: string,
  options: SqliteWorkerSinkOptions = {},
): Promise<TraceSink> {
  const warn = options.warn ?? (() => {});
  const root = sqliteWorkerReadPath();
  const readable = root === undefined ||
    (await Deno.permissions.query({ name: "read", path: root })).state === "granted";
  let reason = `Deno has no read permission for its modules: add --allow-read=${root}`;
  if (readable) {
    try {
      return await SqliteWorkerSink.open(path, options);
    } catch (error) {
      if (!(error instanceof WorkerStartError)) throw error;
      reason = error.message;
    }
  }
  warn(
    `Cannot write to MLflow database "${path}" from a worker thread as ${reason}; ` +
      "writing from the main thread instead, which slows the batch down",
  );
  const { SqliteSink } = await import("./sqlite_sink.ts");
  return await SqliteSink.open(path, options);
}

/** The worker stopped before it answered: its modules could not be loaded or run. */
class WorkerStartError extends Error {
  /** @param message Why, as Deno said it. */
  constructor(message: string) {
    super(message);
    this.name = "WorkerStartError";
  }
}

/** Deno's message of a worker error, without its terminal colours. */
function workerErrorText(event: ErrorEvent): string {
  // deno-lint-ignore no-control-regex
  return event.message.replace(/\x1b\[[0-9;]*m/g, "");
}

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
 * if (sink.schema.revision !== "d3e4f5a6b7c8") throw new Error();
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
      this.#fail(`its worker stopped: ${workerErrorText(event)}`);
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
   * MLflow database, lacks a table or column we write or requires one we do not write.
   * @throws {Error} `WorkerStartError` when the worker cannot start or stops before it has
   * answered ({@linkcode openSqliteSinkOffThread} then falls back to the main thread).
   */
  static async open(
    path: string,
    options: SqliteWorkerSinkOptions = {},
  ): Promise<SqliteWorkerSink> {
    const warn = options.warn ?? (() => {});
    const settings: WorkerSinkSettings = {
      cwd: options.cwd ?? Deno.cwd(),
      ...(options.artifactRoot === undefined ? {} : { artifactRoot: options.artifactRoot }),
      ...(options.mlflowSchema === undefined ? {} : { mlflowSchema: options.mlflowSchema }),
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
      ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
    };
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL, { type: "module" });
    } catch (error) {
      throw new WorkerStartError(`its worker cannot start: ${errorMessage(error)}`);
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
        reject(new WorkerStartError(`its worker stopped: ${workerErrorText(event)}`));
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
  deliver(bundle: TrackingBundle): Promise<DeliveryReceipt> {
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
