import { DatabaseSync } from "node:sqlite";
import { assert, assertEquals, assertRejects } from "../../_helpers/assert.ts";
import { isWorkflowError, WorkflowError } from "../../../src/errors.ts";
import { SqliteSink } from "../../../src/tracking/sqlite/sqlite_sink.ts";
import { SqliteWorkerSink } from "../../../src/tracking/sqlite/sqlite_worker_sink.ts";
import type { TraceBundle } from "../../../src/tracking/trace_bundle.ts";
import { ownRun, recordGoldenBundle, tableRows } from "../_helpers.ts";
import { withTempDir } from "../delivery/_temp_dir.ts";

function bundle(): Promise<TraceBundle> {
  return recordGoldenBundle("worker-sink-tests");
}

const withDir = withTempDir;

/** Every row of the tables a bundle writes, ids that differ per sink left out. */
function rowsOf(path: string): Record<string, unknown[]> {
  const rows: Record<string, unknown[]> = {};
  for (const table of ["trace_info", "trace_tags", "trace_request_metadata", "spans", "metrics"]) {
    rows[table] = tableRows(path, table).map((row) => {
      const { run_uuid: _run, value, ...rest } = row;
      return {
        ...rest,
        value: typeof value === "string" && /^[0-9a-f]{32}$/.test(value) ? "<run id>" : value,
      };
    });
  }
  return rows;
}

Deno.test("SqliteWorkerSink.deliver() writes the same rows and artifacts as SqliteSink, in the schema asked for", async () => {
  await withDir(async (dir) => {
    const item = await bundle();
    const options = { artifactRoot: `${dir}/mlruns`, mlflowSchema: "3.11" } as const;
    const inThread = await SqliteSink.open(`${dir}/a.db`, options);
    const expected = await inThread.deliver(item);
    await inThread.close();
    const sink = await SqliteWorkerSink.open("b.db", { cwd: dir, ...options });
    assertEquals(sink.schema.revision, "c3d6457b6d8a");
    const receipt = await sink.deliver(item);
    await sink.close();
    assertEquals([receipt.experimentId, receipt.alreadyPresent], [expected.experimentId, false]);
    assert(/^[0-9a-f]{32}$/.test(receipt.runId ?? ""));
    assertEquals(rowsOf(`${dir}/b.db`), rowsOf(`${dir}/a.db`));
    const files = (runId: string | undefined) =>
      [...Deno.readDirSync(`${dir}/mlruns/1/${runId}/artifacts/nodes/write`)]
        .map((entry) => entry.name).sort();
    assertEquals(files(receipt.runId), files(expected.runId));
    assertEquals(files(receipt.runId), ["call_1_prompt.json", "call_1_response.json"]);
  });
});

Deno.test("SqliteWorkerSink.deliver() is idempotent by trace id and keeps bundles in order", async () => {
  await withDir(async (dir) => {
    const sink = await SqliteWorkerSink.open(`${dir}/m.db`, { artifactRoot: `${dir}/mlruns` });
    const item = await bundle();
    const [first, second] = await Promise.all([sink.deliver(item), sink.deliver(item)]);
    await sink.close();
    assertEquals(first?.alreadyPresent, false);
    assertEquals(second, {
      experimentId: first?.experimentId,
      runId: first?.runId,
      alreadyPresent: true,
    });
    assertEquals(tableRows(`${dir}/m.db`, "trace_info").length, 1);
  });
});

Deno.test("SqliteWorkerSink.open() reports a database it cannot open as TRACKING_UNAVAILABLE", async () => {
  await withDir(async (dir) => {
    const db = new DatabaseSync(`${dir}/app.db`);
    db.exec("CREATE TABLE users (id INTEGER)");
    db.close();
    const error = await assertRejects(
      () => SqliteWorkerSink.open(`${dir}/app.db`),
      WorkflowError,
      "is not an MLflow database",
    );
    assert(isWorkflowError(error) && error.code === "TRACKING_UNAVAILABLE");
    assertEquals(error.phase, "track");
  });
});

Deno.test("SqliteWorkerSink.deliver() refuses bundles once the sink is closed", async () => {
  await withDir(async (dir) => {
    const sink = await SqliteWorkerSink.open(`${dir}/m.db`, { artifactRoot: `${dir}/mlruns` });
    await sink.close();
    await sink.close();
    const error = await assertRejects(
      () => sink.deliver(TRACE_LESS),
      WorkflowError,
      `Cannot write to MLflow database "${dir}/m.db" as the sink is closed`,
    );
    assert(isWorkflowError(error) && error.code === "TRACKING_UNAVAILABLE");
  });
});

Deno.test("SqliteWorkerSink.deliver() passes a failed write back with its code", async () => {
  await withDir(async (dir) => {
    const sink = await SqliteWorkerSink.open(`${dir}/m.db`, { artifactRoot: `${dir}/mlruns` });
    const item = await bundle();
    const broken = structuredClone(item);
    broken.run = { ...ownRun(broken), artifacts: [{ path: "../outside.json", content: "{}" }] };
    const error = await assertRejects(
      () => sink.deliver(broken),
      WorkflowError,
      'Cannot write artifact "../outside.json" as its path leaves the run\'s artifact directory',
    );
    assert(isWorkflowError(error) && error.code === "TRACKING_UNAVAILABLE");
    assertEquals((await sink.deliver(item)).alreadyPresent, false);
    await sink.close();
    assertEquals(tableRows(`${dir}/m.db`, "trace_info").length, 1);
  });
});

const TRACE_LESS = {} as TraceBundle;
