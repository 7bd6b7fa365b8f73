/**
 * One process of the concurrency test: records a golden-shaped run through the tracker into the
 * SQLite file given as the first argument (creating it when new), with an MLflow run of its own
 * and the agent version every process shares, and prints the trace id.
 *
 * Usage: deno run --allow-read --allow-write --allow-env write_bundle.ts <db> <artifact root> <n>
 *
 * @module
 */
import { SqliteSink } from "../../../src/tracking/sqlite/sqlite_sink.ts";
import { recordGoldenShapedRun, syncTracker } from "../_helpers.ts";

const [path, artifactRoot, index] = Deno.args;
if (path === undefined || artifactRoot === undefined || index === undefined) {
  throw new TypeError("Cannot run as arguments are missing: <db> <artifact root> <n>");
}
const sink = await SqliteSink.open(path, { artifactRoot });
const warnings: string[] = [];
const tracker = syncTracker(sink, {
  trackingUri: `sqlite:///${path}`,
  experimentName: "concurrent",
  mlflow: { artifact_level: "minimal" },
  user: `process-${index}`,
  warn: (message) => warnings.push(message),
  runPerExecution: true,
  agentVersion: {
    name: "demo-0123abcd",
    params: { workflow: "demo", workflow_sha256: "0123abcd" },
    tags: { "mlflow.model.isExternal": "true" },
    artifacts: [{ path: "demo.yaml", content: "flow: { name: demo }\n" }],
  },
});
const ids = await recordGoldenShapedRun(tracker);
await tracker.close();
if (warnings.length > 0 || ids.runId === undefined) {
  throw new Error(`Cannot record run ${index}: ${warnings.join("; ")}`);
}
await Deno.stdout.write(new TextEncoder().encode(`${ids.traceId}\n`));
