/**
 * Abort signals of a run and of a node: each follows its parent, can time out, and aborts with
 * a reason that says which limit fired.
 *
 * @module
 */

/** Starts a timer and returns its cancel function. */
export type SetTimer = (callback: () => void, ms: number) => () => void;

/** A signal with its timer and listener; dispose it when the work ends. */
export interface AbortScope {
  /** Aborts when the parent aborts or the time is up. */
  readonly signal: AbortSignal;
  /** Stops the timer and detaches from the parent. */
  dispose(): void;
}

/** Options of {@linkcode createAbortScope}. */
export interface AbortScopeOptions {
  /** The signal this one follows. */
  parent?: AbortSignal | undefined;
  /** Turns the parent's abort reason into this scope's (default: the same reason). */
  parentReason?: (reason: unknown) => unknown;
  /** Milliseconds until the scope times out (none when `undefined`). */
  timeoutMs?: number | undefined;
  /** The abort reason when the time is up. */
  timeoutReason?: () => unknown;
  /** Starts timers. */
  setTimer: SetTimer;
}

/**
 * Creates an abort scope.
 *
 * @param options Parent, timeout and timers.
 * @returns The scope.
 */
export function createAbortScope(options: AbortScopeOptions): AbortScope {
  const { parent, parentReason = (reason) => reason, timeoutMs, timeoutReason, setTimer } = options;
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parentReason(parent?.reason));
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  const cancelTimer = timeoutMs === undefined || controller.signal.aborted
    ? () => {}
    : setTimer(() => controller.abort(timeoutReason?.()), timeoutMs);
  return {
    signal: controller.signal,
    dispose() {
      cancelTimer();
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}

/**
 * Settles with the promise, or rejects with the signal's reason as soon as it aborts (for work
 * that does not watch the signal itself).
 *
 * @param promise The work.
 * @param signal The signal.
 * @returns The work's result.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * The default timer: `setTimeout`/`clearTimeout`.
 *
 * @param callback Called when the time is up.
 * @param ms Milliseconds.
 * @returns Cancels the timer.
 */
export function defaultSetTimer(callback: () => void, ms: number): () => void {
  const id = setTimeout(callback, ms);
  return () => clearTimeout(id);
}
