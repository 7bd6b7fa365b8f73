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
import {
  bundleId,
  type DeliveryResult,
  type TraceSink,
  type TrackingBundle,
} from "../trace_bundle.ts";
import { parseTrackingUri, type TrackingDestination } from "../tracking_destination.ts";
import type { Spool, SpoolClaim } from "./spool.ts";
import { deliverAll } from "./_deliver_all.ts";

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
  /**
   * Bundles each delivery takes together (one look-up and one span export per destination
   * where the sink can).
   *
   * @default {25}
   */
  batchSize?: number;
}

/** A claimed spool file, read. */
interface Claimed {
  claim: SpoolClaim;
  traceId: string | undefined;
  uri: string | undefined;
  destination?: TrackingDestination;
  bundle: TrackingBundle | undefined;
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
  const { spool, sinkFor, override, signal, concurrency = 4, batchSize = 25 } = options;
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

  const sinkOf = (destination: TrackingDestination): Promise<TraceSink> => {
    let sink = sinks.get(destination.uri);
    if (!sink) {
      sink = Promise.resolve().then(() => sinkFor(destination));
      sinks.set(destination.uri, sink);
    }
    return sink;
  };
  const fail = async (claimed: Claimed, error: unknown): Promise<void> => {
    const message = errorMessage(error);
    if (claimed.uri !== undefined && isMlflowRequestError(error) && error.unreachable) {
      down.set(claimed.uri, message);
    }
    const back = await claimed.claim.release().catch(() => claimed.claim.file);
    report.failed.push({
      file: back,
      traceId: claimed.traceId,
      trackingUri: claimed.uri,
      error: message,
    });
  };
  /** Claims and reads a file; `undefined` when another process has it or it failed. */
  const open = async (file: string): Promise<Claimed | undefined> => {
    const claim = await spool.claim(file).catch(() => undefined);
    if (claim === undefined) {
      report.skipped++;
      return undefined;
    }
    const claimed: Claimed = { claim, traceId: undefined, uri: undefined, bundle: undefined };
    try {
      const bundle = await spool.read(claim.file);
      claimed.traceId = bundleId(bundle);
      const destination = override ?? parseTrackingUri(bundle.trackingUri);
      claimed.uri = destination.uri;
      claimed.destination = destination;
      claimed.bundle = { ...bundle, trackingUri: destination.uri };
      return claimed;
    } catch (error) {
      await fail(claimed, error);
      return undefined;
    }
  };
  /** Delivers bundles of one destination together (one look-up, one export where it can). */
  const pushAll = async (batch: Claimed[]): Promise<void> => {
    const { uri, destination } = batch[0]!;
    const unreachable = down.get(uri!);
    if (unreachable !== undefined) {
      for (const claimed of batch) await fail(claimed, new Error(unreachable));
      return;
    }
    let results: DeliveryResult[];
    try {
      const sink = await sinkOf(destination!);
      results = await deliverAll(sink, batch.map((claimed) => claimed.bundle!), false);
    } catch (error) {
      results = batch.map(() => ({ ok: false, error }));
    }
    for (const [index, claimed] of batch.entries()) {
      const result = results[index]!;
      if (!result.ok) {
        await fail(claimed, result.error);
        continue;
      }
      await claimed.claim.done();
      (result.receipt.alreadyPresent ? report.alreadyPresent : report.delivered)
        .push(claimed.traceId!);
    }
  };
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      if (signal?.aborted) {
        report.remaining = files.length - next;
        next = files.length;
        return;
      }
      const taken = files.slice(next, next + batchSize);
      next += taken.length;
      const opened = (await Promise.all(taken.map(open))).filter((claimed) => claimed);
      const byUri = new Map<string, Claimed[]>();
      for (const claimed of opened as Claimed[]) {
        byUri.set(claimed.uri!, [...(byUri.get(claimed.uri!) ?? []), claimed]);
      }
      for (const batch of byUri.values()) await pushAll(batch);
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
