/**
 * Run as a subprocess by tracker_delivery_test.ts with Deno permissions that leave out the
 * tracking server: records one run through an `MlflowTracker` for `Deno.args[0]` with the spool
 * in `Deno.args[1]`, then prints the warnings and the run id as JSON.
 *
 * @module
 */
import { MlflowTracker } from "../../../../src/tracking/mlflow_tracker.ts";
import { recordGoldenShapedRun } from "../../_helpers.ts";

const [uri = "", spoolDir = ""] = Deno.args;
const warnings: string[] = [];
const tracker = new MlflowTracker({
  trackingUri: uri,
  experimentName: "no-net",
  warn: (message) => warnings.push(message),
  spool: { dir: spoolDir },
  async: false,
});
const ids = await recordGoldenShapedRun(tracker);
await tracker.close();
await Deno.stdout.write(
  new TextEncoder().encode(JSON.stringify({ warnings, runId: ids.runId ?? null })),
);
