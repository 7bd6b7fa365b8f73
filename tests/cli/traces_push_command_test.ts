import { main } from "../../src/cli/main.ts";
import { tracesPushCommand } from "../../src/cli/traces_push_command.ts";
import { Spool } from "../../src/tracking/delivery/spool.ts";
import { FakeMlflowServer } from "../_helpers/fake_mlflow_server.ts";
import { assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { goldenBundle, withTraceId } from "../tracking/http/_golden_bundle.ts";
import { fakeCliIO } from "../tracking/report/_fake_cli_io.ts";

async function spoolTwo(dir: string, uri: string): Promise<void> {
  const spool = new Spool({ dir });
  const bundle = await goldenBundle(uri);
  await spool.write(withTraceId(bundle, "1".repeat(32)));
  await spool.write(withTraceId(bundle, "2".repeat(32)));
}

Deno.test("tracesPushCommand() delivers the spool, prints a summary and exits 0", async () => {
  const server = await FakeMlflowServer.start({ requireAuthorization: "Bearer t0ken" });
  const cwd = await Deno.makeTempDir();
  try {
    await spoolTwo(`${cwd}/.mlflow-spool`, server.url);
    const first = fakeCliIO(cwd, { MLFLOW_TRACKING_TOKEN: "t0ken" });
    const options = { verbose: false, trackingUri: undefined, spoolDir: undefined, json: false };
    assertEquals(await tracesPushCommand(options, first), 0);
    assertEquals(
      first.out(),
      'Pushed 2 spooled traces from ".mlflow-spool": 2 delivered, 0 already present, 0 failed\n',
    );
    assertEquals(first.err(), "");
    assertEquals(server.traces.size, 2);

    const second = fakeCliIO(cwd, { MLFLOW_TRACKING_TOKEN: "t0ken" });
    assertEquals(await tracesPushCommand(options, second), 0);
    assertEquals(second.out(), 'Nothing to push: the spool ".mlflow-spool" is empty\n');
  } finally {
    await server.stop();
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("traces push exits 1 and keeps the spool when the server is down", async () => {
  const server = await FakeMlflowServer.start();
  await server.stop();
  const cwd = await Deno.makeTempDir();
  try {
    await spoolTwo(`${cwd}/spool`, server.url);
    const io = fakeCliIO(cwd);
    assertEquals(await main(["traces", "push", "--spool-dir", "spool"], io), 1);
    assertEquals(
      io.out(),
      'Pushed 2 spooled traces from "spool": 0 delivered, 0 already present, 2 failed\n',
    );
    assertStringIncludes(
      io.err(),
      `error: trace "tr-${
        "1".repeat(32)
      }": Cannot find experiment "golden-http" as the MLflow tracking server at "${server.url}" is unreachable`,
    );
    assertStringIncludes(io.err(), 'hint: the traces that were not delivered stay in "spool"');
    assertEquals((await new Spool({ dir: `${cwd}/spool` }).list()).length, 2);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("traces push --json --tracking-uri prints the report as JSON", async () => {
  const server = await FakeMlflowServer.start();
  const cwd = await Deno.makeTempDir();
  try {
    await spoolTwo(`${cwd}/.mlflow-spool`, "http://127.0.0.1:9");
    const io = fakeCliIO(cwd);
    assertEquals(await main(["traces", "push", "--json", "--tracking-uri", server.url], io), 0);
    const report = JSON.parse(io.out());
    assertEquals(report.spoolDir, ".mlflow-spool");
    assertEquals([report.total, report.delivered.length, report.failed], [2, 2, []]);
  } finally {
    await server.stop();
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("traces push refuses an unsupported --tracking-uri with exit code 2", async () => {
  const cwd = await Deno.makeTempDir();
  try {
    const io = fakeCliIO(cwd);
    assertEquals(await main(["traces", "push", "--tracking-uri", "ftp://host/x"], io), 2);
    assertStringIncludes(
      io.err(),
      'Cannot use tracking URI "ftp://host/x" as its scheme "ftp" is not supported',
    );
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("traces push stopped by SIGTERM exits 143 and keeps what it did not deliver", async () => {
  const cwd = await Deno.makeTempDir();
  try {
    await spoolTwo(`${cwd}/.mlflow-spool`, "http://127.0.0.1:9");
    // The signal arrives as soon as the command listens for it: nothing is attempted.
    const io = {
      ...fakeCliIO(cwd),
      onSignal: (handler: (signal: "SIGTERM") => void) => {
        handler("SIGTERM");
        return () => {};
      },
    };
    assertEquals(await main(["traces", "push"], io), 143);
    assertStringIncludes(io.out(), "2 not attempted (interrupted)");
    assertEquals((await new Spool({ dir: `${cwd}/.mlflow-spool` }).list()).length, 2);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
