import { DatabaseSync } from "node:sqlite";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../_helpers/assert.ts";
import { isWorkflowError, WorkflowError } from "../../../src/errors.ts";
import {
  PINNED_MLFLOW_REVISION,
  PINNED_MLFLOW_SCHEMA_SQL,
} from "../../../src/tracking/sqlite/mlflow_schema_sql.ts";
import { SqliteSink } from "../../../src/tracking/sqlite/sqlite_sink.ts";
import type { TraceBundle } from "../../../src/tracking/trace_bundle.ts";
import {
  createMlflowDatabase,
  GOLDEN_CALL,
  MLFLOW_SCHEMAS,
  readMlflowFixture,
  recordGoldenBundle,
  tableRows,
} from "../_helpers.ts";
import { withTempDir } from "../delivery/_temp_dir.ts";

function bundle(call = GOLDEN_CALL): Promise<TraceBundle> {
  return recordGoldenBundle("sink-tests", call);
}

const bundle0 = await bundle();
const withDir = withTempDir;

function schemaObjects(db: DatabaseSync): string[] {
  return db.prepare(
    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
  ).all().map((row) => JSON.stringify([row.type, row.name, row.tbl_name, row.sql]));
}

Deno.test("PINNED_MLFLOW_SCHEMA_SQL is the shared MLflow 3.11.1 schema script", () => {
  assertEquals(PINNED_MLFLOW_SCHEMA_SQL, readMlflowFixture("mlflow-3.11.1.sql"));
  assertEquals(PINNED_MLFLOW_REVISION, "c3d6457b6d8a");
});

Deno.test("SqliteSink.open() gives a new file the complete 3.11.1 schema, its revision and experiment 0", async () => {
  await withDir(async (dir) => {
    const sink = await SqliteSink.open("new.db", { cwd: dir, now: () => 1234 });
    assertEquals(sink.schema.revision, "c3d6457b6d8a");
    assertEquals(sink.schema.release, "3.11.1");
    assert(
      sink.schema.hasSpanMetrics && sink.schema.hasWorkspace && sink.schema.hasDimensionAttributes,
    );
    await sink.close();
    const reference = new DatabaseSync(":memory:");
    reference.exec(readMlflowFixture("mlflow-3.11.1.sql"));
    const created = new DatabaseSync(`${dir}/new.db`);
    assertEquals(schemaObjects(created), schemaObjects(reference));
    assertEquals(schemaObjects(created).length, 101);
    assertEquals(
      created.prepare("SELECT version_num FROM alembic_version").all().map((r) => r.version_num),
      [
        "c3d6457b6d8a",
      ],
    );
    assertEquals(created.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
    created.close();
    reference.close();
    assertEquals(tableRows(`${dir}/new.db`, "experiments"), [{
      experiment_id: 0,
      name: "Default",
      artifact_location: `${dir}/mlruns/0`,
      lifecycle_stage: "active",
      creation_time: 1234,
      last_update_time: 1234,
      workspace: "default",
    }]);
  });
});

Deno.test("SqliteSink.open() refuses a revision it does not support, naming it and the fix", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/other.db`;
    createMlflowDatabase(path, MLFLOW_SCHEMAS[2], `${dir}/mlruns`);
    const db = new DatabaseSync(path);
    db.exec("UPDATE alembic_version SET version_num = '7d34483879f0'");
    db.close();
    const error = await assertRejects(
      () => SqliteSink.open(path),
      WorkflowError,
      'schema revision "7d34483879f0"',
    );
    assert(isWorkflowError(error) && error.code === "TRACKING_UNAVAILABLE");
    assertStringIncludes(error.message, 'supported are 3.9.0 ("d3e4f5a6b7c8")');
    assertStringIncludes(error.hint ?? "", "mlflow db upgrade");
  });
});

Deno.test("SqliteSink.open() refuses a file missing a column it writes, naming the column", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/old.db`;
    createMlflowDatabase(path, MLFLOW_SCHEMAS[0], `${dir}/mlruns`);
    const db = new DatabaseSync(path);
    db.exec("ALTER TABLE trace_info DROP COLUMN response_preview");
    db.exec("DROP TABLE trace_metrics");
    db.close();
    const error = await assertRejects(
      () => SqliteSink.open(path),
      WorkflowError,
      'revision "d3e4f5a6b7c8"',
    );
    assertStringIncludes(error.message, 'column "trace_info.response_preview"');
    assertStringIncludes(error.message, 'table "trace_metrics"');
    assert(isWorkflowError(error) && (error.hint ?? "").includes("mlflow db upgrade"));
  });
});

Deno.test("SqliteSink.open() refuses a database that is not MLflow's", async () => {
  await withDir(async (dir) => {
    const db = new DatabaseSync(`${dir}/app.db`);
    db.exec("CREATE TABLE users (id INTEGER)");
    db.close();
    await assertRejects(
      () => SqliteSink.open(`${dir}/app.db`),
      WorkflowError,
      "is not an MLflow database",
    );
  });
});

Deno.test("SqliteSink.open() reports a file it cannot open as TRACKING_UNAVAILABLE", async () => {
  await withDir(async (dir) => {
    const error = await assertRejects(
      () => SqliteSink.open(`${dir}/missing/dir/m.db`),
      WorkflowError,
      `Cannot open MLflow database "${dir}/missing/dir/m.db"`,
    );
    assert(isWorkflowError(error) && error.code === "TRACKING_UNAVAILABLE");
  });
});

Deno.test("SqliteSink.deliver() is idempotent by trace id", async () => {
  await withDir(async (dir) => {
    const sink = await SqliteSink.open(`${dir}/m.db`, { artifactRoot: `${dir}/mlruns` });
    const item = await bundle();
    const first = await sink.deliver(item);
    const second = await sink.deliver(item);
    await sink.close();
    assertEquals(first.alreadyPresent, false);
    assertEquals(second, {
      experimentId: first.experimentId,
      runId: first.runId,
      alreadyPresent: true,
    });
    for (const table of ["trace_info", "runs"]) {
      assertEquals(tableRows(`${dir}/m.db`, table).length, 1);
    }
    assertEquals(tableRows(`${dir}/m.db`, "spans").length, 5);
    const files = [...Deno.readDirSync(`${dir}/mlruns/1/${first.runId}/artifacts/nodes/write`)]
      .map((entry) => entry.name).sort();
    assertEquals(files, ["call_1_prompt.json", "call_1_response.json"]);
  });
});

Deno.test("SqliteSink.deliver() commits nothing when an artifact cannot be written", async () => {
  await withDir(async (dir) => {
    const sink = await SqliteSink.open(`${dir}/m.db`, {
      artifactRoot: `${dir}/mlruns`,
      writeFile: () => Promise.reject(new Deno.errors.PermissionDenied("Requires write access")),
    });
    const error = await assertRejects(
      () => sink.deliver(bundle0),
      WorkflowError,
      "Requires write access",
    );
    assert(isWorkflowError(error) && error.code === "TRACKING_UNAVAILABLE");
    await sink.close();
    for (const table of ["trace_info", "spans", "runs", "metrics", "experiments"]) {
      assertEquals(tableRows(`${dir}/m.db`, table).length, table === "experiments" ? 1 : 0, table);
    }
  });
});
Deno.test("SqliteSink.deliver() stores an unknown cost as NaN the way MLflow does", async () => {
  await withDir(async (dir) => {
    const sink = await SqliteSink.open(`${dir}/m.db`, { artifactRoot: `${dir}/mlruns` });
    await sink.deliver(await bundle({ ...GOLDEN_CALL, cost: undefined }));
    await sink.close();
    for (const table of ["metrics", "latest_metrics"]) {
      const rows = tableRows(`${dir}/m.db`, table);
      const total = rows.find((row) => row.key === "total_cost_usd");
      assertEquals([total?.value, total?.is_nan], [0, 1]);
      const write = rows.find((row) => row.key === "node_write_cost_usd");
      assertEquals([write?.value, write?.is_nan], [0, 1]);
    }
    const tags = tableRows(`${dir}/m.db`, "tags");
    assertEquals(
      tags.find((row) => row.key === "configurable_agents.cost_unknown_models")?.value,
      "openai/gpt-4o-mini",
    );
    const metadata = tableRows(`${dir}/m.db`, "trace_request_metadata");
    assertEquals(metadata.some((row) => row.key === "mlflow.trace.cost"), false);
    assertEquals(tableRows(`${dir}/m.db`, "span_metrics").length, 0);
  });
});

Deno.test("SqliteSink.deliver() reuses an experiment by name and refuses a deleted one", async () => {
  await withDir(async (dir) => {
    const sink = await SqliteSink.open(`${dir}/m.db`, { artifactRoot: `${dir}/mlruns` });
    const first = await sink.deliver(await bundle());
    const second = await sink.deliver(await bundle());
    assertEquals([first.experimentId, second.experimentId], ["1", "1"]);
    const db = new DatabaseSync(`${dir}/m.db`);
    db.exec("UPDATE experiments SET lifecycle_stage = 'deleted' WHERE experiment_id = 1");
    db.close();
    await assertRejects(
      () => sink.deliver(bundle0),
      WorkflowError,
      'Cannot record runs in experiment "sink-tests" as it is deleted',
    );
    await sink.close();
  });
});

Deno.test("SqliteSink.deliver() retries with backoff while another connection holds the write lock", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/m.db`;
    const sleeps: number[] = [];
    const blocker = new DatabaseSync(path);
    const sink = await SqliteSink.open(path, {
      artifactRoot: `${dir}/mlruns`,
      busyTimeoutMs: 0,
      random: () => 0,
      sleep: (ms) => {
        sleeps.push(ms);
        if (sleeps.length === 3) blocker.exec("COMMIT");
        return Promise.resolve();
      },
    });
    blocker.exec("BEGIN IMMEDIATE");
    const receipt = await sink.deliver(bundle0);
    blocker.close();
    await sink.close();
    assertEquals(receipt.alreadyPresent, false);
    assertEquals(sleeps, [12.5, 25, 50]);
    assertEquals(tableRows(path, "trace_info").length, 1);
  });
});

Deno.test("SqliteSink.deliver() gives up with a clear error when the lock is never released", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/m.db`;
    const blocker = new DatabaseSync(path);
    const sink = await SqliteSink.open(path, {
      busyTimeoutMs: 0,
      maxRetries: 2,
      sleep: () => Promise.resolve(),
    });
    blocker.exec("BEGIN IMMEDIATE");
    await assertRejects(
      () => sink.deliver(bundle0),
      WorkflowError,
      "as it stayed locked after 3 attempts",
    );
    blocker.exec("ROLLBACK");
    blocker.close();
    await sink.close();
  });
});
