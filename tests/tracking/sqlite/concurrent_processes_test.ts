import { assert, assertEquals } from "../../_helpers/assert.ts";
import { tableRows } from "../_helpers.ts";

const FIXTURE = new URL("../_fixtures/write_bundle.ts", import.meta.url).pathname;
const REPO_ROOT = new URL("../../../", import.meta.url).pathname;
const PROCESSES = 20;

Deno.test("SqliteSink lets 20 processes record into one new file at once without a lock error, and one agent version", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/shared.db`;
    const results = await Promise.all(
      Array.from({ length: PROCESSES }, (_, index) =>
        new Deno.Command("deno", {
          args: [
            "run",
            "--allow-read",
            "--allow-write",
            "--allow-env",
            FIXTURE,
            path,
            `${dir}/mlruns`,
            String(index),
          ],
          cwd: REPO_ROOT,
          stdout: "piped",
          stderr: "piped",
        }).output()),
    );
    const decoder = new TextDecoder();
    const traceIds = new Set<string>();
    for (const [index, result] of results.entries()) {
      const stderr = decoder.decode(result.stderr);
      assert(!/database is locked/i.test(stderr), `process ${index}: ${stderr}`);
      assertEquals(result.code, 0, `process ${index}: ${stderr}`);
      traceIds.add(decoder.decode(result.stdout).trim());
    }
    assertEquals(traceIds.size, PROCESSES);
    const stored = tableRows(path, "trace_info").map((row) => String(row.request_id));
    assertEquals(new Set(stored), traceIds);
    assertEquals(tableRows(path, "runs").length, PROCESSES);
    // One logged model for the version all of them ran, which every trace links to.
    const models = tableRows(path, "logged_models");
    assertEquals(models.map((row) => row.name), ["demo-0123abcd"]);
    assertEquals(tableRows(path, "logged_model_params").length, 2);
    const linked = tableRows(path, "trace_request_metadata")
      .filter((row) => row.key === "mlflow.modelId").map((row) => row.value);
    assertEquals(linked, Array(PROCESSES).fill(models[0]?.model_id));
    assertEquals(tableRows(path, "spans").length, PROCESSES * 5);
    assertEquals(tableRows(path, "alembic_version"), [{ version_num: "d3e4f5a6b7c8" }]);
    assertEquals(
      tableRows(path, "experiments").map((row) => [row.experiment_id, row.name]),
      [[0, "Default"], [1, "concurrent"]],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
