/**
 * The bounds of a batch's concurrency, in a module of its own so that the CLI can check the
 * `--concurrency` flag without loading the engine.
 *
 * @module
 */

/** Runs a batch runs at once unless told otherwise. */
export const DEFAULT_CONCURRENCY = 4;

/**
 * The most runs a batch runs at once. Runs share one thread: past a few dozen in flight a batch
 * gets no faster (LangGraph.js's own work per run is the bound, see `bench/RESULTS.md`), while
 * each run in flight holds its state, its model client and its open spans in memory, and
 * providers rate-limit far below this. A higher value is refused rather than clamped, so that
 * a typo (`--concurrency 10000000`) is noticed.
 */
export const MAX_CONCURRENCY = 256;

/**
 * Checks a batch's or an evaluation's `concurrency`.
 *
 * @param concurrency The value given.
 * @param action What cannot be done with a bad value (`run the batch`, `evaluate the workflow`).
 * @throws {RangeError} `concurrency` is not a whole number from 1 to {@linkcode MAX_CONCURRENCY}.
 */
export function checkConcurrency(concurrency: number, action: string): void {
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new RangeError(
      `Cannot ${action} as concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}: got "${concurrency}"`,
    );
  }
}
