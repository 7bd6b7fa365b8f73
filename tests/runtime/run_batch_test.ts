import { type BatchOutcome, runBatch } from "../../src/runtime/run_batch.ts";
import { MAX_CONCURRENCY } from "../../src/runtime/batch_concurrency.ts";
import { flushTracking } from "../../src/runtime/flush_tracking.ts";
import type { BatchItem } from "../../src/runtime/read_json_lines.ts";
import { readJsonLines } from "../../src/runtime/read_json_lines.ts";
import { isWorkflowError } from "../../src/errors.ts";
import { assert, assertEquals, assertRejects } from "../_helpers/assert.ts";
import { GREETING, loaded, queryRows, tempDir } from "./_helpers.ts";

/** Items that count how many were pulled. */
function countingItems(items: BatchItem[]): { items: AsyncIterable<BatchItem>; pulled(): number } {
  let pulled = 0;
  return {
    items: (async function* () {
      for (const item of items) {
        pulled++;
        yield item;
      }
    })(),
    pulled: () => pulled,
  };
}

function names(count: number): BatchItem[] {
  return Array.from(
    { length: count },
    (_, i) => ({ line: i + 1, inputs: { name: `person ${i + 1}` } }),
  );
}

/**
 * A mock-latency sleep that holds each call until as many runs are waiting as can run at once,
 * so the test sees the real concurrency without timers.
 */
function gate(concurrency: number, total: number, finished: () => number) {
  let waiting: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    sleep: () =>
      new Promise<void>((resolve) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        waiting.push(() => {
          inFlight--;
          resolve();
        });
        if (waiting.length >= Math.min(concurrency, total - finished())) {
          const release = waiting;
          waiting = [];
          for (const done of release) done();
        }
      }),
    maxInFlight: () => maxInFlight,
  };
}

Deno.test("runBatch() runs up to `concurrency` items at once and pulls items only when a slot is free", async () => {
  const total = 10;
  const outcomes: BatchOutcome[] = [];
  const source = countingItems(names(total));
  const held = gate(3, total, () => outcomes.length);
  const summary = await runBatch(loaded(), source.items, {
    mock: true,
    mockLatencyMs: 5,
    tracker: false,
    concurrency: 3,
    deps: { sleep: held.sleep },
    onResult: (outcome) => {
      outcomes.push(outcome);
      assert(
        source.pulled() - outcomes.length <= 3,
        `${source.pulled()} pulled, ${outcomes.length} done`,
      );
    },
  });
  assertEquals(held.maxInFlight(), 3);
  assertEquals(
    outcomes.map((outcome) => outcome.line).sort((a, b) => a - b),
    names(total).map((i) => i.line),
  );
  assert(outcomes.every((outcome) => outcome.ok));
  assertEquals(summary.items, total);
  assertEquals(summary.succeeded, total);
  assertEquals(summary.failed, 0);
  assertEquals(summary.cancelled, false);
  const tokens = outcomes.reduce(
    (sum, o) => sum + (o.ok ? o.result.metadata.usage.total_tokens : 0),
    0,
  );
  assertEquals(summary.usage.total_tokens, tokens);
});

Deno.test("runBatch() reports bad lines and invalid inputs with their line numbers and goes on", async () => {
  const text = '{"name": "Ada"}\nnot json\n{"name": 5}\n{"name": "Grace"}\n';
  const outcomes: BatchOutcome[] = [];
  const summary = await runBatch(loaded(), readJsonLines(new Blob([text]).stream()), {
    mock: true,
    tracker: false,
    concurrency: 2,
    onResult: (outcome) => {
      outcomes.push(outcome);
    },
  });
  const byLine = new Map(outcomes.map((outcome) => [outcome.line, outcome]));
  assertEquals([...byLine.keys()].sort(), [1, 2, 3, 4]);
  assert(byLine.get(1)?.ok && byLine.get(4)?.ok);
  for (const line of [2, 3]) {
    const outcome = byLine.get(line);
    assert(outcome && !outcome.ok && isWorkflowError(outcome.error));
    assertEquals(outcome.error.code, "INPUT_INVALID");
  }
  assertEquals({ ...summary, usage: undefined, costUsd: undefined, knownCostUsd: undefined }, {
    items: 4,
    succeeded: 2,
    failed: 2,
    invalid: 2,
    cancelled: false,
    rateLimited: 0,
    retries: 0,
    lowestConcurrency: 2,
    usage: undefined,
    costUsd: undefined,
    knownCostUsd: undefined,
  });
});

Deno.test("runBatch() compiles once and throws a tool the run lacks before reading any item", async () => {
  const broken = loaded({
    ...GREETING,
    nodes: [{ id: "greet", prompt: "Greet {state.name}", outputs: ["greeting"], tools: ["nope"] }],
  });
  const source = countingItems(names(3));
  const error = await assertRejects(
    () => runBatch(broken, source.items, { mock: true, tracker: false }),
    Error,
  );
  assert(isWorkflowError(error) && error.code === "CONFIG_INVALID", String(error));
  assertEquals(error.diagnostics.map((d) => [d.code, d.path]), [
    ["unknown_tool", ["nodes", 0, "tools", 0]],
  ]);
  assertEquals(source.pulled(), 0);
});

Deno.test("runBatch() stops and rethrows when onResult throws", async () => {
  const source = countingItems(names(50));
  let results = 0;
  await assertRejects(
    () =>
      runBatch(loaded(), source.items, {
        mock: true,
        tracker: false,
        concurrency: 2,
        onResult: () => {
          if (++results === 3) throw new Error("output closed");
        },
      }),
    Error,
    "output closed",
  );
  assert(source.pulled() < 10, `${source.pulled()} items pulled`);
});

Deno.test("runBatch() stops reading on abort and ends the runs in flight as CANCELLED", async () => {
  const controller = new AbortController();
  const source = countingItems(names(20));
  const outcomes: BatchOutcome[] = [];
  const summary = await runBatch(loaded(), source.items, {
    mock: true,
    mockLatencyMs: 60_000,
    tracker: false,
    concurrency: 2,
    signal: controller.signal,
    deps: {
      sleep: (_ms, signal) =>
        new Promise((_, reject) => {
          signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
          queueMicrotask(() => controller.abort());
        }),
    },
    onResult: (outcome) => {
      outcomes.push(outcome);
    },
  });
  assertEquals(summary.cancelled, true);
  assert(source.pulled() <= 2, `${source.pulled()} items pulled`);
  assert(outcomes.length > 0);
  for (const outcome of outcomes) {
    assert(!outcome.ok && isWorkflowError(outcome.error) && outcome.error.code === "CANCELLED");
  }
});

Deno.test("runBatch() records every run with one tracker, in one MLflow run of the batch", async () => {
  await using dir = await tempDir();
  const db = `${dir.path}/mlflow.db`;
  const items = [...names(5), { line: 6, error: "Cannot read line 6 as it is not valid JSON" }];
  const summary = await runBatch(loaded(), items, {
    mock: true,
    concurrency: 3,
    trackingUri: `sqlite:///${db}`,
    deps: { cwd: dir.path, env: () => undefined },
    warn: (message) => {
      throw new Error(`unexpected warning: ${message}`);
    },
  });
  await flushTracking();
  assertEquals(summary.succeeded, 5);
  assertEquals(queryRows(db, "SELECT count(*) AS n FROM trace_info"), [{ n: 5 }]);
  // One run for the batch (not one per item), with its aggregates; every trace links to it.
  const runs = queryRows(db, "SELECT run_uuid, status FROM runs");
  assertEquals(runs.map((run) => run.status), ["FINISHED"]);
  const runId = String(runs[0]?.run_uuid);
  assertEquals(
    queryRows(
      db,
      "SELECT key, value FROM latest_metrics WHERE key IN ('runs', 'succeeded', 'failed') ORDER BY key",
    ),
    [{ key: "failed", value: 0 }, { key: "runs", value: 5 }, { key: "succeeded", value: 5 }],
  );
  assertEquals(
    queryRows(db, "SELECT value FROM tags WHERE key = 'configurable_agents.run_kind'"),
    [{ value: "batch" }],
  );
  assertEquals(
    queryRows(
      db,
      "SELECT DISTINCT value FROM trace_request_metadata WHERE key = 'mlflow.sourceRun'",
    ),
    [{ value: runId }],
  );
  assertEquals(
    queryRows(db, "SELECT count(*) AS n FROM entity_associations WHERE destination_id = ?", [
      runId,
    ]),
    [{ n: 5 }],
  );
  assertEquals(
    queryRows(db, "SELECT count(*) AS n FROM experiments WHERE name = 'configurable_agents'"),
    [{ n: 1 }],
  );
});

Deno.test("runBatch() checks concurrency against 1 and MAX_CONCURRENCY", async () => {
  for (const concurrency of [0, 1.5, MAX_CONCURRENCY + 1, 10_000_000]) {
    await assertRejects(
      () => runBatch(loaded(), [], { concurrency, tracker: false }),
      RangeError,
      `concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}: got "${concurrency}"`,
    );
  }
  const summary = await runBatch(loaded(), names(2), {
    concurrency: MAX_CONCURRENCY,
    mock: true,
    tracker: false,
  });
  assertEquals([summary.items, summary.succeeded], [2, 2]);
});
