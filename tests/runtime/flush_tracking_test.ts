import { closeInBackground, flushTracking } from "../../src/runtime/flush_tracking.ts";
import { MlflowTracker } from "../../src/tracking/mlflow_tracker.ts";
import { assert, assertEquals, assertStringIncludes } from "../_helpers/assert.ts";
import { tempDir } from "./_helpers.ts";

Deno.test("flushTracking() returns once each tracker has spooled what it could not deliver within the same bound", async () => {
  await using dir = await tempDir();
  const warnings: string[] = [];
  const tracker = new MlflowTracker({
    trackingUri: "http://127.0.0.1:9",
    experimentName: "demo",
    async: true,
    preflight: false,
    spool: { dir: `${dir.path}/spool` },
    // A destination that never answers.
    sink: { deliver: () => new Promise(() => {}), close: () => Promise.resolve() },
    warn: (message) => warnings.push(message),
  });
  const run = tracker.startRun({
    workflowName: "demo",
    workflowVersion: undefined,
    nodeCount: 1,
    provider: "mock",
    model: "m",
    inputs: {},
  });
  await run.finish({ status: "success", outputs: {} });
  await closeInBackground(tracker);
  // The same bound as the tracker's own: the process may exit right after it.
  await flushTracking();
  const files = [...Deno.readDirSync(`${dir.path}/spool`)].map((entry) => entry.name);
  // The bundle `traces push` takes, not the claim of a delivery cut short, and the warning.
  assertEquals(files.length, 1);
  assert(files[0]!.endsWith(".json"), files[0]);
  assertEquals(warnings.length, 1);
  assertStringIncludes(warnings[0]!, "Cannot finish delivering 1 trace");
});
