/**
 * `traces push`: delivers every spooled bundle to its destination exactly once. Sinks are
 * idempotent by trace id, so a bundle whose trace is already there is only removed; a file is
 * removed only after its delivery succeeded, and failed ones stay for the next push.
 *
 * @module
 */
import { errorMessage } from "../../errors.ts";
import { redactUri } from "../http/mlflow_auth.ts";
import { isMlflowRequestError } from "../http/mlflow_request_error.ts";
import type { TraceSink } from "../trace_bundle.ts";
import type { Spool } from "./spool.ts";

/** What to push and where. */
export interface PushSpoolOptions {
  /** The spool. */
  spool: Pick<Spool, "dir" | "list" | "read" | "remove">;
  /** Opens the sink of a tracking URI (called once per URI; each sink is closed at the end). */
  sinkFor: (trackingUri: string) => TraceSink | Promise<TraceSink>;
  /** Deliver every bundle here instead of the URI it was meant for. */
  overrideUri?: string;
  /** Stops before the next bundle; what is left stays spooled. */
  signal?: AbortSignal;
}

/** A bundle that could not be pushed (its file stays in the spool). */
export interface PushFailure {
  /** Spool file. */
  file: string;
  /** Trace id, when the file could be read. */
  traceId: string | undefined;
  /** Destination, without credentials, when the file could be read. */
  trackingUri: string | undefined;
  /** Why. */
  error: string;
}

/** What a push did. */
export interface PushReport {
  /** Spool files found. */
  total: number;
  /** Trace ids written now. */
  delivered: string[];
  /** Trace ids that were already at their destination (files removed, nothing written). */
  alreadyPresent: string[];
  /** Bundles left in the spool because they failed. */
  failed: PushFailure[];
  /** Files not attempted because the push was aborted. */
  remaining: number;
}

/**
 * Delivers the spool.
 *
 * @example Usage
 * ```ts
 * import { pushSpool } from "./push_spool.ts";
 * import { Spool } from "./spool.ts";
 * const report = await pushSpool({
 *   spool: new Spool({ dir: "/nonexistent/.mlflow-spool" }),
 *   sinkFor: () => Promise.reject(new Error("no sink needed for an empty spool")),
 * });
 * if (report.total !== 0 || report.failed.length !== 0) throw new Error();
 * ```
 *
 * @param options Spool, sink lookup, an override destination and an abort signal.
 * @returns Delivered, already present and failed bundles.
 * @throws {Error} The spool directory cannot be listed.
 */
export async function pushSpool(options: PushSpoolOptions): Promise<PushReport> {
  const { spool, sinkFor, overrideUri, signal } = options;
  const files = await spool.list();
  const report: PushReport = {
    total: files.length,
    delivered: [],
    alreadyPresent: [],
    failed: [],
    remaining: 0,
  };
  const sinks = new Map<string, Promise<TraceSink>>();
  const down = new Map<string, string>();
  try {
    for (const [index, file] of files.entries()) {
      if (signal?.aborted) {
        report.remaining = files.length - index;
        break;
      }
      let traceId: string | undefined;
      let uri: string | undefined;
      try {
        const bundle = await spool.read(file);
        traceId = bundle.trace.traceId;
        uri = overrideUri ?? bundle.trackingUri;
        const unreachable = down.get(uri);
        if (unreachable !== undefined) throw new Error(unreachable);
        let sink = sinks.get(uri);
        if (!sink) {
          sink = Promise.resolve(sinkFor(uri));
          sinks.set(uri, sink);
        }
        const receipt = await (await sink).deliver({ ...bundle, trackingUri: uri });
        await spool.remove(file);
        (receipt.alreadyPresent ? report.alreadyPresent : report.delivered).push(traceId);
      } catch (error) {
        const message = errorMessage(error);
        if (uri !== undefined && isMlflowRequestError(error) && error.unreachable) {
          down.set(uri, message);
        }
        report.failed.push({
          file,
          traceId,
          trackingUri: uri === undefined ? undefined : redactUri(uri),
          error: message,
        });
      }
    }
  } finally {
    for (const sink of sinks.values()) {
      await sink.then((opened) => opened.close(), () => {});
    }
  }
  return report;
}
