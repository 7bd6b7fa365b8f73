/**
 * Which existing files the SQLite sink writes, decided from their schema: files of every MLflow
 * from 3.9.0 on (revisions never seen included) are written, the optional 3.10+ parts only where
 * present; files that do not fit are refused with the cause and a fix, and left byte for byte
 * as they were.
 */
import { DatabaseSync } from "node:sqlite";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../_helpers/assert.ts";
import { isWorkflowError, type WorkflowError } from "../../../src/errors.ts";
import { checkMlflowSchema } from "../../../src/tracking/sqlite/schema_check.ts";
import { SqliteSink } from "../../../src/tracking/sqlite/sqlite_sink.ts";
import {
  createMlflowDatabase,
  MLFLOW_SCHEMAS,
  readMlflowFixture,
  recordGoldenBundle,
  tableRows,
} from "../_helpers.ts";
import { withTempDir } from "../delivery/_temp_dir.ts";

const DEV = MLFLOW_SCHEMAS[3];
const bundle = await recordGoldenBundle("schema-check");

/** A database built from a schema script, with its revision and experiment 0. */
function databaseFrom(path: string, sql: string, revision: string): void {
  const db = new DatabaseSync(path);
  db.exec(`BEGIN; ${sql}; COMMIT`);
  db.prepare("INSERT INTO alembic_version (version_num) VALUES (?)").run(revision);
  db.prepare(
    "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage) VALUES (0, 'Default', '/tmp/mlruns/0', 'active')",
  ).run();
  db.close();
}

/** The file's bytes, and those of its companions (which must not appear). */
async function snapshot(path: string): Promise<{ bytes: Uint8Array; companions: string[] }> {
  const companions: string[] = [];
  for (const suffix of ["-wal", "-shm", "-journal"]) {
    if (await Deno.stat(path + suffix).then(() => true, () => false)) companions.push(suffix);
  }
  return { bytes: await Deno.readFile(path), companions };
}

/** Opens the file with the sink, expects a refusal, and checks the file did not change. */
async function refusedUnchanged(path: string, ...includes: string[]): Promise<WorkflowError> {
  const before = await snapshot(path);
  const error = await assertRejects(() => SqliteSink.open(path));
  assert(isWorkflowError(error) && error.code === "TRACKING_UNAVAILABLE", String(error));
  const db = new DatabaseSync(path, { readOnly: true });
  const journalMode = db.prepare("PRAGMA journal_mode").get()?.journal_mode;
  db.close();
  assertEquals(journalMode, "delete");
  const after = await snapshot(path);
  assertEquals(after.companions, []);
  assert(
    before.bytes.length === after.bytes.length &&
      before.bytes.every((b, i) => b === after.bytes[i]),
    "the file changed",
  );
  for (const part of includes) assertStringIncludes(`${error.message} | ${error.hint}`, part);
  return error;
}

Deno.test("SqliteSink.open() writes a file at a revision it has never seen (MLflow 3.11.2.dev0)", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/dev.db`;
    createMlflowDatabase(path, DEV, `${dir}/mlruns`);
    const sink = await SqliteSink.open(path, { artifactRoot: `${dir}/mlruns` });
    assertEquals(sink.schema, {
      revision: "7d34483879f0",
      hasSpanMetrics: true,
      hasDimensionAttributes: true,
      hasWorkspace: true,
    });
    const receipt = await sink.deliver(bundle);
    await sink.close();
    assertEquals(receipt.alreadyPresent, false);
    assertEquals(tableRows(path, "alembic_version"), [{ version_num: "7d34483879f0" }]);
    assertEquals(tableRows(path, "spans").length, 5);
    assertEquals(tableRows(path, "span_metrics").map((row) => row.key).sort(), [
      "input_cost",
      "output_cost",
      "total_cost",
    ]);
  });
});

Deno.test("SqliteSink.open() writes a future file with new tables, nullable and defaulted columns", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/future.db`;
    createMlflowDatabase(path, DEV, `${dir}/mlruns`);
    const db = new DatabaseSync(path);
    db.exec("UPDATE alembic_version SET version_num = 'f00dfeedbeef'");
    db.exec(
      "CREATE TABLE agent_memories (id VARCHAR(36) NOT NULL PRIMARY KEY, body TEXT NOT NULL)",
    );
    db.exec("ALTER TABLE spans ADD COLUMN span_kind VARCHAR(20)");
    db.exec("ALTER TABLE runs ADD COLUMN origin VARCHAR(20) DEFAULT 'local' NOT NULL");
    db.close();
    const sink = await SqliteSink.open(path, { artifactRoot: `${dir}/mlruns` });
    assertEquals(sink.schema.revision, "f00dfeedbeef");
    await sink.deliver(bundle);
    await sink.close();
    assertEquals(tableRows(path, "runs")[0]?.origin, "local");
    assertEquals(tableRows(path, "spans").every((row) => row.span_kind === null), true);
  });
});

Deno.test("SqliteSink.open() leaves out span_metrics and the 3.10 columns on a 3.9.0 file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/old.db`;
    createMlflowDatabase(path, MLFLOW_SCHEMAS[0], `${dir}/mlruns`);
    const sink = await SqliteSink.open(path, { artifactRoot: `${dir}/mlruns` });
    assertEquals(sink.schema, {
      revision: "d3e4f5a6b7c8",
      hasSpanMetrics: false,
      hasDimensionAttributes: false,
      hasWorkspace: false,
    });
    await sink.deliver(bundle);
    await sink.close();
    assertEquals(tableRows(path, "trace_metrics").length, 3);
  });
});

Deno.test("SqliteSink.open() refuses a column it does not fill that is NOT NULL without a default, leaving the file unchanged", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/strict.db`;
    const sql = readMlflowFixture(DEV.file).replace(
      "content TEXT NOT NULL, dimension_attributes JSON, ",
      "content TEXT NOT NULL, dimension_attributes JSON, span_kind VARCHAR(20) NOT NULL, ",
    );
    assert(sql.includes("span_kind"));
    databaseFrom(path, sql, "abcdef012345");
    const error = await refusedUnchanged(
      path,
      'Cannot write to MLflow database "',
      'revision "abcdef012345"',
      'column "spans.span_kind" (NOT NULL without a default)',
      `mlflow server --backend-store-uri sqlite:///${path}`,
      "--tracking-uri http://127.0.0.1:5000",
    );
    assert(!error.message.includes("older"));
  });
});

Deno.test("SqliteSink.open() refuses a NOT NULL column without a default in span_metrics when the table exists", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/strict.db`;
    const sql = readMlflowFixture(DEV.file).replace(
      '"key" VARCHAR(250) NOT NULL, \n\tvalue FLOAT, \n\tCONSTRAINT span_metrics_pk',
      '"key" VARCHAR(250) NOT NULL, \n\tvalue FLOAT, \n\tunit VARCHAR(8) NOT NULL, \n\tCONSTRAINT span_metrics_pk',
    );
    assert(sql.includes("unit VARCHAR(8)"));
    databaseFrom(path, sql, "abcdef012345");
    await refusedUnchanged(path, 'column "span_metrics.unit"');
  });
});

Deno.test("SqliteSink.open() refuses a file lacking a column it writes while the 3.9 tables are all there, as a newer schema", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/changed.db`;
    const sql = readMlflowFixture(DEV.file).replace(" request_preview VARCHAR(1000),", "");
    assert(!/trace_info \([^;]*request_preview/.test(sql));
    databaseFrom(path, sql, "abcdef012345");
    await refusedUnchanged(
      path,
      'lacks what we write: column "trace_info.request_preview"',
      "mlflow server --backend-store-uri",
    );
  });
});

Deno.test("SqliteSink.open() refuses a file older than MLflow 3.9 and says to upgrade it", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/older.db`;
    createMlflowDatabase(path, MLFLOW_SCHEMAS[0], `${dir}/mlruns`);
    const db = new DatabaseSync(path);
    db.exec("DROP TABLE trace_metrics");
    db.exec("ALTER TABLE trace_info DROP COLUMN response_preview");
    db.exec("UPDATE alembic_version SET version_num = '0584bdc529eb'");
    db.close();
    await refusedUnchanged(
      path,
      'schema (revision "0584bdc529eb") is older than MLflow 3.9',
      'table "trace_metrics"',
      'column "trace_info.response_preview"',
      `Back it up, then upgrade it with MLflow 3.9 or newer: \`mlflow db upgrade sqlite:///${path}\``,
    );
  });
});

Deno.test("SqliteSink.open() refuses a plain SQLite file and leaves it byte for byte, journal mode included", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/app.db`;
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
    db.exec("INSERT INTO users (name) VALUES ('ada')");
    db.close();
    await refusedUnchanged(path, "is not an MLflow database", "left unchanged");
  });
});

Deno.test("SqliteSink.open() refuses a file that is not SQLite at all, leaving it unchanged", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/notes.db`;
    await Deno.writeTextFile(path, "These are my notes, not a database.\n");
    const before = await Deno.readTextFile(path);
    const error = await assertRejects(() => SqliteSink.open(path));
    assert(isWorkflowError(error) && error.code === "TRACKING_UNAVAILABLE");
    assertStringIncludes(error.message, "file is not a database");
    assertStringIncludes(error.hint ?? "", "Point the tracking URI at a new file");
    assertEquals(await Deno.readTextFile(path), before);
    assertEquals((await snapshot(path)).companions, []);
  });
});

Deno.test("SqliteSink.open() refuses a file whose alembic_version has no row, and says to use a new file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/half.db`;
    createMlflowDatabase(path, MLFLOW_SCHEMAS[0], `${dir}/mlruns`);
    const db = new DatabaseSync(path);
    db.exec("DELETE FROM alembic_version");
    db.close();
    await refusedUnchanged(
      path,
      'its schema revision is unknown: "alembic_version" holds 0 rows instead of one',
      "Use a new database file",
    );
  });
});

Deno.test("checkMlflowSchema() accepts every MLflow schema from 3.9.0 on and reports the optional parts", () => {
  for (const schema of MLFLOW_SCHEMAS) {
    const db = new DatabaseSync(":memory:");
    db.exec(readMlflowFixture(schema.file));
    db.prepare("INSERT INTO alembic_version VALUES (?)").run(schema.revision);
    const newer = schema.release !== "3.9.0";
    assertEquals(checkMlflowSchema(db, "m.db"), {
      revision: schema.revision,
      hasSpanMetrics: newer,
      hasDimensionAttributes: newer,
      hasWorkspace: newer,
    }, schema.release);
    db.close();
  }
});
