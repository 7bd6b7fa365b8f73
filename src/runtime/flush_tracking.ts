/**
 * The trackers the runtime closes in the background (`async_logging`: a run returns before its
 * trace is exported), and `flushTracking`, which waits for them: the one list of pending
 * tracking work in a process.
 *
 * @module
 */
import type { MlflowTracker } from "../tracking/mlflow_tracker.ts";
import { TRACKING_FLUSH_TIMEOUT_MS } from "../tracking/delivery/delivery_queue.ts";

const closing = new Set<Promise<void>>();

/**
 * How long past its bound `flushTracking` waits for the trackers, each bounded by the same
 * timeout, to put what they could not deliver in the spool and say so: a process that exits at
 * the bound itself would cut that short and leave a delivery's claim behind, unannounced.
 */
const SPOOL_GRACE_MS = 1000;

/**
 * Closes a tracker the runtime opened: in the background when it delivers in the background
 * (`async_logging`; {@linkcode flushTracking} waits for it), else before returning.
 *
 * @param tracker The tracker.
 */
export async function closeInBackground(tracker: MlflowTracker): Promise<void> {
  if (!tracker.async) return await tracker.close();
  const closed: Promise<void> = tracker.close().catch(() => {}).finally(() =>
    closing.delete(closed)
  );
  closing.add(closed);
}

/**
 * Waits until every run recorded in the background (`async_logging: true`, the default) is
 * written or spooled and its tracker closed, at most `timeoutMs` (and a second more for the
 * trackers to spool what they could not deliver within the same bound, with their warning).
 * `runWorkflow` returns without waiting for export; a script that exits right after it
 * (`Deno.exit`) should `await flushTracking()` first. The CLI calls it before it exits. Never
 * throws.
 *
 * @example Usage
 * ```ts
 * import { flushTracking } from "@configurable-agents/core";
 * await flushTracking(1000); // nothing pending: returns at once
 * ```
 *
 * @param timeoutMs Longest wait, in milliseconds. @default 5000
 */
export async function flushTracking(timeoutMs: number = TRACKING_FLUSH_TIMEOUT_MS): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<void>((resolve) =>
    timer = setTimeout(resolve, timeoutMs + SPOOL_GRACE_MS)
  );
  try {
    while (closing.size > 0) {
      const settled = await Promise.race([
        Promise.all(closing).then(() => true),
        bound.then(() => false),
      ]);
      if (!settled) return;
    }
  } finally {
    clearTimeout(timer);
  }
}
