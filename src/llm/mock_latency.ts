/**
 * The bound of the mock model's simulated latency, shared by the model, the run options and
 * the CLI's `--mock-latency` (a light module: no LangChain import).
 *
 * @module
 */

/**
 * Longest simulated latency of a mock model call, in milliseconds: ten minutes, far beyond
 * any demo and well below the largest timer delay (2^31 - 1 ms, about 24.8 days), which a
 * timer would silently replace with 1 ms.
 */
export const MAX_MOCK_LATENCY_MS = 600_000;
