/**
 * The progress of a batch on standard error: on a terminal one status line rewritten in place
 * (done, failed and retrying records, throughput, ETA, then the traces left to deliver);
 * elsewhere the same text as a plain line now and then.
 *
 * @module
 */
import type { EngineEvent } from "../engine/engine_types.ts";
import type { BatchOutcome } from "../runtime/run_batch.ts";
import { formatDuration, type Paint } from "./_run_format.ts";

/** Options of {@linkcode BatchProgress}. */
export interface BatchProgressOptions {
  /** Writes to standard error. */
  write: (text: string) => void;
  /** Styling. */
  paint: Paint;
  /** Rewrite one status line in place (a terminal); else print plain lines now and then. */
  live: boolean;
  /** A clock, in milliseconds. */
  now: () => number;
  /** Records this invocation runs, when known (for the ETA). */
  total: number | undefined;
  /** The batch's `--concurrency`. */
  concurrency: number;
  /**
   * Least time between two plain lines, in milliseconds.
   *
   * @default {10000}
   */
  intervalMs?: number;
}

/** How far back throughput is measured, in milliseconds. */
const RATE_WINDOW_MS = 20_000;

/** Counts a batch's outcomes and shows them; {@linkcode tick} draws. */
export class BatchProgress {
  readonly #options: BatchProgressOptions;
  readonly #started: number;
  #done = 0;
  #failed = 0;
  readonly #retrying = new Set<number>();
  #concurrency: number;
  #pending: (() => number) | undefined;
  /** The status line on screen (live mode), without its newline. */
  #shown = "";
  #lastPrinted: number;
  /** (time, done) samples of the last {@linkcode RATE_WINDOW_MS}, oldest first. */
  #samples: [number, number][] = [];

  /** @param options Output, styling, mode, clock, total and concurrency. */
  constructor(options: BatchProgressOptions) {
    this.#options = options;
    this.#started = options.now();
    this.#lastPrinted = this.#started;
    this.#concurrency = options.concurrency;
    this.#samples.push([this.#started, 0]);
  }

  /**
   * Follows a run's events: a retry makes its record "retrying" until its node ends.
   *
   * @param event The engine's event.
   * @param line The record's line number.
   */
  onEvent(event: EngineEvent, line: number): void {
    if (event.type === "llm_retry") this.#retrying.add(line);
    else if (event.type === "node_finished" || event.type === "node_failed") {
      this.#retrying.delete(line);
    }
  }

  /**
   * Counts an outcome.
   *
   * @param outcome A record's outcome.
   */
  onResult(outcome: BatchOutcome): void {
    this.#done++;
    if (!outcome.ok) this.#failed++;
    this.#retrying.delete(outcome.line);
  }

  /**
   * Notes the adaptive concurrency.
   *
   * @param limit Runs allowed at once now.
   */
  onConcurrency(limit: number): void {
    this.#concurrency = limit;
  }

  /**
   * From now on shows the traces left to deliver.
   *
   * @param pending How many are left.
   */
  onDelivering(pending: () => number): void {
    this.#pending = pending;
    this.tick();
  }

  /**
   * The status: records done of the total, failed, retrying, throughput and ETA; or the
   * traces left to deliver.
   *
   * @returns One line of text.
   */
  status(): string {
    const p = this.#options.paint;
    if (this.#pending) {
      const left = this.#pending();
      return `Delivering traces: ${left} ${left === 1 ? "trace" : "traces"} left`;
    }
    const { total } = this.#options;
    const rate = this.#rate();
    const parts = [
      `${this.#done}${total === undefined ? "" : `/${total}`} done`,
      ...(this.#failed > 0 ? [p.red(`${this.#failed} failed`)] : []),
      ...(this.#retrying.size > 0 ? [p.yellow(`${this.#retrying.size} retrying`)] : []),
      `${rate.toFixed(rate < 10 ? 2 : 1)} records/s`,
      ...(total !== undefined && rate > 0 && this.#done < total
        ? [`ETA ${formatDuration((total - this.#done) / rate * 1000)}`]
        : []),
      ...(this.#concurrency < this.#options.concurrency
        ? [p.yellow(`concurrency ${this.#concurrency}/${this.#options.concurrency}`)]
        : []),
    ];
    return `Batch: ${parts.join(" · ")}`;
  }

  /** Draws: the status line in place (live), or a plain line when the interval has passed. */
  tick(): void {
    const now = this.#options.now();
    this.#samples.push([now, this.#done]);
    while (this.#samples.length > 2 && (this.#samples[1]?.[0] ?? now) <= now - RATE_WINDOW_MS) {
      this.#samples.shift();
    }
    if (this.#options.live) {
      this.#draw(this.status());
      return;
    }
    if (now - this.#lastPrinted < (this.#options.intervalMs ?? 10_000)) return;
    this.#lastPrinted = now;
    this.#options.write(`${this.status()}\n`);
  }

  /**
   * Writes a whole line above the status line.
   *
   * @param text The line, without its newline.
   */
  line(text: string): void {
    this.print(() => this.#options.write(`${text}\n`));
  }

  /**
   * Writes other output (standard output, when it is the same terminal) with the status line
   * out of its way, then draws the status line again.
   *
   * @param write Writes the output.
   */
  print(write: () => void): void {
    const shown = this.#shown;
    this.#draw("");
    write();
    if (shown !== "") this.#draw(this.status());
  }

  /** Removes the status line (before the summary). */
  finish(): void {
    this.#draw("");
  }

  #draw(text: string): void {
    if (!this.#options.live || (text === "" && this.#shown === "")) return;
    this.#shown = text;
    this.#options.write(`\r\x1b[2K${text}`);
  }

  /** Records per second over the last {@linkcode RATE_WINDOW_MS} (since the start before). */
  #rate(): number {
    const now = this.#options.now();
    const [since, doneThen] = this.#samples[0] ?? [this.#started, 0];
    const elapsed = now - since;
    return elapsed > 0 ? (this.#done - doneThen) / elapsed * 1000 : 0;
  }
}
