/**
 * Tracking faults: a tracking server that refuses connections, answers too slowly for the
 * flush bound or fails mid-batch; an MLflow SQLite file locked by another process; a database
 * path that cannot be written. In every case each run completes, and after `traces push`
 * every trace and run is stored exactly once: nothing lost, nothing duplicated.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { FakeMlflowServer } from "../_helpers/fake_mlflow_server.ts";
import { SqliteSink } from "../../src/tracking/sqlite/sqlite_sink.ts";
import { defaultSleep } from "../../src/tracking/delivery/preflight.ts";
import {
  exactlyOnce,
  holdSqliteLock,
  pushWithCli,
  runTracked,
  serverCounts,
  sqliteCounts,
  until,
} from "./_fixtures/tracking_harness.ts";

/** Spans of one echo run: the workflow, its node and its model call. */
const SPANS_PER_RUN = 3;

async function withServer(fn: (server: FakeMlflowServer, dir: string) => Promise<void>) {
  const server = await FakeMlflowServer.start();
  const dir = await Deno.makeTempDir({ prefix: "tracking_faults_" });
  try {
    await fn(server, dir);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "tracking_faults_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("traces push delivers exactly once what a server refusing connections missed", async () => {
  await withServer(async (server, dir) => {
    const spoolDir = `${dir}/spool`;
    await server.stop();
    const tracked = await runTracked(server.url, { runs: 3, spoolDir, async: true });

    assertEquals(tracked.spooled.length, 3);
    assertEquals(tracked.warnings.length, 1, tracked.warnings.join("\n"));
    assert(tracked.warnings[0]!.includes("Cannot reach"), tracked.warnings[0]);
    assertEquals(server.requests, []);

    server.listen();
    const push = await pushWithCli(spoolDir);
    assertEquals([push.code, push.report.delivered.sort()], [0, [...tracked.traceIds].sort()]);
    assertEquals(
      serverCounts(server, tracked.traceIds),
      exactlyOnce(tracked.traceIds, SPANS_PER_RUN),
    );
    const again = await pushWithCli(spoolDir);
    assertEquals([again.code, again.report.total], [0, 0]);
    assertEquals(server.runs.size, 3);
  });
});

/** The bound of the final flush in the slow-server test; its timer is the only instant one. */
const FLUSH_BOUND_MS = 1234;

/** Real timers, except that the flush bound runs out at once. */
function flushBoundRunsOut(ms: number, signal: AbortSignal): Promise<void> {
  return ms === FLUSH_BOUND_MS ? Promise.resolve() : defaultSleep(ms, signal);
}

for (
  const [step, path] of [
    ["creating the run", "/api/2.0/mlflow/runs/create"],
    ["receiving the spans", "/v1/traces"],
    ["starting the trace", "/api/3.0/mlflow/traces"],
    ["ending the run", "/api/2.0/mlflow/runs/update"],
  ]
) {
  Deno.test(`traces push completes exactly once what a server too slow at ${step} left half done`, async () => {
    await withServer(async (server, dir) => {
      const spoolDir = `${dir}/spool`;
      server.hold({ method: "POST", path: path! });
      const tracked = await runTracked(server.url, {
        runs: 2,
        spoolDir,
        async: true,
        preflight: { sleep: flushBoundRunsOut },
        closeTimeoutMs: FLUSH_BOUND_MS,
        beforeClose: () => until(() => server.held > 0, `a request to ${path}`),
      });

      assertEquals(tracked.spooled.length, 2);
      assertEquals(tracked.warnings.length, 1, tracked.warnings.join("\n"));
      assert(tracked.warnings[0]!.includes("within 1.234 s"), tracked.warnings[0]);
      // The server finishes the held request after the client gave up on it.
      server.release();
      await until(() => server.requests.every((r) => r.status !== undefined), "the server");

      const push = await pushWithCli(spoolDir);
      assertEquals(push.code, 0, push.stderr);
      assertEquals(push.report.total, 2);
      assertEquals(
        serverCounts(server, tracked.traceIds),
        exactlyOnce(tracked.traceIds, SPANS_PER_RUN),
      );
      assertEquals((await pushWithCli(spoolDir)).report.total, 0);
    });
  });
}

Deno.test("traces push completes exactly once the runs a server failed with 500 mid-batch", async () => {
  await withServer(async (server, dir) => {
    const spoolDir = `${dir}/spool`;
    const tracked = await runTracked(server.url, {
      runs: 6,
      spoolDir,
      before: (index) => {
        // Run 2 loses its spans, run 3 its metrics, run 4 its end; the others go through.
        if (index === 2) server.fail({ path: "/v1/traces", times: 1 });
        if (index === 3) {
          server.fail({ path: "/api/2.0/mlflow/runs/log-batch", bodyHas: "metrics", times: 1 });
        }
        if (index === 4) {
          server.fail({ path: "/api/2.0/mlflow/runs/update", status: 503, times: 1 });
        }
      },
    });

    assertEquals(tracked.spooled.length, 3);
    assertEquals(tracked.warnings.length, 1, tracked.warnings.join("\n"));
    assert(tracked.warnings[0]!.includes("500"), tracked.warnings[0]);

    const push = await pushWithCli(spoolDir);
    assertEquals([push.code, push.report.total, push.report.failed], [0, 3, []], push.stderr);
    assertEquals(
      serverCounts(server, tracked.traceIds),
      exactlyOnce(tracked.traceIds, SPANS_PER_RUN),
    );
    assertEquals(server.runs.size, 6);
  });
});

/** Creates an MLflow SQLite file (schema and all) and closes it. */
async function createDatabase(path: string, dir: string): Promise<void> {
  const sink = await SqliteSink.open(path, { artifactRoot: `${dir}/mlruns` });
  await sink.close();
}

Deno.test("traces push delivers exactly once what a SQLite file locked by another process refused", async () => {
  await withDir(async (dir) => {
    const db = `${dir}/mlflow.db`;
    await createDatabase(db, dir);
    const lock = await holdSqliteLock(db);
    let tracked;
    try {
      tracked = await runTracked(`sqlite:///${db}`, {
        runs: 3,
        spoolDir: `${dir}/spool`,
        preflight: { artifactRoot: `${dir}/mlruns` },
        sinkOptions: {
          sqlite: { busyTimeoutMs: 1, maxRetries: 2, sleep: () => Promise.resolve() },
        },
      });
    } finally {
      await lock.release();
    }

    assertEquals(tracked.spooled.length, 3);
    assertEquals(tracked.warnings.length, 1, tracked.warnings.join("\n"));
    assert(/locked|busy/i.test(tracked.warnings[0]!), tracked.warnings[0]);
    const none = Object.fromEntries(tracked.traceIds.map((id) => [id, 0]));
    assertEquals(sqliteCounts(db, tracked.traceIds).runs, none);

    const push = await pushWithCli(`${dir}/spool`);
    assertEquals([push.code, push.report.delivered.length], [0, 3], push.stderr);
    assertEquals(sqliteCounts(db, tracked.traceIds), exactlyOnce(tracked.traceIds, SPANS_PER_RUN));
    assertEquals((await pushWithCli(`${dir}/spool`)).report.total, 0);
  });
});

Deno.test("a run waits out a SQLite lock released while it retries and delivers without the spool", async () => {
  await withDir(async (dir) => {
    const db = `${dir}/mlflow.db`;
    await createDatabase(db, dir);
    const lock = await holdSqliteLock(db);
    const waits: number[] = [];
    try {
      const tracked = await runTracked(`sqlite:///${db}`, {
        runs: 2,
        spoolDir: `${dir}/spool`,
        preflight: { artifactRoot: `${dir}/mlruns` },
        sinkOptions: {
          sqlite: {
            busyTimeoutMs: 1,
            maxRetries: 5,
            // The other process lets go during the first wait between attempts.
            sleep: async (ms) => {
              waits.push(ms);
              await lock.release();
            },
          },
        },
      });
      assertEquals([tracked.spooled, tracked.warnings], [[], []]);
      assert(waits.length >= 1, "the sink never had to wait");
      assertEquals(
        sqliteCounts(db, tracked.traceIds),
        exactlyOnce(tracked.traceIds, SPANS_PER_RUN),
      );
    } finally {
      await lock.release();
    }
  });
});

Deno.test("traces push --tracking-uri delivers exactly once what an unwritable database path refused", async () => {
  await withDir(async (dir) => {
    // A path below a regular file cannot be created, not even by root.
    await Deno.writeTextFile(`${dir}/blocked`, "not a directory");
    const tracked = await runTracked(`sqlite:///${dir}/blocked/mlflow.db`, {
      runs: 3,
      spoolDir: `${dir}/spool`,
      preflight: { artifactRoot: `${dir}/mlruns` },
    });

    assertEquals(tracked.spooled.length, 3);
    assertEquals(tracked.warnings.length, 1, tracked.warnings.join("\n"));
    assert(tracked.warnings[0]!.includes(`${dir}/blocked/mlflow.db`), tracked.warnings[0]);

    // Pushed where it was meant to go, it fails again and stays in the spool.
    const stuck = await pushWithCli(`${dir}/spool`);
    assertEquals([stuck.code, stuck.report.failed.length, stuck.report.delivered], [1, 3, []]);

    const db = `${dir}/elsewhere.db`;
    const push = await pushWithCli(`${dir}/spool`, `sqlite:///${db}`);
    assertEquals([push.code, push.report.delivered.length], [0, 3], push.stderr);
    assertEquals(sqliteCounts(db, tracked.traceIds), exactlyOnce(tracked.traceIds, SPANS_PER_RUN));
    assertEquals((await pushWithCli(`${dir}/spool`)).report.total, 0);
  });
});
