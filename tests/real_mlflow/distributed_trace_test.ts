/**
 * Real MLflow and distributed tracing: a run nested under a foreign parent (`--traceparent`)
 * still shows whole in MLflow, with its root: MLflow's own client reads the trace under the
 * caller's trace id, finds a root span (no parent) named after the workflow, with every span
 * below it — for a SQLite file and for a tracking server.
 */
import { assert, assertEquals } from "../_helpers/assert.ts";
import { tempDir } from "../runtime/_helpers.ts";
import { cli, EXAMPLE, NEWEST, probe, type Readback, startServer } from "./_real_mlflow.ts";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

function assertWholeTrace(readback: Readback, where: string): void {
  const trace = readback.traces.find((found) => found.trace_id === `tr-${TRACE_ID}`);
  assert(trace !== undefined, `${where}: no trace tr-${TRACE_ID} in ${readback.traces.length}`);
  const roots = trace.spans.filter((span) => span.parent_id === null);
  assertEquals(roots.map((span) => span.name), ["workflow_article_writer"], where);
  assert(trace.spans.length > 3, `${where}: only ${trace.spans.length} spans`);
  assertEquals(trace.state, "OK", where);
  assert((trace.token_usage?.total_tokens ?? 0) > 0, `${where}: no token usage`);
}

Deno.test({
  name: "real MLflow: a run nested under a foreign traceparent shows whole, with its root",
  ignore: NEWEST === undefined,
  async fn(t) {
    const newest = NEWEST!;
    const args = ["run", EXAMPLE, "--mock", "--json", "-i", "topic=tide pools"];
    await t.step("in a SQLite file", async () => {
      await using dir = await tempDir();
      const result = await cli(dir.path, [
        ...args,
        "--tracking-uri",
        "sqlite:///mlflow.db",
        "--traceparent",
        TRACEPARENT,
      ]);
      assertEquals(result.code, 0, result.stderr);
      assertEquals(JSON.parse(result.stdout).metadata.traceId, `tr-${TRACE_ID}`);
      const [readback] = await probe(newest, [["read", "sqlite:///mlflow.db"]], dir.path);
      assertWholeTrace(readback as Readback, `${newest.label}, SQLite file`);
    });
    await t.step("on a tracking server", async () => {
      await using dir = await tempDir();
      await using server = await startServer(newest, {
        backendStoreUri: "sqlite:///server.db",
        dir: dir.path,
      });
      const result = await cli(
        dir.path,
        [...args, "--tracking-uri", server.url, "--traceparent", TRACEPARENT],
        new URL(server.url).host,
      );
      assertEquals(result.code, 0, result.stderr);
      const [readback] = await probe(newest, [["read", server.url]], dir.path);
      assertWholeTrace(readback as Readback, `${newest.label} server`);
    });
  },
});
