import { runWorkerPool } from "../../src/runtime/_worker_pool.ts";
import { assertEquals, assertRejects } from "../_helpers/assert.ts";

/** A source of `count` items that counts how often it is asked, and the most asks at once. */
function source(count: number) {
  let given = 0;
  let asks = 0;
  return {
    take: (): Promise<IteratorResult<number>> => {
      asks++;
      return Promise.resolve(
        given < count ? { done: false, value: ++given } : { done: true, value: undefined },
      );
    },
    asks: () => asks,
  };
}

Deno.test("runWorkerPool() starts no more workers than there are items", async () => {
  for (const count of [0, 1, 3]) {
    const items = source(count);
    let active = 0;
    let most = 0;
    const done: number[] = [];
    await runWorkerPool(items.take, async (item) => {
      most = Math.max(most, ++active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      active--;
      done.push(item);
    }, { size: 256, signal: new AbortController().signal, onFailure: () => {} });
    assertEquals(done.sort(), Array.from({ length: count }, (_, i) => i + 1));
    assertEquals(most, count, `${count} items`);
    // Each worker asks once more than the items it took: at most items + workers asks.
    assertEquals(items.asks() <= 2 * count + 1, true, `${items.asks()} asks for ${count} items`);
  }
});

Deno.test("runWorkerPool() runs up to `size` workers at once over many items", async () => {
  const items = source(50);
  let active = 0;
  let most = 0;
  await runWorkerPool(items.take, async () => {
    most = Math.max(most, ++active);
    await new Promise((resolve) => setTimeout(resolve, 1));
    active--;
  }, { size: 4, signal: new AbortController().signal, onFailure: () => {} });
  assertEquals(most, 4);
  assertEquals(items.asks(), 50 + 4);
});

Deno.test("runWorkerPool() rethrows the first failure after every worker has ended", async () => {
  const items = source(10);
  const stop = new AbortController();
  const started: number[] = [];
  const ended: number[] = [];
  let startedAfterFailure = 0;
  await assertRejects(
    () =>
      runWorkerPool(items.take, async (item) => {
        if (stop.signal.aborted) startedAfterFailure++;
        started.push(item);
        await new Promise((resolve) => setTimeout(resolve, item));
        if (item === 2) throw new Error("item 2 broke");
        ended.push(item);
      }, { size: 3, signal: stop.signal, onFailure: () => stop.abort() }),
    Error,
    "item 2 broke",
  );
  assertEquals(stop.signal.aborted, true);
  assertEquals(startedAfterFailure, 0);
  // Every item in flight beside the failed one ended before the pool returned.
  assertEquals(ended.length, started.length - 1);
});
