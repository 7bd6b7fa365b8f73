import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { buildCostReport } from "../../../src/tracking/report/cost_report.ts";
import { buildSpanTree } from "../../../src/tracking/report/span_tree.ts";
import { openSqliteReader } from "../../../src/tracking/report/sqlite_reader.ts";
import { isWorkflowError } from "../../../src/errors.ts";
import { assert, assertEquals, assertStrictEquals, assertThrows } from "../../_helpers/assert.ts";
import { datasetFile, NOW } from "./_dataset.ts";

const GOLDEN = new URL("../../fixtures/mlflow/golden-trace-rows.json", import.meta.url);
const GOLDEN_TRACE = "tr-89d9ba1822e0a3e4e7aeb75c9d868c9d";
const GOLDEN_RUN = "87078971f838452ab261b48d9bd29c7c";

/**
 * A 3.11.1 database holding the rows MLflow itself wrote (golden-trace-rows.json), plus the
 * workflow tag of the trace.
 */
async function goldenDb(): Promise<{ path: string; dir: string }> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/golden.db`;
  const db = new DatabaseSync(path);
  db.exec(
    await Deno.readTextFile(new URL("../../fixtures/mlflow/mlflow-3.11.1.sql", import.meta.url)),
  );
  // Nanosecond times exceed double precision: read them as text, insert them as bigint.
  const text = (await Deno.readTextFile(GOLDEN)).replace(/("\w+_unix_nano": )(\d+)/g, '$1"$2"');
  const rows = JSON.parse(text) as Record<
    string,
    Record<string, unknown>[]
  >;
  for (const [table, entries] of Object.entries(rows)) {
    for (const entry of entries) {
      const columns = Object.keys(entry).filter((column) => column !== "duration_ns");
      const values = columns.map((column) => {
        const value = entry[column];
        return column.endsWith("_unix_nano") && typeof value === "string"
          ? BigInt(value)
          : value as SQLInputValue;
      });
      db.prepare(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${
          columns.map(() => "?").join(", ")
        })`,
      ).run(...values);
    }
  }
  // The tag this toolkit gives the trace of every workflow run (MLflow's client wrote the rest).
  db.prepare("INSERT INTO trace_tags (key, value, request_id) VALUES (?, ?, ?)")
    .run("configurable_agents.workflow", "demo", GOLDEN_TRACE);
  db.close();
  return { path, dir };
}

Deno.test("openSqliteReader() reads the run and trace MLflow itself wrote", async () => {
  const { path, dir } = await goldenDb();
  const reader = openSqliteReader(path);
  try {
    assertEquals(await reader.listExperiments(), [
      { experimentId: "0", name: "Default" },
      { experimentId: "1", name: "golden" },
    ]);
    const [run, ...others] = await reader.readRuns({});
    assertEquals(others, []);
    assertEquals(run?.runId, GOLDEN_RUN);
    assertEquals(run?.params, { workflow_name: "demo", provider: "openai", model: "gpt-4o-mini" });
    assertEquals(run?.metrics, { total_tokens: 42, total_cost_usd: 1.98e-5 });
    assertEquals(run?.status, "FINISHED");
    const [info] = await reader.readTraceInfos({ runId: GOLDEN_RUN, limit: 5 });
    assertEquals(info?.traceId, GOLDEN_TRACE);
    assertEquals(info?.tags["mlflow.traceName"], "workflow_demo");
    const trace = await reader.readTrace(GOLDEN_TRACE);
    assert(trace);
    assertEquals(trace.spans.length, 5);
    const chat = trace.spans.find((span) => span.name === "ChatOpenAI");
    // Base64 ids of the stored JSON come back as hex; JSON-string attributes as values.
    assertEquals(chat?.spanId, "d42958132865d6d7");
    assertEquals(chat?.parentSpanId, "bbbd20a23d71ef01");
    assertEquals(chat?.traceId, "89d9ba1822e0a3e4e7aeb75c9d868c9d");
    assertEquals(chat?.startTimeUnixNano, 1795758413115799557n);
    assertEquals(chat?.attributes["mlflow.spanType"], "CHAT_MODEL");
    assertEquals(chat?.attributes["mlflow.chat.tokenUsage"], {
      input_tokens: 12,
      output_tokens: 30,
      total_tokens: 42,
    });
    const review = trace.spans.find((span) => span.name === "review");
    assertEquals(review?.status, {
      code: "ERROR",
      message: "ValueError: model returned invalid JSON",
    });
    assertEquals(review?.events[0]?.attributes["exception.type"], "ValueError");
    const root = trace.spans.find((span) => span.parentSpanId === null);
    assertEquals(root?.attributes.node_count, 2);

    const [tree] = buildSpanTree(trace);
    assertEquals(tree?.name, "workflow_demo");
    assertEquals(tree?.children.map((child) => child.name), ["write", "review"]);
    assertEquals(tree?.usage.total_tokens, 42);
    assertEquals(tree?.costUsd, 1.98e-5);
    assertEquals(tree?.children[1]?.error, "ValueError: model returned invalid JSON");

    const byModel = await buildCostReport(reader, { by: "model", now: NOW });
    assertEquals(
      byModel.rows.map((row) => [row.group, row.inputTokens, row.outputTokens, row.costUsd]),
      [["openai/gpt-4o-mini", 12, 30, 1.98e-5]],
    );
    assertEquals(byModel.totals.costUsd, 1.98e-5);
  } finally {
    await reader.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openSqliteReader() reads NaN metrics as NaN and skips runs of other tools", async () => {
  await using data = await datasetFile("3.10");
  const { runs } = data;
  const reader = data.reader();
  {
    const all = await reader.readRuns({});
    assertEquals(all.length, 5);
    assert(!all.some((run) => run.runId === "f".repeat(32)));
    assertEquals(
      all.map((run) => run.startTimeMs),
      [...all.map((run) => run.startTimeMs)].sort().reverse(),
    );
    const [unpriced] = await reader.readRuns({ runIds: [runs.summaryUnpriced.runId] });
    assert(Number.isNaN(unpriced?.metrics.total_cost_usd));
    assertEquals(unpriced?.tags["configurable_agents.cost_unknown_models"], "openai/gpt-99");
    assertEquals(await reader.readRuns({ runIds: [] }), []);
    assertEquals((await reader.readRuns({ experimentIds: ["2"] })).length, 1);
    assertEquals(
      (await reader.readRuns({ statuses: ["KILLED"] }))[0]?.runId,
      runs.summaryKilledUntagged.runId,
    );
    assertStrictEquals(await reader.readTrace("tr-00000000000000000000000000000000"), undefined);
    const newest = await reader.readTraceInfos({ limit: 2 });
    assertEquals(newest.map((info) => info.traceId), [
      runs.summaryKilledUntagged.traceId,
      runs.articleToday.traceId,
    ]);
    assertEquals((await reader.readTraceInfos({ experimentIds: ["2"], limit: 10 })).length, 1);
  }
});

Deno.test("openSqliteReader() leaves the database unchanged", async () => {
  await using data = await datasetFile("3.9.0");
  const before = await Deno.readFile(`${data.dir}/mlflow.db`);
  await buildCostReport(data.reader(), { by: "node", now: NOW });
  await data.reader().close();
  assertEquals(await Deno.readFile(`${data.dir}/mlflow.db`), before);
});

Deno.test("openSqliteReader() refuses a file that is not an MLflow database", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/other.db`;
  const db = new DatabaseSync(path);
  db.exec("CREATE TABLE runs (x)");
  db.close();
  const error = assertThrows(
    () => openSqliteReader(path),
    Error,
    `Cannot read "${path}" as it is not an MLflow tracking database: table "experiments", "params"`,
  );
  assert(isWorkflowError(error) && error.code === "TRACKING_UNAVAILABLE");
  await Deno.writeTextFile(`${dir}/text.db`, "not a database at all, just text");
  assertThrows(
    () => openSqliteReader(`${dir}/text.db`),
    Error,
    `Cannot open "${dir}/text.db" as an SQLite database: file is not a database`,
  );
  await Deno.remove(dir, { recursive: true });
});
