/**
 * Run as a subprocess by open_delivery_test.ts with Deno permissions that leave out the
 * tracking server: delivers the golden bundle to `Deno.args[0]` with the spool in
 * `Deno.args[1]`, then prints the warnings and outcome as JSON.
 *
 * @module
 */
import { openDelivery } from "../../../../src/tracking/delivery/open_delivery.ts";
import { goldenBundle } from "../../http/_golden_bundle.ts";

const [uri = "", spoolDir = ""] = Deno.args;
const warnings: string[] = [];
const delivery = openDelivery(uri, {
  warn: (message) => warnings.push(message),
  spoolDir,
  async: false,
});
const outcome = await delivery.submit(await goldenBundle(uri));
await delivery.close();
await Deno.stdout.write(
  new TextEncoder().encode(JSON.stringify({ warnings, state: outcome.state })),
);
