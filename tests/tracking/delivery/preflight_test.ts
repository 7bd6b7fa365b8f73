import {
  checkDestination,
  type PermissionQuery,
} from "../../../src/tracking/delivery/preflight.ts";
import { parseTrackingUri } from "../../../src/tracking/tracking_destination.ts";
import { FakeMlflowServer } from "../../_helpers/fake_mlflow_server.ts";
import { assertEquals } from "../../_helpers/assert.ts";

const grantAll: PermissionQuery = () => Promise.resolve({ state: "granted" });
const connected = () => Promise.resolve({ close() {} });

Deno.test("checkDestination() names the --allow-write flag a SQLite file and its companions need", async () => {
  const asked: string[] = [];
  const result = await checkDestination(parseTrackingUri("sqlite:///data/mlflow.db"), {
    queryPermission: (descriptor) => {
      asked.push(`${descriptor.name}:${"path" in descriptor ? descriptor.path : ""}`);
      return Promise.resolve({ state: descriptor.name === "write" ? "prompt" : "granted" });
    },
  });
  assertEquals(result, {
    ok: false,
    kind: "permission",
    reason:
      'Cannot write traces to "sqlite:///data/mlflow.db" as Deno has no write permission for "data/mlflow.db"',
    flag:
      "--allow-write=data/mlflow.db,data/mlflow.db-wal,data/mlflow.db-shm,data/mlflow.db-journal,mlruns",
  });
  assertEquals(asked.slice(0, 5), [
    "read:data/mlflow.db",
    "read:data/mlflow.db-wal",
    "read:data/mlflow.db-shm",
    "read:data/mlflow.db-journal",
    "read:mlruns",
  ]);
  assertEquals(
    await checkDestination(parseTrackingUri("sqlite:///mlflow.db"), { queryPermission: grantAll }),
    {
      ok: true,
    },
  );
});

Deno.test("checkDestination() names --allow-net=host:port for a server Deno may not reach", async () => {
  const result = await checkDestination(
    parseTrackingUri("https://ada:pw@mlflow.example.com/prefix"),
    {
      queryPermission: (descriptor) =>
        Promise.resolve({ state: descriptor.name === "net" ? "denied" : "granted" }),
      connect: connected,
    },
  );
  assertEquals(result, {
    ok: false,
    kind: "permission",
    reason:
      'Cannot send traces to "https://mlflow.example.com/prefix" as Deno has no net permission for "mlflow.example.com:443"',
    flag: "--allow-net=mlflow.example.com:443",
  });
});

Deno.test("checkDestination() gives up on a TCP connection after the bound", async () => {
  let aborted = false;
  const result = await checkDestination(parseTrackingUri("http://10.255.255.1:5000"), {
    queryPermission: grantAll,
    connect: ({ signal }) =>
      new Promise((_, reject) =>
        signal.addEventListener("abort", () => {
          aborted = true;
          reject(new Error("aborted"));
        })
      ),
    sleep: () => Promise.resolve(),
  });
  assertEquals(result, {
    ok: false,
    kind: "unreachable",
    reason: 'Cannot reach the MLflow tracking server at "http://10.255.255.1:5000" within 3 s',
  });
  assertEquals(aborted, true);
});

Deno.test("checkDestination() connects to a live server and reports a refused one", async () => {
  const server = await FakeMlflowServer.start();
  try {
    assertEquals(await checkDestination(parseTrackingUri(server.url)), { ok: true });
  } finally {
    await server.stop();
  }
  const refused = await checkDestination(parseTrackingUri(server.url));
  assertEquals(!refused.ok && refused.kind, "unreachable");
});
