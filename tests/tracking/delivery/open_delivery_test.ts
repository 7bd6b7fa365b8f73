import { openDelivery } from "../../../src/tracking/delivery/open_delivery.ts";
import { Spool } from "../../../src/tracking/delivery/spool.ts";
import { FakeMlflowServer } from "../../_helpers/fake_mlflow_server.ts";
import { assertEquals } from "../../_helpers/assert.ts";
import { goldenBundle } from "../http/_golden_bundle.ts";
import { withTempDir } from "./_temp_dir.ts";

Deno.test("openDelivery() delivers to a reachable server through the checks", async () => {
  const server = await FakeMlflowServer.start();
  try {
    await withTempDir(async (dir) => {
      const warnings: string[] = [];
      const delivery = openDelivery(server.url, {
        warn: (message) => warnings.push(message),
        spoolDir: dir,
        async: false,
        env: () => undefined,
      });
      const outcome = await delivery.submit(await goldenBundle(server.url));
      await delivery.close();
      assertEquals([outcome.state, warnings, await new Spool({ dir }).list()], [
        "delivered",
        [],
        [],
      ]);
      assertEquals(server.traces.size, 1);
    });
  } finally {
    await server.stop();
  }
});

Deno.test("openDelivery() in a process without --allow-net for the server spools and names the flag", async () => {
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
        state: "spooled",
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
