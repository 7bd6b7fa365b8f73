import {
  defaultTrackingUri,
  parseTrackingUri,
} from "../../../src/tracking/delivery/parse_tracking_uri.ts";
import { WorkflowError } from "../../../src/errors.ts";
import { assertEquals, assertThrows } from "../../_helpers/assert.ts";

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
