import { openSink } from "../../../src/tracking/delivery/open_sink.ts";
import { HttpSink } from "../../../src/tracking/http/http_sink.ts";
import type { TraceSink } from "../../../src/tracking/trace_bundle.ts";
import { parseTrackingUri } from "../../../src/tracking/tracking_destination.ts";
import { assertEquals, assertInstanceOf } from "../../_helpers/assert.ts";

Deno.test("openSink() opens an HttpSink for http(s) and the SQLite sink for sqlite URIs", async () => {
  const http = await openSink(parseTrackingUri("http://127.0.0.1:5000"), { env: () => undefined });
  assertInstanceOf(http, HttpSink);
  await http.close();

  const opened: string[] = [];
  const fake: TraceSink = {
    deliver: () => Promise.reject(new Error("unused")),
    close: () => Promise.resolve(),
  };
  assertEquals(
    await openSink(parseTrackingUri("sqlite:////abs/mlflow.db"), {
      openSqliteSink: (path) => (opened.push(path), fake),
    }),
    fake,
  );
  assertEquals(opened, ["/abs/mlflow.db"]);

  const dir = await Deno.makeTempDir();
  try {
    const sqlite = await openSink(parseTrackingUri("sqlite:///mlflow.db"), {
      sqlite: { cwd: dir, artifactRoot: `${dir}/mlruns` },
    });
    assertEquals((sqlite as TraceSink & { path: string }).path, "mlflow.db");
    await sqlite.close();
    assertEquals((await Deno.stat(`${dir}/mlflow.db`)).isFile, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
