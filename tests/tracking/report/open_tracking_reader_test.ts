import {
  chooseTrackingUri,
  openTrackingReader,
} from "../../../src/tracking/report/open_tracking_reader.ts";
import { DEFAULT_TRACKING_URI } from "../../../src/tracking/tracking_destination.ts";
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

/** The file `openTrackingReader` looks for, for a URI read from `cwd`. */
function fileRead(uri: string, cwd: string): string | undefined {
  let asked: string | undefined;
  openTrackingReader(uri, {
    cwd,
    env: () => undefined,
    fileExists: (path) => (asked = path, false),
  });
  return asked;
}

Deno.test("openTrackingReader() reads the file MLflow and the SQLite sink use for a URI", () => {
  assertEquals(fileRead("sqlite:///mlflow.db", "/work"), "/work/mlflow.db");
  assertEquals(fileRead("sqlite:////var/db/mlflow.db", "/work"), "/var/db/mlflow.db");
  assertEquals(fileRead("sqlite:///../x.db?mode=ro", "/work/a"), "/work/x.db");
  assertEquals(fileRead("sqlite:///my%20runs.db", "/work"), "/work/my runs.db");
  assertEquals(fileRead("sqlite:///runs.db#latest", "/work"), "/work/runs.db");
  for (const bad of ["file:///x", "sqlite://", "sqlite:///:memory:", "postgresql://u:pw@h/db"]) {
    assertThrows(() => fileRead(bad, "/"), TypeError, "as it is not a tracking URI");
  }
  assertThrows(() => fileRead("http://", "/"), TypeError, "as it is not a tracking URI");
  const error = assertThrows(() => fileRead("ftp://bob:hunter2@h", "/"), TypeError);
  assert(!error.message.includes("hunter2"));
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
