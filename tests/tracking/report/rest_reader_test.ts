import { buildCostReport } from "../../../src/tracking/report/cost_report.ts";
import { createRestReader } from "../../../src/tracking/report/rest_reader.ts";
import { listTraces } from "../../../src/tracking/report/trace_list.ts";
import type { TrackingReader } from "../../../src/tracking/report/tracking_reader.ts";
import { isWorkflowError } from "../../../src/errors.ts";
import { assert, assertEquals, assertRejects, assertStrictEquals } from "../../_helpers/assert.ts";
import { datasetFile, NOW } from "./_dataset.ts";
import { FakeSearchServer, readAll } from "./_fake_search_server.ts";

/** The report dataset, read from SQLite, to be served over REST. */
async function dataset() {
  const file = await datasetFile();
  const sqlite = file.reader();
  return {
    runs: file.runs,
    data: await readAll(sqlite),
    sqlite,
    [Symbol.asyncDispose]: () => file[Symbol.asyncDispose](),
  };
}

function withoutLocation<T extends { location: string }>(report: T): Omit<T, "location"> {
  const { location: _, ...rest } = report;
  return rest;
}

Deno.test("createRestReader() gives the same reports as the SQLite file, page by page", async () => {
  await using fixture = await dataset();
  await using server = FakeSearchServer.start(fixture.data, { pageSize: 2 });
  const rest = createRestReader(server.url);
  const cases = [
    {},
    { by: "model" },
    { by: "node" },
    { by: "day" },
    { by: "week", status: "failure" },
    { by: "month", experiment: "configurable_agents" },
    { workflow: "article", period: "last_7_days" },
    { by: "model", since: "2026-11-20", until: "2026-11-27T00:00:00Z" },
  ];
  for (const options of cases) {
    const overRest = await buildCostReport(rest, { now: NOW, ...options });
    const fromFile = await buildCostReport(fixture.sqlite, { now: NOW, ...options });
    assert(fromFile.totals.runs > 0 && fromFile.rows.length > 0, JSON.stringify(options));
    assertEquals(withoutLocation(overRest), withoutLocation(fromFile), JSON.stringify(options));
  }
  // Reports read traces, page by page, never runs.
  assert(server.requestsTo("/api/3.0/mlflow/traces/search").some((r) => r.body?.page_token));
  assertEquals(server.requestsTo("/api/2.0/mlflow/runs/search"), []);
  assert(server.requestsTo("/api/2.0/mlflow/experiments/search").some((r) => r.body?.page_token));
  assertEquals(rest.location, server.url);
});

Deno.test("createRestReader() sends MLflow search filters and reads NaN metrics", async () => {
  await using fixture = await dataset();
  await using server = FakeSearchServer.start(fixture.data);
  const rest = createRestReader(server.url);
  const runs = await rest.readRuns({
    experimentIds: ["1"],
    workflow: "sum'mary",
    startedFromMs: 1000,
    startedBeforeMs: 2000,
  });
  assertEquals(runs, []);
  const [search] = server.requestsTo("/api/2.0/mlflow/runs/search");
  assertEquals(search?.body, {
    experiment_ids: ["1"],
    filter: "params.workflow_name = 'sum\\'mary' AND attributes.start_time >= 1000 AND " +
      "attributes.start_time < 2000",
    run_view_type: "ACTIVE_ONLY",
    max_results: 1000,
    order_by: ["attributes.start_time DESC"],
  });
  const [unpriced] = await rest.readRuns({ runIds: [fixture.runs.summaryUnpriced.runId] });
  assert(Number.isNaN(unpriced?.metrics.total_cost_usd));
  const report = await buildCostReport(rest, { workflow: "summary", now: NOW });
  assertStrictEquals(report.totals.costUsd, undefined);
  assertEquals(report.unpricedModels, ["openai/gpt-99"]);
});

Deno.test("createRestReader() searches traces by location and source run, and reads spans", async () => {
  await using fixture = await dataset();
  await using server = FakeSearchServer.start(fixture.data, { pageSize: 1 });
  const rest = createRestReader(server.url);
  const [info] = await rest.readTraceInfos({
    experimentIds: ["1"],
    runId: fixture.runs.summaryKilledUntagged.runId,
    limit: 10,
  });
  assertEquals(info?.traceId, fixture.runs.summaryKilledUntagged.traceId);
  const search = server.requestsTo("/api/3.0/mlflow/traces/search")[0];
  assertEquals(search?.body?.locations, [
    { type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: "1" } },
  ]);
  assertEquals(
    search?.body?.filter,
    `metadata.\`mlflow.sourceRun\` = '${fixture.runs.summaryKilledUntagged.runId}'`,
  );
  const three = await rest.readTraceInfos({ limit: 3 });
  assertEquals(three.length, 3);
  const expected = await fixture.sqlite.readTraceInfos({ limit: 3 });
  assertEquals(three.map((t) => t.traceId), expected.map((t) => t.traceId));
  assertEquals(three[0]?.requestTimeMs, expected[0]?.requestTimeMs);
  const trace = await rest.readTrace(fixture.runs.articleToday.traceId);
  const fromFile = await fixture.sqlite.readTrace(fixture.runs.articleToday.traceId);
  assertEquals(trace?.spans, fromFile?.spans);
  assertStrictEquals(await rest.readTrace("tr-ffffffffffffffffffffffffffffffff"), undefined);
  assertEquals(
    (await listTraces(rest, { limit: 2 })).map((entry) => [entry.traceId, entry.costUsd]),
    (await listTraces(fixture.sqlite, { limit: 2 })).map((entry) => [entry.traceId, entry.costUsd]),
  );
});

Deno.test("createRestReader() authenticates from MLflow's variables and hides the secret", async () => {
  await using fixture = await dataset();
  const basic = `Basic ${btoa("ann:s3cret-pw")}`;
  await using server = FakeSearchServer.start(fixture.data, { requireAuthorization: basic });
  const env = (values: Record<string, string>) => (name: string) => values[name];
  const authed = createRestReader(server.url, {
    env: env({ MLFLOW_TRACKING_USERNAME: "ann", MLFLOW_TRACKING_PASSWORD: "s3cret-pw" }),
  });
  assertEquals((await authed.listExperiments()).length, 3);
  const bearer = createRestReader(server.url, { env: env({ MLFLOW_TRACKING_TOKEN: "tok-123" }) });
  const error = await assertRejects(
    () => bearer.readRuns({}),
    Error,
    `Cannot search experiments as the MLflow tracking server at "${server.url}" answered 401`,
  );
  assert(isWorkflowError(error) && error.code === "TRACKING_UNAVAILABLE");
  assert(error.hint?.includes("MLFLOW_TRACKING_TOKEN"));
  assertEquals(server.requests.at(-1)?.authorization, "Bearer tok-123");
  assert(!error.message.includes("tok-123") && !error.message.includes("s3cret"));
});

Deno.test("createRestReader() reports an unreachable server clearly", async () => {
  const server = FakeSearchServer.start({ experiments: [], runs: [], traces: [] });
  const url = server.url;
  await server.close();
  const reader: TrackingReader = createRestReader(url);
  const error = await assertRejects(
    () => reader.listExperiments(),
    Error,
    `Cannot search experiments as the MLflow tracking server at "${url}" is unreachable`,
  );
  assert(isWorkflowError(error) && error.code === "TRACKING_UNAVAILABLE");
});

Deno.test("createRestReader() reports answers without MLflow's shape and cancelled requests", async () => {
  const answer = (body: unknown): typeof fetch => () => Promise.resolve(Response.json(body));
  const odd = createRestReader("http://mlflow.test:5000", { fetch: answer([1, 2]) });
  const shape = await assertRejects(
    () => odd.listExperiments(),
    Error,
    `Cannot search experiments as the answer of the MLflow tracking server at "http://mlflow.test:5000" does not have MLflow's shape`,
  );
  assert(isWorkflowError(shape) && shape.code === "TRACKING_UNAVAILABLE");
  const controller = new AbortController();
  controller.abort();
  const cancelled = createRestReader("http://mlflow.test:5000", {
    fetch: (_input, init) => Promise.reject(init?.signal?.reason ?? new Error("aborted")),
    signal: controller.signal,
  });
  await assertRejects(
    () => cancelled.readTrace("tr-ffffffffffffffffffffffffffffffff"),
    Error,
    'Cannot read trace "tr-ffffffffffffffffffffffffffffffff" as the request to "http://mlflow.test:5000" was cancelled',
  );
});
