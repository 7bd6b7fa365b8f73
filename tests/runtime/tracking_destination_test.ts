import { trackingDestination } from "../../src/runtime/tracking_destination.ts";
import { assertEquals } from "../_helpers/assert.ts";
import { loaded } from "./_helpers.ts";

const env = (values: Record<string, string>) => (name: string) => values[name];

Deno.test("trackingDestination() is off unless a URI is given or the workflow enables MLflow", () => {
  assertEquals(trackingDestination(loaded().config), undefined);
  assertEquals(trackingDestination(loaded(undefined, { enabled: false }).config), undefined);
  assertEquals(
    trackingDestination(loaded(undefined, { tracking_uri: "sqlite:///x.db" }).config),
    undefined,
  );
});

Deno.test("trackingDestination() prefers the explicit URI, then the workflow's, then MLFLOW_TRACKING_URI", () => {
  const enabled = loaded(undefined, { enabled: true }).config;
  const withUri = loaded(undefined, { enabled: true, tracking_uri: "sqlite:///wf.db" }).config;
  const fromEnv = env({ MLFLOW_TRACKING_URI: "http://mlflow.internal:5000" });
  assertEquals(trackingDestination(enabled), "sqlite:///mlflow.db");
  assertEquals(trackingDestination(enabled, { env: fromEnv }), "http://mlflow.internal:5000");
  assertEquals(trackingDestination(withUri, { env: fromEnv }), "sqlite:///wf.db");
  assertEquals(
    trackingDestination(withUri, { env: fromEnv, trackingUri: " sqlite:///flag.db " }),
    "sqlite:///flag.db",
  );
  // An explicit URI turns tracking on for a workflow that does not enable it.
  assertEquals(
    trackingDestination(loaded().config, { trackingUri: "sqlite:///a.db" }),
    "sqlite:///a.db",
  );
});

Deno.test("trackingDestination() is off with tracking: false even with a URI", () => {
  const enabled = loaded(undefined, { enabled: true }).config;
  assertEquals(trackingDestination(enabled, { tracking: false }), undefined);
  assertEquals(
    trackingDestination(enabled, { tracking: false, trackingUri: "sqlite:///a.db" }),
    undefined,
  );
});
