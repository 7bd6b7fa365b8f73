import { resolve } from "node:path";
import {
  chooseTrackingUri,
  DEFAULT_TRACKING_URI,
  openTrackingReader,
  parseTrackingUri,
} from "../../../src/tracking/report/mod.ts";
import { parseTrackingUri as parseDestination } from "../../../src/tracking/delivery/parse_tracking_uri.ts";
import { isWorkflowError } from "../../../src/errors.ts";
import { assert, assertEquals, assertStrictEquals, assertThrows } from "../../_helpers/assert.ts";
import { createMlflowDb } from "./_mlflow_db.ts";

Deno.test("chooseTrackingUri() prefers the flag, then MLFLOW_TRACKING_URI, then the default", () => {
  const env = (value?: string) => (name: string) =>
    name === "MLFLOW_TRACKING_URI" ? value : undefined;
  assertEquals(chooseTrackingUri("sqlite:///a.db", env("http://x")), "sqlite:///a.db");
  assertEquals(chooseTrackingUri(undefined, env("http://x:5000")), "http://x:5000");
  assertEquals(chooseTrackingUri(" ", env("")), DEFAULT_TRACKING_URI);
  assertEquals(DEFAULT_TRACKING_URI, "sqlite:///mlflow.db");
});

Deno.test("parseTrackingUri() reads sqlite paths as MLflow does and keeps http URLs", () => {
  assertEquals(parseTrackingUri("sqlite:///mlflow.db", "/work"), {
    kind: "sqlite",
    path: "/work/mlflow.db",
  });
  assertEquals(parseTrackingUri("sqlite:////var/db/mlflow.db", "/work"), {
    kind: "sqlite",
    path: "/var/db/mlflow.db",
  });
  assertEquals(parseTrackingUri("sqlite:///../x.db?mode=ro", "/work/a"), {
    kind: "sqlite",
    path: "/work/x.db",
  });
  assertEquals(parseTrackingUri("https://mlflow.example:443/p", "/"), {
    kind: "http",
    url: "https://mlflow.example:443/p",
  });
  for (const bad of ["file:///x", "sqlite://", "sqlite:///:memory:", "postgresql://u:pw@h/db"]) {
    assertThrows(() => parseTrackingUri(bad, "/"), TypeError, "as it is not a tracking URI");
  }
  const error = assertThrows(() => parseTrackingUri("ftp://bob:hunter2@h", "/"), TypeError);
  assert(!error.message.includes("hunter2"));
});

Deno.test("parseTrackingUri() reads the file the SQLite sink writes for the same URI", () => {
  for (const uri of ["sqlite:///my%20runs.db", "sqlite:///runs.db#latest", "sqlite:////tmp/a.db"]) {
    const sink = parseDestination(uri);
    assertEquals(parseTrackingUri(uri, "/work"), {
      kind: "sqlite",
      path: sink.kind === "sqlite" ? resolve("/work", sink.path) : "",
    });
  }
  assertEquals(parseTrackingUri("sqlite:///my%20runs.db", "/work"), {
    kind: "sqlite",
    path: "/work/my runs.db",
  });
  assertThrows(() => parseTrackingUri("http://", "/"), TypeError, "as it is not a tracking URI");
});

Deno.test("openTrackingReader() returns undefined for a missing file and opens an existing one", async () => {
  const dir = await Deno.makeTempDir();
  const options = { cwd: dir, env: () => undefined };
  assertStrictEquals(openTrackingReader("sqlite:///mlflow.db", options), undefined);
  const db = await createMlflowDb("3.10", `${dir}/mlflow.db`);
  db.close();
  const reader = openTrackingReader("sqlite:///mlflow.db", options);
  assertEquals(reader?.location, `sqlite:///${dir}/mlflow.db`);
  assertEquals(await reader?.listExperiments(), [{ experimentId: "0", name: "Default" }]);
  await reader?.close();
  const http = openTrackingReader("http://127.0.0.1:1", options);
  assertEquals(http?.location, "http://127.0.0.1:1");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openTrackingReader() turns a refused read permission into PERMISSION_DENIED", () => {
  const error = assertThrows(
    () =>
      openTrackingReader("sqlite:////secret/mlflow.db", {
        cwd: "/",
        env: () => undefined,
        fileExists: () => {
          throw new Deno.errors.NotCapable("Requires read access");
        },
      }),
    Error,
    `Cannot read "/secret/mlflow.db" as Deno may not read it`,
  );
  assert(isWorkflowError(error) && error.code === "PERMISSION_DENIED");
  assertEquals(error.hint, "Run with --allow-read=/secret/mlflow.db");
});
