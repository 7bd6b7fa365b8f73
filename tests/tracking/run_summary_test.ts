import { assertEquals } from "../_helpers/assert.ts";
import { costedCallOf, summarizeRun } from "../../src/tracking/run_summary.ts";
import type { SpanRecord } from "../../src/tracking/trace_bundle.ts";

let next = 0;
function span(type: string, attributes: Record<string, unknown> = {}, durationMs = 2): SpanRecord {
  next += 1;
  const start = BigInt(next) * 10_000_000n;
  return {
    traceId: "0".repeat(32),
    spanId: next.toString(16).padStart(16, "0"),
    parentSpanId: null,
    name: type,
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(durationMs * 1e6),
    status: { code: "OK", message: "" },
    attributes: { "mlflow.spanType": type, ...attributes },
    events: [],
  };
}

function call(provider: string, model: string, tokens: number, cost?: number, extra = {}) {
  return span("CHAT_MODEL", {
    "mlflow.llm.provider": provider,
    "mlflow.llm.model": model,
    "mlflow.chat.tokenUsage": {
      input_tokens: tokens,
      output_tokens: tokens,
      total_tokens: 2 * tokens,
    },
    ...(cost === undefined
      ? {}
      : { "mlflow.llm.cost": { input_cost: cost / 2, output_cost: cost / 2, total_cost: cost } }),
    ...extra,
  });
}

Deno.test("summarizeRun() totals the run's calls per node, model and provider and times its nodes", () => {
  const plan = span("CHAIN", {}, 5);
  const write1 = span("CHAIN", {}, 7);
  const write2 = span("CHAIN", {}, 11);
  const calls = [
    call("openai", "gpt-4o-mini", 10, 0.5),
    call("anthropic", "claude", 20, 1.5),
    call("openai", "gpt-4o-mini", 1, 0.25),
  ];
  const nodeIds = new Map([
    [plan.spanId, "plan"],
    [write1.spanId, "write"],
    [write2.spanId, "write"],
    [calls[0]!.spanId, "plan"],
    [calls[1]!.spanId, "write"],
    [calls[2]!.spanId, "write"],
  ]);
  const summary = summarizeRun([write2, calls[2]!, plan, write1, calls[0]!, calls[1]!], nodeIds);
  assertEquals(summary.totals.calls, 3);
  assertEquals(summary.totals.usage.total_tokens, 62);
  assertEquals(summary.totals.cost, { input_cost: 1.125, output_cost: 1.125, total_cost: 2.25 });
  assertEquals(summary.nodes, {
    plan: { executions: 1, durationMs: 5 },
    write: { executions: 2, durationMs: 18 },
  });
  assertEquals(summary.byNode.write?.cost?.total_cost, 1.75);
  assertEquals(summary.byModel["openai/gpt-4o-mini"]?.calls, 2);
  assertEquals(summary.byProvider.anthropic?.cost?.total_cost, 1.5);
  assertEquals(summary.unpricedModels, []);
});

Deno.test("summarizeRun() keeps an unpriced call's cost unknown wherever it counts, never 0", () => {
  const node = span("CHAIN");
  const priced = call("openai", "gpt-4o-mini", 10, 0.5);
  const unpriced = call("openai", "gpt-x", 10);
  const summary = summarizeRun(
    [node, priced, unpriced],
    new Map([[node.spanId, "n"], [priced.spanId, "n"], [unpriced.spanId, "n"]]),
  );
  assertEquals(summary.totals.cost, undefined);
  assertEquals(summary.totals.knownCost.total_cost, 0.5);
  assertEquals(summary.byNode.n?.cost, undefined);
  assertEquals(summary.byModel["openai/gpt-4o-mini"]?.cost?.total_cost, 0.5);
  assertEquals(summary.unpricedModels, ["openai/gpt-x"]);
});

Deno.test("costedCallOf() counts a call as the model it is priced as, and skips spans without usage", () => {
  const mock = call("mock", "gpt-4o-mini", 3, undefined, {
    "configurable_agents.priced_as": "openai/gpt-4o-mini",
    "mlflow.chat.tokenUsage": {
      input_tokens: 3,
      output_tokens: 4,
      total_tokens: 7,
      cache_read_input_tokens: 2,
    },
  });
  assertEquals(costedCallOf(mock, "n"), {
    nodeId: "n",
    provider: "openai",
    model: "gpt-4o-mini",
    usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7, cache_read_input_tokens: 2 },
    cost: undefined,
  });
  assertEquals(costedCallOf(span("CHAT_MODEL"), "n"), undefined);
});
