/**
 * A newer MLflow's upgrade of a file we wrote at the 3.9.0 schema adds `span_metrics` and
 * `spans.dimension_attributes` empty; the next open fills them for the earlier runs, as MLflow's
 * own `log_spans` fills them for new spans (compared with golden-trace-rows.json).
 */
import { DatabaseSync } from "node:sqlite";
import { assertEquals } from "../../_helpers/assert.ts";
import { SqliteSink } from "../../../src/tracking/sqlite/sqlite_sink.ts";
import { goldenRows, readMlflowFixture, recordGoldenBundle, tableRows } from "../_helpers.ts";
import { withTempDir } from "../delivery/_temp_dir.ts";

/**
 * What MLflow's migration `c8d9e0f1a2b3` (3.9.0 to 3.10) does to these tables: `span_metrics`
 * as 3.10 creates it, and an empty `spans.dimension_attributes`.
 */
function upgradeTo310(path: string): void {
  const sql = readMlflowFixture("mlflow-3.10.sql");
  const table = /CREATE TABLE span_metrics \([^;]*\);/.exec(sql)?.[0];
  const index = /CREATE INDEX index_span_metrics_trace_id_span_id [^;]*;/.exec(sql)?.[0];
  const db = new DatabaseSync(path);
  db.exec(`${table} ${index}`);
  db.exec("ALTER TABLE spans ADD COLUMN dimension_attributes JSON");
  db.exec("UPDATE alembic_version SET version_num = '1b5f0d9ad7c1'");
  db.close();
}

Deno.test("SqliteSink.open() fills the span cost rows and model columns of runs recorded before MLflow upgraded the file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/mlflow.db`;
    const options = { artifactRoot: `${dir}/mlruns` };
    const before = await recordGoldenBundle("backfill");
    let sink = await SqliteSink.open(path, options);
    await sink.deliver(before);
    await sink.close();
    upgradeTo310(path);
    assertEquals(tableRows(path, "span_metrics"), []);

    const warnings: string[] = [];
    sink = await SqliteSink.open(path, { ...options, warn: (m) => warnings.push(m) });
    await sink.deliver(await recordGoldenBundle("backfill"));
    await sink.close();
    assertEquals(warnings, []);

    const golden = goldenRows();
    const spans = tableRows(path, "spans").filter((row) => row.trace_id === before.trace.traceId);
    const chat = spans.find((row) => row.name === "ChatOpenAI");
    const metrics = tableRows(path, "span_metrics")
      .filter((row) => row.trace_id === before.trace.traceId);
    assertEquals(
      metrics.map((row) => [row.span_id, row.key, row.value]),
      (golden.span_metrics ?? []).map((row) => [chat?.span_id, row.key, row.value]),
    );
    const goldenDimensions = new Map(
      (golden.spans ?? []).map((row) => [row.name, row.dimension_attributes]),
    );
    assertEquals(spans.length, 5);
    for (const span of spans) {
      assertEquals(span.dimension_attributes, goldenDimensions.get(span.name), String(span.name));
    }
    // Both traces now have their rows; opening again changes nothing.
    assertEquals(tableRows(path, "span_metrics").length, 6);
    const snapshot = await Deno.readFile(path);
    const again = await SqliteSink.open(path, options);
    await again.close();
    assertEquals(tableRows(path, "span_metrics").length, 6);
    assertEquals((await Deno.readFile(path)).length, snapshot.length);
  });
});

Deno.test("SqliteSink.open() leaves traces without cost metadata alone after an upgrade", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/mlflow.db`;
    const unpriced = await recordGoldenBundle("backfill", {
      provider: "openai",
      model: "gpt-4o-mini",
      pricedAs: { provider: "openai", model: "gpt-4o-mini" },
      usage: { input_tokens: 12, output_tokens: 30, total_tokens: 42 },
      cost: undefined,
    });
    let sink = await SqliteSink.open(path, { artifactRoot: `${dir}/mlruns` });
    await sink.deliver(unpriced);
    await sink.close();
    upgradeTo310(path);
    sink = await SqliteSink.open(path, { artifactRoot: `${dir}/mlruns` });
    await sink.close();
    assertEquals(tableRows(path, "span_metrics"), []);
    assertEquals(tableRows(path, "spans").map((row) => row.dimension_attributes), [
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});
