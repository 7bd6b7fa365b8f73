/**
 * `evaluate` interrupted by SIGINT or SIGTERM in a real process: it exits 130 or 143, cancels
 * the records in flight, keeps the traces of the finished ones (with their assessments, linked
 * to the evaluation run), ends the evaluation run KILLED and crashes nowhere.
 */
import { assert, assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { cliCommand, queryRows, ROOT, tempDir } from "../runtime/_helpers.ts";

const TRACKING_WRITE =
  "--allow-write=mlflow.db,mlflow.db-wal,mlflow.db-shm,mlflow.db-journal,mlruns,.mlflow-spool";

for (const [signal, exitCode] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  Deno.test(`cli.ts evaluate stops on ${signal} with exit ${exitCode}: finished records kept, the run KILLED`, async () => {
    await using dir = await tempDir();
    const child = cliCommand(
      ["--allow-read", "--allow-env", TRACKING_WRITE],
      [
        "evaluate",
        `${ROOT}examples/support_triage.yaml`,
        "--dataset",
        `${ROOT}examples/evaluation/support_triage.jsonl`,
        "--scorers",
        `${ROOT}examples/evaluation/scorers.yaml`,
        "--mock",
        "--mock-latency",
        "300",
        "--concurrency",
        "2",
        "--tracking-uri",
        "sqlite:///mlflow.db",
      ],
      dir.path,
      "null",
    ).spawn();
    const decoder = new TextDecoder();
    let stderr = "";
    const reader = child.stderr.getReader();
    // Interrupt once a record is finished: others are still running.
    while (!/^✓ line \d+/m.test(stderr)) {
      const { value, done } = await reader.read();
      if (done) break;
      stderr += decoder.decode(value, { stream: true });
    }
    child.kill(signal);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      stderr += decoder.decode(chunk.value, { stream: true });
    }
    const { code } = await child.status;
    assertEquals(code, exitCode, stderr);
    assertStringIncludes(stderr, `Interrupted by ${signal}`);
    assert(!/Uncaught|panicked|^\s+at /m.test(stderr), stderr);
    const db = `${dir.path}/mlflow.db`;
    assertEquals(queryRows(db, "SELECT status FROM runs"), [{ status: "KILLED" }]);
    const traces = queryRows(db, "SELECT request_id, status FROM trace_info") as {
      request_id: string;
      status: string;
    }[];
    const finished = traces.filter((trace) => trace.status === "OK");
    const reported = stderr.match(/^✓ line \d+/gm)?.length ?? 0;
    assert(reported >= 1 && reported < 20, stderr);
    assertEquals(finished.length, reported, JSON.stringify(traces));
    // Nothing is left running: the records in flight were cancelled.
    assertEquals(traces.filter((trace) => trace.status === "IN_PROGRESS"), []);
    // Every finished record's trace keeps its assessments and its link to the run.
    for (const { request_id } of finished) {
      const [row] = queryRows(
        db,
        `SELECT count(*) AS n FROM assessments WHERE trace_id = '${request_id}'`,
      );
      assert(Number(row?.n) >= 6, `${request_id}: ${row?.n} assessments`);
    }
    const linked = queryRows(
      db,
      "SELECT count(*) AS n FROM entity_associations WHERE source_type = 'trace'",
    );
    assertEquals(linked, [{ n: traces.length }]);
  });
}
