/**
 * The report reads back what the tracker's own SQLite sink writes (the shared conventions: the
 * trace's workflow tag, cost metadata and unpriced-models tag, `configurable_agents.priced_as`),
 * for a trace recorded alone (a single run) and one with its own run (`run_per_execution`).
 */
import { SqliteSink } from "../../../src/tracking/sqlite/sqlite_sink.ts";
import type { SpanRecord, TraceBundle } from "../../../src/tracking/trace_bundle.ts";
import { buildCostReport } from "../../../src/tracking/report/cost_report.ts";
import { buildSpanTree } from "../../../src/tracking/report/span_tree.ts";
import { listTraces } from "../../../src/tracking/report/trace_list.ts";
import { openSqliteReader } from "../../../src/tracking/report/sqlite_reader.ts";
import { assert, assertEquals, assertStrictEquals } from "../../_helpers/assert.ts";

const NOW = Date.parse("2026-11-27T12:00:00Z");

function span(
  id: string,
  parent: string | null,
  name: string,
  type: string,
  offsetMs: number,
  attributes: Record<string, unknown> = {},
): SpanRecord {
  const start = BigInt(NOW + offsetMs) * 1_000_000n;
  return {
    traceId: "ab".repeat(16),
    spanId: id.repeat(16).slice(0, 16),
    parentSpanId: parent === null ? null : parent.repeat(16).slice(0, 16),
    name,
    startTimeUnixNano: start,
    endTimeUnixNano: start + 5_000_000n,
    status: { code: "OK", message: "" },
    attributes: { "mlflow.spanType": type, ...attributes },
    events: [],
  };
}

function bundle(traceHex: string, options: { unpriced: boolean; withRun: boolean }): TraceBundle {
  const usage = { input_tokens: 12, output_tokens: 30, total_tokens: 42 };
  const spans = [
    span("1", null, "workflow_demo", "AGENT", 0),
    span("2", "1", "write", "CHAIN", 1),
    span("3", "2", "MockChatModel", "CHAT_MODEL", 2, {
      "mlflow.chat.tokenUsage": usage,
      "mlflow.llm.provider": "mock",
      "mlflow.llm.model": "gpt-4o-mini",
      "configurable_agents.priced_as": options.unpriced ? "openai/gpt-x" : "openai/gpt-4o-mini",
      ...(options.unpriced
        ? {}
        : { "mlflow.llm.cost": { input_cost: 1.8e-6, output_cost: 1.8e-5, total_cost: 1.98e-5 } }),
    }),
  ].map((s) => ({ ...s, traceId: traceHex }));
  const cost = options.unpriced ? Number.NaN : 1.98e-5;
  const traced: TraceBundle = {
    version: 1,
    trackingUri: "sqlite:///mlflow.db",
    experimentName: "configurable_agents",
    trace: {
      traceId: `tr-${traceHex}`,
      requestTimeMs: NOW,
      executionTimeMs: 10,
      state: "OK",
      requestPreview: "{}",
      responsePreview: "{}",
      metadata: {
        "mlflow.trace_schema.version": "3",
        "mlflow.trace.tokenUsage": JSON.stringify(usage),
        ...(options.unpriced ? {} : {
          "mlflow.trace.cost":
            '{"input_cost": 1.8e-06, "output_cost": 1.8e-05, "total_cost": 1.98e-05}',
        }),
      },
      tags: {
        "mlflow.traceName": "workflow_demo",
        "configurable_agents.workflow": "demo",
        ...(options.unpriced ? { "configurable_agents.cost_unknown_models": "openai/gpt-x" } : {}),
      },
      spans,
    },
  };
  if (!options.withRun) return traced;
  traced.run = {
    runName: "demo-run",
    startTimeMs: NOW,
    endTimeMs: NOW + 10,
    status: "FINISHED",
    params: {
      workflow_name: "demo",
      workflow_version: "1",
      provider: "openai",
      model: "gpt-4o-mini",
    },
    metrics: {
      total_cost_usd: cost,
      total_input_tokens: 12,
      total_output_tokens: 30,
      total_tokens: 42,
      duration_seconds: 0.01,
      node_count: 1,
      status: 1,
      node_write_duration_ms: 5,
      node_write_cost_usd: cost,
    },
    tags: {
      "mlflow.runName": "demo-run",
      "configurable_agents.trace_id": `tr-${traceHex}`,
      ...(options.unpriced ? { "configurable_agents.cost_unknown_models": "openai/gpt-x" } : {}),
    },
    artifacts: [],
  };
  return traced;
}

Deno.test("buildCostReport() reads back what the tracker's SqliteSink writes", async () => {
  const dir = await Deno.makeTempDir();
  const sink = await SqliteSink.open(`${dir}/mlflow.db`, { artifactRoot: `${dir}/mlruns` });
  await sink.deliver(bundle("ab".repeat(16), { unpriced: false, withRun: false }));
  await sink.deliver(bundle("cd".repeat(16), { unpriced: true, withRun: true }));
  await sink.close();
  const reader = openSqliteReader(`${dir}/mlflow.db`);
  try {
    const byWorkflow = await buildCostReport(reader, { now: NOW });
    assertEquals(byWorkflow.totals.runs, 2);
    assertEquals(byWorkflow.totals.totalTokens, 84);
    assertStrictEquals(byWorkflow.totals.costUsd, undefined);
    assertEquals(byWorkflow.totals.knownCostUsd, 1.98e-5);
    assertEquals(byWorkflow.unpricedModels, ["openai/gpt-x"]);
    const byModel = await buildCostReport(reader, { by: "model", now: NOW });
    assertEquals(
      byModel.rows.map((row) => [row.group, row.runs, row.costUsd]),
      [["openai/gpt-4o-mini (mock)", 1, 1.98e-5], ["openai/gpt-x (mock)", 1, undefined]],
    );
    const byNode = await buildCostReport(reader, { by: "node", now: NOW });
    assertEquals(byNode.rows.map((row) => [row.group, row.runs, row.totalTokens]), [[
      "write",
      2,
      84,
    ]]);
    assertStrictEquals(byNode.rows[0]?.costUsd, undefined);
    const traces = await listTraces(reader);
    assertEquals(traces.map((t) => t.costUsd).sort(), [1.98e-5, undefined]);
    const trace = await reader.readTrace(`tr-${"ab".repeat(16)}`);
    assert(trace);
    const [root] = buildSpanTree(trace);
    assertEquals(root?.children[0]?.children[0]?.llm?.pricedAs, "openai/gpt-4o-mini");
    assertEquals(root?.costUsd, 1.98e-5);
  } finally {
    await reader.close();
    await Deno.remove(dir, { recursive: true });
  }
});
