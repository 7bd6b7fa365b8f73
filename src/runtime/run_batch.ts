/**
 * `runBatch`: one run of a workflow per item of a stream of inputs, several at a time, with
 * memory that stays flat however many items there are.
 *
 * @module
 */
import type { LoadedWorkflow } from "../config/loaded_workflow.ts";
import { compileWorkflow } from "../engine/compile_workflow.ts";
import type { EngineEvent, RunResult } from "../engine/engine_types.ts";
import { isWorkflowError, WorkflowError } from "../errors.ts";
import type { TokenUsage } from "../tracking/tracer.ts";
import type { BatchItem } from "./read_json_lines.ts";
import type { RunWorkflowOptions } from "./run_options.ts";
import { groupRunWorkflow, prepareRun, trackerForRun } from "./_run_setup.ts";
import { checkConcurrency, DEFAULT_CONCURRENCY } from "./batch_concurrency.ts";
import { runWorkerPool } from "./_worker_pool.ts";
import { AdaptiveConcurrency } from "./_adaptive_concurrency.ts";

/** How one item of a batch ended. */
export type BatchOutcome =
  | {
    /** The item's line number. */
    line: number;
    /** The run succeeded. */
    ok: true;
    /** Its final state and metadata. */
    result: RunResult;
  }
  | {
    /** The item's line number. */
    line: number;
    /** The item did not run, or its run failed. */
    ok: false;
    /** Why: `INPUT_INVALID` for a line that is not valid inputs, else what stopped the run. */
    error: Error;
  };

/** Totals of a batch. */
export interface BatchSummary {
  /** Items read. */
  items: number;
  /** Runs that succeeded. */
  succeeded: number;
  /** Items that failed, the invalid ones included. */
  failed: number;
  /** Items whose inputs were invalid (not a JSON object, or rejected by the state types). */
  invalid: number;
  /** Whether the signal (or the stop signal) stopped the batch before every item ran. */
  cancelled: boolean;
  /** Retries of model calls the provider refused with HTTP 429 (rate limits absorbed). */
  rateLimited: number;
  /** Retries of model calls, of every kind (429s, 5xx, timeouts, resets). */
  retries: number;
  /** The lowest the adaptive concurrency went (the batch's `concurrency` when never lowered). */
  lowestConcurrency: number;
  /** Token usage of the successful runs. */
  usage: TokenUsage;
  /** Dollar cost of the successful runs; `undefined` when a call was unpriced. */
  costUsd: number | undefined;
  /** Dollar cost of their priced calls. */
  knownCostUsd: number;
}

/** Options of {@linkcode runBatch}: those of `runWorkflow` plus concurrency and callbacks. */
export interface RunBatchOptions extends Omit<RunWorkflowOptions, "onEvent"> {
  /**
   * Runs at once, a whole number from 1 to `MAX_CONCURRENCY` (256); never more
   * than there are items.
   *
   * @default {4}
   */
  concurrency?: number;
  /**
   * Receives each item's outcome as soon as it is known, in completion order; the next item
   * is read once it returns (a rejection stops the batch and is rethrown).
   *
   * @default {outcomes are only counted}
   */
  onResult?: (outcome: BatchOutcome) => void | Promise<void>;
  /**
   * Told of the progress of each run, with its item's line number.
   *
   * @default {no listener}
   */
  onEvent?: (event: EngineEvent, line: number) => void;
  /**
   * Stops the batch gently: once it aborts, no further item is read and the runs in flight
   * finish (abort `signal` to cancel them too).
   *
   * @default {only `signal` stops the batch}
   */
  stopSignal?: AbortSignal;
  /**
   * Told of each change of the adaptive concurrency: halved when a run is rate-limited (HTTP
   * 429, or a refusal with `Retry-After`), raised by one after as many successes in a row as it
   * allows, never above `concurrency`.
   *
   * @default {no listener}
   */
  onConcurrency?: (limit: number) => void;
  /**
   * Called once the runs are over, when the batch starts waiting for the delivery of the traces
   * it recorded; `pending` tells how many are left at any time.
   *
   * @default {no listener}
   */
  onDelivering?: (pending: () => number) => void;
}

/**
 * Runs a workflow once per item, up to `concurrency` runs at a time. The workflow is loaded
 * and compiled once (a bad workflow throws before any item is read), one tracker records
 * every run (their traces link to one MLflow run of the batch, with its aggregate metrics,
 * unless `runPerExecution` gives each its own), and items are pulled from `items` only when a run slot is free, so a lazy source
 * such as {@linkcode readJsonLines} is read with backpressure. Each outcome goes to
 * `onResult` as soon as its run ends and nothing of it is kept afterwards: memory stays flat
 * for any number of items. An item that is an error (a bad line) is reported as failed with
 * `INPUT_INVALID` and the batch goes on. When the signal aborts, no further item is read and
 * the runs in flight end with `CANCELLED`; when `stopSignal` aborts, no further item is read
 * and the runs in flight finish.
 *
 * Concurrency adapts to the provider: a run whose model call is refused with HTTP 429 (or
 * with another status whose `Retry-After` asks to wait, such as a 503) halves the runs allowed
 * at once (once per episode), and successes raise it again by one at a time,
 * never above `concurrency`; a call paced by a rate limit leaves its 429s to the limiter,
 * which pauses the model. The calls themselves are paced by the rate limits of their models
 * (`llm.rate_limit`, or the `rateLimit` option), which every run of the process shares.
 *
 * @example Usage
 * ```ts
 * import { prepareWorkflow, runBatch } from "@configurable-agents/core";
 * const workflow = prepareWorkflow({
 *   schema_version: "1.0",
 *   flow: { name: "hello" },
 *   state: { fields: { name: { type: "str", required: true }, greeting: { type: "str" } } },
 *   nodes: [{ id: "greet", prompt: "Greet {state.name}", outputs: ["greeting"] }],
 *   edges: [{ from: "START", to: "greet" }, { from: "greet", to: "END" }],
 * });
 * const lines: number[] = [];
 * const summary = await runBatch(workflow, [
 *   { line: 1, inputs: { name: "Ada" } },
 *   { line: 2, error: "Cannot read line 2 as it is not valid JSON" },
 *   { line: 3, inputs: { name: "Grace" } },
 * ], { mock: true, tracker: false, concurrency: 2, onResult: (outcome) => { lines.push(outcome.line); } });
 * if (summary.succeeded !== 2 || summary.invalid !== 1 || lines.length !== 3) throw new Error();
 * ```
 *
 * @param workflow A loaded workflow, or the path of a workflow file.
 * @param items The inputs of each run with its line number, or a line's error.
 * @param options Concurrency, outcome and progress callbacks, and the options of
 * `runWorkflow`.
 * @returns The batch's totals.
 * @throws {WorkflowError} The workflow cannot be loaded or compiled (before any item runs).
 * @throws {RangeError} `concurrency` is not a whole number from 1 to
 * `MAX_CONCURRENCY` (256).
 * @throws {unknown} What `onResult` or the item source threw.
 */
export async function runBatch(
  workflow: LoadedWorkflow | string,
  items: AsyncIterable<BatchItem> | Iterable<BatchItem>,
  options: RunBatchOptions = {},
): Promise<BatchSummary> {
  const {
    concurrency = DEFAULT_CONCURRENCY,
    onResult,
    onEvent,
    onDelivering,
    mock = false,
    seed = 0,
  } = options;
  checkConcurrency(concurrency, "run the batch");
  const { loaded, deps } = await prepareRun(workflow, options);
  const compiled = compileWorkflow(loaded, deps);
  // A batch keeps the main thread busy: SQLite writes go to a worker (with async logging).
  const tracked = await trackerForRun(loaded, deps, {
    ...options,
    sqliteWorker: true,
    ownTraces: true,
  });
  const { opened } = tracked;
  // One MLflow run for the whole batch, unless each execution gets its own.
  const group = opened && !opened.runPerExecution
    ? opened.startGroupRun({ kind: "batch", workflow: groupRunWorkflow(loaded) })
    : undefined;
  const tracer = group?.tracer ?? tracked.tracer;
  let failed = false;
  let stopped = false;
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const noMoreItems = options.stopSignal ? AbortSignal.any([signal, options.stopSignal]) : signal;
  const slots = new AdaptiveConcurrency(concurrency, options.onConcurrency);
  const totals = new BatchTotals();
  const source = iteratorOf(items);
  const backlog = Math.max(8, concurrency * 2);

  const runItem = async (item: BatchItem): Promise<BatchOutcome> => {
    if ("error" in item) {
      const error = new WorkflowError("INPUT_INVALID", item.error, { phase: "input" });
      return { line: item.line, ok: false, error };
    }
    // Push-back of the provider lowers the concurrency once per episode (see
    // AdaptiveConcurrency): a 429, unless a rate limit paced the call (its limiter then pauses
    // the model instead), or another refusal that asked to wait (a 503 with Retry-After).
    const epoch = slots.epoch;
    const listen = (event: EngineEvent) => {
      if (event.type === "llm_retry") {
        totals.retried(event.kind);
        const pushedBack = event.kind === "rate_limit"
          ? !event.paced
          : event.retryAfterMs !== undefined;
        if (pushedBack) slots.onRateLimited(epoch);
      }
      onEvent?.(event, item.line);
    };
    try {
      const result = await compiled.run(item.inputs, {
        mock,
        seed,
        signal,
        ...(tracer ? { tracer } : {}),
        onEvent: listen,
      });
      slots.onSuccess();
      return { line: item.line, ok: true, result };
    } catch (error) {
      return { line: item.line, ok: false, error: asError(error) };
    }
  };
  const work = async (item: BatchItem) => {
    const outcome = await runItem(item);
    totals.add(outcome);
    await onResult?.(outcome);
    if (opened) await opened.pendingAtMost(backlog);
  };

  try {
    await runWorkerPool(() => source.next(), work, {
      size: concurrency,
      signal: noMoreItems,
      onFailure: () => stop.abort(),
      slots,
    });
    const cancelled = (options.signal?.aborted ?? false) ||
      (options.stopSignal?.aborted === true && !source.finished);
    stopped = cancelled;
    return totals.summary(cancelled, slots.lowest);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await source.return();
    // A batch stopped before every record ran is KILLED; its --resume gets a run of its own.
    await group?.finish({
      status: options.signal?.aborted || stopped ? "KILLED" : failed ? "FAILED" : "FINISHED",
    });
    // A batch waits for its own deliveries, however many; only an unreachable destination or
    // an interrupt sends what is left to the spool.
    if (opened) {
      onDelivering?.(() => opened.pending);
      await opened.close({ timeoutMs: Infinity, signal: options.signal });
    }
  }
}

/** Adds up outcomes without keeping them. */
class BatchTotals {
  #items = 0;
  #succeeded = 0;
  #invalid = 0;
  #usage: TokenUsage = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
  #knownCost = 0;
  #complete = true;
  #rateLimited = 0;
  #retries = 0;

  retried(kind: string): void {
    this.#retries++;
    if (kind === "rate_limit") this.#rateLimited++;
  }

  add(outcome: BatchOutcome): void {
    this.#items++;
    if (!outcome.ok) {
      if (isWorkflowError(outcome.error) && outcome.error.code === "INPUT_INVALID") {
        this.#invalid++;
      }
      return;
    }
    this.#succeeded++;
    const { usage, knownCostUsd, costComplete } = outcome.result.metadata;
    this.#usage = {
      input_tokens: this.#usage.input_tokens + usage.input_tokens,
      output_tokens: this.#usage.output_tokens + usage.output_tokens,
      total_tokens: this.#usage.total_tokens + usage.total_tokens,
    };
    this.#knownCost += knownCostUsd;
    this.#complete &&= costComplete;
  }

  summary(cancelled: boolean, lowestConcurrency: number): BatchSummary {
    return {
      items: this.#items,
      succeeded: this.#succeeded,
      failed: this.#items - this.#succeeded,
      invalid: this.#invalid,
      cancelled,
      rateLimited: this.#rateLimited,
      retries: this.#retries,
      lowestConcurrency,
      usage: { ...this.#usage },
      costUsd: this.#complete ? this.#knownCost : undefined,
      knownCostUsd: this.#knownCost,
    };
  }
}

/** One iterator over either kind of source, whose `next` calls never overlap. */
function iteratorOf(items: AsyncIterable<BatchItem> | Iterable<BatchItem>): {
  next(): Promise<IteratorResult<BatchItem>>;
  return(): Promise<void>;
  /** Whether the source said it had no more items. */
  readonly finished: boolean;
} {
  const iterator: Iterator<BatchItem> | AsyncIterator<BatchItem> = Symbol.asyncIterator in items
    ? items[Symbol.asyncIterator]()
    : items[Symbol.iterator]();
  let queue: Promise<unknown> = Promise.resolve();
  let finished = false;
  let exhausted = false;
  const serialized = <T>(step: () => T | Promise<T>): Promise<T> => {
    const result = queue.then(step);
    queue = result.catch(() => {});
    return result;
  };
  return {
    next: () =>
      serialized(async (): Promise<IteratorResult<BatchItem>> => {
        if (finished) return { done: true, value: undefined };
        const result = await iterator.next();
        if (result.done) finished = exhausted = true;
        return result;
      }),
    return: () =>
      serialized(async () => {
        if (finished) return;
        finished = true;
        await iterator.return?.();
      }),
    get finished() {
      return exhausted;
    },
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
