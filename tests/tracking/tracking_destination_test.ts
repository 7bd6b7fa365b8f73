import {
  defaultTrackingUri,
  parseTrackingUri,
  resolveTrackingDestination,
  type TrackingSettings,
} from "../../src/tracking/tracking_destination.ts";
import { WorkflowError } from "../../src/errors.ts";
import { assertEquals, assertThrows } from "../_helpers/assert.ts";

Deno.test("parseTrackingUri() follows MLflow's sqlite:/// and sqlite://// rules", () => {
  assertEquals(parseTrackingUri("sqlite:///mlflow.db"), {
    kind: "sqlite",
    uri: "sqlite:///mlflow.db",
    path: "mlflow.db",
  });
  assertEquals(parseTrackingUri("sqlite:///data/runs.db"), {
    kind: "sqlite",
    uri: "sqlite:///data/runs.db",
    path: "data/runs.db",
  });
  assertEquals(parseTrackingUri("sqlite:////var/lib/mlflow.db"), {
    kind: "sqlite",
    uri: "sqlite:////var/lib/mlflow.db",
    path: "/var/lib/mlflow.db",
  });
  const http = parseTrackingUri("https://mlflow.example.com:8443/prefix");
  assertEquals(http.kind === "http" && [http.url.hostname, http.url.port, http.url.pathname], [
    "mlflow.example.com",
    "8443",
    "/prefix",
  ]);
});

Deno.test("parseTrackingUri() refuses other URIs with a clear message", () => {
  for (
    const [uri, fragment] of [
      ["file:///tmp/mlruns", 'its scheme "file" is not supported'],
      ["postgresql://db/mlflow", 'its scheme "postgresql" is not supported'],
      ["sqlite://", "a SQLite URI names a file"],
      ["sqlite:///:memory:", "a SQLite URI names a file"],
      ["sqlite://host/x.db", "a SQLite URI names a file"],
      ["http://", "a tracking server URI reads"],
      ["mlflow.db", "it has no scheme"],
      ["sqlite:///a%zz.db", "its path is not percent-encoded correctly"],
    ]
  ) {
    const error = assertThrows(() => parseTrackingUri(uri ?? ""), WorkflowError, fragment);
    assertEquals((error as WorkflowError).code, "TRACKING_UNAVAILABLE");
  }
  const error = assertThrows(() => parseTrackingUri("ftp://ada:pw@host/x"), WorkflowError);
  assertEquals(error.message.includes("pw"), false);
});

Deno.test("defaultTrackingUri() reads MLFLOW_TRACKING_URI, else the SQLite default", () => {
  assertEquals(defaultTrackingUri(() => undefined), "sqlite:///mlflow.db");
  assertEquals(
    defaultTrackingUri((name) => name === "MLFLOW_TRACKING_URI" ? "http://m:5000" : undefined),
    "http://m:5000",
  );
});

Deno.test("parseTrackingUri() keeps credentials out of the URI it shows, and in the URL", () => {
  const destination = parseTrackingUri("http://ada:s3cret@mlflow.internal:5000");
  assertEquals(destination.uri, "http://mlflow.internal:5000");
  assertEquals(destination.kind === "http" && destination.url.password, "s3cret");
});

const env = (values: Record<string, string>) => (name: string) => values[name];
const uriOf = (settings: TrackingSettings | undefined, options = {}) =>
  resolveTrackingDestination(settings, options)?.uri;

Deno.test("resolveTrackingDestination() is off unless a URI is given or the workflow enables MLflow", () => {
  assertEquals(uriOf(undefined), undefined);
  assertEquals(uriOf({ enabled: false }), undefined);
  assertEquals(uriOf({ tracking_uri: "sqlite:///x.db" }), undefined);
});

Deno.test("resolveTrackingDestination() prefers the explicit URI, then the workflow's, then MLFLOW_TRACKING_URI", () => {
  const enabled = { enabled: true };
  const withUri = { enabled: true, tracking_uri: "sqlite:///wf.db" };
  const fromEnv = env({ MLFLOW_TRACKING_URI: "http://mlflow.internal:5000" });
  assertEquals(uriOf(enabled), "sqlite:///mlflow.db");
  assertEquals(uriOf(enabled, { env: fromEnv }), "http://mlflow.internal:5000");
  assertEquals(uriOf(withUri, { env: fromEnv }), "sqlite:///wf.db");
  assertEquals(
    uriOf(withUri, { env: fromEnv, trackingUri: " sqlite:///flag.db " }),
    "sqlite:///flag.db",
  );
  // An explicit URI turns tracking on for a workflow that does not enable it.
  assertEquals(uriOf(undefined, { trackingUri: "sqlite:///a.db" }), "sqlite:///a.db");
  // A destination parsed already is taken as it is.
  const parsed = parseTrackingUri("sqlite:///b.db");
  assertEquals(resolveTrackingDestination(undefined, { trackingUri: parsed }), parsed);
});

Deno.test("resolveTrackingDestination() is off with tracking: false even with a URI", () => {
  assertEquals(uriOf({ enabled: true }, { tracking: false }), undefined);
  assertEquals(
    uriOf({ enabled: true }, { tracking: false, trackingUri: "sqlite:///a.db" }),
    undefined,
  );
});
