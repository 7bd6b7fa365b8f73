/**
 * The delivery layer between the tracer and a sink. Asynchronous mode: `submit` returns
 * `queued` at once and one background worker per delivery writes bundles in order, so a run
 * never waits for tracking. Synchronous mode: `submit` resolves once the bundle is written or
 * spooled. Nothing throws and nothing is lost: a failed check, a failed export or a bounded
 * flush that runs out of time sends the bundle to the spool, with one warning per delivery
 * that says why and how to fix it.
 *
 * @module
 */
import { errorMessage } from "../../errors.ts";
import type { BundleDelivery, DeliveryOutcome, TraceBundle, TraceSink } from "../trace_bundle.ts";
import { redactUri } from "../http/mlflow_auth.ts";
import { isMlflowRequestError } from "../http/mlflow_request_error.ts";
import { defaultSleep, type PreflightResult, type Sleep } from "./preflight.ts";
import type { Spool } from "./spool.ts";

/** How to deliver. */
export interface CreateDeliveryOptions {
  /** The sink to write to; closed by `close()` and by a flush that runs out of time. */
  sink?: TraceSink;
  /** Opens the sink at the first delivery; closed by `close()`. Used when `sink` is absent. */
  sinkFactory?: () => TraceSink | Promise<TraceSink>;
  /** Background delivery (`async_logging`). @default true */
  async?: boolean;
  /** Where undeliverable bundles go. */
  spool: Pick<Spool, "dir" | "write">;
  /** Receives the one warning of this delivery (and a warning if a bundle cannot be spooled). */
  warn: (message: string) => void;
  /** Bound of `flush()` without an argument, in milliseconds. @default 5000 */
  flushTimeoutMs?: number;
  /** Checks run once before the first delivery (see `checkDestination`). @default none */
  preflight?: () => Promise<PreflightResult>;
  /** Destination named in warnings. @default the bundle's tracking URI */
  destination?: string;
  /** Command named in warnings to deliver the spool. @default "cli.ts traces push" */
  pushCommand?: string;
  /** Timers of the bounded flush. @default setTimeout */
  sleep?: Sleep;
}

/** A {@linkcode BundleDelivery} that can be closed. */
export interface Delivery extends BundleDelivery {
  /** Bundles submitted and not yet written or spooled. */
  readonly pending: number;
  /**
   * Flushes (bounded), then closes the sink. Later submits go to the spool.
   *
   * @param timeoutMs Bound of the flush, and of the wait for a request the sink cannot abort.
   *   @default the delivery's `flushTimeoutMs`
   */
  close(timeoutMs?: number): Promise<void>;
}

const live = new Set<QueuedDelivery>();

/**
 * Creates a delivery.
 *
 * @example Usage
 * ```ts
 * import { createDelivery } from "./create_delivery.ts";
 * import { Spool } from "./spool.ts";
 * const written: string[] = [];
 * const delivery = createDelivery({
 *   sink: {
 *     deliver: (bundle) => {
 *       written.push(bundle.trace.traceId);
 *       return Promise.resolve({ experimentId: "1", runId: "r", alreadyPresent: false });
 *     },
 *     close: () => Promise.resolve(),
 *   },
 *   async: true,
 *   spool: new Spool({ dir: "/nonexistent/.mlflow-spool" }),
 *   warn: () => {},
 * });
 * await delivery.flush();
 * if (written.length !== 0 || delivery.pending !== 0) throw new Error();
 * ```
 *
 * @param options Sink, mode, spool, warning sink, flush bound and checks.
 * @returns The delivery.
 * @throws {TypeError} Neither `sink` nor `sinkFactory` given.
 */
export function createDelivery(options: CreateDeliveryOptions): Delivery {
  if (!options.sink && !options.sinkFactory) {
    throw new TypeError("Cannot create a delivery as neither sink nor sinkFactory is given");
  }
  return new QueuedDelivery(options);
}

/**
 * Flushes every delivery of this process that has bundles pending, each with a bounded wait;
 * what is still pending afterwards is spooled. The CLI calls it on SIGINT/SIGTERM and at exit.
 *
 * @param timeoutMs Bound of each flush. @default each delivery's `flushTimeoutMs`
 */
export async function flushAllDeliveries(timeoutMs?: number): Promise<void> {
  await Promise.all([...live].map((delivery) => delivery.flush(timeoutMs)));
}

interface Item {
  bundle: TraceBundle;
  done: boolean;
  resolve: (outcome: DeliveryOutcome) => void;
  outcome: Promise<DeliveryOutcome>;
}

class QueuedDelivery implements Delivery {
  readonly #options: CreateDeliveryOptions;
  readonly #queue: Item[] = [];
  readonly #push: string;
  readonly #flushTimeoutMs: number;
  readonly #sleep: Sleep;
  #current: Item | undefined;
  #running: Promise<void> | undefined;
  #sink: Promise<TraceSink> | undefined;
  #checked: Promise<PreflightResult> | undefined;
  #degraded: string | undefined;
  #warned = false;

  constructor(options: CreateDeliveryOptions) {
    this.#options = options;
    this.#push = options.pushCommand ?? "cli.ts traces push";
    this.#flushTimeoutMs = options.flushTimeoutMs ?? 5000;
    this.#sleep = options.sleep ?? defaultSleep;
    if (options.sink) this.#sink = Promise.resolve(options.sink);
  }

  get pending(): number {
    return this.#queue.length + (this.#current && !this.#current.done ? 1 : 0);
  }

  submit(bundle: TraceBundle): Promise<DeliveryOutcome> {
    let resolve: (outcome: DeliveryOutcome) => void = () => {};
    const outcome = new Promise<DeliveryOutcome>((done) => resolve = done);
    const item: Item = { bundle, done: false, resolve, outcome };
    this.#queue.push(item);
    live.add(this);
    this.#pump();
    return this.#options.async === false ? outcome : Promise.resolve({ state: "queued" });
  }

  async flush(timeoutMs: number = this.#flushTimeoutMs): Promise<void> {
    if (!this.pending) return;
    const controller = new AbortController();
    const timedOut = await Promise.race([
      this.#idle().then(() => false),
      this.#sleep(timeoutMs, controller.signal).then(() => true),
    ]);
    controller.abort();
    if (!timedOut || !this.pending) return;
    const items = [
      ...(this.#current && !this.#current.done ? [this.#current] : []),
      ...this.#queue.splice(0),
    ];
    const first = items[0]?.bundle;
    const message = `Cannot finish delivering ${items.length} trace${
      items.length === 1 ? "" : "s"
    } to "${this.#destination(first)}" within ${
      timeoutMs / 1000
    } s: ${this.#kept()}; run \`${this.#push}\``;
    this.#degraded ??= message;
    this.#warnOnce(message);
    await this.#closeSink();
    for (const item of items) this.#settle(item, await this.#spool(item, message));
  }

  async close(timeoutMs: number = this.#flushTimeoutMs): Promise<void> {
    await this.flush(timeoutMs);
    this.#degraded ??= `Cannot deliver to "${
      this.#destination(undefined)
    }" as the delivery is closed: ${this.#kept()}; run \`${this.#push}\``;
    await this.#closeSink();
    // A request the sink could not abort (an OTLP export) may still be running: wait for it,
    // bounded like the flush; its bundle is already spooled.
    const controller = new AbortController();
    await Promise.race([
      this.#idle(),
      this.#sleep(timeoutMs, controller.signal),
    ]);
    controller.abort();
    live.delete(this);
  }

  #pump(): void {
    if (this.#running) return;
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#queue.length) this.#pump();
      else live.delete(this);
    });
  }

  async #drain(): Promise<void> {
    for (let item = this.#queue.shift(); item; item = this.#queue.shift()) {
      this.#current = item;
      let outcome: DeliveryOutcome;
      try {
        outcome = await this.#process(item);
      } catch (error) {
        outcome = await this.#spool(item, this.#failure(item.bundle, error));
      }
      this.#current = undefined;
      this.#settle(item, outcome);
    }
  }

  async #idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  #settle(item: Item, outcome: DeliveryOutcome): void {
    if (item.done) return;
    item.done = true;
    item.resolve(outcome);
  }

  async #process(item: Item): Promise<DeliveryOutcome> {
    const { bundle } = item;
    if (this.#degraded) return await this.#spool(item, this.#degraded);
    const check = await (this.#checked ??= this.#preflight());
    if (!check.ok) {
      const fix = check.kind === "permission" && check.flag
        ? `add ${check.flag} and run \`${this.#push}\``
        : `run \`${this.#push}\` when it is back`;
      return await this.#fail(item, `${check.reason}: ${this.#kept()}; ${fix}`);
    }
    let sink: TraceSink;
    try {
      sink = await (this.#sink ??= Promise.resolve(this.#options.sinkFactory!()));
    } catch (error) {
      this.#sink = undefined;
      return await this.#fail(item, this.#failure(bundle, error));
    }
    try {
      return { state: "delivered", receipt: await sink.deliver(bundle) };
    } catch (error) {
      const message = this.#failure(bundle, error);
      if (isMlflowRequestError(error) && error.unreachable) this.#degraded = message;
      if (!item.done) this.#warnOnce(message);
      return await this.#spool(item, message);
    }
  }

  async #fail(item: Item, message: string): Promise<DeliveryOutcome> {
    this.#degraded = message;
    this.#warnOnce(message);
    return await this.#spool(item, message);
  }

  async #preflight(): Promise<PreflightResult> {
    if (!this.#options.preflight) return { ok: true };
    try {
      return await this.#options.preflight();
    } catch (error) {
      return {
        ok: false,
        kind: "unreachable",
        reason: errorMessage(error),
      };
    }
  }

  /** Spools the bundle of an item, unless a timed-out flush already did. */
  async #spool(item: Item, reason: string): Promise<DeliveryOutcome> {
    const { bundle } = item;
    if (item.done) return item.outcome;
    try {
      return { state: "spooled", spoolFile: await this.#options.spool.write(bundle), reason };
    } catch (error) {
      const dir = this.#options.spool.dir;
      const lost = `Cannot keep trace "${bundle.trace.traceId}" in the spool "${dir}" as ${
        errorMessage(error)
      }: the trace is lost; add --allow-write=${dir}`;
      this.#options.warn(lost);
      return { state: "spooled", spoolFile: "", reason: `${reason}; ${lost}` };
    }
  }

  #failure(bundle: TraceBundle, error: unknown): string {
    const message = errorMessage(error);
    const hint = error instanceof Error && "hint" in error && typeof error.hint === "string"
      ? ` (${error.hint})`
      : "";
    const when = isMlflowRequestError(error) && error.unreachable
      ? "when it is back"
      : "once fixed";
    return `${message}${hint}; trace "${bundle.trace.traceId}" is kept in "${this.#options.spool.dir}"; run \`${this.#push}\` ${when}`;
  }

  #kept(): string {
    return `traces are kept in "${this.#options.spool.dir}"`;
  }

  #destination(bundle: TraceBundle | undefined): string {
    return redactUri(this.#options.destination ?? bundle?.trackingUri ?? "the tracking server");
  }

  #warnOnce(message: string): void {
    if (this.#warned) return;
    this.#warned = true;
    this.#options.warn(message);
  }

  async #closeSink(): Promise<void> {
    const sink = this.#sink;
    if (!sink) return;
    this.#sink = undefined;
    try {
      await (await sink).close();
    } catch {
      // A sink that cannot even close has nothing left to lose: bundles are spooled.
    }
  }
}
