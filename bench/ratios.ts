/**
 * Targets 1, 4 and 6 measured interleaved, for a verdict that load from other processes cannot
 * sway: each round runs every variant (in blocks, in rotating order), and the ratio to the
 * baseline is taken per round, then its median. Prints one JSON object.
 *
 *   deno run --allow-read --allow-write --allow-env bench/ratios.ts [tracing|engine|evaluation]...
 *
 * @module
 */
import { measureInterleaved } from "./_stats.ts";
import {
  engineScenario,
  SCENARIO_NODES,
  TRACING_LATENCY_MS,
  tracingScenario,
} from "./_scenarios.ts";
import {
  EVALUATION_LATENCY_MS,
  EVALUATION_RECORDS,
  evaluationScenario,
} from "./_evaluation_scenario.ts";

const parts = Deno.args.length > 0 ? Deno.args : ["tracing", "engine", "evaluation"];
const report: Record<string, unknown> = {};

if (parts.includes("tracing")) {
  const dir = await Deno.makeTempDir({ prefix: "bench_ratios_" });
  try {
    const scenario = await tracingScenario(dir);
    report.tracing = {
      nodes: SCENARIO_NODES,
      latencyMs: TRACING_LATENCY_MS,
      block: 4,
      variants: await measureInterleaved([
        ["untraced", scenario.untraced],
        ["sync", scenario.sync],
        ["async", scenario.async],
        ["sync, sink in a worker", scenario.syncWorker],
        ["async, sink in a worker", scenario.asyncWorker],
        ["traced, bundles dropped (no sink)", scenario.tracerOnly],
      ], { rounds: 25, block: 4 }),
    };
    const closing = performance.now();
    await scenario.close();
    report.tracingCloseMs = performance.now() - closing;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (parts.includes("engine")) {
  for (const [latencyMs, rounds] of [[0, 200], [5, 40]] as const) {
    const scenario = engineScenario(latencyMs);
    report[`engine_${latencyMs}ms`] = {
      nodes: SCENARIO_NODES,
      latencyMs,
      variants: await measureInterleaved([
        ["hand-written LangGraph", scenario.hand],
        ["engine", scenario.engine],
      ], { rounds, warmup: 10 }),
    };
  }
}

if (parts.includes("evaluation")) {
  const scenario = await evaluationScenario();
  report.evaluation = {
    records: EVALUATION_RECORDS,
    latencyMs: EVALUATION_LATENCY_MS,
    variants: await measureInterleaved([
      ["batch", scenario.batch],
      ["evaluation", scenario.evaluate],
    ], { rounds: 80, warmup: 3 }),
  };
}

await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(report, null, 2) + "\n"));
