import { BatchProgress } from "../../src/cli/_batch_progress.ts";
import { paint } from "../../src/cli/_run_format.ts";
import { WorkflowError } from "../../src/errors.ts";
import type { BatchOutcome } from "../../src/runtime/run_batch.ts";
import { assertEquals, assertStringIncludes } from "../_helpers/assert.ts";

function progress(live: boolean, total: number | undefined = 100) {
  let now = 0;
  const written: string[] = [];
  const shown = new BatchProgress({
    write: (text) => written.push(text),
    paint: paint(false),
    live,
    now: () => now,
    total,
    concurrency: 8,
  });
  return {
    shown,
    written,
    at: (ms: number) => now = ms,
  };
}

const ok = (line: number) => ({ line, ok: true }) as unknown as BatchOutcome;
const failed = (line: number): BatchOutcome => ({
  line,
  ok: false,
  error: new WorkflowError("NODE_FAILED", "boom", { phase: "execute" }),
});

Deno.test("BatchProgress counts done, failed and retrying records, with throughput and ETA", () => {
  const { shown, at } = progress(true);
  shown.onEvent(
    { type: "llm_retry", nodeId: "a", attempt: 1, delayMs: 500, kind: "rate_limit", paced: false },
    3,
  );
  shown.onEvent({
    type: "llm_retry",
    nodeId: "a",
    attempt: 1,
    delayMs: 500,
    kind: "server",
    paced: false,
  }, 4);
  for (let line = 5; line < 25; line++) shown.onResult(ok(line));
  shown.onResult(failed(25));
  at(10_000);
  shown.tick();
  // 21 records in 10 s: 2.1 a second; 79 left take about 38 s.
  assertEquals(
    shown.status(),
    "Batch: 21/100 done · 1 failed · 2 retrying · 2.10 records/s · ETA 37.6 s",
  );
  // A retried record stops retrying when its node ends or its run does.
  shown.onEvent({
    type: "node_finished",
    nodeId: "a",
    durationMs: 1,
    usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
    costUsd: 0,
  }, 3);
  shown.onResult(ok(4));
  shown.onConcurrency(4);
  assertEquals(
    shown.status(),
    "Batch: 22/100 done · 1 failed · 2.20 records/s · ETA 35.5 s · concurrency 4/8",
  );
});

Deno.test("BatchProgress measures throughput over the last 20 seconds", () => {
  const { shown, at } = progress(true, undefined);
  for (let line = 1; line <= 100; line++) shown.onResult(ok(line));
  for (let second = 1; second <= 30; second++) {
    at(second * 1000);
    shown.tick();
  }
  // Nothing ended in the last 20 s: the early burst no longer counts.
  assertStringIncludes(shown.status(), "100 done · 0.00 records/s");
});

Deno.test("BatchProgress rewrites one status line on a terminal and keeps other output above it", () => {
  const { shown, written } = progress(true);
  shown.tick();
  shown.line("✗ line 3: boom");
  shown.print(() => written.push("<stdout>\n"));
  shown.finish();
  assertEquals(written, [
    "\r\x1b[2KBatch: 0/100 done · 0.00 records/s",
    "\r\x1b[2K",
    "✗ line 3: boom\n",
    "\r\x1b[2KBatch: 0/100 done · 0.00 records/s",
    "\r\x1b[2K",
    "<stdout>\n",
    "\r\x1b[2KBatch: 0/100 done · 0.00 records/s",
    "\r\x1b[2K",
  ]);
});

Deno.test("BatchProgress prints a plain line at most every interval elsewhere, then the deliveries", () => {
  const { shown, written, at } = progress(false);
  for (const ms of [1000, 5000, 9000]) {
    at(ms);
    shown.tick();
  }
  assertEquals(written, []);
  shown.onResult(ok(1));
  at(10_000);
  shown.tick();
  at(15_000);
  shown.tick();
  assertEquals(written, ["Batch: 1/100 done · 0.10 records/s · ETA 16 min 30 s\n"]);
  let left = 7;
  shown.onDelivering(() => left);
  at(20_000);
  shown.tick();
  left = 1;
  at(30_000);
  shown.tick();
  assertEquals(written.slice(1), [
    "Delivering traces: 7 traces left\n",
    "Delivering traces: 1 trace left\n",
  ]);
});
