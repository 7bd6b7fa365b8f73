/**
 * The worker behind `SqliteWorkerSink`: it owns one `SqliteSink` and its `node:sqlite`
 * connection, so the synchronous SQLite writes and the artifact files of every bundle happen
 * off the thread that runs workflows. It runs with the permissions of the process that started
 * it. Requests are handled in order.
 *
 * @module
 */
import { SqliteSink } from "./sqlite_sink.ts";
import {
  serializeError,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSinkSettings,
} from "./_worker_protocol.ts";

/** What this module sees of its worker scope. */
interface WorkerScope {
  postMessage(message: WorkerReply): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
let sink: SqliteSink | undefined;
let queue: Promise<void> = Promise.resolve();

async function open(path: string, settings: WorkerSinkSettings): Promise<void> {
  try {
    sink = await SqliteSink.open(path, {
      cwd: settings.cwd,
      ...(settings.artifactRoot === undefined ? {} : { artifactRoot: settings.artifactRoot }),
      ...(settings.mlflowSchema === undefined ? {} : { mlflowSchema: settings.mlflowSchema }),
      ...(settings.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: settings.busyTimeoutMs }),
      ...(settings.maxRetries === undefined ? {} : { maxRetries: settings.maxRetries }),
      warn: (message) => scope.postMessage({ type: "warn", message }),
    });
    scope.postMessage({ type: "opened", schema: sink.schema });
  } catch (error) {
    scope.postMessage({ type: "open_failed", error: serializeError(error) });
  }
}

async function deliver(id: number, request: Extract<WorkerRequest, { type: "deliver" }>) {
  try {
    if (!sink) throw new Error("Cannot write the bundle as the database is not open");
    const receipt = await sink.deliver(request.bundle);
    scope.postMessage({ type: "delivered", id, receipt });
  } catch (error) {
    scope.postMessage({ type: "failed", id, error: serializeError(error) });
  }
}

async function close(): Promise<void> {
  try {
    await sink?.close();
  } finally {
    sink = undefined;
    scope.postMessage({ type: "closed" });
  }
}

scope.onmessage = (event) => {
  const request = event.data;
  const handle = request.type === "open"
    ? () => open(request.path, request.settings)
    : request.type === "deliver"
    ? () => deliver(request.id, request)
    : close;
  queue = queue.then(handle, handle);
};
