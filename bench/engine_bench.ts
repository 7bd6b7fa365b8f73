/**
 * Target 4: the engine against a hand-written LangGraph.js graph doing the same mock calls.
 * With an instant mock model the comparison is pure overhead (the strictest case); with a
 * 5 ms model it is what a run feels like. `ratios.ts` measures the same pairs interleaved.
 *
 * @module
 */
import { engineScenario, SCENARIO_NODES } from "./_scenarios.ts";

for (const latencyMs of [0, 5]) {
  const group = `engine vs LangGraph (${SCENARIO_NODES} nodes, ${latencyMs} ms model)`;
  const scenario = engineScenario(latencyMs);
  const runs = latencyMs === 0 ? 300 : 60;
  Deno.bench({
    name: `hand-written LangGraph graph, ${latencyMs} ms model`,
    group,
    baseline: true,
    n: runs,
    warmup: 20,
    fn: scenario.hand,
  });
  Deno.bench({
    name: `engine, ${latencyMs} ms model`,
    group,
    n: runs,
    warmup: 20,
    fn: scenario.engine,
  });
}
