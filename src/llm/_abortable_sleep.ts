/**
 * The default sleep of the llm area: a timer that an {@linkcode AbortSignal} cancels.
 *
 * @module
 */

/** How the llm area waits: resolves after `ms` milliseconds, rejects when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Waits `ms` milliseconds; rejects with the signal's reason as soon as `signal` aborts (at once
 * when it already has), and clears the timer so nothing is left pending.
 *
 * @param ms Milliseconds to wait (0 or less resolves on the next tick).
 * @param signal Cancels the wait.
 * @returns A promise that resolves after the wait.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
