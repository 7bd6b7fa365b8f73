/**
 * A pool of workers that take items from one source until it is done, for `runBatch`.
 *
 * @module
 */

/** Options of {@linkcode runWorkerPool}. */
export interface WorkerPoolOptions {
  /** The most workers at once. */
  size: number;
  /** Once aborted, no worker takes another item. */
  signal: AbortSignal;
  /** Called when a worker fails (`take` or `work` threw), before the others have ended. */
  onFailure: () => void;
  /**
   * Slots a worker holds while it takes and works on an item, fewer than `size` at times (the
   * batch's adaptive concurrency); `acquire` must resolve once `signal` aborts.
   *
   * @default {every worker works at once}
   */
  slots?: {
    acquire(signal: AbortSignal): Promise<void>;
    release(): void;
  };
}

/**
 * Runs up to `size` workers, each taking the next item and working on it until the source is
 * done. Workers start one at a time, each when the last one started has taken an item, so
 * there are never more workers than items: one item starts one worker, a lazy source is not
 * asked for more items than there are workers to take them, and `size` costs nothing where
 * items are few.
 *
 * @param take Gives the next item (calls must not overlap: serialise them).
 * @param work Works on one item.
 * @param options Size, signal and failure callback.
 * @returns When every worker has ended.
 * @throws {unknown} The first error a worker met, once every worker has ended.
 */
export async function runWorkerPool<T>(
  take: () => Promise<IteratorResult<T>>,
  work: (item: T) => Promise<void>,
  options: WorkerPoolOptions,
): Promise<void> {
  const { size, signal, onFailure, slots } = options;
  const workers: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  const start = () => {
    workers.push(
      worker().catch((error) => {
        failure ??= { error };
        onFailure();
      }),
    );
  };
  const worker = async () => {
    while (!signal.aborted) {
      await slots?.acquire(signal);
      try {
        if (signal.aborted) return;
        const next = await take();
        if (next.done || signal.aborted) return;
        // This worker has an item: the next one may exist too, so let another worker wait for it.
        if (workers.length < size) start();
        await work(next.value);
      } finally {
        slots?.release();
      }
    }
  };
  start();
  // Workers are started by workers: wait until the last one started has ended.
  for (let index = 0; index < workers.length; index++) await workers[index];
  if (failure) throw failure.error;
}
