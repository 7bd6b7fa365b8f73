import {
  defaultTrackingUri,
  openSink,
  parseTrackingUri,
} from "../../../src/tracking/delivery/open_sink.ts";
import { HttpSink } from "../../../src/tracking/http/http_sink.ts";
import { WorkflowError } from "../../../src/errors.ts";
import type { TraceSink } from "../../../src/tracking/trace_bundle.ts";
import {
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertThrows,
} from "../../_helpers/assert.ts";

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

Deno.test("openSink() opens an HttpSink for http(s) and the SQLite sink for sqlite URIs", async () => {
  const http = await openSink("http://127.0.0.1:5000", { env: () => undefined });
  assertInstanceOf(http, HttpSink);
  await http.close();

  const opened: string[] = [];
  const fake: TraceSink = {
    deliver: () => Promise.reject(new Error("unused")),
    close: () => Promise.resolve(),
  };
  assertEquals(
    await openSink("sqlite:////abs/mlflow.db", {
      openSqliteSink: (path) => (opened.push(path), fake),
    }),
    fake,
  );
  assertEquals(opened, ["/abs/mlflow.db"]);

  const dir = await Deno.makeTempDir();
  try {
    const sqlite = await openSink("sqlite:///mlflow.db", {
      sqlite: { cwd: dir, artifactRoot: `${dir}/mlruns` },
    });
    assertEquals((sqlite as TraceSink & { path: string }).path, "mlflow.db");
    await sqlite.close();
    assertEquals((await Deno.stat(`${dir}/mlflow.db`)).isFile, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  await assertRejects(
    () => openSink("s3://bucket/x"),
    WorkflowError,
    'scheme "s3" is not supported',
  );
});
