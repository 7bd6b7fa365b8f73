/**
 * Target 3: a batch of 1000 inputs, 50 at a time, through the 3-node benchmark workflow with a
 * 20 ms mock model, against the ideal `items / concurrency x nodes x latency` (1.2 s), and
 * peak memory at 1k and at 10k items. Each batch runs in a fresh process (`_batch_child.ts`);
 * the hand-written LangGraph graph runs the 1k batch too, as the floor LangGraph sets. Prints
 * one JSON object.
 *
 *   deno run --allow-read --allow-write --allow-env --allow-run=deno bench/batch.ts
 *
 * @module
 */
import type { BatchReport } from "./_results_json.ts";

const CONCURRENCY = 50;
const LATENCY_MS = 20;
const NODES = 3;

async function batch(mode: "engine" | "hand", items: number): Promise<BatchReport> {
  const child = new Deno.Command("deno", {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--v8-flags=--expose-gc",
      new URL("./_batch_child.ts", import.meta.url).pathname,
      mode,
      String(items),
      String(CONCURRENCY),
      String(LATENCY_MS),
      String(NODES),
    ],
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await child.output();
  const text = new TextDecoder().decode(stdout).trim();
  if (code !== 0) {
    throw new Error(
      `Cannot measure the ${mode} batch of ${items} items as its process failed: ${
        new TextDecoder().decode(stderr)
      }`,
    );
  }
  return JSON.parse(text.split("\n").at(-1) ?? "{}") as BatchReport;
}

const ideal = (items: number) => items / CONCURRENCY * NODES * LATENCY_MS;
const runs: BatchReport[] = [];
for (const [mode, items] of [["engine", 1000], ["hand", 1000], ["engine", 10_000]] as const) {
  runs.push(await batch(mode, items));
}
const report = {
  concurrency: CONCURRENCY,
  latencyMs: LATENCY_MS,
  nodes: NODES,
  runs: runs.map((run) => ({
    ...run,
    idealMs: ideal(run.items),
    ratioToIdeal: run.wallMs / ideal(run.items),
  })),
};
await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(report, null, 2) + "\n"));
