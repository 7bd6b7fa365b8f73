import { DatabaseSync } from "node:sqlite";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../_helpers/assert.ts";
import { isWorkflowError, WorkflowError } from "../../../src/errors.ts";
import { MLFLOW_SCHEMA_SCRIPTS } from "../../../src/tracking/sqlite/mlflow_schema_sql.ts";
import {
  DEFAULT_MLFLOW_SCHEMA,
  isMlflowSchemaChoice,
  parseMlflowSchemaChoice,
} from "../../../src/tracking/sqlite/mlflow_schema_choice.ts";
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

for (const [choice, script] of Object.entries(MLFLOW_SCHEMA_SCRIPTS)) {
  Deno.test(`MLFLOW_SCHEMA_SCRIPTS["${choice}"] is the shared MLflow ${script.release} schema script`, () => {
    const schema = MLFLOW_SCHEMAS.find((candidate) => candidate.release === script.release);
    assert(schema !== undefined);
    assertEquals(script.sql, readMlflowFixture(schema.file));
    assertEquals(script.revision, schema.revision);
  });
}

Deno.test("SqliteSink.open() gives a new file the complete 3.9.0 schema, its revision and experiment 0", async () => {
  await withDir(async (dir) => {
    const sink = await SqliteSink.open("new.db", { cwd: dir, now: () => 1234 });
    assertEquals(sink.schema, {
      revision: "d3e4f5a6b7c8",
      hasSpanMetrics: false,
      hasDimensionAttributes: false,
      hasWorkspace: false,
    });
    await sink.close();
    const reference = new DatabaseSync(":memory:");
    reference.exec(readMlflowFixture("mlflow-3.9.0.sql"));
    const created = new DatabaseSync(`${dir}/new.db`);
    assertEquals(schemaObjects(created), schemaObjects(reference));
    assertEquals(schemaObjects(created).length, 87);
    assertEquals(
      created.prepare("SELECT version_num FROM alembic_version").all().map((r) => r.version_num),
      ["d3e4f5a6b7c8"],
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
    }]);
  });
});

for (const [choice, script] of Object.entries(MLFLOW_SCHEMA_SCRIPTS)) {
  Deno.test(`SqliteSink.open() with mlflowSchema "${choice}" gives a new file the ${script.release} schema`, async () => {
    await withDir(async (dir) => {
      assert(isMlflowSchemaChoice(choice));
      const sink = await SqliteSink.open(`${dir}/m.db`, {
        artifactRoot: `${dir}/mlruns`,
        mlflowSchema: choice,
      });
      assertEquals(sink.schema.revision, script.revision);
      await sink.deliver(bundle0);
      await sink.close();
      const reference = new DatabaseSync(":memory:");
      reference.exec(script.sql);
      const created = new DatabaseSync(`${dir}/m.db`);
      assertEquals(schemaObjects(created), schemaObjects(reference));
      created.close();
      reference.close();
      assertEquals(tableRows(`${dir}/m.db`, "experiments")[0]?.name, "Default");
      const tables = tableRows(`${dir}/m.db`, "sqlite_master").map((row) => row.name);
      assertEquals(tables.includes("span_metrics"), choice !== "3.9");
      if (choice !== "3.9") assertEquals(tableRows(`${dir}/m.db`, "span_metrics").length, 3);
    });
  });
}

Deno.test("SqliteSink.open() keeps the schema of an existing file whatever mlflowSchema says", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/old.db`;
    createMlflowDatabase(path, MLFLOW_SCHEMAS[0], `${dir}/mlruns`);
    const sink = await SqliteSink.open(path, { mlflowSchema: "3.11" });
    await sink.close();
    assertEquals(sink.schema.revision, "d3e4f5a6b7c8");
    assertEquals(tableRows(path, "alembic_version"), [{ version_num: "d3e4f5a6b7c8" }]);
  });
});

Deno.test("SqliteSink.open() refuses a schema choice it does not create, before touching the file", async () => {
  await withDir(async (dir) => {
    const error = await assertRejects(
      // @ts-expect-error: a value from JavaScript or a config file
      () => SqliteSink.open(`${dir}/m.db`, { mlflowSchema: "2.0" }),
      WorkflowError,
      'the schema "2.0" for new files is not one we create: choose "3.9", "3.10", "3.11"',
    );
    assert(isWorkflowError(error) && error.code === "TRACKING_UNAVAILABLE");
    assertEquals(await Deno.stat(`${dir}/m.db`).then(() => true, () => false), false);
  });
});

Deno.test("parseMlflowSchemaChoice() takes release lines and releases, and nothing else", () => {
  assertEquals(
    ["3.9", "3.9.0", "3.10", "3.10.1", " 3.11 ", "3.11.1"].map(parseMlflowSchemaChoice),
    ["3.9", "3.9", "3.10", "3.10", "3.11", "3.11"],
  );
  assertEquals(
    ["3.12", "3", "latest", "3.9.0.dev0", ""].map(parseMlflowSchemaChoice),
    [undefined, undefined, undefined, undefined, undefined],
  );
  assertEquals(DEFAULT_MLFLOW_SCHEMA, "3.9");
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
    assert(error.hint?.startsWith("Create the file's directory first"), error.hint);
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
Deno.test("SqliteSink.deliver() on a full disk leaves no artifact files behind and says so", async () => {
  await withDir(async (dir) => {
    let written = 0;
    const sink = await SqliteSink.open(`${dir}/m.db`, {
      artifactRoot: `${dir}/mlruns`,
      // The disk fills up after the first file, which is still being written when the second
      // fails (it finishes a few milliseconds later).
      writeFile: async (path, content) => {
        if (written++ > 0) throw new Error("No space left on device (os error 28)");
        await new Promise((resolve) => setTimeout(resolve, 20));
        await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
        await Deno.writeTextFile(path, content);
      },
    });
    const error = await assertRejects(() => sink.deliver(bundle0), WorkflowError) as WorkflowError;
    assertStringIncludes(error.message, "Cannot write the artifacts of run");
    assertStringIncludes(error.message, "No space left on device");
    assert(!error.message.includes("SQLite reported"), error.message);
    assertStringIncludes(error.hint ?? "", "Free space on the disk");
    await sink.close();
    assertEquals(tableRows(`${dir}/m.db`, "runs").length, 0);
    // Nothing of the run is left in mlruns: not its files, not its directory.
    const left = [...Deno.readDirSync(`${dir}/mlruns/1`)].map((entry) => entry.name);
    assertEquals(left, []);
  });
});

Deno.test("SqliteSink.deliver() stores an unknown cost as NaN the way MLflow does", async () => {
  await withDir(async (dir) => {
    const sink = await SqliteSink.open(`${dir}/m.db`, {
      artifactRoot: `${dir}/mlruns`,
      mlflowSchema: "3.11",
    });
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

Deno.test("SqliteSink.deliver() appends a second run that shares a trace id, and a repeated delivery of either adds nothing", async () => {
  await withDir(async (dir) => {
    const sink = await SqliteSink.open(`${dir}/m.db`, { artifactRoot: `${dir}/mlruns` });
    // Another run under the same foreign parent: same trace id, spans of its own.
    const renamed = new Map(
      bundle0.trace.spans.map((span, i) => [span.spanId, `${i}`.padStart(16, "a")]),
    );
    const second: TraceBundle = {
      ...bundle0,
      trace: {
        ...bundle0.trace,
        spans: bundle0.trace.spans.map((span) => ({
          ...span,
          spanId: renamed.get(span.spanId)!,
          parentSpanId: span.parentSpanId === null ? null : renamed.get(span.parentSpanId)!,
        })),
      },
    };
    const receipts = [];
    for (const delivery of [bundle0, second, bundle0, second]) {
      receipts.push((await sink.deliver(delivery)).alreadyPresent);
    }
    await sink.close();
    assertEquals(receipts, [false, false, true, true]);
    assertEquals(tableRows(`${dir}/m.db`, "trace_info").length, 1);
    assertEquals(tableRows(`${dir}/m.db`, "spans").length, 2 * bundle0.trace.spans.length);
  });
});
