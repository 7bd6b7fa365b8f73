/**
 * Our one retry loop for model requests (the LangChain classes and SDKs never retry on their
 * own: `createChatModel` turns their retries off).
 *
 * @module
 */
import { abortableSleep, type Sleep } from "./_abortable_sleep.ts";
import {
  classifyProviderError,
  type ClassifyProviderErrorOptions,
  type ProviderErrorInfo,
  type ProviderErrorKind,
} from "./classify_provider_error.ts";
import { LlmRequestError } from "./llm_request_error.ts";

/** What {@linkcode RetryWithBackoffOptions.onRetry} is told before each wait. */
export interface RetryInfo {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  /** Milliseconds about to be waited before the next attempt. */
  delayMs: number;
  /** The error of the failed attempt. */
  error: unknown;
  /** Its kind, as the classifier found it. */
  kind: ProviderErrorKind;
  /** The HTTP status of its answer, when it had one. */
  status?: number;
  /** The wait the provider asked for (`Retry-After`), when it said. */
  retryAfterMs?: number;
}

/** Options of {@linkcode retryWithBackoff}. */
export interface RetryWithBackoffOptions {
  /** Extra attempts after the first: 0 makes exactly one attempt. A non-negative integer. */
  maxRetries: number;
  /**
   * Cancels the attempts and the waits; pass the same signal the call itself gets.
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * Backoff of the first retry, doubled for each later one, in milliseconds.
   * @default 500
   */
  baseDelayMs?: number;
  /**
   * Longest wait between attempts, in milliseconds; also the longest `Retry-After` honoured.
   * @default 30000
   */
  maxDelayMs?: number;
  /**
   * Waits between attempts; must reject when the signal aborts.
   * @default a timer cleared on abort
   */
  sleep?: Sleep;
  /**
   * A number in [0, 1), for the jitter.
   * @default Math.random
   */
  random?: () => number;
  /**
   * Tells whether an error is worth another attempt.
   * @default classifyProviderError
   */
  classify?: (error: unknown, options?: ClassifyProviderErrorOptions) => ProviderErrorInfo;
  /**
   * Called before each wait (for logs and spans).
   * @default undefined
   */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Current time in epoch milliseconds, to read a `Retry-After` HTTP date.
   * @default Date.now
   */
  now?: () => number;
  /**
   * The node the request is for, recorded on the error.
   * @default undefined
   */
  nodeId?: string;
}

/**
 * Calls `fn` until it succeeds, retrying the failures that `classify` calls retryable with
 * exponential backoff and full jitter: before retry `n` (1-based) it waits a random time in
 * `[0, min(maxDelayMs, baseDelayMs * 2^(n-1)))`.
 *
 * A `Retry-After` the provider sends (seconds, HTTP date, `retry-after-ms`, Google's
 * `retryDelay`) is honoured: the wait is at least that long. When the provider asks for a wait
 * longer than `maxDelayMs`, retrying stops at once, since an earlier attempt would be refused
 * again and a longer wait would break the caller's time budget.
 *
 * It stops at once on an error that is not retryable, and on abort: when `signal` aborts
 * (during an attempt or a wait) it rethrows the signal's reason, so the caller can tell its own
 * timeout from a provider failure. Every other failure ends in an {@linkcode LlmRequestError}
 * (`LLM_REQUEST_FAILED`) that records the attempts made and has the last error as `cause`.
 *
 * @example Usage
 * ```ts
 * import { retryWithBackoff } from "./retry_with_backoff.ts";
 * const waits: number[] = [];
 * const result = await retryWithBackoff(async (attempt) => {
 *   if (attempt < 3) throw Object.assign(new Error("Service unavailable"), { status: 503 });
 *   return `answered on attempt ${attempt}`;
 * }, { maxRetries: 3, random: () => 0.5, sleep: async (ms) => { waits.push(ms); } });
 * if (result !== "answered on attempt 3" || waits.join() !== "250,500") throw new Error();
 * ```
 *
 * @typeParam T What `fn` resolves to.
 * @param fn One attempt; it is given the attempt number (1 for the first).
 * @param options Retries, backoff, signal and the injected clock, sleep and randomness.
 * @returns What the first successful attempt resolved to.
 * @throws {RangeError} When `maxRetries`, `baseDelayMs` or `maxDelayMs` is invalid.
 * @throws {LlmRequestError} When the last attempt failed or a failure was not retryable.
 */
export async function retryWithBackoff<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryWithBackoffOptions,
): Promise<T> {
  const {
    maxRetries,
    signal,
    baseDelayMs = 500,
    maxDelayMs = 30_000,
    sleep = abortableSleep,
    random = Math.random,
    classify = classifyProviderError,
    onRetry,
    now = Date.now,
    nodeId,
  } = options;
  checkOptions(maxRetries, baseDelayMs, maxDelayMs);
  for (let attempt = 1;; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      signal?.throwIfAborted();
      const info = classify(error, signal === undefined ? { now } : { signal, now });
      const failure = {
        attempts: attempt,
        kind: info.kind,
        status: info.status,
        nodeId,
        cause: error,
      };
      if (!info.retryable || attempt > maxRetries) throw new LlmRequestError(failure);
      if (info.retryAfterMs !== undefined && info.retryAfterMs > maxDelayMs) {
        throw new LlmRequestError({ ...failure, reason: retryAfterTooLong(info, maxDelayMs) });
      }
      const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.max(Math.floor(random() * backoff), info.retryAfterMs ?? 0);
      onRetry?.({
        attempt,
        delayMs,
        error,
        kind: info.kind,
        ...(info.status === undefined ? {} : { status: info.status }),
        ...(info.retryAfterMs === undefined ? {} : { retryAfterMs: info.retryAfterMs }),
      });
      await sleep(delayMs, signal);
    }
  }
}

function checkOptions(maxRetries: number, baseDelayMs: number, maxDelayMs: number): void {
  if (!Number.isSafeInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(
      `Cannot retry as maxRetries must be a non-negative integer: received "${maxRetries}"`,
    );
  }
  for (const [name, value] of [["baseDelayMs", baseDelayMs], ["maxDelayMs", maxDelayMs]]) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `Cannot retry as ${name} must be a non-negative number: received "${value}"`,
      );
    }
  }
}

function retryAfterTooLong(info: ProviderErrorInfo, maxDelayMs: number): string {
  const status = info.status === undefined ? "" : ` (HTTP ${info.status})`;
  return `the provider${status} asked to wait "${info.retryAfterMs}" ms before the next attempt, longer than the "${maxDelayMs}" ms allowed`;
}
