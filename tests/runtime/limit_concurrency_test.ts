import { assertEquals, assertRejects } from "../_helpers/assert.ts";
import { limitConcurrency } from "../../src/runtime/_limit_concurrency.ts";

Deno.test("limitConcurrency() runs at most the limit at once, in call order, and frees a slot on failure", async () => {
  let active = 0;
  let most = 0;
  const started: number[] = [];
  const gates: PromiseWithResolvers<void>[] = [];
  const limited = limitConcurrency(async (n: number) => {
    started.push(n);
    active++;
    most = Math.max(most, active);
    const gate = Promise.withResolvers<void>();
    gates[n] = gate;
    try {
      await gate.promise;
      if (n === 1) throw new Error("judge failed");
      return n * 10;
    } finally {
      active--;
    }
  }, 2);
  const calls = [0, 1, 2, 3, 4].map((n) => limited(n));
  await Promise.resolve();
  assertEquals(started, [0, 1]);
  gates[1]?.resolve();
  await assertRejects(() => calls[1]!, Error, "judge failed");
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(started, [0, 1, 2]);
  for (const n of [0, 2, 3, 4]) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gates[n]?.resolve();
  }
  assertEquals(await Promise.all([calls[0], calls[2], calls[3], calls[4]]), [0, 20, 30, 40]);
  assertEquals(started, [0, 1, 2, 3, 4]);
  assertEquals(most, 2);
});
