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
