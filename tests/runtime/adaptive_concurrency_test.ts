import { AdaptiveConcurrency } from "../../src/runtime/_adaptive_concurrency.ts";
import { runWorkerPool } from "../../src/runtime/_worker_pool.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";

Deno.test("AdaptiveConcurrency halves on a 429 once per episode and adds one after `limit` successes", () => {
  const changes: number[] = [];
  const slots = new AdaptiveConcurrency(16, (limit) => changes.push(limit));
  const epoch = slots.epoch;
  assert(slots.onRateLimited(epoch));
  assertEquals(slots.limit, 8);
  // Runs that started before the decrease report what the old limit did: no second halving.
  assert(!slots.onRateLimited(epoch));
  assertEquals(slots.limit, 8);
  // A run started under the new limit that is rate-limited halves it again.
  assert(slots.onRateLimited(slots.epoch));
  assertEquals(slots.limit, 4);
  for (let i = 0; i < 3; i++) slots.onSuccess();
  assertEquals(slots.limit, 4);
  slots.onSuccess();
  assertEquals(slots.limit, 5);
  for (let i = 0; i < 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 40; i++) slots.onSuccess();
  assertEquals(slots.limit, 16, "never above the batch's concurrency");
  assertEquals(slots.lowest, 4);
  assertEquals(changes.slice(0, 3), [8, 4, 5]);
  assertEquals(changes.at(-1), 16);
});

Deno.test("AdaptiveConcurrency never goes below one", () => {
  const slots = new AdaptiveConcurrency(2);
  assert(slots.onRateLimited(slots.epoch));
  assertEquals(slots.limit, 1);
  assert(!slots.onRateLimited(slots.epoch));
  assertEquals(slots.limit, 1);
});

Deno.test("AdaptiveConcurrency holds runs past the limit until a slot is given back or the signal aborts", async () => {
  const slots = new AdaptiveConcurrency(4);
  slots.onRateLimited(slots.epoch);
  await slots.acquire();
  await slots.acquire();
  let third = false;
  const waiting = slots.acquire().then(() => third = true);
  await Promise.resolve();
  assert(!third, "a third run started under a limit of 2");
  slots.release();
  await waiting;
  assertEquals(slots.active, 2);
  const stop = new AbortController();
  const held = slots.acquire(stop.signal);
  stop.abort();
  await held;
  assertEquals(slots.active, 3, "an aborted wait takes its slot at once, to give it back");
});

Deno.test("runWorkerPool() keeps to its slots while they are fewer than its workers", async () => {
  const slots = new AdaptiveConcurrency(6);
  let given = 0;
  let active = 0;
  let most = 0;
  const sizes: number[] = [];
  await runWorkerPool(
    () => Promise.resolve(given < 40 ? { done: false, value: ++given } : { done: true, value: 0 }),
    async (item) => {
      most = Math.max(most, ++active);
      sizes.push(active);
      // The tenth item is rate-limited: from then on, at most 3 at once.
      if (item === 10) slots.onRateLimited(0);
      await new Promise((resolve) => setTimeout(resolve, 1));
      active--;
    },
    { size: 6, signal: new AbortController().signal, onFailure: () => {}, slots },
  );
  assertEquals(given, 40);
  assertEquals(most, 6);
  assert(sizes.slice(16).every((size) => size <= 3), sizes.join());
});
