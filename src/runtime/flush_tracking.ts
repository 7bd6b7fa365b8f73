/**
 * `flushTracking`: waits, bounded, for the tracking work that runs go on doing in the
 * background after `runWorkflow` returns (`async_logging`).
 *
 * @module
 */
import { flushAllDeliveries } from "../tracking/delivery/create_delivery.ts";
import { DEFAULT_CLOSE_TIMEOUT_MS, type TrackerHandle } from "./open_tracker.ts";

const background = new Set<Promise<void>>();

/**
 * Closes a tracker the runtime opened: in the background when it delivers in the background
 * (`async_logging`; {@linkcode flushTracking} waits for it), else before returning.
 *
 * @param handle The tracker.
 */
export async function closeTracker(handle: TrackerHandle): Promise<void> {
  if (!handle.async) return await handle.close();
  const kept: Promise<void> = handle.close().catch(() => {}).finally(() => background.delete(kept));
  background.add(kept);
}

/**
 * Waits until every run recorded in the background (`async_logging: true`, the default) is
 * written or spooled and its tracker closed, at most `timeoutMs`; what is still pending then
 * goes to the spool. `runWorkflow` returns without waiting for export; a script that exits
 * right after it (`Deno.exit`) should `await flushTracking()` first. The CLI calls it on
 * SIGINT/SIGTERM and before it exits. Never throws.
 *
 * @example Usage
 * ```ts
 * import { flushTracking } from "./flush_tracking.ts";
 * await flushTracking(1000); // nothing pending: returns at once
 * ```
 *
 * @param timeoutMs Longest wait, in milliseconds. @default 5000
 */
export async function flushTracking(timeoutMs: number = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
  try {
    await flushAllDeliveries(timeoutMs);
  } catch {
    // Deliveries spool what they cannot write; nothing is left to do here.
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<void>((resolve) => timer = setTimeout(resolve, timeoutMs));
  try {
    while (background.size > 0) {
      const settled = await Promise.race([
        Promise.all(background).then(() => true),
        bound.then(() => false),
      ]);
      if (!settled) return;
    }
  } finally {
    clearTimeout(timer);
  }
}
