/**
 * The delivery queue between a tracker and its sink. Asynchronous mode: `submit` journals the
 * bundle in the spool (so that a crash cannot lose a run once it is reported) and returns
 * `queued`; up to `concurrency` deliveries run in the background. Synchronous mode: `submit`
 * resolves once the bundle is written or spooled. Nothing throws and nothing is lost silently: a
 * failed check, a failed export or a bounded flush that runs out of time sends the bundle to the
 * spool, with one warning per queue that says why and how to fix it.
 *
 * @module
 */
import { errorMessage } from "../../errors.ts";
import {
  type DeliveryOutcome,
  describeBundle,
  type TraceSink,
  type TrackingBundle,
} from "../trace_bundle.ts";
import { isMlflowRequestError } from "../http/mlflow_request_error.ts";
import { defaultSleep, type PreflightResult, type Sleep } from "./preflight.ts";
import type { Spool, SpoolClaim } from "./spool.ts";

/**
 * The bound of every wait for tracking at the end of a run or a process (flush and close), in
 * milliseconds: what is not delivered by then stays in the spool for `traces push`.
 */
export const TRACKING_FLUSH_TIMEOUT_MS = 5000;

/** The command warnings name to deliver the spool. */
export const PUSH_COMMAND = "cli.ts traces push";

/** Options of {@linkcode DeliveryQueue}. */
export interface DeliveryQueueOptions {
  /** Opens the sink at the first delivery (closed by `close()` and by a flush that times out). */
  openSink: () => TraceSink | Promise<TraceSink>;
  /** Where undeliverable bundles go, and where asynchronous bundles are journaled. */
  spool: Pick<Spool, "dir" | "write" | "journal">;
  /** Receives the warnings of this queue (one for delivery problems, one for lost traces). */
  warn: (message: string) => void;
  /**
   * Deliver in the background (`async_logging`).
   *
   * @default {true}
   */
  async?: boolean;
  /**
   * Deliveries at once.
   *
   * @default {1}
   */
  concurrency?: number;
  /**
   * Checks run once before the first delivery (see `checkDestination`).
   *
   * @default {none}
   */
  preflight?: () => Promise<PreflightResult>;
  /** The destination, without credentials, as warnings name it. */
  destination: string;
  /**
   * Command named in warnings to deliver the spool.
   *
   * @default {PUSH_COMMAND}
   */
  pushCommand?: string;
  /**
   * Timers of the bounded flush.
   *
   * @default {setTimeout}
   */
  sleep?: Sleep;
}

interface Item {
  bundle: TrackingBundle;
  claim: SpoolClaim | undefined;
  done: boolean;
  resolve: (outcome: DeliveryOutcome) => void;
  outcome: Promise<DeliveryOutcome>;
}

/** Why a delivery did not happen, and whether the destination is down for the rest. */
interface Failure {
  message: string;
  degrade: boolean;
  /** What to do about it, after the spool part of the warning. */
  fix: string;
}

/** Delivers bundles to one sink; see the module documentation. */
export class DeliveryQueue {
  readonly #options: DeliveryQueueOptions;
  readonly #queue: Item[] = [];
  readonly #inFlight = new Set<Item>();
  readonly #push: string;
  readonly #sleep: Sleep;
  readonly #concurrency: number;
  readonly #waiters: { atMost: number; wake: () => void }[] = [];
  #sink: Promise<TraceSink> | undefined;
  #checked: Promise<PreflightResult> | undefined;
  #degraded: Failure | undefined;
  #warned = false;
  #warnedLost = false;
  #journalBroken = false;
  #closed = false;
  #delivered = 0;
  #spooled = 0;
  #lost = 0;

  /**
   * Creates a queue; nothing is opened before the first bundle.
   *
   * @param options Sink, spool, warnings, mode, concurrency, checks and timers.
   * @throws {RangeError} `concurrency` is not a whole number from 1.
   */
  constructor(options: DeliveryQueueOptions) {
    const { concurrency = 1 } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(
        `Cannot create a delivery queue as concurrency must be a whole number from 1: got "${concurrency}"`,
      );
    }
    this.#options = options;
    this.#concurrency = concurrency;
    this.#push = options.pushCommand ?? PUSH_COMMAND;
    this.#sleep = options.sleep ?? defaultSleep;
  }

  /** Bundles submitted and not yet written or spooled. */
  get pending(): number {
    let inFlight = 0;
    for (const item of this.#inFlight) if (!item.done) inFlight++;
    return this.#queue.length + inFlight;
  }

  /** How many bundles were delivered, spooled and lost so far. */
  get counts(): { delivered: number; spooled: number; lost: number } {
    return { delivered: this.#delivered, spooled: this.#spooled, lost: this.#lost };
  }

  /**
   * Hands over one finished run. In asynchronous mode the bundle is journaled in the spool
   * first (when the spool can be written; otherwise this waits for the delivery, so that a
   * reported run is never only in memory).
   *
   * @param bundle The bundle.
   * @returns `queued`, or once it is settled: `delivered`, `spooled` or `lost`.
   */
  async submit(bundle: TrackingBundle): Promise<DeliveryOutcome> {
    let resolve: (outcome: DeliveryOutcome) => void = () => {};
    const outcome = new Promise<DeliveryOutcome>((done) => resolve = done);
    const item: Item = { bundle, claim: undefined, done: false, resolve, outcome };
    if (this.#closed) {
      const reason = `Cannot deliver to "${this.#options.destination}" as tracking is closed`;
      return await this.#giveUp(item, { message: reason, degrade: true, fix: this.#fixLater() });
    }
    const background = this.#options.async !== false;
    if (background && !this.#journalBroken) {
      try {
        item.claim = await this.#options.spool.journal(bundle);
      } catch {
        // The spool cannot be written: deliver before reporting instead.
        this.#journalBroken = true;
      }
    }
    this.#queue.push(item);
    this.#pump();
    return background && item.claim ? { state: "queued" } : await outcome;
  }

  /**
   * Waits until everything submitted is written or spooled, at most `timeoutMs` or until
   * `signal` aborts; what is still pending then goes to the spool, and the queue delivers
   * nothing more.
   *
   * @param timeoutMs Longest wait; `Infinity` waits for every delivery. @default 5000
   * @param signal Stops the wait early (an interrupt).
   */
  async flush(
    timeoutMs: number = TRACKING_FLUSH_TIMEOUT_MS,
    signal?: AbortSignal,
  ): Promise<void> {
    if (!this.pending) return;
    const controller = new AbortController();
    const waits = [this.#idle().then(() => false)];
    if (Number.isFinite(timeoutMs)) {
      waits.push(this.#sleep(timeoutMs, controller.signal).then(() => true));
    }
    if (signal) {
      waits.push(
        signal.aborted
          ? Promise.resolve(true)
          : new Promise<boolean>((resolve) =>
            signal.addEventListener("abort", () => resolve(true), {
              once: true,
              signal: controller.signal,
            })
          ),
      );
    }
    const gaveUp = await Promise.race(waits);
    controller.abort();
    if (!gaveUp || !this.pending) return;
    const items = [...this.#inFlight, ...this.#queue.splice(0)].filter((item) => !item.done);
    this.#wakeWaiters();
    const count = `${items.length} trace${items.length === 1 ? "" : "s"}`;
    const why = signal?.aborted ? "as it was interrupted" : `within ${timeoutMs / 1000} s`;
    const failure: Failure = {
      message: `Cannot finish delivering ${count} to "${this.#options.destination}" ${why}`,
      degrade: true,
      fix: `run \`${this.#push}\``,
    };
    this.#degraded ??= failure;
    // Spool first, then stop the requests in flight: a delivery that fails because it was
    // stopped finds its bundle settled and says nothing more.
    const outcomes = await Promise.all(items.map((item) => this.#spool(item)));
    for (const [index, item] of items.entries()) this.#settle(item, outcomes[index]!);
    const spooled = outcomes.filter((outcome) => outcome.state === "spooled").length;
    this.#warnOnce(
      `${failure.message}: ${spooled === items.length ? "" : `${spooled} of them `}${this.#kept()}${
        this.#lostNote(items.length - spooled)
      }; ${failure.fix}`,
    );
    await this.#closeSink();
  }

  /**
   * Flushes (bounded), then closes the sink. Later submits go to the spool.
   *
   * @param timeoutMs Bound of the flush, and of the wait for a request the sink cannot abort.
   *   @default 5000
   * @param signal Stops the flush early (an interrupt).
   */
  async close(
    timeoutMs: number = TRACKING_FLUSH_TIMEOUT_MS,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.flush(timeoutMs, signal);
    timeoutMs = Number.isFinite(timeoutMs) ? timeoutMs : TRACKING_FLUSH_TIMEOUT_MS;
    this.#closed = true;
    await this.#closeSink();
    // A request the sink could not abort may still be running: wait for it, bounded like the
    // flush; its bundle is already spooled.
    const controller = new AbortController();
    await Promise.race([this.#idle(), this.#sleep(timeoutMs, controller.signal)]);
    controller.abort();
  }

  #pump(): void {
    while (this.#inFlight.size < this.#concurrency && this.#queue.length > 0) {
      const item = this.#queue.shift()!;
      this.#inFlight.add(item);
      this.#process(item)
        .catch((error) => this.#giveUp(item, this.#failureOf(item.bundle, error)))
        .then((outcome) => {
          this.#inFlight.delete(item);
          this.#settle(item, outcome);
          this.#pump();
          this.#wakeWaiters();
        });
    }
  }

  /**
   * Resolves once at most `count` bundles are pending (backpressure for a producer that must
   * not run far ahead of the sink). Never gives up and never spools.
   *
   * @param count The most bundles that may be pending.
   * @returns When `pending <= count`.
   */
  pendingAtMost(count: number): Promise<void> {
    if (this.pending <= count) return Promise.resolve();
    return new Promise((wake) => this.#waiters.push({ atMost: count, wake }));
  }

  #idle(): Promise<void> {
    return this.pendingAtMost(0);
  }

  #wakeWaiters(): void {
    const pending = this.pending;
    for (let index = this.#waiters.length - 1; index >= 0; index--) {
      const waiter = this.#waiters[index]!;
      if (pending > waiter.atMost) continue;
      this.#waiters.splice(index, 1);
      waiter.wake();
    }
  }

  #settle(item: Item, outcome: DeliveryOutcome): void {
    if (item.done) return;
    item.done = true;
    if (outcome.state === "delivered") this.#delivered++;
    item.resolve(outcome);
  }

  async #process(item: Item): Promise<DeliveryOutcome> {
    const { bundle } = item;
    if (this.#degraded) return await this.#giveUp(item, this.#degraded, false);
    const check = await (this.#checked ??= this.#preflight());
    if (!check.ok) {
      const fix = check.kind === "permission" && check.flag
        ? `add ${check.flag} and run \`${this.#push}\``
        : this.#fixLater();
      return await this.#giveUp(item, { message: check.reason, degrade: true, fix });
    }
    let sink: TraceSink;
    try {
      sink = await (this.#sink ??= Promise.resolve().then(() => this.#options.openSink()));
    } catch (error) {
      this.#sink = undefined;
      return await this.#giveUp(item, { ...this.#failureOf(bundle, error), degrade: true });
    }
    const receipt = await sink.deliver(bundle);
    await item.claim?.done().catch(() => {});
    return { state: "delivered", receipt };
  }

  async #preflight(): Promise<PreflightResult> {
    if (!this.#options.preflight) return { ok: true };
    try {
      return await this.#options.preflight();
    } catch (error) {
      return { ok: false, kind: "unreachable", reason: errorMessage(error) };
    }
  }

  /** Spools the bundle of an item and warns (once) why, with what became of it. */
  async #giveUp(item: Item, failure: Failure, warn = true): Promise<DeliveryOutcome> {
    if (failure.degrade) this.#degraded ??= failure;
    if (item.done) return await item.outcome;
    const outcome = await this.#spool(item);
    if (warn) {
      const trace = describeBundle(item.bundle);
      this.#warnOnce(
        outcome.state === "lost"
          ? `${failure.message}, and ${trace} ${outcome.reason}`
          : `${failure.message}: ${this.#kept()}; ${failure.fix}`,
      );
    }
    return outcome;
  }

  /** Puts an item's bundle in the spool (its journal claim goes back, or a new file). */
  async #spool(item: Item): Promise<DeliveryOutcome> {
    if (item.done) return await item.outcome;
    const { bundle, claim } = item;
    try {
      const spoolFile = claim ? await claim.release() : await this.#options.spool.write(bundle);
      this.#spooled++;
      return { state: "spooled", spoolFile, reason: this.#degraded?.message ?? "" };
    } catch (error) {
      this.#lost++;
      const reason = `cannot be kept in the spool "${this.#options.spool.dir}" as ${
        errorMessage(error)
      }: it is lost; ${spoolFix(error, this.#options.spool.dir)}`;
      if (this.#warned) this.#warnLostOnce(`${capitalize(describeBundle(bundle))} ${reason}`);
      return { state: "lost", reason };
    }
  }

  #failureOf(bundle: TrackingBundle, error: unknown): Failure {
    const hint = error instanceof Error && "hint" in error && typeof error.hint === "string"
      ? ` (${error.hint})`
      : "";
    const unreachable = isMlflowRequestError(error) && error.unreachable;
    return {
      message: `Cannot deliver ${describeBundle(bundle)} to "${this.#options.destination}": ${
        errorMessage(error)
      }${hint}`,
      degrade: unreachable,
      fix: unreachable ? this.#fixLater() : `run \`${this.#push}\` once fixed`,
    };
  }

  #fixLater(): string {
    return `run \`${this.#push}\` when it is back`;
  }

  #kept(): string {
    return `traces are kept in "${this.#options.spool.dir}"`;
  }

  #lostNote(lost: number): string {
    if (lost === 0) return "";
    return `; ${lost} could not be kept and ${lost === 1 ? "is" : "are"} lost`;
  }

  #warnOnce(message: string): void {
    if (this.#warned) return;
    this.#warned = true;
    this.#options.warn(message);
  }

  #warnLostOnce(message: string): void {
    if (this.#warnedLost) return;
    this.#warnedLost = true;
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

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** How to make a spool writable again after `error`. */
function spoolFix(error: unknown, dir: string): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "NotCapable" || name === "PermissionDenied") return `add --allow-write=${dir}`;
  if (/no space left|ENOSPC|os error 28|quota/i.test(errorMessage(error))) {
    return `free space on the disk of "${dir}"`;
  }
  return `check that "${dir}" can be written`;
}
