import { assertEquals } from "../../_helpers/assert.ts";
import { tableRows } from "../_helpers.ts";

const FIXTURE = new URL("../_fixtures/interrupted_run.ts", import.meta.url).pathname;
const REPO_ROOT = new URL("../../../", import.meta.url).pathname;

Deno.test("MlflowTracker.close() on SIGINT writes the open run's trace as ERROR, never IN_PROGRESS", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/interrupted.db`;
    const child = new Deno.Command("deno", {
      args: ["run", "--allow-read", "--allow-write", "--allow-env", FIXTURE, path, `${dir}/mlruns`],
      cwd: REPO_ROOT,
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let output = "";
    while (!output.includes("ready")) {
      const { value, done } = await reader.read();
      if (done) break;
      output += value;
    }
    assertEquals(output.trim(), "ready");
    child.kill("SIGINT");
    const status = await child.status;
    await reader.cancel();
    assertEquals(status.code, 130);
    const [trace] = tableRows(path, "trace_info");
    assertEquals(trace?.status, "ERROR");
    assertEquals(tableRows(path, "runs").map((run) => run.status), ["KILLED"]);
    const spans = tableRows(path, "spans");
    assertEquals(spans.map((span) => `${span.name}:${span.status}`).sort(), [
      "ChatOpenAI:ERROR",
      "think:ERROR",
      "workflow_slow:ERROR",
    ]);
    const stopReason = tableRows(path, "trace_tags").find((tag) =>
      tag.key === "configurable_agents.stop_reason"
    );
    assertEquals(stopReason?.value, "interrupted");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
