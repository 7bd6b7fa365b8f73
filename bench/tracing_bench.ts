/**
 * Target 1: tracing overhead of a 10-node mock workflow (untraced, traced into SQLite with
 * synchronous and with asynchronous logging), and the cost of the SQLite sink per bundle and
 * per span.
 *
 * The mock model waits `TRACING_LATENCY_MS` (5) ms per call on a real timer: with a model that
 * answers instantly, "overhead" would compare tracing against LangGraph's bookkeeping alone,
 * which no real workflow has. Runs use `artifact_level: standard` (the default), so a traced run
 * also writes its 23 artifact files.
 *
 * @module
 */
import { SqliteSink } from "../src/tracking/sqlite/sqlite_sink.ts";
import { SqliteWorkerSink } from "../src/tracking/sqlite/sqlite_worker_sink.ts";
import type { TraceSink } from "../src/tracking/trace_bundle.ts";
import { recordBundle, withFreshTraceId } from "./_bundles.ts";
import { SCENARIO_NODES, TRACING_LATENCY_MS, tracingScenario } from "./_scenarios.ts";

/** Iterations of each workflow benchmark. */
const RUNS = 60;

const dir = await Deno.makeTempDir({ prefix: "bench_tracing_" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

const scenario = await tracingScenario(dir);
const group = `tracing overhead (${SCENARIO_NODES} nodes, ${TRACING_LATENCY_MS} ms model)`;

Deno.bench({
  name: "untraced",
  group,
  baseline: true,
  n: RUNS,
  warmup: 5,
  fn: scenario.untraced,
});

Deno.bench({
  name: "traced into SQLite, sync logging",
  group,
  n: RUNS,
  warmup: 5,
  fn: scenario.sync,
});

Deno.bench({
  name: "traced into SQLite, async logging",
  group,
  n: RUNS,
  warmup: 5,
  fn: scenario.async,
});

Deno.bench({
  name: "traced into SQLite, sync logging, sink in a worker",
  group,
  n: RUNS,
  warmup: 5,
  fn: scenario.syncWorker,
});

Deno.bench({
  name: "traced into SQLite, async logging, sink in a worker",
  group,
  n: RUNS,
  warmup: 5,
  fn: scenario.asyncWorker,
});

// Small bundles (10 nodes: 21 spans) and large ones (50 nodes: 101 spans); the difference gives
// the cost of one more span, the large one the throughput.
const bundles = {
  small: await recordBundle(10, "minimal"),
  large: await recordBundle(50, "minimal"),
  standard: await recordBundle(10, "standard"),
};
await Deno.mkdir(`${dir}/sink`);
await Deno.mkdir(`${dir}/worker_sink`);
const sinks: Record<string, TraceSink> = {
  SqliteSink: await SqliteSink.open(`${dir}/sink/mlflow.db`, {
    artifactRoot: `${dir}/sink/mlruns`,
  }),
  SqliteWorkerSink: await SqliteWorkerSink.open(`${dir}/worker_sink/mlflow.db`, {
    artifactRoot: `${dir}/worker_sink/mlruns`,
  }),
};

for (const [sinkName, sink] of Object.entries(sinks)) {
  for (
    const [key, label] of [
      ["small", "21 spans"],
      ["large", "101 spans"],
      ["standard", "21 spans + 23 artifact files"],
    ] as const
  ) {
    Deno.bench({
      name: `${sinkName}.deliver(), one bundle of ${label}`,
      group: `sqlite sink: ${sinkName}`,
      baseline: key === "small",
      warmup: 10,
      n: 200,
      fn: async (b) => {
        const bundle = withFreshTraceId(bundles[key]);
        b.start();
        await sink.deliver(bundle);
        b.end();
      },
    });
  }
}

// Opening a sink on an existing database: the worker sink starts a worker (its own isolate,
// which loads the sink's modules) before the first bundle; `run` pays it once per process.
for (
  const [sinkName, open] of [
    ["SqliteSink", (path: string) => SqliteSink.open(path)],
    ["SqliteWorkerSink", (path: string) => SqliteWorkerSink.open(path)],
  ] as const
) {
  Deno.bench({
    name: `${sinkName}.open() and close() on an existing database`,
    group: "sink open",
    baseline: sinkName === "SqliteSink",
    warmup: 3,
    n: 30,
    fn: async () => {
      const sink = await open(`${dir}/sink/mlflow.db`);
      await sink.close();
    },
  });
}
