/**
 * A process interrupted mid-run: it starts a run with an LLM call that never returns, prints
 * `ready`, and on SIGINT shuts the tracker down (as the CLI does) and exits with 130.
 *
 * Usage: deno run --allow-read --allow-write --allow-env interrupted_run.ts <db> <artifact root>
 *
 * @module
 */
import { SqliteSink } from "../../../src/tracking/sqlite/sqlite_sink.ts";
import { syncTracker } from "../_helpers.ts";

const [path, artifactRoot] = Deno.args;
if (path === undefined || artifactRoot === undefined) {
  throw new TypeError("Cannot run as arguments are missing: <db> <artifact root>");
}
const sink = await SqliteSink.open(path, { artifactRoot });
const tracker = syncTracker(sink, {
  trackingUri: `sqlite:///${path}`,
  experimentName: "interrupted",
  // With a run of its own, whose status (KILLED) the test checks too.
  runPerExecution: true,
});
const keepAlive = setInterval(() => {}, 60_000);
Deno.addSignalListener("SIGINT", async () => {
  await tracker.close({ timeoutMs: 2000 });
  clearInterval(keepAlive);
  Deno.exit(130);
});
const run = tracker.startRun({
  workflowName: "slow",
  workflowVersion: "1",
  nodeCount: 1,
  provider: "openai",
  model: "gpt-4o-mini",
  inputs: { topic: "waiting" },
});
const entered = Promise.withResolvers<void>();
void run.span(
  { type: "CHAIN", name: "think", nodeId: "think" },
  () =>
    run.span({ type: "CHAT_MODEL", name: "ChatOpenAI" }, () => {
      entered.resolve();
      return new Promise<void>(() => {});
    }),
);
await entered.promise;
await Deno.stdout.write(new TextEncoder().encode("ready\n"));
