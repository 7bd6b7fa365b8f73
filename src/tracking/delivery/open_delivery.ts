/**
 * One call that wires the delivery of a tracking URI: the sink it leads to (opened at the
 * first delivery), the degradation checks, the spool and the queue.
 *
 * @module
 */
import { createDelivery, type Delivery } from "./create_delivery.ts";
import { openSink, type OpenSinkDeps } from "./open_sink.ts";
import { checkDestination, type PreflightDeps } from "./preflight.ts";
import { DEFAULT_SPOOL_DIR, Spool, type SpoolFiles } from "./spool.ts";

/** Options of {@linkcode openDelivery}. */
export interface OpenDeliveryOptions extends OpenSinkDeps, PreflightDeps {
  /** Receives the one warning of this delivery. */
  warn: (message: string) => void;
  /** Background delivery (`async_logging`). @default true */
  async?: boolean;
  /** Spool directory. @default ".mlflow-spool" */
  spoolDir?: string;
  /** Spool file operations. @default Deno's */
  spoolFiles?: SpoolFiles;
  /** Bound of `flush()`, milliseconds. @default 5000 */
  flushTimeoutMs?: number;
  /** Command named in warnings to deliver the spool. @default "cli.ts traces push" */
  pushCommand?: string;
}

/**
 * Creates the delivery of a tracking URI: checks permissions and reachability before the
 * first bundle, opens the sink lazily, spools what cannot be delivered.
 *
 * @example Usage
 * ```ts
 * import { openDelivery } from "./open_delivery.ts";
 * const warnings: string[] = [];
 * const delivery = openDelivery("http://127.0.0.1:5000", {
 *   warn: (message) => warnings.push(message),
 *   spoolDir: "/nonexistent/.mlflow-spool",
 * });
 * await delivery.close();
 * if (warnings.length !== 0) throw new Error();
 * ```
 *
 * @param trackingUri `sqlite:///...` or `http(s)://...`.
 * @param options Warnings, mode, spool, flush bound and the sinks' and checks' dependencies.
 * @returns The delivery.
 */
export function openDelivery(trackingUri: string, options: OpenDeliveryOptions): Delivery {
  const spool = new Spool({
    dir: options.spoolDir ?? DEFAULT_SPOOL_DIR,
    ...(options.spoolFiles ? { files: options.spoolFiles } : {}),
  });
  return createDelivery({
    sinkFactory: () => openSink(trackingUri, options),
    async: options.async ?? true,
    spool,
    warn: options.warn,
    preflight: () => checkDestination(trackingUri, options),
    destination: trackingUri,
    ...(options.flushTimeoutMs === undefined ? {} : { flushTimeoutMs: options.flushTimeoutMs }),
    ...(options.pushCommand === undefined ? {} : { pushCommand: options.pushCommand }),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
  });
}
