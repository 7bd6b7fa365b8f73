/**
 * One batch in its own process, for `batch.ts`. Writes `<items>` lines of inputs to a JSONL
 * file, then runs them the way `run --input-file items.jsonl --concurrency <c> --mock
 * --mock-latency <ms> --no-tracking` does: `readJsonLines` streaming the file into `runBatch`
 * over the `<nodes>`-node benchmark workflow. Each result is serialised as the CLI streams it,
 * then dropped. Mode `hand` runs the same items through the hand-written LangGraph graph in a
 * pool of the same size instead: the floor LangGraph itself sets.
 *
 * Prints one JSON line: wall time and CPU time of the batch (the file written before the clock
 * starts); the resident memory, sampled every 25 ms with `Deno.memoryUsage()` (Deno grants
 * `/proc/self/status` only with `--allow-all`, so `VmHWM` is out of reach); and the live heap
 * after a full garbage collection once the batch is done (and, for batches of 5000 items or
 * more, also at 10 % and 50 % of the items), which shows whether anything is retained per item.
 *
 *   deno run --allow-read --allow-write --allow-env --v8-flags=--expose-gc \
 *     bench/_batch_child.ts <engine|hand> <items> <concurrency> <latency ms> <nodes>
 *
 * @module
 */
import process from "node:process";
import { readJsonLines } from "../src/runtime/read_json_lines.ts";
import { runBatch } from "../src/runtime/run_batch.ts";
import { linearWorkflow } from "./_fixtures.ts";
import { handWrittenGraph } from "./_hand_graph.ts";

const [mode = "engine", ...numbers] = Deno.args;
const [items = 1000, concurrency = 50, latencyMs = 20, nodes = 3] = numbers.map(Number);

const dir = await Deno.makeTempDir({ prefix: "bench_batch_" });
const file = `${dir}/items.jsonl`;
const lines: string[] = [];
for (let line = 1; line <= items; line++) {
  lines.push(JSON.stringify({ topic: `topic number ${line}` }));
}
await Deno.writeTextFile(file, lines.join("\n") + "\n");
lines.length = 0;

/** Runs the items through the hand-written graph, `concurrency` at a time. */
async function handBatch(onState: (state: unknown) => void): Promise<number> {
  const graph = handWrittenGraph(nodes, latencyMs);
  const source = readJsonLines((await Deno.open(file)).readable)[Symbol.asyncIterator]();
  const worker = async () => {
    for (let next = await source.next(); !next.done; next = await source.next()) {
      if ("error" in next.value) continue;
      onState(await graph.invoke(next.value.inputs as { topic: string }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done;
}

const samples: number[] = [];
const sampler = setInterval(() => samples.push(Deno.memoryUsage().rss), 25);
const rssBefore = Deno.memoryUsage().rss;
let outputBytes = 0;
let done = 0;
/** Peak sampled RSS when 10 %, 50 % and all of the items were done. */
const peakAt: Record<string, number> = {};
/** Live heap after a full collection at 10 % and 50 % (batches of 5000 or more) and at the end. */
const liveHeapAt: Record<string, number> = {};
const collect = (globalThis as { gc?: () => void }).gc;
function liveHeapKb(): number {
  collect?.();
  collect?.();
  return Math.round(Deno.memoryUsage().heapUsed / 1024);
}
const stream = (value: unknown): void => {
  outputBytes += JSON.stringify(value).length + 1;
  done++;
  for (const fraction of [0.1, 0.5, 1]) {
    if (done === Math.ceil(items * fraction)) {
      peakAt[`${fraction * 100}%`] = Math.round(Math.max(rssBefore, ...samples) / 1024);
      if (fraction < 1 && items >= 5000) liveHeapAt[`${fraction * 100}%`] = liveHeapKb();
    }
  }
};
const cpuBefore = process.cpuUsage();
const started = performance.now();
let succeeded: number;
if (mode === "hand") {
  succeeded = await handBatch(stream);
} else {
  const file_ = await Deno.open(file);
  const summary = await runBatch(linearWorkflow(nodes), readJsonLines(file_.readable), {
    mock: true,
    mockLatencyMs: latencyMs,
    tracker: false,
    concurrency,
    onResult: (outcome) => stream(outcome.ok ? outcome.result.state : outcome.error.message),
  });
  succeeded = summary.succeeded;
}
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
clearInterval(sampler);
samples.push(Deno.memoryUsage().rss);
liveHeapAt["100%"] = liveHeapKb();
await Deno.remove(dir, { recursive: true });
const kb = (bytes: number) => Math.round(bytes / 1024);
const report = {
  mode,
  items,
  concurrency,
  latencyMs,
  nodes,
  wallMs,
  cpuMs: (cpu.user + cpu.system) / 1000,
  succeeded,
  outputBytes,
  rssBeforeKb: kb(rssBefore),
  peakRssKb: kb(Math.max(...samples)),
  peakRssKbAtProgress: peakAt,
  liveHeapKbAtProgress: liveHeapAt,
  rssEndKb: kb(samples.at(-1) ?? 0),
  rssSamples: samples.length,
  heapUsedEndKb: kb(Deno.memoryUsage().heapUsed),
};
await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(report) + "\n"));
