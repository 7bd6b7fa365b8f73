/**
 * A provider call that fails has a known price and no tokens: `report costs --by model` names
 * the node's configured model (never the client class) and does not call it unpriced.
 */
import { WorkflowError } from "../../../src/errors.ts";
import { buildCostReport } from "../../../src/tracking/report/cost_report.ts";
import { openSqliteReader } from "../../../src/tracking/report/sqlite_reader.ts";
import { llmCallOf } from "../../../src/tracking/span_llm_call.ts";
import { SqliteSink } from "../../../src/tracking/sqlite/sqlite_sink.ts";
import { assertEquals, assertRejects } from "../../_helpers/assert.ts";
import {
  answer,
  httpError,
  loadWorkflow,
  runOnce,
  ScriptedChatModel,
  testDeps,
} from "../../engine/_fakes.ts";
import { memorySink, syncTracker } from "../_helpers.ts";

const NOW = Date.parse("2026-11-27T12:00:00Z");

function workflow(provider: "google" | "mock") {
  return loadWorkflow({
    schema_version: "1.0",
    flow: { name: "failing" },
    state: { fields: { topic: { type: "str", required: true }, summary: { type: "str" } } },
    nodes: [{ id: "write", prompt: "Write about {topic}", outputs: ["summary"] }],
    edges: [{ from: "START", to: "write" }, { from: "write", to: "END" }],
    config: { llm: { provider, model: "gemini-2.5-flash-lite" } },
  });
}

Deno.test("report costs --by model prices a failed call as its node's model, at zero tokens", async () => {
  const delivery = memorySink();
  const tracker = syncTracker(delivery, { mlflow: {}, now: () => NOW });
  const model = new ScriptedChatModel({ steps: [httpError(400, "bad request")] });
  await assertRejects(
    () =>
      runOnce(workflow("google"), { topic: "tide pools" }, {
        deps: testDeps({ model, now: () => NOW }),
        tracer: tracker,
      }),
    WorkflowError,
  );
  await tracker.close();
  const [bundle] = delivery.bundles;
  const failed = bundle!.trace.spans.find((span) =>
    span.attributes["mlflow.spanType"] === "CHAT_MODEL"
  );
  assertEquals(failed?.status.code, "ERROR");
  assertEquals(llmCallOf(failed!), {
    provider: "google",
    model: "gemini-2.5-flash-lite",
    pricedAs: "google/gemini-2.5-flash-lite",
    usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
    cost: { input_cost: 0, output_cost: 0, total_cost: 0 },
  });
  assertEquals(bundle!.trace.tags["configurable_agents.cost_unknown_models"], undefined);

  const dir = await Deno.makeTempDir();
  try {
    const sink = await SqliteSink.open(`${dir}/mlflow.db`, { artifactRoot: `${dir}/mlruns` });
    await sink.deliver(bundle!);
    await sink.close();
    const reader = openSqliteReader(`${dir}/mlflow.db`);
    try {
      const byModel = await buildCostReport(reader, { by: "model", now: NOW });
      assertEquals(
        byModel.rows.map((row) => [row.group, row.calls, row.totalTokens, row.costUsd]),
        [["google/gemini-2.5-flash-lite", 1, 0, 0]],
      );
      assertEquals(byModel.unpricedModels, []);
    } finally {
      await reader.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a mock call's span names the model it stands in for from its start", async () => {
  const delivery = memorySink();
  const tracker = syncTracker(delivery, { mlflow: {}, now: () => NOW });
  await runOnce(workflow("google"), { topic: "tide pools" }, {
    deps: testDeps({ model: new ScriptedChatModel({ steps: [answer({ summary: "s" })] }) }),
    tracer: tracker,
    mock: true,
  });
  await tracker.close();
  const call = delivery.bundles[0]!.trace.spans.find((span) =>
    span.attributes["mlflow.spanType"] === "CHAT_MODEL"
  );
  assertEquals(llmCallOf(call!)?.pricedAs, "google/gemini-2.5-flash-lite");
  assertEquals(llmCallOf(call!)?.provider, "mock");
});
