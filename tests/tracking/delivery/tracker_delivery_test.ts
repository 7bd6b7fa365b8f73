import { MlflowTracker } from "../../../src/tracking/mlflow_tracker.ts";
import { Spool } from "../../../src/tracking/delivery/spool.ts";
import { FakeMlflowServer } from "../../_helpers/fake_mlflow_server.ts";
import { assert, assertEquals } from "../../_helpers/assert.ts";
import { recordGoldenShapedRun } from "../_helpers.ts";
import { withTempDir } from "./_temp_dir.ts";

Deno.test("MlflowTracker delivers to a reachable server through the checks", async () => {
  const server = await FakeMlflowServer.start();
  try {
    await withTempDir(async (dir) => {
      const warnings: string[] = [];
      const tracker = new MlflowTracker({
        trackingUri: server.url,
        experimentName: "reachable",
        warn: (message) => warnings.push(message),
        spool: { dir },
        async: false,
        sinkOptions: { env: () => undefined },
      });
      const ids = await recordGoldenShapedRun(tracker);
      await tracker.close();
      assert(ids.traceId !== undefined);
      assertEquals([warnings, await new Spool({ dir }).list()], [[], []]);
      assertEquals(server.traces.size, 1);
      // A single run records its trace only: no MLflow run, no mlflow.sourceRun.
      assertEquals([ids.runId, server.runs.size], [undefined, 0]);
      assertEquals(
        server.traces.get(ids.traceId)?.info.trace_metadata["mlflow.sourceRun"],
        undefined,
      );
    });
  } finally {
    await server.stop();
  }
});

Deno.test("MlflowTracker in a process without --allow-net for the server spools and names the flag", async () => {
  const server = await FakeMlflowServer.start();
  try {
    await withTempDir(async (dir) => {
      const script = new URL("./_fixtures/deliver_without_net.ts", import.meta.url).pathname;
      const output = await new Deno.Command("deno", {
        args: [
          "run",
          "--no-prompt",
          "--allow-read",
          `--allow-write=${dir}`,
          "--allow-env",
          script,
          server.url,
          dir,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(output.stderr);
      assertEquals(output.code, 0, stderr);
      const result = JSON.parse(new TextDecoder().decode(output.stdout));
      assertEquals(result, {
        runId: null,
        warnings: [
          `Cannot send traces to "${server.url}" as Deno has no net permission for "${server.host}": traces are kept in "${dir}"; add --allow-net=${server.host} and run \`cli.ts traces push\``,
        ],
      });
      assertEquals((await new Spool({ dir }).list()).length, 1);
      assertEquals(server.requests, []);
    });
  } finally {
    await server.stop();
  }
});
