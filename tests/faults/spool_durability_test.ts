/**
 * The spool under processes that compete or die: two `traces push` processes at once deliver
 * every spooled trace exactly once, and a batch killed with SIGKILL loses none of the runs it
 * had reported as finished (each is journaled before it is reported) nor their link to the
 * batch's one MLflow run.
 */
import { FakeMlflowServer } from "../_helpers/fake_mlflow_server.ts";
import { assert, assertEquals } from "../_helpers/assert.ts";
import { cliCommand, ROOT } from "../runtime/_helpers.ts";
import { Spool } from "../../src/tracking/delivery/spool.ts";
import { goldenBundle, withTraceId } from "../tracking/http/_golden_bundle.ts";
import { exactlyOnce, serverCounts } from "./_fixtures/tracking_harness.ts";

const hex = (n: number) => n.toString(16).padStart(32, "0");

async function withServer(fn: (server: FakeMlflowServer, dir: string) => Promise<void>) {
  const server = await FakeMlflowServer.start();
  const dir = await Deno.makeTempDir({ prefix: "spool_durability_" });
  try {
    await fn(server, dir);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

function permissions(server: FakeMlflowServer): string[] {
  return [
    "--no-prompt",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    `--allow-net=${server.host}`,
  ];
}

Deno.test("two traces push processes at once deliver each spooled trace exactly once", async () => {
  await withServer(async (server, dir) => {
    const bundle = await goldenBundle(server.url);
    const spool = new Spool({ dir: `${dir}/spool` });
    const traceIds: string[] = [];
    for (let n = 1; n <= 20; n++) {
      traceIds.push((await spool.write(withTraceId(bundle, hex(n))), `tr-${hex(n)}`));
    }
    const push = () =>
      cliCommand(
        permissions(server),
        ["traces", "push", "--spool-dir", `${dir}/spool`, "--json"],
        dir,
        "piped",
      ).output();
    const outputs = await Promise.all([push(), push()]);
    const reports = outputs.map((output) => {
      assertEquals(output.code, 0, new TextDecoder().decode(output.stderr));
      return JSON.parse(new TextDecoder().decode(output.stdout));
    });
    const delivered = reports.flatMap((report) => report.delivered);
    assertEquals(delivered.sort(), traceIds);
    assertEquals(reports.flatMap((report) => report.failed), []);
    assertEquals(serverCounts(server, traceIds), exactlyOnce(traceIds, 5));
    assertEquals(server.requestsTo("/v1/traces").length, 20);
    assertEquals(await spool.list(), []);
  });
});

Deno.test("a batch killed with SIGKILL loses none of the runs it reported; traces push delivers them", async () => {
  await withServer(async (server, dir) => {
    // The server takes no trace while the batch runs: every reported run is still undelivered.
    server.hold({ path: "/api/2.0/mlflow/experiments/get-by-name" });
    const lines = Array.from({ length: 40 }, (_, n) => JSON.stringify({ message: `m${n}` }));
    await Deno.writeTextFile(`${dir}/items.jsonl`, lines.join("\n") + "\n");
    const child = cliCommand(
      permissions(server),
      [
        "run",
        `${ROOT}examples/echo.yaml`,
        "--mock",
        "--json",
        "--input-file",
        `${dir}/items.jsonl`,
        "--concurrency",
        "2",
        "--tracking-uri",
        server.url,
      ],
      dir,
      "piped",
    ).spawn();
    const reported: string[] = [];
    const decoder = new TextDecoder();
    let buffered = "";
    const reader = child.stdout.getReader();
    while (reported.length < 5) {
      const { value, done } = await reader.read();
      assert(!done, `the batch ended before reporting 5 runs: ${reported.length}`);
      buffered += decoder.decode(value, { stream: true });
      const complete = buffered.split("\n");
      buffered = complete.pop() ?? "";
      for (const line of complete) {
        const traceId = JSON.parse(line).metadata?.traceId;
        if (typeof traceId === "string") reported.push(traceId);
      }
    }
    child.kill("SIGKILL");
    await child.status;
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
    server.release();

    // The killed process held its journal's claims; once their lease has run out, a push
    // takes them over.
    const spoolDir = `${dir}/.mlflow-spool`;
    const past = new Date(Date.now() - 10 * 60_000);
    for (const entry of Deno.readDirSync(spoolDir)) {
      await Deno.utime(`${spoolDir}/${entry.name}`, past, past);
    }
    const push = await cliCommand(
      permissions(server),
      ["traces", "push", "--spool-dir", spoolDir, "--json"],
      dir,
      "piped",
    ).output();
    assertEquals(push.code, 0, decoder.decode(push.stderr));
    const report = JSON.parse(decoder.decode(push.stdout));
    for (const traceId of reported) {
      assert(
        report.delivered.includes(traceId) || report.alreadyPresent.includes(traceId),
        `reported run ${traceId} was lost`,
      );
    }
    const counts = serverCounts(server, reported);
    assertEquals(counts.traces, exactlyOnce(reported, 3).traces);
    assertEquals(counts.spans, exactlyOnce(reported, 3).spans);
    // The batch has one MLflow run, created once whichever process delivered its traces, and
    // every reported trace is linked to it.
    const runs = [...server.runs.values()];
    assertEquals(runs.length, 1);
    const runId = String(runs[0]?.info.run_id);
    for (const traceId of reported) {
      assert(
        server.genai.links.has(`${traceId} ${runId}`),
        `${traceId} is not linked to the batch`,
      );
    }
  });
});
