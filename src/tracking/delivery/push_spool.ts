/**
 * `traces push`: delivers every spooled bundle to its destination exactly once, several at a
 * time. Each file is claimed first (see `Spool.claim`), so that any number of pushes and runs
 * at once deliver each bundle once: a file another process holds is skipped. Sinks are
 * idempotent by trace id, so a bundle whose trace is already there is only removed; a file is
 * removed only after its delivery succeeded, and failed ones go back for the next push.
 *
 * @module
 */
import { errorMessage } from "../../errors.ts";
import { isMlflowRequestError } from "../http/mlflow_request_error.ts";
import { bundleId, type TraceSink } from "../trace_bundle.ts";
import { parseTrackingUri, type TrackingDestination } from "../tracking_destination.ts";
import type { Spool } from "./spool.ts";

/** What to push and where. */
export interface PushSpoolOptions {
  /** The spool. */
  spool: Pick<Spool, "dir" | "list" | "claim" | "read">;
  /** Opens the sink of a destination (called once per destination; each is closed at the end). */
  sinkFor: (destination: TrackingDestination) => TraceSink | Promise<TraceSink>;
  /** Deliver every bundle here instead of the destination it was meant for. */
  override?: TrackingDestination;
  /** Stops before the next bundle; what is left stays spooled. */
  signal?: AbortSignal;
  /**
   * Bundles delivered at once.
   *
   * @default {4}
   */
  concurrency?: number;
}

/** A bundle that could not be pushed (its file stays in the spool). */
export interface PushFailure {
  /** Spool file. */
  file: string;
  /** Trace id (`run-<key>` for the end of a group run), when the file could be read. */
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
  /** Trace ids (and `run-<key>` of group runs' ends) written now. */
  delivered: string[];
  /** Ids that were already at their destination (files removed, nothing written). */
  alreadyPresent: string[];
  /** Bundles left in the spool because they failed. */
  failed: PushFailure[];
  /** Files another process was delivering at the same time (left to it). */
  skipped: number;
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
 * @param options Spool, sink lookup, an override destination, an abort signal, concurrency.
 * @returns Delivered, already present, failed and skipped bundles.
 * @throws {Error} The spool directory cannot be listed.
 */
export async function pushSpool(options: PushSpoolOptions): Promise<PushReport> {
  const { spool, sinkFor, override, signal, concurrency = 4 } = options;
  const files = await spool.list();
  const report: PushReport = {
    total: files.length,
    delivered: [],
    alreadyPresent: [],
    failed: [],
    skipped: 0,
    remaining: 0,
  };
  const sinks = new Map<string, Promise<TraceSink>>();
  const down = new Map<string, string>();
  let next = 0;

  const pushOne = async (file: string): Promise<void> => {
    const claim = await spool.claim(file).catch(() => undefined);
    if (claim === undefined) {
      report.skipped++;
      return;
    }
    let traceId: string | undefined;
    let uri: string | undefined;
    try {
      const bundle = await spool.read(claim.file);
      traceId = bundleId(bundle);
      const destination = override ?? parseTrackingUri(bundle.trackingUri);
      uri = destination.uri;
      const unreachable = down.get(uri);
      if (unreachable !== undefined) throw new Error(unreachable);
      let sink = sinks.get(uri);
      if (!sink) {
        sink = Promise.resolve().then(() => sinkFor(destination));
        sinks.set(uri, sink);
      }
      const receipt = await (await sink).deliver({ ...bundle, trackingUri: uri });
      await claim.done();
      (receipt.alreadyPresent ? report.alreadyPresent : report.delivered).push(traceId);
    } catch (error) {
      const message = errorMessage(error);
      if (uri !== undefined && isMlflowRequestError(error) && error.unreachable) {
        down.set(uri, message);
      }
      const back = await claim.release().catch(() => claim.file);
      report.failed.push({ file: back, traceId, trackingUri: uri, error: message });
    }
  };
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      if (signal?.aborted) {
        report.remaining = files.length - next;
        next = files.length;
        return;
      }
      await pushOne(files[next++]!);
    }
  };

  try {
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, worker),
    );
  } finally {
    for (const sink of sinks.values()) {
      await sink.then((opened) => opened.close(), () => {});
    }
  }
  report.delivered.sort();
  report.alreadyPresent.sort();
  return report;
}
