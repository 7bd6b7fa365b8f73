/**
 * `report costs` and `traces list` work from traces, so they count every workflow run once
 * whatever MLflow run holds its trace: a single run (no MLflow run), the runs of a batch (one
 * MLflow run with aggregate metrics), the runs of an evaluation (one evaluation run) and a run
 * with `run_per_execution` (its own MLflow run), written by the real runtime and tracker into a
 * SQLite file and onto a tracking server (the loopback fake).
 */
import { runWorkflow } from "../../../src/runtime/run_workflow.ts";
import { runBatch } from "../../../src/runtime/run_batch.ts";
import { flushTracking } from "../../../src/runtime/flush_tracking.ts";
import { isWorkflowError } from "../../../src/errors.ts";
import { SqliteSink } from "../../../src/tracking/sqlite/sqlite_sink.ts";
import { HttpSink } from "../../../src/tracking/http/http_sink.ts";
import { buildCostReport } from "../../../src/tracking/report/cost_report.ts";
import { createRestReader } from "../../../src/tracking/report/rest_reader.ts";
import { listTraces } from "../../../src/tracking/report/trace_list.ts";
import { openSqliteReader } from "../../../src/tracking/report/sqlite_reader.ts";
import type { TrackingReader } from "../../../src/tracking/report/tracking_reader.ts";
import { costOf, usageOf } from "../../../src/tracking/span_llm_call.ts";
import { FakeMlflowServer } from "../../_helpers/fake_mlflow_server.ts";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../../_helpers/assert.ts";
import { GREETING, loaded, queryRows, tempDir } from "../../runtime/_helpers.ts";
import { syncTracker } from "../_helpers.ts";
import { AGENT_VERSION, recordEvaluation } from "../_genai_fixture.ts";

const noEnv = () => undefined;
const quiet = { warn: (message: string) => void message };

/**
 * Records, into `trackingUri`: a single run, a batch of three, a run with `run_per_execution`,
 * a cancelled single run, and (through `evaluationSink`) an evaluation of two records.
 */
async function recordEverything(
  trackingUri: string,
  cwd: string,
  evaluationSink: () => Promise<SqliteSink | HttpSink>,
): Promise<void> {
  const deps = { cwd, env: noEnv };
  await runWorkflow(loaded(), { name: "Ada" }, { mock: true, trackingUri, deps, ...quiet });
  const items = ["Bo", "Cy", "Di"].map((name, i) => ({ line: i + 1, inputs: { name } }));
  const batch = await runBatch(loaded(), items, { mock: true, trackingUri, deps, ...quiet });
  assertEquals(batch.succeeded, 3);
  const perExecution = loaded(GREETING, {
    enabled: true,
    tracking_uri: trackingUri,
    run_per_execution: true,
    async_logging: false,
  });
  const own = await runWorkflow(perExecution, { name: "Ed" }, { mock: true, deps, ...quiet });
  assert(own.metadata.runId !== undefined);
  const controller = new AbortController();
  const cancelled = await assertRejects(() =>
    runWorkflow(loaded(), { name: "Flo" }, {
      mock: true,
      mockLatencyMs: 60_000,
      trackingUri,
      signal: controller.signal,
      ...quiet,
      deps: {
        ...deps,
        sleep: (_ms, signal) =>
          new Promise((_, reject) => {
            signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
            queueMicrotask(() => controller.abort());
          }),
      },
    })
  );
  assert(isWorkflowError(cancelled) && cancelled.code === "CANCELLED");
  await flushTracking();
  const tracker = syncTracker(await evaluationSink(), {
    trackingUri,
    experimentName: "evaluations",
    agentVersion: AGENT_VERSION,
  });
  await recordEvaluation(tracker);
  await tracker.close();
}

/** Checks the reports against the traces themselves, read back one by one. */
async function assertReportsCountEveryRunOnce(reader: TrackingReader): Promise<void> {
  const now = Date.now();
  const traces = await reader.readTraceInfos({});
  // 1 single + 3 batch + 1 own run + 1 cancelled + 2 evaluation records.
  assertEquals(traces.length, 8);
  const greeting = traces.filter((t) => t.tags["configurable_agents.workflow"] === "greeting");
  assertEquals(greeting.length, 6);
  const tokens = greeting.reduce(
    (sum, t) => sum + usageOf(t.metadata["mlflow.trace.tokenUsage"]).total_tokens,
    0,
  );
  assert(tokens > 0);
  const cost = greeting.reduce(
    (sum, t) => sum + (costOf(t.metadata["mlflow.trace.cost"])?.total_cost ?? 0),
    0,
  );
  assert(cost > 0);

  const byWorkflow = await buildCostReport(reader, { now });
  assertEquals(byWorkflow.totals.runs, 8);
  assertEquals(byWorkflow.totals.totalTokens, tokens);
  assertAlmostEquals(byWorkflow.totals.costUsd ?? NaN, cost, 1e-12);
  assertEquals(
    byWorkflow.rows.map((row) => [row.group, row.runs, row.totalTokens]),
    [["greeting", 6, tokens], ["capitals", 2, 0]],
  );
  // An evaluation of a workflow without LLM calls cost nothing: known, not unknown.
  assertEquals(byWorkflow.rows[1]?.costUsd, 0);

  const byModel = await buildCostReport(reader, { by: "model", now });
  assertEquals(byModel.rows.map((row) => row.group), ["openai/gpt-4o-mini (mock)"]);
  // The cancelled run's call was cut short before it answered: no tokens, no cost.
  assertEquals(byModel.rows[0]?.runs, 6);
  assertEquals(byModel.rows[0]?.totalTokens, tokens);
  assertAlmostEquals(byModel.rows[0]?.costUsd ?? NaN, cost, 1e-12);

  const byNode = await buildCostReport(reader, { by: "node", now });
  assertEquals(
    byNode.rows.map((row) => [row.group, row.runs, row.totalTokens]),
    [["greet", 6, tokens], ["answer", 2, 0]],
  );

  const failed = await buildCostReport(reader, { status: "failure", now });
  assertEquals([failed.totals.runs, failed.rows.map((row) => row.group)], [1, ["greeting"]]);
  const succeeded = await buildCostReport(reader, { status: "success", workflow: "greeting", now });
  assertEquals(succeeded.totals.runs, 5);
  const evaluations = await buildCostReport(reader, { experiment: "evaluations", now });
  assertEquals(evaluations.totals.runs, 2);
  const future = await buildCostReport(reader, {
    since: new Date(now + 60_000).toISOString(),
    now,
  });
  assertEquals(future.totals.runs, 0);

  const listed = await listTraces(reader, { limit: 20 });
  assertEquals(listed.length, 8);
  for (const entry of listed.filter((e) => e.workflow === "greeting" && e.state === "OK")) {
    const info = traces.find((t) => t.traceId === entry.traceId);
    // Each trace's own cost, never its batch run's aggregate.
    assertEquals(entry.costUsd, costOf(info?.metadata["mlflow.trace.cost"])?.total_cost);
  }
}

Deno.test("report costs and traces list count a single run, a batch, an evaluation and run_per_execution once each, in a SQLite file", async () => {
  await using dir = await tempDir();
  const db = `${dir.path}/mlflow.db`;
  await recordEverything(
    `sqlite:///${db}`,
    dir.path,
    () => SqliteSink.open(db, { artifactRoot: `${dir.path}/mlruns` }),
  );
  // Three MLflow runs: the batch's, the evaluation's and the one execution's own.
  assertEquals(queryRows(db, "SELECT count(*) AS n FROM runs"), [{ n: 3 }]);
  const reader = openSqliteReader(db);
  try {
    await assertReportsCountEveryRunOnce(reader);
  } finally {
    await reader.close();
  }
});

Deno.test("report costs and traces list count a single run, a batch, an evaluation and run_per_execution once each, on a tracking server", async () => {
  await using dir = await tempDir();
  const server = await FakeMlflowServer.start();
  try {
    await recordEverything(
      server.url,
      dir.path,
      () => Promise.resolve(new HttpSink({ trackingUri: server.url, env: noEnv })),
    );
    assertEquals(server.runs.size, 3);
    await assertReportsCountEveryRunOnce(createRestReader(server.url));
  } finally {
    await server.stop();
  }
});
